"""Splitting a file into the documents it holds (a scan can hold two letters)."""

from __future__ import annotations

import re

from .context import _clean, _is_caps, _lines
from .doctypes import load_doc_types
from .fields import _number_from
from .patterns import (
    ANNEX_RE,
    CLOSING_CHARS,
    CLOSING_WINDOW,
    MOTTO_RE,
    NEW_HEADER_CHARS,
    NOI_NHAN_RE,
    NUMBER_RE,
    SIGNATURE_RE,
)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _issuer_top(text: str, line_start: int, floor: int, max_lines: int = 6) -> int:
    """Start of the contiguous capitalised lines directly above ``line_start`` (no blank
    line between), i.e. where the issuer lines above a motto begin."""
    top = line_start
    for _ in range(max_lines):
        if top <= floor or top < 2:
            break
        prev_start = max(floor, text.rfind("\n", 0, top - 1) + 1)
        prev = text[prev_start : top - 1]
        if not prev.strip() or not _is_caps(_clean(prev)) or MOTTO_RE.search(prev):
            break
        top = prev_start
    return top


#: Cheap literal-prefixed hints for whole-text scans (Python's ``re`` is fast only when a
#: pattern starts with a literal); each hit's line is then checked with the full pattern.
_MOTTO_HINTS = (re.compile(r"VI[ỆE]T[ \t]+NAM"),)  # both mottos end with "VIỆT NAM"
_NUMBER_HINTS = (re.compile(r"S[ốoỐO][ \t]*(?::|\d)"), re.compile(r"số[ \t]*:"))


def _hinted_lines(text: str, hints: tuple[re.Pattern, ...]) -> list[tuple[int, int]]:
    """``(start, end)`` of the lines holding a hit of any hint, in order, without repeats.

    Hits inside a line already found are skipped without a search, so a huge single-line
    text costs one pass, not one pass per hit.
    """
    lines: dict[int, int] = {}
    for hint in hints:
        pos, n = 0, len(text)
        while pos <= n:
            m = hint.search(text, pos)
            if not m:
                break
            ls = _line_start(text, m.start())
            le = text.find("\n", m.end())
            le = n if le < 0 else le
            lines[ls] = le
            pos = le + 1
    return sorted(lines.items())


def _header_candidates(text: str) -> list[int]:
    """Line starts of motto lines and real "Số: 12/…" lines, in order."""
    found = {ls for ls, le in _hinted_lines(text, _MOTTO_HINTS) if MOTTO_RE.search(text, ls, le)}
    for ls, le in _hinted_lines(text, _NUMBER_HINTS):
        m = NUMBER_RE.match(text, ls, le)
        if m and _number_from(text, m, strict=True, vocab=load_doc_types()):
            found.add(ls)
    return sorted(found)


def _looks_like_header(text: str, b: int) -> bool:
    """The part starting at ``b`` has a real number or a type heading in its first lines."""
    stop = min(len(text), b + NEW_HEADER_CHARS)
    for m in NUMBER_RE.finditer(text, b, stop):
        if _number_from(text, m, strict=True, vocab=load_doc_types()):
            return True
    heading_re = load_doc_types().heading_re
    for ln in _lines(text, b, stop, 40):
        m = heading_re.match(text, ln.start, ln.end)
        if m and (not m.group("rest") or _is_caps(m.group("rest"))):
            return True
    return False


def _closing_before(text: str, cur: int, b: int) -> int | None:
    """Position of the last closing block ("Nơi nhận:" or a signature) in ``[cur, b)``.

    A closing block sits right above the next document's header, so only the last
    ``CLOSING_WINDOW`` characters are searched: a file is scanned about once, however many
    header-like lines its bodies hold.
    """
    lo = max(cur, b - CLOSING_WINDOW)
    nn = None
    for nn in NOI_NHAN_RE.finditer(text, lo, b):
        pass
    sig = None
    for sig in SIGNATURE_RE.finditer(text, max(cur, b - CLOSING_CHARS), b):
        pass
    positions = [m.start() for m in (nn, sig) if m is not None]
    return max(positions) if positions else None


def split_documents(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the documents ``text`` holds, covering it with no gap.

    A new document starts at the issuer lines above a header (motto or "Số:" line) that
    follows a closing block of the previous one; see the module docstring for the rules
    that keep annex templates and quoted documents from splitting.

    >>> split_documents("Số: 1/X-Y\\nNơi nhận:\\n- A.\\nB\\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\nSố: 2/X-Y\\n")
    [(0, 27), (27, 72)]
    """
    n = len(text)
    if n == 0:
        return [(0, 0)]
    bounds = [0]
    for c in _header_candidates(text):
        cur = bounds[-1]
        if c <= cur:
            continue
        b = _issuer_top(text, c, cur)
        if b <= cur:
            continue
        closing = _closing_before(text, cur, b)
        if closing is None:
            continue
        if ANNEX_RE.search(text, closing, b):
            continue  # an annex (template) follows the closing block: a motto there is the annex's
        if text.count('"', closing, b) % 2:
            continue  # inside a quotation
        if not _looks_like_header(text, b):
            continue
        bounds.append(b)
    return list(zip(bounds, bounds[1:] + [n]))
