"""Split a Vietnamese legal text into its tree of provisions.

``parse(source)`` returns one ``Document`` per document the file holds (a scanned file can
hold two letters), each with its header metadata (``policytrack.header``) and a tree
Phần → Chương → Mục → Tiểu mục → Điều → khoản → điểm → sub-point, plus Phụ lục after the
signature.

How it works, and why it is fast: one compiled regex finds every candidate marker at a line
start in a single C-level scan; Python then walks only the markers (not the lines),
accepting or rejecting each by the state of the tree (a point needs a clause or an article,
clause numbers run in sequence, nothing inside quoted replacement text counts). Rejected
markers, and text that fits nowhere, stay as text of the nearest node with a warning: the
parser never refuses input. Misprints and OCR misreads of a marker ("Điêu 5.", "Chương 1I",
"1 .", "a )": ``misread``, ``misread_label`` and ``roman_misreads`` in ``data/units.yaml``)
are read only on a heading-shaped line that continues its series, each with a warning
naming the form and its line; in text read by OCR, specks before a marker are skipped. A
clause number printed without its dot ("1 Trường hợp …") is read only where it opens a
paragraph as the next clause and the next label below it is the one after, with a warning.

Provision ids are ``<document id>:<path>``; the path is built from these segments::

    p1      Phần thứ nhất             c2      Chương II
    c2.m1   Mục 1 of Chương II        c2.m1.tm1  Tiểu mục 1
    d8      Điều 8 (articles are numbered through the document, so no chapter prefix)
    d8.k3   khoản 3 of Điều 8         d8.k3.a    điểm a (đ is written dd)
    d8.k3.a.i1  first dash item       d8.k3.a.a1 sub-point a1)
    pl1     Phụ lục I; pl1.d2 an article of a regulation issued as an annex
    k1      a numbered paragraph of a letter that has no articles

A repeated path (a document numbering two articles 5) gets ``~2``, ``~3`` with a warning.
"""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path

from . import _ocr, ids, units
from .model import Document, DocumentMeta, ParseWarning, Provision, Source
from .header import DocTypes, parse_header, split_documents
from .read import read
from .sources import SourceRegister
from .text import strip_span

__all__ = ["parse", "parse_text", "parse_span", "quoted_regions"]

LEVEL = {
    "part": 1,
    "chapter": 2,
    "section": 3,
    "subsection": 4,
    "article": 5,
    "clause": 6,
    "point": 7,
    "subpoint": 8,
    "item": 9,
}


def _heading(kind: str) -> str:
    return units.alternation(units.UNITS[kind].heading)


_ORD = units.alternation([units.ORDINAL_WORD, units.ORDINAL_WORD.upper()])
_LETTER = units.letter_class()


def _small_letters() -> str:
    """The small Latin letters as the inside of a character class (a capital is a letter
    that is none of them). They are listed from the Latin blocks themselves, because a range
    such as ``à-ỹ`` also spans the capitals between (Ă Đ Ĩ Ũ Ơ Ư, and Ạ Ả … Ỹ, which
    alternate with their small letters)."""
    small = [c for block in ((0x61, 0x250), (0x1E00, 0x1F00)) for c in map(chr, range(*block)) if c.islower()]
    ranges: list[list[str]] = []
    for c in small:
        if ranges and ord(c) == ord(ranges[-1][1]) + 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(a if a == b else f"{a}-{b}" for a, b in ranges)


#: A capital letter (Vietnamese included: Đ, Ư, Ạ … Ỹ), and a small Latin one.
_UPPER, _SMALL = f"[^\\W\\d_{_small_letters()}]", f"[{_small_letters()}]"
#: A consolidated text's footnote printed inline after a unit's label, in brackets with no
#: mark: "1.[ Khoản này được sửa đổi, bổ sung theo …] Người …".
_INLINE_NOTE = rf"\[[ \t]*{_UPPER}[^\n\]]*\]"
#: A clause number printed without its dot before a sentence ("1 Trường hợp …"; spaces
#: only, a tab separates a table's cells; a capital then a small letter, so "1 QUAN ĐIỂM"
#: stays the OCR reading of a roman part). Not in text read by OCR, whose lost labels
#: ``policytrack._ocr`` reads from their series.
_BARE_CLAUSE = rf"|(?P<clause_bare>(?P<clause_bn>\d{{1,3}})(?= +{_UPPER}{_SMALL}))"


def _misread_words(kind: str) -> str:
    """Misprints and OCR misreads of a unit word (``units.yaml``: ``misread``), or a pattern
    that never matches when the unit lists none."""
    words = units.UNITS[kind].misread
    return units.alternation(words) if words else "(?!)"


def _misread_labels(kind: str) -> str:
    """What scans print after a clause number or point letter (``misread_label``); a
    space in the data stands for a run of spaces."""
    forms = units.UNITS[kind].misread_label
    return "(?:" + "|".join(re.escape(f).replace("\\ ", "[ \t]+") for f in forms) + ")" if forms else "(?!)"


#: A roman numeral with characters scans print for its letters ("1I", "T", "l").
_ROMAN_MISREAD = "[IVXLC" + "".join(re.escape(c) for c in units.ROMAN_MISREADS) + "]{1,7}"
_MARKER_BODY = (
    r"[ \t]*(?:"
    rf"(?P<part>{_heading('part')}[ \t]+{_ORD}[ \t]+(?P<part_n>[^\W\d_]+))"
    rf"|(?P<chapter>(?:\d{{1,4}}[ \t]*)?(?:{_heading('chapter')}|(?P<chapter_misprint>{_misread_words('chapter')}))"
    rf"[ \t]+(?P<chapter_n>[IVXLC]+(?P<chapter_inserted>[a-zđ])?|\d{{1,3}}|(?P<chapter_misread>{_ROMAN_MISREAD}))\b[ \t]*[.:-]?)"
    rf"|(?P<subsection>{_heading('subsection')}[ \t]+(?P<subsection_n>\d{{1,3}})\b[ \t]*[.:-]?)"
    rf"|(?P<section>{_heading('section')}[ \t]+(?P<section_n>\d{{1,3}})\b[ \t]*[.:-]?)"
    rf"|(?P<article>(?:\d{{1,4}}[ \t]*)?(?:{_heading('article')}|(?P<article_misprint>{_misread_words('article')}))"
    rf"[ \t]+(?P<article_n>\d{{1,7}}{_LETTER}?)\b[ \t]*(?P<article_p>[.:])?)"
    rf"|(?P<annex>{_heading('annex')}(?:[ \t]+(?:[Ss]ố[ \t]+|SỐ[ \t]+)?(?P<annex_n>[IVXLC]+(?:\.\d{{1,2}})?|\d{{1,3}}|[A-Z]))?\b(?P<annex_fn>\[\d{{1,3}}\])?[ \t]*[.:-]?)"
    # A consolidated text (VBHN) puts a footnote mark after an amended unit: "3.[3] …", with
    # the superscript flattened before it ("b)4[4]…") or a bracket doubled ("c)[[42]").
    # A number fused to its text ("1.Trong …", "a)Tổ chức …") is still a clause or point.
    # Some put the footnote's text inline before the dot: "19[[2] Khoản này được bổ sung …][2]. …",
    # or after it, in brackets with no mark: "1.[ Khoản này được sửa đổi …] Pháp lệnh này …".
    rf"|(?P<clause>(?P<clause_n>\d{{1,3}}{_LETTER}?)(?:[.)](?:\d{{0,3}}\[?\[\d{{1,3}}\])?(?=[ \t]|$|{_UPPER}|{_INLINE_NOTE})"
    rf"|(?=\[\[\d{{1,3}}\][^\n]*?\]\[\d{{1,3}}\][.)]))"
    # a scan's "1 ." or "1 ," before the clause's text (never "1 . 000": a capital follows)
    rf"|(?P<clause_misread>(?P<clause_mn>\d{{1,3}}){_misread_labels('clause')}(?=[ \t]+{_UPPER}))"
    # a number printed without its dot before a sentence ("1 Trường hợp …"): ``_clause_bare``
    rf"{_BARE_CLAUSE})"
    rf"|(?P<point>(?P<point_n>{_LETTER}\d{{0,2}})\)(?:\d{{0,3}}\[?\[\d{{1,3}}\])?(?=[ \t]|$|[^\W\d_]|{_INLINE_NOTE})"
    rf"|(?P<point_misread>(?P<point_mn>{_LETTER}){_misread_labels('point')}(?=[ \t]+[^\W\d_])))"
    r"|(?P<dash>[-–+•](?=[ \t]))"
    # "I. MỤC TIÊU", "II. NHIỆM VỤ": the roman-numbered parts of a decision's article or
    # of a text without articles (cited as "mục I", "Mục II Điều 1").
    # Party resolutions write them with a dash: "II- MỤC TIÊU", "III - NHIỆM VỤ, GIẢI PHÁP".
    r"|(?P<roman>(?P<roman_n>[IVX]{1,5})(?:\.(?=[ \t])|[ \t]?[-–](?=[ \t]+[^\W\d_]{2})))"
    rf"|(?P<closing>Nơi nhận[ \t]*:?|(?:TM|T/M|T\.M|KT|TL|TUQ|Q)\.?[ \t]+{_UPPER}"
    r"|CHỦ TỊCH QUỐC HỘI|CHỦ NHIỆM VĂN PHÒNG QUỐC HỘI)"
    r"|(?P<issued_with>\(?(?:Ban hành kèm|Kèm) theo)"
    # In text read by OCR only (see ``_roman_ocr``): a part heading whose dot was lost or
    # whose numeral was misread ("II MỤC TIỂU", "L. QUAN ĐIỂM").
    r"|(?P<roman_ocr>(?P<roman_ocr_n>[IVXLTl1]{1,5})(?:[.,][ \t]*|[ \t]+)(?=[^\W\d_]{2}))"
    r")"
)
#: A marker at a line start (``match`` at a line's first character).
MARKER_RE = re.compile("^" + _MARKER_BODY, re.M)
#: The same after a newline: a literal first character lets ``re`` jump from line to line
#: instead of trying the whole alternation at every position (about twice as fast).
_NL_MARKER_RE = re.compile("\n" + _MARKER_BODY, re.M)
#: Specks of a scan that OCR reads as punctuation before a marker ("' Điều 2.", ".. 1.",
#: "-_ Điều 2."). Skipped only in text read by OCR, and only where a marker follows (so
#: "- Luật này …" stays a dash item); never a double quote: quoted amendments open with one.
_SPECKS = r"(?P<specks>[`'.,:;_ˆ¬|°·~\-–]{1,3}[ \t]*)?"
_OCR_MARKER_RE = re.compile("^[ \t]*" + _SPECKS + _MARKER_BODY.replace(_BARE_CLAUSE, ""), re.M)
_OCR_NL_MARKER_RE = re.compile("\n[ \t]*" + _SPECKS + _MARKER_BODY.replace(_BARE_CLAUSE, ""), re.M)

_ISSUED_WITH_LINE = re.compile(r"\(?(?:Ban hành kèm|Kèm) theo [^\n.;:]{0,40}số [^\n;:]{3,80}?\)?\.?")
#: A line that opens with a quotation mark (quoted wording of another document).
_QUOTE_LINE = re.compile('\n[ \t]*["“]')
#: The title of a form above its "(Kèm theo …)" line ("Mẫu ĐNHT. Đơn đề nghị …", "MẪU SỐ 01").
_FORM_TITLE = re.compile(r"[ \t]*(?:Mẫu|MẪU)[ \t]+\S[^\n]*")
_TRAILING_PAGE_NO = re.compile(r"\s+\d{1,4}$")
#: What is stripped around a heading: the punctuation after its number, trailing spaces.
_HEADING_LEAD, _HEADING_TAIL = " \t.:-–", " \t\r"


class _Node:
    """A provision under construction (normalised offsets; ``key`` is its id path)."""

    __slots__ = ("kind", "level", "number", "key", "start", "end", "heading_span",
                 "last_clause", "ahead", "last_point", "last_roman", "items", "prov")

    def __init__(self, kind: str, level: int, number: str | None, key: str, start: int, end: int,
                 heading_span: tuple[int, int] | None = None):
        self.kind, self.level, self.number, self.key = kind, level, number, key
        self.start, self.end, self.heading_span = start, end, heading_span
        self.prov: Provision | None = None
        self.last_clause = 0  # number of the last clause opened under this node
        self.ahead = 0  # N when an inserted khoản Na came before khoản N, which is still to come
        self.last_point: str | None = None  # letter of the last point opened under this node
        self.last_roman = 0  # number of the last roman-numbered part opened under this node
        self.items = 0


_CLAUSE, _POINT = LEVEL["clause"], LEVEL["point"]
# An annex holds articles (a regulation issued with the document) but no clauses or points
# of its own: its numbered lines are rows of lists, tables and forms, cited as "mục 1 Phụ
# lục I", never as khoản.
_CONTAINERS = ("article",)
_POINT_CONTAINERS = ("article", "clause")


class _TreeBuilder:
    """Walks the markers of one document span and builds the provision tree."""

    def __init__(self, source: Source, start: int, end: int, doc_id: str):
        self.source = source
        self.text = source.normalized
        self.start = start
        self.end = end
        self.doc_id = doc_id
        self.root = _Node("document", 0, None, "", start, end)
        self.root.prov = Provision("document", None, None, start, end, doc_id, None, [], None, source)
        self.stack: list[_Node] = [self.root]
        self.seen: dict[str, int] = {}
        self.annex_keys: set[str] = set()
        structural = ("part", "chapter", "section", "subsection", "article", "clause", "point", "dash", "closing",
                      "roman", "roman_ocr")
        self.ocr = any(c is not None for c in source.ocr_confidence)
        self.open_handlers = {kind: getattr(self, "_" + kind) for kind in structural}
        self.open_handlers["annex"] = lambda m: self._annex(m, "annex")
        self.open_handlers["issued_with"] = lambda m: self._annex(m, "issued_with")
        self.closed_handlers = {**{kind: self._ignore for kind in structural},
                                "annex": self.open_handlers["annex"], "issued_with": self.open_handlers["issued_with"]}
        self.handlers = self.open_handlers
        self.headed: list[Provision] = []
        self.warnings: list[tuple[str, int, int]] = []
        self.has_articles = False
        self.last_article = 0
        self.last_chapter = 0  # number of the last chapter, for reading misprinted numerals
        self.in_annex = False

    def warn(self, message: str, start: int, end: int) -> None:
        self.warnings.append((message, start, end))

    def warn_misread(self, m: re.Match, kind: str, read_as: str) -> None:
        """A marker recognised from a misprint: name the form as printed and its line."""
        group = m.group(kind)
        start = m.start(kind) + len(group) - len(group.lstrip())
        end = m.start(kind) + len(group.rstrip())
        printed = self.source.text[self.source.to_original(start):self.source.to_original(end)]
        line = self.text.count("\n", 0, self.at) + 1
        self.warn(f"'{printed}' read as {read_as} (OCR misread, line {line})", start, end)

    # --- stack helpers -------------------------------------------------------------
    def _close_to(self, level: int, at: int) -> None:
        stack = self.stack
        while len(stack) > 1 and stack[-1].level >= level:
            node = stack.pop()
            node.prov.end = _rstrip_end(self.text, node.start, at)

    def _open(self, node: _Node) -> None:
        """Push ``node`` and create its ``Provision`` (ids are made unique here)."""
        parent = self.stack[-1].prov
        pid = f"{self.doc_id}:{node.key}"
        seen = self.seen
        if pid in seen:
            seen[pid] += 1
            new_id = f"{pid}~{seen[pid]}"
            self.warn(f"repeated provision {pid}: renamed {new_id}", node.start, node.start + 1)
            pid = new_id
        else:
            seen[pid] = 1
        node.prov = Provision(node.kind, node.number, None, node.start, self.end, pid, parent.id, [],
                              node.heading_span, self.source)
        parent.children.append(node.prov)
        self.stack.append(node)
        if node.heading_span is not None:
            self.headed.append(node.prov)

    def _innermost(self, *kinds: str) -> _Node | None:
        for node in reversed(self.stack):
            if node.kind in kinds:
                return node
        return None

    # --- markers ---------------------------------------------------------------------
    def add(self, m: re.Match, at: int) -> None:
        """Handle a marker whose line starts at ``at``."""
        self.at = at
        top = self.stack[-1]
        # The outer named group closes last, so ``lastgroup`` is the marker kind.
        self.handlers[m.lastgroup](m)
        if m.re.groupindex.get("specks") and m.group("specks") and self.stack[-1] is not top:
            self._warn_specks(m)

    def _warn_specks(self, m: re.Match) -> None:
        """A marker read past specks of the scan before it: name what was skipped."""
        line = self.text.count("\n", 0, self.at) + 1
        self.warn(f"{m.group('specks').strip()!r} before {m.group(m.lastgroup).strip()!r} skipped "
                  f"(OCR specks, line {line})", m.start("specks"), m.end("specks"))

    def _closing(self, m: re.Match) -> None:
        """Signature or ``Nơi nhận``: the body ends; markers are text until an annex."""
        self._close_to(1, self.at)
        self.handlers = self.closed_handlers

    def _ignore(self, m: re.Match) -> None:
        pass

    @property
    def closed(self) -> bool:
        return self.handlers is self.closed_handlers

    def _heading(self, m: re.Match, allow_next_line: bool) -> tuple[int, int] | None:
        """The heading after a marker: rest of the line, or the next line when allowed."""
        text = self.text
        eol = text.find("\n", m.end(), self.end)
        eol = self.end if eol < 0 else eol
        hs, he = strip_span(text, m.end(), eol, _HEADING_LEAD, _HEADING_TAIL)
        if hs < he:
            return hs, he
        if not allow_next_line:
            return None
        nxt = eol + 1
        while nxt < self.end and text[nxt] in " \t\n":
            nxt += 1
        if nxt >= self.end:
            return None
        eol2 = text.find("\n", nxt, self.end)
        eol2 = self.end if eol2 < 0 else eol2
        if MARKER_RE.match(text, nxt, eol2):
            return None
        hs, he = strip_span(text, nxt, eol2, _HEADING_LEAD, _HEADING_TAIL)
        return (hs, he) if hs < he and he - hs <= 300 else None

    def _structural(self, m: re.Match, kind: str, raw: str) -> None:
        level = LEVEL[kind]
        self._close_to(level, self.at)
        heading = self._heading(m, allow_next_line=True)
        key = ids.segment(kind, raw)
        parent = self.stack[-1]
        if kind in ("section", "subsection") and parent.kind in ("chapter", "section"):
            key = f"{parent.key}.{key}"
        elif self.in_annex and parent.kind == "annex":
            key = f"{parent.key}.{key}"  # a chapter of a regulation issued as an annex: pl1.c2
        node = _Node(kind, level, raw, key, self.at, self.end, heading)
        self._open(node)

    def _part(self, m: re.Match) -> None:
        self._structural(m, "part", m.group("part_n"))

    def _chapter(self, m: re.Match) -> None:
        if not self._heading_line(m):
            return
        raw = m.group("chapter_n")
        misread = m.group("chapter_misprint") is not None
        if m.group("chapter_inserted"):
            # "Chương Xa": a chapter an amending law inserted after Chương X; the count goes on from X
            if units.roman_to_int(raw[:-1]) == self.last_chapter and not misread:
                self._structural(m, "chapter", raw)
            return
        number = int(raw) if raw.isdigit() else None if m.group("chapter_misread") else units.roman_to_int(raw)
        expected = self.last_chapter + 1
        if number != expected:
            # "Chương T", "Chương 1I", "Chương IL": read as the next chapter when a misread
            # letter explains the number, never otherwise ("III1" is a flattened footnote mark)
            fixed = units.misread_roman(raw)
            if fixed is not None and units.roman_to_int(fixed) == expected and self._titled(m):
                raw, number, misread = fixed, expected, True
            elif number is None or misread:
                return
        if misread:
            if not self._titled(m):
                return
            self.warn_misread(m, "chapter", f"{units.UNITS['chapter'].word} {raw}")
        self.last_chapter = number
        self._structural(m, "chapter", raw)

    def _section(self, m: re.Match) -> None:
        if not self._heading_line(m):
            return
        self._structural(m, "section", m.group("section_n"))

    def _subsection(self, m: re.Match) -> None:
        if not self._heading_line(m):
            return
        self._structural(m, "subsection", m.group("subsection_n"))

    def _rest_of_line(self, m: re.Match) -> str:
        eol = self.text.find("\n", m.end(), self.end)
        return self.text[m.end(): self.end if eol < 0 else eol].strip()

    def _capital_or_eol(self, m: re.Match) -> bool:
        """``Điều 1 Phạm vi`` (no period) still heads an article; ``Điều 5 của Luật này`` opening
        a sentence is a citation."""
        rest = self._rest_of_line(m)
        return not rest or rest[0].isupper()

    def _titled(self, m: re.Match) -> bool:
        """Does a title follow the marker, on its line or (when the line ends) the next?"""
        heading = self._heading(m, allow_next_line=True)
        return heading is not None and self.text[heading[0]].isupper()

    def _heading_line(self, m: re.Match) -> bool:
        """``Chương II``, ``Mục 1. Tên`` or ``Mục 1 TÊN IN HOA`` head a division; ``Mục 2
        Chương IV quy định...`` opening a sentence is a citation, not a heading."""
        rest = self._rest_of_line(m)
        # "Chương II[3] (được bãi bỏ)": a consolidated text's footnote mark makes it a heading
        return not rest or m.group(0).rstrip()[-1] in ".:-" or rest == rest.upper() or _FOOTNOTE_MARK.match(rest)

    def _article(self, m: re.Match) -> None:
        if m.group("article_p") is None and not self._capital_or_eol(m):
            return
        raw = m.group("article_n")
        if m.group("article_misprint"):
            # "Điêu 12. Hiệu lực" or "Dieu 12" over its title line; never "Dieu 12 của …"
            if (m.group("article_p") is None and self._rest_of_line(m)) or not self._titled(m):
                return
            self.warn_misread(m, "article", f"{units.UNITS['article'].word} {raw}")
        digits = int(re.match(r"\d+", raw).group())
        if raw == "1" and self.last_article >= 2 and not self.in_annex:
            self._implicit_annex()
        if self.has_articles and digits <= self.last_article and raw[-1].isdigit():
            self.warn(f"Điều {raw} does not follow Điều {self.last_article}", self.at, m.end())
        self.has_articles = True
        self.last_article = max(self.last_article, digits)
        self._close_to(LEVEL["article"], self.at)
        heading = self._heading(m, allow_next_line=True)
        key = ids.segment("article", raw)
        annex = self._innermost("annex")
        if annex is not None:
            key = f"{annex.key}.{key}"  # articles are numbered through the annex: pl1.d8
        self._open(_Node("article", LEVEL["article"], raw, key, self.at, self.end, heading))

    def _implicit_annex(self) -> None:
        """``Điều 1`` again after the document's own articles: a regulation issued with it
        (``ĐIỀU LỆ …``, ``QUY CHẾ …``) whose copy has no signature block or ``Phụ lục``
        line between them. It becomes an annex, headed by the capitals line above it."""
        text, at = self.text, self.at
        start, heading = at, None
        prev_end = text.rfind("\n", self.start, at - 1) if at > self.start else -1
        while prev_end > self.start and not text[text.rfind("\n", self.start, prev_end) + 1:prev_end].strip():
            prev_end = text.rfind("\n", self.start, prev_end)  # skip blank lines
        if prev_end > self.start:
            line_start = text.rfind("\n", self.start, prev_end) + 1
            line = text[line_start:prev_end].strip()
            if line and line == line.upper() and any(c.isalpha() for c in line) and not MARKER_RE.match(text, line_start, prev_end):
                start, heading = line_start, strip_span(text, line_start, prev_end, _HEADING_LEAD, _HEADING_TAIL)
        if start <= self.stack[-1].start:
            start, heading = at, None
        self.warn(f"Điều 1 after Điều {self.last_article}: read as a regulation issued with the document (annex)",
                  at, at + 1)
        self._close_to(1, start)
        key = self._annex_key("")
        self._open(_Node("annex", 1, None, key, start, self.end, heading))
        self.in_annex = True
        self.last_article = self.last_chapter = 0

    def _annex_key(self, raw: str) -> str:
        key = ids.segment("annex", raw)
        if key in self.annex_keys:
            i = 2
            while f"{key}~{i}" in self.annex_keys:
                i += 1
            key = f"{key}~{i}"
        self.annex_keys.add(key)
        return key

    _DIVISIONS = ("document", "part", "chapter", "section", "subsection")

    def _holder(self, level: int, containers: tuple[str, ...] = _CONTAINERS) -> _Node | None:
        """The open node a new clause (or point) would belong to, without changing the tree:
        an article (or, for points, a clause); in a text with no articles (a letter) the
        innermost division. ``None`` inside an annex that holds no article."""
        for node in reversed(self.stack):
            if node.level < level:
                break
        if node.kind in containers or (node.kind == "section" and node.level > LEVEL["article"]):
            return node
        if not self.has_articles and node.kind in self._DIVISIONS:
            return node
        return None

    def _clause(self, m: re.Match) -> None:
        raw = m.group("clause_n")
        if raw is None:
            if m.re.groupindex.get("clause_bn") and m.group("clause_bn"):
                self._clause_bare(m)
            else:
                self._clause_misread(m)
            return
        inserted = not raw.isdigit()  # "8a." inserted after khoản 8 by an amendment
        n = int(raw[:-1] if inserted else raw)
        start = self.at
        holder = self._holder(_CLAUSE)
        if holder is None:
            if not self.in_annex:
                self.warn(f"numbered paragraph {n}. outside any article kept as text", start, m.end())
            return
        previous = holder.last_clause
        ahead, holder.ahead = holder.ahead, 0
        if inserted:
            # "1a." printed before "1." (a consolidated text puts an inserted clause where
            # it reads best; a list numbers variants 1a, 1b with no 1): khoản 1 is still to come
            if (n == previous + 1 and not ahead) or (n == previous and ahead):
                holder.ahead = n
            elif n != previous:
                self.warn(f"khoản {raw} after khoản {previous}: kept as text", start, m.end())
                return
        elif n == previous and ahead == n:
            pass  # khoản N after the inserted khoản Na printed before it
        elif n <= previous:
            self.warn(f"khoản {n} after khoản {previous}: kept as text", start, m.end())
            return
        elif n != previous + 1:
            self.warn(f"khoản {n} out of sequence (after {previous or 'none'})", start, m.end())
        after = m.end()
        if after < self.end and self.text[after] not in " \t\n[":  # "19[[2] …][2]." is a footnote
            self.warn(f"khoản {n}: number fused to its text", start, after)
        self._close_to(_CLAUSE, start)
        holder.last_clause = n
        key = ids.join(holder.key, ids.segment("clause", raw))
        self._open(_Node("clause", _CLAUSE, raw.lstrip("0") or raw, key, start, self.end))

    def _clause_bare(self, m: re.Match) -> None:
        """``1 Trường hợp …``: a number printed without its dot is a clause only where the
        series leaves no doubt: it is the next clause of its article, it opens a paragraph,
        and the next clause label below it (before any heading or quotation) is the one after."""
        n = int(m.group("clause_bn"))
        holder = self._holder(_CLAUSE)
        if holder is None or n != holder.last_clause + 1 or holder.ahead:
            return
        text, at = self.text, self.at
        above, end = at, at - 1  # the last line above that is not blank
        while end > self.start:
            above = text.rfind("\n", self.start, end) + 1
            if text[above:end].strip():
                break
            end = above - 1
        line_above = text[above:max(above, end)].strip()
        # it opens a paragraph: under its article's heading, or after a sentence's end
        opens = (not line_above or above == holder.start or line_above[-1] in ".;:!?\"”)"
                 or (holder.heading_span is not None and holder.heading_span[0] <= above <= holder.heading_span[1]))
        if not opens or self._next_clause_label(m.end()) != n + 1:
            return
        line = text.count("\n", 0, at) + 1
        start = m.start("clause_bn")
        self.warn(f"'{m.group('clause_bn')}' read as khoản {n} (number without its dot, before khoản {n + 1}, "
                  f"line {line})", start, m.end("clause_bn"))
        self._close_to(_CLAUSE, at)
        holder.last_clause = n
        key = ids.join(holder.key, ids.segment("clause", str(n)))
        self._open(_Node("clause", _CLAUSE, str(n), key, at, self.end))

    def _next_clause_label(self, pos: int) -> int | None:
        """The number of the next clause label at a line start after ``pos``, or ``None`` when a
        heading (or anything that ends an article's clauses) or a quotation comes first."""
        text = self.text
        for nm in _NL_MARKER_RE.finditer(text, pos, self.end):
            if _QUOTE_LINE.search(text, pos, nm.start() + 1):
                return None
            kind = nm.lastgroup
            if kind == "clause" and nm.group("clause_n") and nm.group("clause_n").isdigit():
                return int(nm.group("clause_n"))
            if kind not in ("point", "dash"):
                return None
            pos = nm.start()
        return None

    def _clause_misread(self, m: re.Match) -> None:
        """``1 .`` / ``1 ,`` before text: a clause only where it is the next of its series."""
        n = int(m.group("clause_mn"))
        holder = self._holder(_CLAUSE)
        if holder is None or n != holder.last_clause + 1:
            return
        self.warn_misread(m, "clause", f"khoản {n}")
        self._close_to(_CLAUSE, self.at)
        holder.last_clause = n
        key = ids.join(holder.key, ids.segment("clause", str(n)))
        self._open(_Node("clause", _CLAUSE, str(n), key, self.at, self.end))

    def _point_misread(self, m: re.Match) -> None:
        """``a )`` before text: a point only where it is the next letter of its series."""
        letter = m.group("point_mn")
        holder = self._holder(_POINT, _POINT_CONTAINERS)
        if letter not in units.POINT_INDEX or holder is None:
            return
        expected = 0 if holder.last_point is None else units.POINT_INDEX[holder.last_point] + 1
        between = units.POINT_LETTERS[expected:units.POINT_INDEX[letter]]
        if units.POINT_INDEX[letter] < expected or not set(between) <= units.OPTIONAL_LETTERS:
            return
        self.warn_misread(m, "point", f"điểm {letter})")
        self._close_to(LEVEL["point"], self.at)
        holder.last_point = letter
        key = ids.join(holder.key, ids.segment("point", letter))
        self._open(_Node("point", LEVEL["point"], letter, key, self.at, self.end))

    def _point(self, m: re.Match) -> None:
        raw = m.group("point_n")
        if raw is None:
            self._point_misread(m)
            return
        letter, suffix = raw[0], raw[1:]
        if letter not in units.POINT_INDEX:
            return
        if suffix:
            self._subpoint(m, raw)
            return
        holder = self._holder(_POINT, _POINT_CONTAINERS)
        if holder is None:
            if self.in_annex:
                return
            self.warn(f"điểm {letter}) outside any article kept as text", self.at, m.end())
            return
        previous = holder.last_point
        expected = 0 if previous is None else units.POINT_INDEX[previous] + 1
        got = units.POINT_INDEX[letter]
        if got < expected or (previous is None and got > 2):
            self.warn(f"điểm {letter}) out of order (after {previous or 'none'}): kept as text", self.at, m.end())
            return
        skipped = units.POINT_LETTERS[expected:got]
        if skipped and not set(skipped) <= units.OPTIONAL_LETTERS:
            self.warn(f"điểm {letter}) skips a letter (after {previous or 'none'})", self.at, m.end())
        self._close_to(LEVEL["point"], self.at)
        holder.last_point = letter
        key = ids.join(holder.key, ids.segment("point", letter))
        self._open(_Node("point", LEVEL["point"], letter, key, self.at, self.end))

    def _subpoint(self, m: re.Match, raw: str) -> None:
        """``d1)`` under point ``d)``: a sub-point when ``d)`` leads into a list (its text
        ends with a colon), else a point inserted after it (a consolidated text's "điểm d1",
        added by an amendment), as the ``d2)`` after such a point is."""
        holder = self._innermost("point")
        if holder is None or not raw.startswith((holder.number or "\0")[0]):
            self.warn(f"sub-point {raw}) outside its point kept as text", self.at, m.end())
            return
        inserted = holder.number != raw[0]  # the point above is an inserted one itself
        sibling = self._innermost("subpoint")
        in_series = sibling is not None and (sibling.number or "").startswith(raw[0])
        if inserted or not (in_series or self.text[holder.start:self.at].rstrip().endswith(":")):
            self._inserted_point(raw)
            return
        self._close_to(LEVEL["subpoint"], self.at)
        key = ids.join(holder.key, ids.segment("subpoint", raw))
        self._open(_Node("subpoint", LEVEL["subpoint"], raw, key, self.at, self.end))

    def _inserted_point(self, raw: str) -> None:
        holder = self._holder(_POINT, _POINT_CONTAINERS)
        self._close_to(LEVEL["point"], self.at)
        key = ids.join(holder.key, ids.segment("point", raw))
        self._open(_Node("point", LEVEL["point"], raw, key, self.at, self.end))

    def _roman(self, m: re.Match) -> None:
        """A roman-numbered part: inside an article it sits between the article and its
        clauses (``d1.m2.k1``); in a text without articles it is a top-level section."""
        raw = m.group("roman_n")
        n = units.roman_to_int(raw)
        article = self._innermost("article")
        # an annex's roman parts are rows of its forms and lists, like its numbered lines
        holder = article or (None if self.has_articles or self.in_annex else self.root)
        if holder is None or n is None:
            return
        expected = holder.last_roman + 1
        if n != expected:
            if n != 1 or holder.last_roman == 0:
                self.warn(f"{raw}. out of sequence (after {holder.last_roman or 'none'}): kept as text", self.at, m.end())
                return
        self._open_roman(m, raw, n, article, holder)

    def _roman_ocr(self, m: re.Match) -> None:
        """In text read by OCR, a roman part heading whose dot was lost or whose numeral was
        misread ("II MỤC TIỂU", "L. QUAN ĐIỂM"): a part only where its title is in capitals
        and the numeral, read back (``roman_misreads``), is the next part of the sequence."""
        if not self.ocr:
            return
        raw = m.group("roman_ocr_n")
        line_end = self.text.find("\n", m.end())
        title = [c for c in self.text[m.end():line_end if line_end >= 0 else self.end] if c.isalpha()]
        article = self._innermost("article")
        holder = article or (None if self.has_articles or self.in_annex else self.root)
        if len(title) < 2 or not all(c.isupper() for c in title) or holder is None:
            return
        # "L" is also fifty: the reading that continues the sequence wins
        fixed = next((r for r in (raw, units.misread_roman(raw)) if r and units.roman_to_int(r) == holder.last_roman + 1
                      and units.to_roman(holder.last_roman + 1) == r), None)
        if fixed is None:
            return
        n = holder.last_roman + 1
        self.warn_misread(m, "roman_ocr", f"{fixed}.")
        self._open_roman(m, fixed, n, article, holder)

    def _open_roman(self, m: re.Match, raw: str, n: int, article, holder) -> None:
        level = LEVEL["article"] + 0.5 if article is not None else LEVEL["section"]
        self._close_to(level, self.at)
        holder.last_roman = n
        key = ids.join(holder.key, ids.segment("section", raw))
        self._open(_Node("section", level, raw, key, self.at, self.end, self._heading(m, allow_next_line=False)))

    def _dash(self, m: re.Match) -> None:
        mark = m.group("dash")
        top = self.stack[-1]
        # '+' items nest under the '-' item above them; any other dash is a sibling item.
        if mark == "+" and top.kind == "subpoint" and top.number and top.number.startswith("-"):
            holder = top
        else:
            self._close_to(LEVEL["subpoint"], self.at)
            holder = self.stack[-1]
        holder.items += 1
        key = ids.join(holder.key, f"i{holder.items}")
        level = holder.level + 1 if holder.kind == "subpoint" else LEVEL["subpoint"]
        node = _Node("subpoint", level, f"{'-' if mark != '+' else '+'}{holder.items}", key, self.at, self.end)
        self._open(node)

    def _annex(self, m: re.Match, kind: str) -> None:
        line_end = self.text.find("\n", self.at, self.end)
        line_end = self.end if line_end < 0 else line_end
        start, heading = self.at, None
        if kind == "issued_with":
            # after the signature, or a line of its own ("Ban hành kèm theo Thông tư số …")
            # in a copy that prints no signature before its forms; "Kèm theo" alone (a form's
            # "(Kèm theo Thông tư số …)") only as such a line ("Kèm theo giấy này có: …" in a
            # form is text), under the form's title when one is printed above it
            line = self.text[self.at:line_end].strip()
            whole = _ISSUED_WITH_LINE.fullmatch(line)
            if not (self.closed and m.group("issued_with").lstrip("(").startswith("Ban")) and not (
                    whole and (self.closed or (self.has_articles and not self.in_annex))):
                return
            raw = ""
            if whole:
                title = self._title_above()
                if title is not None:
                    start, heading = title
        else:
            raw = m.group("annex_n") or ""
            is_caps = m.group("annex").startswith("PHỤ LỤC")
            rest = self.text[m.end():line_end].strip()
            # "Phụ lục I[6](được bãi bỏ)": a consolidated text's footnote mark makes it a heading
            if not (self.closed or is_caps or not rest or m.group("annex_fn")):
                return  # "Phụ lục II ban hành kèm theo..." opening a sentence cites an annex
        self._close_to(1, start)
        self.handlers = self.open_handlers
        key = self._annex_key(raw)
        heading = heading or self._heading(m, allow_next_line=True)
        self._open(_Node("annex", 1, raw or None, key, start, self.end, heading))
        self.in_annex = True
        self.last_article = self.last_chapter = 0  # an annex's regulation numbers its own from 1

    def _title_above(self) -> tuple[int, tuple[int, int]] | None:
        """The title printed above a line "(Kèm theo Thông tư số …)": the annex starts there
        and is headed by it. A form's title ("Mẫu ĐNHT. Đơn đề nghị …", "Mẫu số 01"), or, in
        a copy with no signature before it, up to three lines in capitals ("KẾ HOẠCH" /
        "TRIỂN KHAI THI HÀNH …"); never a line of the provision the annex closes."""
        text, floor = self.text, max(self.start, self.stack[-1].start)
        pos, top = self.at, None
        for _ in range(3):
            end = pos - 1
            if end <= floor:
                break
            ls = text.rfind("\n", floor, end) + 1
            if ls <= floor:
                break
            line = text[ls:end].strip()
            if _FORM_TITLE.fullmatch(line):
                top = ls
                break
            if (self.closed or not line or line != line.upper() or not any(c.isalpha() for c in line)
                    or MARKER_RE.match(text, ls, end)):
                break
            top = pos = ls
        if top is None:
            return None
        eol = text.find("\n", top, self.at)
        return top, strip_span(text, top, eol if eol >= 0 else self.at, _HEADING_LEAD, _HEADING_TAIL)

    def finish(self) -> Provision:
        self._close_to(1, self.end)
        return self.root.prov


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def quoted_regions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of quoted replacement text that runs over several lines.

    Amending documents quote the new wording of a provision; often only the first line opens
    the quote and only the last closes it. A line with an odd number of quote marks toggles
    the state, but a quote may only *open* a multi-line region at the line start or after a
    colon (``như sau: "``) so one stray quote mid-sentence cannot swallow the rest. A region
    never closed is returned with end ``-1`` (the caller warns and ignores it).
    """
    end = len(text) if end is None else end
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    pos = text.find('"', start, end)
    while pos >= 0:
        line_start = text.rfind("\n", start, pos) + 1
        line_end = text.find("\n", pos, end)
        line_end = end if line_end < 0 else line_end
        if text.count('"', line_start, line_end) % 2:
            if open_at is None:
                before = text[line_start:pos].rstrip()
                if before == "" or before.endswith(":"):
                    open_at = pos
            else:
                regions.append((open_at, line_end))
                open_at = None
        pos = text.find('"', line_end, end)
    if open_at is not None:
        regions.append((open_at, -1))
    return regions


def _markers(text: str, start: int, end: int, ocr: bool = False):
    """Every marker in ``[start, end)`` with the offset of its line start (in text read by
    OCR, also a marker behind specks of the scan)."""
    at_line, after_nl = (_OCR_MARKER_RE, _OCR_NL_MARKER_RE) if ocr else (MARKER_RE, _NL_MARKER_RE)
    if start == 0 or text[start - 1] == "\n":
        first = at_line.match(text, start, end)
        if first is not None:
            yield first, start
    for m in after_nl.finditer(text, start, end):
        yield m, m.start() + 1


_FOOTNOTE_MARK = re.compile(r"\[\d{1,4}\]")
_FIRST_FOOTNOTE = re.compile(r"\n[ \t]*\[1\][ \t]")
#: A footnote some consolidated texts print inline, in the body: ``19[[2] Khoản này được bổ
#: sung …][2]``; it may quote whole articles, so it may run over lines (up to 40).
INLINE_FOOTNOTE = re.compile(r"\[\[(\d{1,4})\]([^\n]*?(?:\n[^\n]*?){0,40}?)\]\[\1\]")


def footnotes_start(text: str, start: int, end: int) -> int | None:
    """Where a consolidated text's footnotes begin (the line ``[1] …`` after a body that
    carries the mark ``[1]``), or ``None``. The footnotes are notes on the body, not
    structure of the law: no provision is read in them."""
    for m in _FIRST_FOOTNOTE.finditer(text, start, end):
        if text.find("[1]", start, m.start()) >= 0:
            return m.start() + 1
    return None


def _build_tree(source: Source, start: int, end: int, doc_id: str, body_start: int | None = None) -> _TreeBuilder:
    text = source.normalized
    builder = _TreeBuilder(source, start, end, doc_id)
    body_start = start if body_start is None else body_start
    notes = footnotes_start(text, body_start, end)
    if notes is not None:
        end = notes
    regions = quoted_regions(text, start, end)
    for qs, qe in regions:
        if qe < 0:
            builder.warn("quotation opened here is never closed; its lines were parsed as provisions", qs, qs + 1)
    regions = [(qs, qe) for qs, qe in regions if qe >= 0]
    add = builder.add
    ri, n = 0, len(regions)
    ocr = any(c is not None for c in source.ocr_confidence)
    found = _markers(text, body_start, end, ocr)
    if ocr:  # misread markers read from their series (policytrack._ocr)
        found = _ocr.read_misread(found, builder, _OCR_MARKER_RE, body_start, end)
    for m, pos in found:
        if n:
            while ri < n and regions[ri][1] <= pos:
                ri += 1
            if ri < n and regions[ri][0] <= pos:
                continue  # inside quoted replacement text
        add(m, pos)
    if notes is not None:
        builder._close_to(1, notes)  # the last provision ends where the footnotes begin
    builder.finish()
    return builder


def _finish_provisions(root: Provision, headed: list[Provision], source: Source,
                       warnings: list[ParseWarning]) -> None:
    """Map normalised offsets to the original text and read headings from it."""
    to_orig = source.to_original if source.offsets is not None else None
    text = source.text
    if to_orig is not None:
        for prov in root.walk():
            prov.start, prov.end = to_orig(prov.start), to_orig(prov.end)
    for prov in headed:
        hs, he = prov.heading_span
        if to_orig is not None:
            hs, he = to_orig(hs), to_orig(he)
        heading = text[hs:he]
        if prov.kind in ("chapter", "section", "part") and heading.isupper() and _TRAILING_PAGE_NO.search(heading):
            trimmed = _TRAILING_PAGE_NO.sub("", heading)
            warnings.append(ParseWarning(f"page number removed from heading {heading!r}", hs, he, prov.id))
            he = hs + len(trimmed)
            heading = trimmed
        prov.heading, prov.heading_span = heading, (hs, he)


#: Header fields that precede the body: markers inside them (the dash list of recipients
#: under ``Kính gửi``) are header, not provisions.
HEADER_FIELDS = ("doc_type", "number", "issuer", "place", "date", "title", "subject", "recipients", "bases", "draft")


#: A text whose first line is a numbered paragraph ("1. Thanh toán …"): a letter with no
#: header block in front of its body.
_OPENS_WITH_CLAUSE = re.compile(r"[ \t\ufeff]*\d{1,2}\.[ \t]+\S")


def body_start(meta: DocumentMeta, start: int, text: str | None = None) -> int:
    """Where the body begins: after the last header field (normalised offsets). A field read
    from the closing block (an issuer inferred from the signature) does not count, nor, in
    a text that opens with its first numbered paragraph (``text`` given), a field read
    from the body below it (a "Căn cứ các quy định nêu trên, …" sentence is no legal basis)."""
    closing = min([s for key, (s, e) in meta.spans.items() if key in ("noi_nhan", "signer_title")],
                  default=None)
    if text is not None and _OPENS_WITH_CLAUSE.match(text, start):
        return start
    ends = [e for key, (s, e) in meta.spans.items()
            if key.split(".")[0] in HEADER_FIELDS and (closing is None or s < closing)]
    return max([start, *ends])


def parse_span(source: Source, start: int, end: int, doc_id: str, meta: DocumentMeta,
               body: int | None = None) -> Document:
    """Parse the normalised span ``[start, end)`` of ``source`` as one document whose body
    (the part that can hold provisions) starts at ``body`` (default: ``start``)."""
    # A tree holds no reference cycles; pausing the cyclic collector while it is built
    # saves the repeated full collections that bulk allocation triggers (~25%).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        builder = _build_tree(source, start, end, doc_id, body)
    finally:
        if gc_was_enabled:
            gc.enable()
    warnings = [
        ParseWarning(msg, source.to_original(s), source.to_original(e)) for msg, s, e in builder.warnings
    ]
    root = builder.root.prov
    _finish_provisions(root, builder.headed, source, warnings)
    # Characters dropped by normalisation at the edges (a BOM, a soft hyphen) stay inside.
    if start == 0:
        root.start = 0
    if end == len(source.normalized):
        root.end = len(source.text)
    root.number = meta.number
    root.heading = meta.title or meta.subject
    return Document(
        id=doc_id,
        meta=meta,
        source=source,
        start=root.start,
        end=root.end,
        root=root,
        warnings=warnings,
    )


def _fallback_id(source: Source) -> str:
    stem = Path(source.path).stem if source.path else "document"
    return ids.slug(stem) or "document"


def _identify(meta: DocumentMeta, fallback: str, sources: SourceRegister | None) -> str:
    """The document id: its number, else its entry in the sources register found by type
    and title, else a slug of its type and title, else the file name."""
    if not meta.number and not meta.is_draft and sources is not None:
        entry = sources.find_by_title(meta.doc_type, meta.title)
        if entry is not None:
            return entry.doc_id
    return ids.document_id(meta, fallback)


def parse(source: Source | str | os.PathLike, sources: SourceRegister | None = None, *,
          doc_types: DocTypes | None = None) -> list[Document]:
    """Parse a file (path or ``Source``) into the documents it holds.

    Always returns a list, usually of one document; seed-style scans that hold two
    letters give two. Never raises on odd text: tolerated oddities are in
    ``Document.warnings``. ``sources`` (a ``SourceRegister``) names documents whose header
    carries no number; by default it is the ``sources.csv`` in the file's own folder, if
    any, so ids depend only on the file and its folder. ``doc_types`` is the document-type
    vocabulary (default: the packaged ``doc_types.yaml``).

    >>> doc = parse_text("LUẬT\\nMẪU\\n\\nĐiều 1. Phạm vi\\n1. Một.\\n2. Hai.")[0]
    >>> [p.id for p in doc.provisions()][1:]
    ['luat-mau:d1', 'luat-mau:d1.k1', 'luat-mau:d1.k2']
    """
    if not isinstance(source, Source):
        source = read(source)
    if sources is None:
        sources = SourceRegister.beside(source.path)
    spans = split_documents(source.normalized) or [(0, len(source.normalized))]
    fallback = _fallback_id(source)
    documents: list[Document] = []
    used: set[str] = set()
    for i, (s, e) in enumerate(spans):
        meta = parse_header(source.normalized, s, e, doc_types=doc_types)
        body = min(body_start(meta, s, source.normalized), e)
        _meta_to_original(meta, source)
        doc_id = _identify(meta, fallback if len(spans) == 1 else f"{fallback}-{i + 1}", sources)
        base, k = doc_id, 2
        while doc_id in used:
            doc_id = f"{base}~{k}"
            k += 1
        used.add(doc_id)
        documents.append(parse_span(source, s, e, doc_id, meta, body))
    return documents


def parse_text(text: str, name: str = "document", sources: SourceRegister | None = None) -> list[Document]:
    """Parse a string (``name`` stands in for the file name in fallback ids). A string has
    no folder, so no ``sources.csv`` is looked for: pass ``sources`` to name documents
    whose header has no number."""
    return parse(Source(path=f"{name}.txt", text=text), sources if sources is not None else SourceRegister([]))


def _meta_to_original(meta: DocumentMeta, source: Source) -> None:
    if source.offsets is None:
        return
    meta.spans = {k: (source.to_original(s), source.to_original(e)) for k, (s, e) in meta.spans.items()}
