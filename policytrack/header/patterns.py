"""Characters and compiled patterns of header and closing blocks (normalised text)."""

from __future__ import annotations

import itertools
import re
import unicodedata

from .. import units
from ..text import strip_marks

#: How many lines from the start of a span are read as the header block.
HEADER_LINES = 60
#: ... and at most this many characters (a file may have no line breaks at all).
HEADER_CHARS = 20_000
#: How far beyond the header the legal bases and the body start are looked for.
BASES_CHARS = 100_000
#: Characters around "Nơi nhận:" (or before the end) searched for the signature block.
#: How far above a new header its predecessor's "Nơi nhận:" list may start.
CLOSING_WINDOW = 6000
CLOSING_CHARS = 4_000
#: How far into a candidate new document its number or type heading must appear.
NEW_HEADER_CHARS = 3_000


def _vietnamese_letters() -> tuple[str, str]:
    """Upper- and lower-case Latin letters used in Vietnamese (with every diacritic)."""
    upper, lower = [], []
    ranges = (range(0x41, 0x5B), range(0x61, 0x7B), range(0xC0, 0x1B1), range(0x1EA0, 0x1EFA))
    for cp in itertools.chain(*ranges):
        c = chr(cp)
        if not c.isalpha():
            continue
        base = unicodedata.normalize("NFD", c)[0]
        if not (base.isascii() or c in "Đđ"):
            continue
        (upper if c.isupper() else lower).append(c)
    return "".join(upper), "".join(lower)


UP, LO = _vietnamese_letters()


def _loose(words: str) -> str:
    """A pattern for ``words`` that also accepts the same words with diacritics lost (OCR).

    >>> bool(re.fullmatch(_loose("ĐẾN"), "DEN"))
    True
    """
    out = []
    for ch in words:
        if ch.isspace():
            out.append(r"[ \t]+")
        elif ch.isalpha():
            variants = {ch, strip_marks(ch)}
            out.append("[" + "".join(sorted(variants)) + "]" if len(variants) > 1 else ch)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _loose_any(*spellings: str) -> str:
    return "(?:" + "|".join(_loose(s) for s in spellings) + ")"


# --------------------------------------------------------------------------- patterns


_MD = r"[ \t*_#>]*"  # indentation and markdown markers before a line's text
#: The same characters, stripped from the ends of a field's span.
MD_CHARS = " \t*_#>"
_MOTTO = (
    _loose("CỘNG")
    + r"[ \t]+"
    + _loose_any("HÒA", "HOÀ")
    + r"[ \t]+"
    + _loose("XÃ HỘI CHỦ NGHĨA VIỆT NAM")
)
_PARTY_MOTTO = _loose("ĐẢNG CỘNG SẢN VIỆT NAM")
#: The national motto (or the Party's): capitals only, so "nước Cộng hòa xã hội..." in a
#: sentence never counts.
MOTTO_RE = re.compile(rf"{_MOTTO}|{_PARTY_MOTTO}")
DOC_LAP_RE = re.compile(
    _loose("Độc lập") + r"[ \t]*[-–—][ \t]*" + _loose("Tự do") + r"[ \t]*[-–—][ \t]*" + _loose("Hạnh phúc"),
    re.I,
)


_NUM = r"(?P<num>(?:\d[\w&.\-]*)?(?:[ \t]*/[ \t]*[\w&][\w&.\-]*)+|\d[\w&.\-]*)"
#: A "Số: …" line; ``pre`` (what precedes "Số" on the line) is checked in Python.
NUMBER_RE = re.compile(
    rf"^(?P<pre>[^\n]{{0,120}}?)(?<!\w)[Ss][ốoỐO][ \t]*(?P<colon>[:.])?[ \t]*{_NUM}",
    re.M,
)
STAMP_HEAD_RE = re.compile(rf"^{_MD}{_loose('ĐẾN')}(?![\w])", re.M)
_STAMP_WORD_RE = re.compile(rf"(?<![\w]){_loose('ĐẾN')}(?![\w])")
STAMP_FIELD_RE = re.compile(
    rf"{_loose_any('Số', 'Ngày', 'Chuyển', 'Chuyên', 'Lưu hồ sơ')}[ \t]*:[ \t]*(?:\.{{2,}}|…)",
    re.I,
)

_NGAY, _THANG, _NAM = _loose("ngày"), _loose("tháng"), _loose("năm")
_DATE_NUM = (
    rf"(?:{_NGAY}[ \t]*)?(?P<d2>\d{{1,2}})[ \t]*(?P<sep>[/.\-])[ \t]*(?P<m2>\d{{1,2}})"
    rf"[ \t]*(?P=sep)[ \t]*(?P<y2>\d{{4}})(?!\d)"
)
_DATE_WORDS = (
    rf"{_NGAY}(?:[ \t]+(?P<d>\d{{1,2}})(?!\d))?(?:[ \t]+{_THANG}(?:[ \t]+(?P<m>\d{{1,2}})(?!\d))?)?"
    rf"(?:[ \t]+{_NAM}(?:[ \t]+(?P<y>\d{{4}})(?!\d))?)?"
)
_DATE = rf"(?P<date>{_DATE_NUM}|{_DATE_WORDS})"
DATE_RE = re.compile(_DATE, re.I)
#: "<place>, ngày …" anywhere in a line; the place is cut out of ``pre`` in Python.
PLACE_DATE_RE = re.compile(rf"(?P<pre>[^\n,]{{1,120}}),[ \t]*{_DATE}", re.I)
#: A date opening a line, with no place.
LINE_DATE_RE = re.compile(rf"^{_MD}{_DATE}", re.I | re.M)


DRAFT_RE = re.compile(
    rf"(?:^{_MD}|(?<=\t)|(?<=  ))[(\[]?[ \t]*(?P<kw>{_loose('dự thảo')})"
    rf"(?:[ \t]*(?:{_loose('lần')}|{_loose('số')})?[ \t]*(?P<n>\d+)(?![\d/.\-]))?"
    rf"(?:[ \t]*[,:\-–]?[ \t]*{_DATE})?"
    r"[ \t)\]*_.]*$",
    re.I | re.M,
)
SUBJECT_RE = re.compile(rf"^{_MD}(?:V/v|V\.v)(?![\w])[ \t]*[:.]?[ \t]*(?P<s>[^\n]*)", re.I | re.M)
KINH_GUI_RE = re.compile(rf"^{_MD}{_loose('Kính gửi')}[ \t]*[:.]?[ \t]*(?P<r>[^\n]*)", re.I | re.M)
ITEM_RE = re.compile(r"^[ \t]*(?:[-–+•]|\*(?=[ \t]))[ \t]*(?P<t>[^\n]*)", re.M)
BASIS_RE = re.compile(rf"^{_MD}(?P<b>{_loose('Căn cứ')}(?![\w])[^\n]*)", re.I | re.M)
def _unit(kind: str) -> str:
    """The unit word of ``data/units.yaml`` as it heads a unit, diacritics optional (OCR)."""
    return _loose(units.UNITS[kind].word)


#: The units whose heading starts the body: ``Điều 1``, ``Chương I``, ``Phần thứ nhất``, ``Mục 1``.
_BODY_UNITS = (
    rf"{_unit('article')}[ \t]+\d|{_unit('chapter')}[ \t]+[IVXLCDM\d]"
    rf"|{_unit('part')}[ \t]+{_loose(units.ORDINAL_WORD)}"
)
BODY_RE = re.compile(rf"^{_MD}(?:{_BODY_UNITS}|{_unit('section')}[ \t]+\d)", re.I | re.M)
#: Lines that end a title or a subject.
STOP_RE = re.compile(
    rf"^{_MD}(?:{_loose('Căn cứ')}|{_loose('Kính gửi')}|{_loose('Theo đề nghị')}|V/v(?![\w])"
    rf"|{_BODY_UNITS}|{_loose('Số')}[ \t]*:)",
    re.I | re.M,
)
NOI_NHAN_RE = re.compile(
    rf"^{_MD}{_loose('Nơi nhận')}[ \t]*(?::[ \t*_]*(?P<rest>[^\n]*)|[ \t*_]*$)", re.I | re.M
)
ANNEX_RE = re.compile(
    rf"^{_MD}(?:{_loose('Phụ lục')}|{_loose('Mẫu số')}|{_loose('Biểu số')})(?![\w])", re.I | re.M
)
TM_RE = re.compile(r"^(?:TM|T/M|T\.M)[ \t.]+(?P<b>\S.*)$")


def _after_newline(pattern: re.Pattern) -> re.Pattern:
    """The same line-start pattern with a literal newline in front of it: ``re`` then jumps
    from line to line instead of trying the pattern at every position of a long body."""
    assert pattern.pattern.startswith("^")
    return re.compile("\n" + pattern.pattern[1:], pattern.flags)


_NL_NOI_NHAN_RE = _after_newline(NOI_NHAN_RE)
_NL_ANNEX_RE = _after_newline(ANNEX_RE)


def _search_lines(pattern: re.Pattern, nl_pattern: re.Pattern, text: str, start: int, end: int) -> re.Match | None:
    """The first line in ``[start, end)`` matching ``pattern`` (a ``^``-anchored pattern)."""
    if start == 0 or text[start - 1] == "\n":
        first = pattern.match(text, start, end)
        if first is not None:
            return first
    m = nl_pattern.search(text, start, end)
    return pattern.match(text, m.start() + 1, end) if m else None


_CAPS_LINE = rf"[ \t]*(?:\*\*|__)?[ \t]*[{UP}][{UP}0-9 \t.,&/()'\-–]*?(?:\*\*|__)?[ \t]*"
_GAP_LINE = r"[ \t*_]*(?:\([^\n)]{0,60}\)|\[[^\n\]]{0,20}\]|[Đđ]ã ký)?[ \t*_]*\n"
#: A signature block: authority lines in capitals, blank lines (or "(Đã ký)"), then a name
#: in title case ("Phan Văn Sáng"). Markdown bold markers around lines are tolerated.
SIGNATURE_RE = re.compile(
    rf"^(?P<title>{_CAPS_LINE}(?:\n{_CAPS_LINE}){{0,5}})\n(?:{_GAP_LINE}){{0,8}}"
    rf"[ \t]*(?:\*\*|__)?[ \t]*(?P<name>[{UP}][{LO}]+(?:[ \t]+[{UP}][{LO}]*){{1,5}})"
    r"[ \t]*(?:\*\*|__)?[ \t]*$",
    re.M,
)
SYMBOL_RE = re.compile(r"^\d*[A-Za-z]?(?:/\d{4})?[/-](?P<sym>.+)$")

# A consolidated text (VBHN) names its base document on the line that ends "… được sửa
# đổi, bổ sung bởi:" and lists the amending documents below it; its own number, when
# printed, is a "Số: 63/VBHN-VPQH" (or "121/2026/VBHN-PL-VPQH") line, often in the closing
# block ("XÁC THỰC VĂN BẢN HỢP NHẤT") rather than the header.
CONSOLIDATED_RE = re.compile(
    r"được[ \t]+(?:sửa[ \t]+đổi|bổ[ \t]+sung|sửa[ \t]+đổi,[ \t]+bổ[ \t]+sung|hợp[ \t]+nhất)[^\n:]{0,60}?"
    r"(?:bởi|theo)[ \t]*:[ \t*_]*$",
    re.M,
)
BASE_NUMBER_RE = re.compile(r"(?<![\w/])(?:số[ \t]+)?(\d{1,4}[ \t]?/(?:\d{4}/)?[A-ZĐ][\w&Đđ]*(?:[-–][\w&Đđ]+)*)")
VBHN_NUMBER_RE = re.compile(
    r"^[^\n]{0,80}?(?<!\w)[Ss][ốỐ][ \t]*:?[ \t]*(?P<num>\d{1,4}[ \t]*/[ \t]*(?:\d{4}[ \t]*/[ \t]*)?VBHN-[\w&Đđ]+(?:-[\w&Đđ]+)*)",
    re.M,
)
