"""What the header steps share: the window's lines, dates, and the context built once per span."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import DocumentMeta, PartialDate
from ..text import strip_span
from .doctypes import DocType, DocTypes
from .patterns import (
    _THANG,
    BASES_CHARS,
    BODY_RE,
    DOC_LAP_RE,
    HEADER_CHARS,
    HEADER_LINES,
    KINH_GUI_RE,
    MD_CHARS,
    MOTTO_RE,
    STAMP_FIELD_RE,
    STAMP_HEAD_RE,
)


class _Line(NamedTuple):
    start: int
    end: int  # end of the line's text, newline excluded
    raw: str
    clean: str  # stripped of whitespace and markdown markers

    @property
    def blank(self) -> bool:
        return not self.raw.strip()

    @property
    def separator(self) -> bool:
        """A rule such as ``-------`` or ``*``: not blank, no letter or digit."""
        return not self.blank and not any(c.isalnum() for c in self.raw)


def _clean(s: str) -> str:
    return s.strip().strip("*_#>").strip()


def _lines(text: str, start: int, end: int, max_lines: int) -> list[_Line]:
    """The first ``max_lines`` lines of ``text[start:end]`` (bounded window)."""
    out: list[_Line] = []
    pos = start
    while pos < end and len(out) < max_lines:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        raw = text[pos:stop]
        out.append(_Line(pos, stop, raw, _clean(raw)))
        pos = stop + 1
    return out


def _is_caps(s: str) -> bool:
    """At least two letters, all of them capitals: ``"BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"``."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _item_text(t: str) -> str:
    """A list item without its markdown and trailing punctuation: ``"Như trên;"`` -> ``"Như trên"``."""
    return t.strip().strip("*_").strip().rstrip(";.,").strip()


def _join_missing(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --------------------------------------------------------------------------- dates


def _make_date(m: re.Match, warnings: list[str] | None, label: str = "date") -> PartialDate | None:
    """A ``PartialDate`` from a ``_DATE`` match; ``None`` when it holds nothing at all."""
    if m.group("d2"):
        d, mo, y = m.group("d2"), m.group("m2"), m.group("y2")
    else:
        d, mo, y = m.group("d"), m.group("m"), m.group("y")
    written = m.group("date").strip()
    if d is None and mo is None and y is None and not re.search(_THANG, written, re.I):
        return None
    day, month, year = (int(v) if v else None for v in (d, mo, y))
    if day is not None and not 1 <= day <= 31:
        day = None
        if warnings is not None:
            warnings.append(f"{label} has an impossible day: {d}")
    if month is not None and not 1 <= month <= 12:
        month = None
        if warnings is not None:
            warnings.append(f"{label} has an impossible month: {mo}")
    date = PartialDate(written, day, month, year)
    missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if v is None]
    if missing and warnings is not None:
        warnings.append(f"{label} incomplete: {_join_missing(missing)} missing")
    return date


_NUMBER_TOKEN_RE = re.compile(r"^.*[\d/:]\S*[ \t]+")


def _place(pre: str) -> str | None:
    """The place name at the end of what precedes ", ngày": ``"Số: 1/QĐ-X Hà Nội"`` -> ``"Hà Nội"``."""
    chunk = re.split(r"\t| {2,}", pre)[-1]
    chunk = _NUMBER_TOKEN_RE.sub("", chunk)
    chunk = chunk.strip(" *_#>")
    words = chunk.split()
    if not words or len(words) > 6 or len(chunk) > 50:
        return None
    if not chunk[0].isupper() or any(c in chunk for c in ";:()\"") or any(c.isdigit() for c in chunk):
        return None
    return chunk


# --------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    """What the header steps share: the window's lines and what each line was used for."""

    text: str
    start: int
    end: int
    vocab: DocTypes
    lines: list[_Line]
    body_idx: int  # first line of the body in the window (Điều 1, Chương I, ...)
    body_pos: int  # absolute start of the body (or a bound)
    stamp: set[int]
    motto: dict[int, int]  # line index -> absolute start of the motto
    doc_lap: set[int]
    kinh_idx: int | None
    used: set[int] = field(default_factory=set)
    number_idx: int | None = None
    number_pre: tuple[int, int] | None = None
    heading_idx: int | None = None
    heading_type: DocType | None = None
    heading_text: str | None = None
    draft_cut: dict[int, int] = field(default_factory=dict)  # line index -> cut position
    subject_marker: tuple[int, int] | None = None  # the "V/v" itself

    @classmethod
    def build(cls, text: str, start: int, end: int, vocab: DocTypes) -> "_Ctx":
        limit = min(end, start + HEADER_CHARS)
        lines = _lines(text, start, limit, HEADER_LINES)
        body = BODY_RE.search(text, start, min(end, start + BASES_CHARS))
        body_pos = body.start() if body else min(end, start + BASES_CHARS)
        body_idx = next((i for i, ln in enumerate(lines) if ln.start >= body_pos), len(lines))
        stamp = _stamp_lines(text, lines)
        motto, doc_lap = {}, set()
        for i, ln in enumerate(lines):
            m = MOTTO_RE.search(text, ln.start, ln.end)
            if m:
                motto[i] = m.start()
            if DOC_LAP_RE.search(text, ln.start, ln.end):
                doc_lap.add(i)
        kinh_idx = next(
            (i for i, ln in enumerate(lines[:body_idx]) if KINH_GUI_RE.match(text, ln.start, ln.end)),
            None,
        )
        return cls(text, start, end, vocab, lines, body_idx, body_pos, stamp, motto, doc_lap, kinh_idx)

    def special(self, i: int) -> bool:
        """A line that can be no field's text: stamp, motto, independence line, rule."""
        return i in self.stamp or i in self.motto or i in self.doc_lap or self.lines[i].separator

    def header_end(self, meta: DocumentMeta) -> int:
        return max([self.start] + [e for k, (_, e) in meta.spans.items() if "." not in k])


def _stamp_lines(text: str, lines: list[_Line]) -> set[int]:
    """Indexes of the lines of receiving-office stamps (``ĐẾN Số:..... Ngày:.....``).

    The capitalised office name directly above an "ĐẾN" line belongs to the stamp too.
    """
    found: set[int] = set()
    for i, ln in enumerate(lines):
        # A stamp field is "Số:....." or "Ngày: …": no dots, no field (a cheap pre-check).
        dotted = text.find("..", ln.start, ln.end) >= 0 or text.find("…", ln.start, ln.end) >= 0
        if STAMP_HEAD_RE.match(text, ln.start, ln.end) or (dotted and STAMP_FIELD_RE.search(text, ln.start, ln.end)):
            found.add(i)
            if STAMP_HEAD_RE.match(text, ln.start, ln.end) and i > 0 and _is_caps(lines[i - 1].clean):
                found.add(i - 1)
    return found


def _item_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span of an item's text, without markdown and trailing ``; . ,``."""
    s, e = strip_span(text, s, e, MD_CHARS)
    while e > s and text[e - 1] in ";.,* \t_":
        e -= 1
    return s, e
