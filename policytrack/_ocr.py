"""Markers that OCR misread, read back from their series (text read by OCR only; issue 12).

A scan loses a clause number ("3." read as "B,", "mì", "lễ,"), a letter of a roman numeral
("II" printed for "III"), or turns the end of a citation wrapped over two lines into what
looks like an article heading ("… tại khoản" / "1 Điều 49."). The structure parser sees such
a line as text, or as the wrong unit. Where the series around the line leaves one reading
only, ``read_misread`` gives the parser that reading:

* a **clause** whose number is lost or wrong, between khoản n-1 and khoản n+1 of the same
  article, the one line of that gap shaped like a clause label (a short token, a label
  mark, a lower-case token, or one made of digit look-alikes, then a capital), opening
  a paragraph. With no khoản n+1 after it (the article's last clause), only a token that
  ``digit_misreads`` (``data/units.yaml``) may read as n, followed by a label mark or a
  letter ``dot_misreads`` takes for the dot ("Bi" for "3."). The parser's own misread
  labels ("1;", "1,") are read before any capital ("Ủy ban" too, which its pattern misses).
* a **roman numeral** (Chương, or a roman part "III. NHIỆM VỤ") that breaks its sequence
  where one stroke I lost or added (after ``roman_misreads``) gives the number that
  continues it, and the next one (if any) follows on from it; a last one only when it
  repeats the one before (no document numbers two chapters alike). A V or X is never
  taken for another letter.
* a roman part I printed as a clause "1." ("1. QUAN ĐIỂM CHỈ ĐẠO"): a title in capitals,
  no part before it in its article, and part II the next.
* a citation's tail wrapped onto a line of its own ("1 Điều 49." under a line ending in
  "khoản") is not an article: it is left as text.

The text is never changed: each reading is a match of the parser's own marker pattern on a
copy of the line with the label rewritten to the same length, and the number read is
given as the match's group; offsets, headings and provision text stay the original's.
Every reading the parser takes is warned about, naming the form printed and its line.
Anything else (two candidate lines in one gap, a gap of two clauses, a line inside a
sentence) is left as the parser finds it.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from . import units

__all__ = ["read_misread", "clause_reading", "roman_reading"]

#: A line that may be a clause whose label OCR misread: a short token (no space), maybe a
#: label mark (and a speck after it: "4, . Lồng"), then the clause's text starting with a
#: capital (checked apart: ``[A-Z]`` misses "Ủ", "Đ"), maybe after an opening quote.
_CLAUSE_SHAPE = re.compile(
    r"^[ \t]*(?P<token>[^\s.,;:()\"']{1,3})(?P<label>[.,;:]?)"
    r"(?:(?P<gap>[ \t]+(?:[.,·'`:;_-][ \t]+)?)(?=\"?(?P<first>[^\W\d_]))|(?P<quote>(?=\"(?P<qfirst>[^\W\d_]))))",
    re.M)
#: What ends a paragraph (so that the next line opens one).
_PARAGRAPH_END = ".;:!?\"”)"
#: Marker kinds that end an article's run of clauses.
_SCOPE_ENDS = {"part", "chapter", "section", "subsection", "article", "annex", "closing", "issued_with",
               "roman", "roman_ocr"}
#: Marker kinds that end a run of roman parts (chapters run through the document).
_ROMAN_GROUPS = {"chapter": "chapter_n", "roman": "roman_n", "roman_ocr": "roman_ocr_n"}


class _Reading:
    """A marker match with some of its groups read otherwise (the number a misread label
    stands for); everything else is the match's."""

    def __init__(self, match: re.Match, groups: dict[str, str | None]):
        self._match, self._groups = match, groups

    def group(self, *names):
        if len(names) == 1:
            name = names[0]
            return self._groups[name] if name in self._groups else self._match.group(name)
        return tuple(self.group(n) for n in names)

    def __getattr__(self, name):
        return getattr(self._match, name)


def clause_reading(token: str, label: str, expected: int, *, next_follows: bool, quote: bool = False) -> bool:
    """May the label ``token`` + ``label`` (as OCR printed it) be clause ``expected``?

    Between khoản n-1 and khoản n+1 (``next_follows``) any short token will do that no
    sentence starts with: one with a label mark after it ("B,", "lễ,"), or a lower-case
    one ("mì"), or one made of digits and what ``digit_misreads`` reads as digits ("8."
    for "3.", "3" with its dot lost, "Si"); a capitalised word with no mark ("Bộ Tài
    chính …") is a sentence. A last clause (no khoản n+1 after
    it) needs a token ``digit_misreads`` may read as n ("B" is 3 or 8), with a label mark
    or a letter ``dot_misreads`` reads as one ("Bi"), or the number itself with its space
    lost before an opening quote (``quote``: '3."Vợ')."""
    if token.isdigit():
        if int(token) == expected:  # "1;" before "Ủy ban": the parser's misread label, any capital
            return (label == ".") if quote else bool(label) or next_follows
        return next_follows and not quote  # "8." between 2 and 4; never a gap of two
    if quote:
        return False
    if next_follows:
        return bool(label) or token[0].islower() or bool(digit_readings(token))
    if not label and len(token) > 1 and token[-1] in units.DOT_MISREADS:
        token, label = token[:-1], token[-1]  # "Bi": the dot read as a letter
    return bool(label) and str(expected) in digit_readings(token)


def digit_readings(token: str) -> set[str]:
    """Every number a token may stand for by ``digit_misreads`` ("B" → {"3", "8"})."""
    options = [""]
    for ch in token:
        chars = [ch] if ch.isdigit() else units.DIGIT_MISREADS.get(ch, ())
        if not chars:
            return set()
        options = [o + c for o in options for c in chars]
    return set(options)


def roman_reading(printed: str, expected: int) -> str | None:
    """The numeral ``expected`` if ``printed`` is it with one stroke ``I`` lost or added
    ("II" for "III", "IIII" for "III"), after ``roman_misreads`` ("1I" is "II"), else
    ``None``: a V or X is never taken for another letter."""
    want = units.to_roman(expected)
    if printed == want:
        return None
    fixed = "".join(units.ROMAN_MISREADS.get(ch, ch) for ch in printed)
    if fixed == want:
        return want
    short, long_ = sorted((fixed, want), key=len)
    if len(long_) - len(short) != 1:
        return None
    return want if any(long_[i] == "I" and long_[:i] + long_[i + 1:] == short for i in range(len(long_))) else None


def _kind(m: re.Match, text: str) -> str:
    """The marker's kind, ``"text"`` for one the parser reads as a sentence (``Điều 17, Điều
    24 và …`` or ``Chương II quy định …`` opening a line cite, they head nothing)."""
    kind = m.lastgroup
    if kind in ("article", "chapter", "section", "subsection"):
        eol = text.find("\n", m.end())
        rest = text[m.end():eol if eol >= 0 else len(text)].strip()
        if kind == "article":
            heads = m.group("article_p") is not None or not rest or rest[0].isupper()
        else:
            heads = not rest or m.group(0).rstrip()[-1] in ".:-" or rest == rest.upper()
        return kind if heads else "text"
    if kind == "roman_ocr":  # "1, Ủy ban …": the parser takes it only before a title in capitals
        eol = text.find("\n", m.end())
        title = [c for c in text[m.end():eol if eol >= 0 else len(text)] if c.isalpha()]
        return kind if len(title) >= 2 and all(c.isupper() for c in title) else "text"
    return kind


def _clause_number(m: re.Match) -> int | None:
    raw = m.group("clause_n") if m.lastgroup == "clause" else None
    if raw is None and m.lastgroup == "clause":
        raw = m.group("clause_mn")
    return int(raw) if raw and raw.isdigit() else None


def _roman_number(m: re.Match) -> tuple[str, int | None] | None:
    group = _ROMAN_GROUPS.get(m.lastgroup)
    if group is None:
        return None
    raw = m.group(group)
    if raw.isdigit():
        return raw, int(raw)
    fixed = units.misread_roman(raw) if m.lastgroup == "roman_ocr" else None
    return raw, units.roman_to_int(fixed or raw)


def _line_before(text: str, pos: int, start: int) -> str:
    """The last non-blank line before the line at ``pos`` (``""`` at the start)."""
    end = pos - 1
    while end > start:
        ls = text.rfind("\n", start, end) + 1
        line = text[ls:end].strip()
        if line:
            return line
        end = ls - 1
    return ""


def _opens_paragraph(text: str, pos: int, start: int, marker_lines: set[int]) -> bool:
    """Does the line at ``pos`` open a paragraph: after a blank line, a heading or other
    marker line, or a line that ends a sentence (not the wrapped rest of one)?"""
    if pos <= start:
        return True
    prev_start = text.rfind("\n", start, pos - 1) + 1
    line = text[prev_start:pos - 1].strip()
    return not line or prev_start in marker_lines or line[-1] in _PARAGRAPH_END


def _line_no(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def read_misread(found: Iterable[tuple[re.Match, int]], builder, pattern: re.Pattern,
                 start: int, end: int) -> Iterator[tuple[re.Match, int]]:
    """The markers ``found`` (match, line start) of ``[start, end)`` of ``builder.text``,
    with misread ones read from their series (see the module) and a citation's wrapped
    tail taken out. ``pattern`` is the parser's marker pattern; ``builder`` the tree
    builder, told of every reading it takes (``builder.warn``)."""
    text = builder.text
    found = list(found)
    events = _events(text, found, start, end)
    first = _first_romans(text, events, pattern)
    events = [(pos, "roman", first[pos][0]) if pos in first else (pos, kind, m) for pos, kind, m in events]
    readings = {**_clause_readings(text, events, pattern, start), **_roman_readings(events), **first}
    dropped = _wrapped_citations(text, found, start)
    extra = sorted(p for p in readings if p not in {pos for _, pos in found})
    merged = [(m, pos) for m, pos in found] + [(None, p) for p in extra]
    merged.sort(key=lambda e: e[1])
    for m, pos in merged:
        reading = readings.get(pos)
        if reading is None:
            if pos in dropped:
                builder.warn(dropped[pos], pos, pos + len(m.group(0).strip()))
                continue
            yield m, pos
            continue
        match, (printed, read_as, why) = reading
        at = text.find(printed, pos)
        at = pos if at < 0 else at  # the form as printed, past any specks before it
        top = builder.stack[-1]
        yield match, pos
        if builder.stack[-1] is not top and builder.stack[-1].start == pos:
            builder.warn(f"'{printed}' read as {read_as} (OCR misread: {why}, line {_line_no(text, pos)})",
                         at, at + len(printed))


def _events(text: str, found, start: int, end: int) -> list[tuple[int, str, re.Match | None]]:
    """Markers and candidate clause lines, in text order: (line start, kind, match); a
    candidate line has kind ``"candidate"`` and its ``_CLAUSE_SHAPE`` match."""
    events = [(pos, _kind(m, text), m) for m, pos in found]
    at = {pos for pos, kind, _ in events if kind != "text"}  # a line read as text may be a clause
    for c in _CLAUSE_SHAPE.finditer(text, start, end):
        ls = c.start()
        if ls in at or (ls > 0 and text[ls - 1] != "\n") or not (c.group("first") or c.group("qfirst")).isupper():
            continue
        events.append((ls, "candidate", c))
    events.sort(key=lambda e: e[0])
    return events


def _clause_readings(text: str, events, pattern: re.Pattern, start: int) -> dict:
    """Line start → (reading match, note) for the clauses read from their series."""
    out = {}
    marker_lines = {pos for pos, kind, _ in events if kind in _SCOPE_ENDS}  # headings
    run: list = []  # the clauses and candidates between two ends of a run (an article, …)

    def flush():
        _clauses_of_run(text, run, pattern, start, out, marker_lines)
        run.clear()

    for event in events:
        if event[1] in _SCOPE_ENDS:
            flush()
        elif event[1] in ("clause", "candidate"):
            run.append(event)
    flush()
    return out


def _clauses_of_run(text: str, run, pattern: re.Pattern, start: int, out: dict, marker_lines: set[int]) -> None:
    """Read the clauses of one run (an article's, or a roman part's) whose label is lost or
    wrong; a candidate is read only when it is the one line in its gap."""
    previous, unread = 0, 0  # the last clause of the series; candidate lines not read after it
    for i, (pos, kind, m) in enumerate(run):
        n = _clause_number(m) if kind == "clause" else None
        if n is not None and n == previous + 1:
            previous, unread = n, 0
            continue
        expected = previous + 1
        nxt = run[i + 1] if i + 1 < len(run) else None
        next_follows = nxt is not None and nxt[1] == "clause" and _clause_number(nxt[2]) == expected + 1
        if kind == "clause":
            # a digit misread as another ("8." between 2 and 4); else the parser judges it
            if n is None or unread or not clause_reading(str(n), ".", expected, next_follows=next_follows):
                if n is not None and n > previous:
                    previous = n
                continue
            group = "clause_n" if m.group("clause_n") else "clause_mn"
            reading, printed = _Reading(m, {group: str(expected)}), m.group("clause").strip()
        else:
            token, label, quote = m.group("token"), m.group("label"), m.group("quote") is not None
            # "1;" before "Ủy ban": the parser's own misread label, before a capital it misses
            strong = token.isdigit() and int(token) == expected and bool(label)
            if not strong:
                alone = not unread and (next_follows or nxt is None)  # the one line in its gap
                if not (alone and _opens_paragraph(text, pos, start, marker_lines)
                        and clause_reading(token, label, expected, next_follows=next_follows, quote=quote)):
                    unread += 1
                    continue
            reading = _clause_match(text, m, pattern, expected)
            if reading is None:
                unread += 1
                continue
            printed = token + label
        why = (f"between khoản {previous} and khoản {expected + 1}" if next_follows
               else f"after khoản {previous}, the last of its article" if nxt is None
               else f"after khoản {previous}")
        out[pos] = (reading, (printed, f"khoản {expected}", why))
        previous, unread = expected, 0


def _clause_match(text: str, c: re.Match, pattern: re.Pattern, n: int):
    """The parser's clause match on a copy of the line whose token and label are written
    as a clause label of the same length (an opening quote fused to it, as a space); the
    number read is given as its group."""
    s, e = c.start("token"), c.end()
    width = e - s
    if width < 2:
        return None
    if width == 2 and text.startswith('"', e):
        shadow = text[:s] + "1. " + text[e + 1:]  # '3."Vợ': the quote stands for the space
    else:
        shadow = text[:s] + "1." + " " * (width - 2) + text[e:]
    m = pattern.match(shadow, c.start())
    if m is None or m.lastgroup != "clause" or m.group("clause_n") is None:
        return None
    return _Reading(m, {"clause_n": str(n)})


def _roman_readings(events) -> dict:
    """Line start → (reading match, note) for roman numerals read from their sequence:
    chapters through the document (an annex starts again), roman parts per article."""
    out = {}
    chapters: list = []
    parts: list = []

    def flush(run):
        _romans_of_run(run, out)
        run.clear()

    for pos, kind, m in events:
        if kind == "annex":
            flush(chapters)
            flush(parts)
        elif kind in ("article", "part", "closing", "issued_with"):
            flush(parts)
        if kind == "chapter":
            flush(parts)
            chapters.append((pos, kind, m))
        elif kind in ("roman", "roman_ocr"):
            parts.append((pos, kind, m))
    flush(chapters)
    flush(parts)
    return out


def _first_romans(text: str, events, pattern: re.Pattern) -> dict:
    """Line start → (reading, note) for a roman part I that OCR printed as a clause "1."
    ("1. QUAN ĐIỂM CHỈ ĐẠO"): a title in capitals, no roman part before it in its article
    (or text), and the first one after it is II."""
    out = {}
    for i, (pos, kind, m) in enumerate(events):
        if kind != "clause" or m.group("clause_n") != "1":
            continue
        eol = text.find("\n", m.end())
        title = [c for c in text[m.end():eol if eol >= 0 else len(text)] if c.isalpha()]
        if len(title) < 4 or not all(c.isupper() for c in title):
            continue
        before = next((k for _, k, _ in reversed(events[:i]) if k in ("article", "roman", "roman_ocr", "annex")), None)
        after = next(((k, mm) for _, k, mm in events[i + 1:] if k in ("article", "roman", "roman_ocr", "annex", "closing")),
                     None)
        if before in ("roman", "roman_ocr") or after is None or after[0] not in ("roman", "roman_ocr"):
            continue
        raw, n = _roman_number(after[1])
        if n != 2:
            continue
        s = m.start("clause_n")
        shadow = text[:s] + "I" + text[s + 1:]
        reading = pattern.match(shadow, pos)
        if reading is None or reading.lastgroup != "roman":
            continue
        out[pos] = (reading, ("1.", "I.", "a part in capitals before II"))
    return out


def _romans_of_run(run, out: dict) -> None:
    previous = 0
    for i, (pos, kind, m) in enumerate(run):
        raw, n = _roman_number(m)
        if n == previous + 1:
            previous = n
            continue
        if raw.isdigit():
            continue
        expected = previous + 1
        nxt = run[i + 1] if i + 1 < len(run) else None
        if nxt is not None:
            if _roman_number(nxt[2])[1] != expected + 1:
                continue
        elif raw != units.to_roman(previous) or previous == 0:
            continue  # the last of its series: only a repeat of the one before
        fixed = roman_reading(raw, expected)
        if fixed is None:
            continue
        group = _ROMAN_GROUPS[kind]
        groups = {group: fixed}
        if kind == "chapter":
            groups["chapter_misread"] = None
        word = "Chương " if kind == "chapter" else ""
        why = (f"between {word}{units.to_roman(previous)} and {word}{units.to_roman(expected + 1)}" if nxt is not None
               else f"a repeat of {word}{units.to_roman(previous)}")
        out[pos] = (_Reading(m, groups), (m.group(kind).strip(), f"{word}{fixed}", why))
        previous = expected


def _wrapped_citations(text: str, found, start: int) -> dict[int, str]:
    """Line start → warning, for article markers that are a citation wrapped from the line
    above: "1 Điều 49." under a line ending in "khoản" (the page-number prefix is the
    clause's number), or "Điều 11 Nghị định số …" (no dot) under a line that does not end
    its sentence and out of the article sequence. Neither is an article."""
    out = {}
    words = tuple(w for kind in ("clause", "point", "article") for w in units.UNITS[kind].cited)
    marker_lines = {pos for m, pos in found if _kind(m, text) in _SCOPE_ENDS}
    last = 0
    for m, pos in found:
        if _kind(m, text) == "annex":
            last = 0
        if _kind(m, text) != "article":
            continue
        where = f"kept as text (OCR, line {_line_no(text, pos)})"
        printed = m.group("article").strip()
        digits = int(re.match(r"\d+", m.group("article_n")).group())
        lead = re.match(r"[ \t]*(\d{1,4})[ \t]", m.group("article"))
        before = _line_before(text, pos, start)
        last_word = before.rsplit(None, 1)[-1] if before else ""
        if lead is not None and last_word in words:
            out[pos] = f"'{printed}' after '{last_word}' at a line end: a citation wrapped onto its own line, {where}"
        elif (m.group("article_p") is None and digits not in (last + 1, 1)
              and not _opens_paragraph(text, pos, start, marker_lines)):
            out[pos] = (f"'{printed}' after Điều {last}, under a sentence that goes on: a citation wrapped "
                        f"onto its own line, {where}")
        else:
            last = max(last, digits)
    return out
