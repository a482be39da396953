"""Header and closing blocks of Vietnamese legal documents and official letters.

Three public entry points and two helpers:

* ``split_documents(text)`` -> the ``(start, end)`` spans of the documents a file holds;
* ``parse_header(text, start, end)`` -> a ``DocumentMeta`` for one such span;
* ``document_id(meta, fallback)`` -> a stable composite id;
* ``canonical_number(number)`` -> the number/symbol in one spelling, for comparisons;
* ``load_doc_types(path=None)`` -> the type vocabulary (``data/doc_types.yaml``).

All functions take the *normalised* text of a source (NFC, plain quotes and spaces, ``\\n``
line ends) and return offsets into that same text; the caller maps them back.

Speed: only bounded windows are examined line by line in Python (the first
``HEADER_LINES`` lines of a span, and a few thousand characters around the closing block).
Anything that must look at the whole text (``split_documents``, finding "Nơi nhận:" or an
annex) uses compiled regular expressions with ``re.M``.

Decisions (what the fields hold)
--------------------------------
* ``issuer``: the capitalised issuing-body lines as printed, joined with one space
  ("ỦY BAN NHÂN DÂN" + "TỈNH LẠNG SƠN" -> "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN"), because most
  multi-line issuers are one name wrapped over two lines. When the header names no issuer,
  a "TM." / "T/M" signature line (signed *on behalf of* a collective body) names it and is
  used, with the warning "issuer not found in header: inferred ... from signature block".
  Sentences of the body are never used: they describe third parties as often as the sender.
* ``title``: kept as printed (capitals stay capitals: "BẢO VỆ MÔI TRƯỜNG"); wrapped lines
  are joined with one space. For a type marked ``restates`` in the vocabulary (Văn bản hợp
  nhất) the heading below the number is the restated document's type, so it becomes part of
  the title ("LUẬT BẢO VỆ MÔI TRƯỜNG") and the type comes from the symbol (VBHN).
* ``doc_type``: the type heading wins, then the number's symbol, then a "V/v" line (the
  first ``letter`` type, "Công văn"). "…/QH14" says "Luật" (the National Assembly numbers
  its resolutions the same way; a "NGHỊ QUYẾT" heading corrects it).
* ``number``: as printed with whitespace removed ("7344 /BTNMT-KH&CN" ->
  "7344/BTNMT-KH&CN"); ASCII spellings ("ND-CP") are kept; ``canonical_number`` unifies.
  A "Số:" followed only by dots is a receiving stamp, never a number. A draft's blank
  serial ("Số:    /2023/NĐ-CP") is kept as "/2023/NĐ-CP".
* ``subject``: the text after "V/v" / "V/v:", wrapped lines joined with one space.
* ``signer_title``: the authority lines of the signature block, one per line, joined with
  "\\n" as printed ("TL. BỘ TRƯỞNG\\nVỤ TRƯỞNG\\n…"): a wrapped title and two stacked
  authorities cannot be told apart reliably, so no structure is invented.
* ``bases``: each "Căn cứ …" paragraph without its trailing ";" / "," / "."; letters (a
  document with a V/v subject) have no legal bases, so none are read for them.
* dates: the parts printed are kept and the missing ones are ``None`` with a warning such as
  "date incomplete: month and year missing"; nothing is guessed. An impossible day or month
  (32, 13) is dropped with a warning.
* ``spans``: one entry per field (the whole block for list fields), plus one per list item
  as ``"recipients.0"``, ``"bases.2"``, ``"noi_nhan.1"``.
* ``document_id``: ``canonical_number`` with whitespace removed and ":" turned into "-"
  (ids use ":" to separate the document from the provision path); a blank draft serial does
  not count as a number.

Splitting is conservative: a new document starts at a header (motto line or "Số:" line)
only when the text before it has a closing block ("Nơi nhận:" or a signature) after which
no annex marker ("Phụ lục", "Mẫu số", "Biểu số") and no open quotation occur, and the new
part has a real number ("Số: 12/…") or a type heading within its first lines. The boundary
is the first of the capitalised issuer lines directly above the header line.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

from .model import DocumentMeta, PartialDate, PolicytrackError

__all__ = [
    "DocType",
    "DocTypesError",
    "DocTypes",
    "canonical_number",
    "document_id",
    "load_doc_types",
    "parse_header",
    "split_documents",
]

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

DEFAULT_DOC_TYPES = Path(__file__).with_name("data") / "doc_types.yaml"


# --------------------------------------------------------------------------- characters


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


def _base(ch: str) -> str:
    """The letter without diacritics: ``Ộ`` -> ``O``, ``Đ`` -> ``D``."""
    if ch in "Đđ":
        return "D" if ch == "Đ" else "d"
    return unicodedata.normalize("NFD", ch)[0]


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
            variants = {ch, _base(ch)}
            out.append("[" + "".join(sorted(variants)) + "]" if len(variants) > 1 else ch)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _loose_any(*spellings: str) -> str:
    return "(?:" + "|".join(_loose(s) for s in spellings) + ")"


# --------------------------------------------------------------------------- patterns

_MD = r"[ \t*_#>]*"  # indentation and markdown markers before a line's text
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
_TYPE_WORD_TAIL_RE = re.compile(
    r"(?:Luật|Bộ luật|Pháp lệnh|Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Công văn|Văn bản)[ \t]*$"
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
BODY_RE = re.compile(
    rf"^{_MD}(?:{_loose('Điều')}[ \t]+\d|{_loose('Chương')}[ \t]+[IVXLCDM\d]|{_loose('Phần thứ')}"
    rf"|{_loose('Mục')}[ \t]+\d)",
    re.I | re.M,
)
#: Lines that end a title or a subject.
STOP_RE = re.compile(
    rf"^{_MD}(?:{_loose('Căn cứ')}|{_loose('Kính gửi')}|{_loose('Theo đề nghị')}|V/v(?![\w])"
    rf"|{_loose('Điều')}[ \t]+\d|{_loose('Chương')}[ \t]+[IVXLCDM\d]|{_loose('Phần thứ')}"
    rf"|{_loose('Số')}[ \t]*:)",
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


# --------------------------------------------------------------------------- vocabulary


class DocTypesError(PolicytrackError):
    """The document-type vocabulary file is malformed; the message names file and entry."""


@dataclass(frozen=True)
class DocType:
    """One entry of ``doc_types.yaml``."""

    name: str
    headings: tuple[str, ...]
    symbols: tuple[str, ...]
    letter: bool = False
    restates: bool = False


@dataclass
class DocTypes:
    """The loaded vocabulary with its compiled matchers."""

    types: list[DocType]
    heading_re: re.Pattern = field(repr=False)
    heading_types: dict[str, DocType] = field(repr=False)
    symbol_res: list[tuple[re.Pattern, DocType]] = field(repr=False)

    def by_symbol(self, number: str | None) -> DocType | None:
        """The type a number's symbol names: ``"08/2022/ND-CP"`` -> Nghị định."""
        if not number:
            return None
        m = SYMBOL_RE.match(number)
        if not m:
            return None
        sym = m.group("sym")
        for pattern, doc_type in self.symbol_res:
            if pattern.fullmatch(sym):
                return doc_type
        return None

    def letter_type(self) -> DocType | None:
        """The type of an untitled document with a V/v line (the first ``letter`` entry)."""
        return next((t for t in self.types if t.letter), None)


_ENTRY_KEYS = {"name", "headings", "symbols", "letter", "restates"}
_SYMBOL_CHARS_RE = re.compile(r"[\w&./*#\-]+")


def _symbol_regex(pattern: str) -> re.Pattern:
    """``"NĐ-*"`` -> a case-insensitive regex: ``*`` any symbol text, ``#`` digits."""
    parts = {"*": r"[\w&.\-/]*", "#": r"\d+"}
    return re.compile("".join(parts.get(ch) or re.escape(ch) for ch in pattern), re.I)


def _check_entry(entry: object) -> DocType:
    """Validate one vocabulary entry; raises ``ValueError`` with the problem."""
    if not isinstance(entry, dict):
        raise ValueError("must be a mapping with 'name', 'headings', 'symbols'")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ValueError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("'name' must be a non-empty text")
    lists = {}
    for key in ("headings", "symbols"):
        value = entry.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"'{key}' must be a list of non-empty texts")
        lists[key] = tuple(unicodedata.normalize("NFC", v.strip()) for v in value)
    for h in lists["headings"]:
        if h != h.upper():
            raise ValueError(f"heading {h!r} must be written in capitals")
    for s in lists["symbols"]:
        if not _SYMBOL_CHARS_RE.fullmatch(s):
            raise ValueError(f"symbol pattern {s!r} may hold only letters, digits, & . / - * #")
    for key in ("letter", "restates"):
        if not isinstance(entry.get(key, False), bool):
            raise ValueError(f"'{key}' must be true or false")
    return DocType(
        name=unicodedata.normalize("NFC", name.strip()),
        headings=lists["headings"],
        symbols=lists["symbols"],
        letter=entry.get("letter", False),
        restates=entry.get("restates", False),
    )


def _compile_vocabulary(types: list[DocType]) -> DocTypes:
    """Build the heading regex (longest heading first) and the symbol matchers."""
    pairs = sorted(((h, t) for t in types for h in t.headings), key=lambda p: -len(p[0]))
    heading_types = {f"h{i}": t for i, (_, t) in enumerate(pairs)}
    alternation = "|".join(f"(?P<h{i}>{_loose(h)})" for i, (h, _) in enumerate(pairs)) or "(?!)"
    heading_re = re.compile(
        rf"^{_MD}(?:{alternation})(?:[ \t]+(?P<rest>[^\n]*?))?[ \t*_]*$", re.M
    )
    symbol_res = [(_symbol_regex(s), t) for t in types for s in t.symbols]
    return DocTypes(types, heading_re, heading_types, symbol_res)


def load_doc_types(path: str | Path | None = None) -> DocTypes:
    """Load and validate the type vocabulary (default: the packaged ``doc_types.yaml``).

    Raises ``DocTypesError`` naming the file and the bad entry, e.g.
    ``.../doc_types.yaml: entry 3 ('Nghị định'): heading 'Nghị định' must be written in
    capitals``.
    """
    if path is None:
        return _default_doc_types()
    return _load_doc_types(Path(path))


@lru_cache(maxsize=1)
def _default_doc_types() -> DocTypes:
    return _load_doc_types(DEFAULT_DOC_TYPES)


def _load_doc_types(path: Path) -> DocTypes:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocTypesError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DocTypesError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("types"), list):
        raise DocTypesError(f"{path}: must hold a mapping with a list under 'types'")
    types: list[DocType] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(data["types"], start=1):
        label = f"entry {i}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label += f" ({entry['name']!r})"
        try:
            doc_type = _check_entry(entry)
        except ValueError as exc:
            raise DocTypesError(f"{path}: {label}: {exc}") from None
        for key in (f"name {doc_type.name}",) + tuple(f"heading {h}" for h in doc_type.headings):
            if key in seen:
                raise DocTypesError(f"{path}: {label}: {key} already given by {seen[key]}")
            seen[key] = label
        types.append(doc_type)
    return _compile_vocabulary(types)


# --------------------------------------------------------------------------- lines


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


def _strip_span(text: str, s: int, e: int, chars: str = " \t*_#>") -> tuple[int, int]:
    """Shrink ``(s, e)`` past leading/trailing ``chars``."""
    while s < e and text[s] in chars:
        s += 1
    while e > s and text[e - 1] in chars:
        e -= 1
    return s, e


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
    def build(cls, text: str, start: int, end: int) -> "_Ctx":
        vocab = load_doc_types()
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


# --------------------------------------------------------------------------- header steps


def _step_draft(ctx: _Ctx, meta: DocumentMeta) -> None:
    """``DỰ THẢO`` / ``Dự thảo 2`` / ``Dự thảo lần 3`` / ``(Dự thảo ngày 12/5/2023)``."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        m = DRAFT_RE.search(ctx.text, ln.start, ln.end)
        if not m:
            continue
        meta.is_draft = True
        meta.draft_number = m.group("n")
        meta.spans["draft"] = _strip_span(ctx.text, m.start(), m.end(), " \t*_#>()[].")
        if m.group("date"):
            meta.draft_date = _make_date(m, None)
            if meta.draft_date is not None:
                meta.spans["draft_date"] = m.span("date")
        if ctx.text[ln.start : m.start()].strip(" \t*_#>([") == "":
            ctx.used.add(i)
        else:
            ctx.draft_cut[i] = m.start()
        return


def _number_from(text: str, m: re.Match, strict: bool) -> tuple[str, tuple[int, int], tuple[int, int] | None] | None:
    """Validate a ``NUMBER_RE`` match: the value, its span, and the span of a capitalised
    prefix on the same line (an issuer: ``BỘ TÀI CHÍNH Số: 12/2020/TT-BTC``), or ``None``.

    A "Số" preceded by anything but capitals (or a type word, "Luật số: …") is body text; a
    stamp's "ĐẾN Số:" is noise. ``strict`` (used for splitting) also requires a serial and
    a symbol: ``12/QĐ-X``.
    """
    num_s, num_e = m.span("num")
    raw = text[num_s:num_e]
    trimmed = raw.rstrip(".-")
    num_e -= len(raw) - len(trimmed)
    value = re.sub(r"\s+", "", trimmed)
    has_symbol = bool(re.search(r"[/\-]", value)) and any(c.isalpha() for c in value)
    if not value or not (has_symbol or m.group("colon") == ":"):
        return None
    if strict and not (value[0].isdigit() and has_symbol):
        return None
    pre_s, pre_e = m.span("pre")
    tail = _TYPE_WORD_TAIL_RE.search(text, pre_s, pre_e)
    cs, ce = _strip_span(text, pre_s, tail.start() if tail else pre_e)
    core = text[cs:ce]
    if core and (_STAMP_WORD_RE.search(core) or not _is_caps(core)):
        return None
    return value, (num_s, num_e), ((cs, ce) if core else None)


def _step_number(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The first real "Số: …" line of the header (stamps and dotted blanks are skipped)."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.stamp or i in ctx.used:
            continue
        m = NUMBER_RE.match(ctx.text, ln.start, ln.end)
        if not m:
            continue
        found = _number_from(ctx.text, m, strict=False)
        if found is None:
            continue
        meta.number, meta.spans["number"], ctx.number_pre = found
        ctx.number_idx = i
        ctx.used.add(i)
        return


def _step_heading(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The type heading in capitals (``LUẬT``, ``THÔNG TƯ LIÊN TỊCH``) and the title below it."""
    stop = ctx.body_idx if ctx.kinh_idx is None else min(ctx.body_idx, ctx.kinh_idx)
    for i, ln in enumerate(ctx.lines[:stop]):
        if i in ctx.used or ctx.special(i):
            continue
        m = ctx.vocab.heading_re.match(ctx.text, ln.start, ln.end)
        if not m:
            continue
        rest = m.group("rest")
        if rest and not _is_caps(rest):
            continue
        key = next(k for k, v in m.groupdict().items() if v and k.startswith("h") and k[1:].isdigit())
        ctx.heading_idx, ctx.heading_type = i, ctx.vocab.heading_types[key]
        ctx.heading_text = m.group(key)
        meta.doc_type = ctx.heading_type.name
        meta.spans["doc_type"] = m.span(key)
        ctx.used.add(i)
        parts: list[tuple[int, int]] = []
        if rest:
            parts.append(_strip_span(ctx.text, *m.span("rest")))
        parts.extend(_title_lines(ctx, i + 1, skip_blank=not rest))
        if parts:
            meta.title = " ".join(ctx.text[s:e].strip() for s, e in parts)
            meta.spans["title"] = (parts[0][0], parts[-1][1])
        return


def _title_lines(ctx: _Ctx, j: int, skip_blank: bool) -> list[tuple[int, int]]:
    """Spans of the title lines from line ``j``: until a blank line (a wrapped title may go
    on after one blank line when it continues in lower case), "Căn cứ", a rule, a date..."""
    parts: list[tuple[int, int]] = []
    blank_run = 0
    lines = ctx.lines
    while j < min(len(lines), ctx.body_idx) and len(parts) < 6:
        ln = lines[j]
        if ln.blank:
            blank_run += 1
            if blank_run > 2 or (parts and blank_run > 1):
                break
            j += 1
            continue
        if j in ctx.used or ctx.special(j) or STOP_RE.match(ctx.text, ln.start, ln.end):
            break
        if PLACE_DATE_RE.search(ctx.text, ln.start, ln.end) or ln.clean.endswith(":"):
            break
        if parts and blank_run and not ln.clean[:1].islower():
            break
        if not parts and blank_run and not skip_blank:
            break
        parts.append(_strip_span(ctx.text, ln.start, ln.end))
        ctx.used.add(j)
        blank_run = 0
        j += 1
    return parts


def _caps_block_above(ctx: _Ctx, i: int) -> list[tuple[int, int]]:
    """Spans of the capitalised lines directly above line ``i`` (rules and blank lines
    between them are skipped; any other line ends the block)."""
    parts: list[tuple[int, int]] = []
    j = i - 1
    while j >= 0:
        ln = ctx.lines[j]
        if ln.blank or ln.separator:
            j -= 1
            continue
        if j in ctx.used or ctx.special(j) or not _is_caps(ln.clean):
            break
        parts.insert(0, _strip_span(ctx.text, ln.start, ctx.draft_cut.get(j, ln.end)))
        j -= 1
    return parts


def _step_issuer(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The capitalised issuing-body lines of the left column (never the motto)."""
    text, parts = ctx.text, []
    motto_idx = min(ctx.motto) if ctx.motto else None
    if motto_idx is not None and motto_idx < 20:
        parts = _caps_block_above(ctx, motto_idx)
        ln = ctx.lines[motto_idx]
        s, e = _strip_span(text, ln.start, ctx.motto[motto_idx])
        if s < e and _is_caps(text[s:e]):
            parts.append((s, e))
        nxt = next((k for k in range(motto_idx + 1, len(ctx.lines)) if not ctx.lines[k].blank), None)
        if nxt is not None and nxt in ctx.doc_lap:
            m = DOC_LAP_RE.search(text, ctx.lines[nxt].start, ctx.lines[nxt].end)
            s, e = _strip_span(text, ctx.lines[nxt].start, m.start())
            if s < e and _is_caps(text[s:e]):
                parts.append((s, e))
    if not parts and ctx.number_idx is not None:
        parts = _caps_block_above(ctx, ctx.number_idx)
    if ctx.number_pre and ctx.number_pre not in parts:
        parts.append(ctx.number_pre)
    if not parts and motto_idx is None and ctx.number_idx is None and ctx.heading_idx is not None:
        parts = _caps_block_above(ctx, ctx.heading_idx)
    parts = [p for p in parts if p[0] < p[1]]
    if parts:
        meta.issuer = " ".join(text[s:e].strip() for s, e in parts)
        meta.spans["issuer"] = (parts[0][0], parts[-1][1])


def _step_date(ctx: _Ctx, meta: DocumentMeta) -> None:
    """``<place>, ngày DD tháng MM năm YYYY`` (or dd/mm/yyyy) in the header."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.stamp or (i in ctx.used and i != ctx.number_idx):
            continue
        m = PLACE_DATE_RE.search(ctx.text, ln.start, ln.end)
        place = None
        if m:
            place = _place(m.group("pre"))
            if place is None:
                m = None
        if m is None:
            m = LINE_DATE_RE.match(ctx.text, ln.start, ln.end)
        if m is None or not _ends_line(ctx.text, m.end("date"), ln.end):
            continue
        warnings: list[str] = []
        date = _make_date(m, warnings)
        if date is None:
            continue
        meta.date = date
        meta.warnings.extend(warnings)
        meta.spans["date"] = m.span("date")
        if place:
            pre_s, pre_e = m.span("pre")
            p = ctx.text.rfind(place, pre_s, pre_e)
            meta.place = place
            meta.spans["place"] = (p, p + len(place))
        ctx.used.add(i)
        return


def _ends_line(text: str, pos: int, line_end: int) -> bool:
    """Nothing but punctuation follows ``pos`` on its line, or the rest is another column
    (after a tab or a run of spaces): a header date stands alone, a sentence goes on."""
    rest = text[pos:line_end]
    return not rest.strip(" *_.,;)") or bool(re.match(r"[ *_.,;)]*(?:\t| {2,})", rest))


def _step_subject(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The "V/v …" subject of a letter, over several lines until a blank line, the date
    line, "Kính gửi" or another header line."""
    text = ctx.text
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.used or i in ctx.stamp:
            continue
        m = SUBJECT_RE.match(text, ln.start, ln.end)
        if not m:
            continue
        parts: list[tuple[int, int]] = []
        cut = _cut_at_date(text, *m.span("s"))
        if cut[0] < cut[1]:
            parts.append(cut)
        j = i + 1
        ended = cut[1] < m.end("s")
        while not ended and j < min(len(ctx.lines), ctx.body_idx) and len(parts) < 8:
            nxt = ctx.lines[j]
            if nxt.blank or j in ctx.used or ctx.special(j) or STOP_RE.match(text, nxt.start, nxt.end):
                break
            if LINE_DATE_RE.match(text, nxt.start, nxt.end):
                break
            s, e = _cut_at_date(text, nxt.start, nxt.end)
            ended = e < nxt.end
            if s < e:
                parts.append((s, e))
            ctx.used.add(j)
            j += 1
        ctx.used.add(i)
        ctx.subject_marker = _strip_span(text, ln.start, m.start("s"), " \t*_#>:")
        if parts:
            meta.subject = " ".join(text[s:e].strip() for s, e in parts)
            meta.spans["subject"] = (parts[0][0], parts[-1][1])
        return


def _cut_at_date(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` shortened before an interleaved "<place>, ngày …" and stripped."""
    m = PLACE_DATE_RE.search(text, s, e)
    if m and _place(m.group("pre")):
        place = _place(m.group("pre"))
        p = text.rfind(place, m.start("pre"), m.end("pre"))
        if p > s:
            e = p
    return _strip_span(text, s, e)


def _step_recipients(ctx: _Ctx, meta: DocumentMeta) -> None:
    """"Kính gửi: X" and/or a dash list of recipients on the following lines."""
    if ctx.kinh_idx is None:
        return
    text, i = ctx.text, ctx.kinh_idx
    ln = ctx.lines[i]
    m = KINH_GUI_RE.match(text, ln.start, ln.end)
    items: list[tuple[int, int]] = []
    s, e = m.span("r")
    im = ITEM_RE.match(text, s, e)
    if im:
        s = im.start("t")
    if _item_text(text[s:e]):
        items.append(_item_span(text, s, e))
    ctx.used.add(i)
    # one blank line may come before or inside the list only when "Kính gửi:" itself
    # names nobody; a recipient on the "Kính gửi" line takes only the items right below it
    lenient = not items
    blank_run, j = 0, i + 1
    while j < len(ctx.lines) and len(items) < 40:
        nxt = ctx.lines[j]
        if nxt.blank:
            blank_run += 1
            j += 1
            continue
        im = ITEM_RE.match(text, nxt.start, nxt.end)
        if not im or not _item_text(im.group("t")):
            break
        if blank_run and (blank_run > 1 or not lenient):
            break
        items.append(_item_span(text, im.start("t"), nxt.end))
        ctx.used.add(j)
        blank_run = 0
        j += 1
    meta.recipients = [_item_text(text[s:e]) for s, e in items]
    for k, span in enumerate(items):
        meta.spans[f"recipients.{k}"] = span
    if items:
        meta.spans["recipients"] = (items[0][0], items[-1][1])


def _item_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span of an item's text, without markdown and trailing ``; . ,``."""
    s, e = _strip_span(text, s, e)
    while e > s and text[e - 1] in ";.,* \t_":
        e -= 1
    return s, e


def _step_bases(ctx: _Ctx, meta: DocumentMeta) -> None:
    """Each "Căn cứ …;" paragraph before the body (wrapped lines joined)."""
    if meta.subject:
        return
    text = ctx.text
    stop = ctx.body_pos
    if ctx.kinh_idx is not None:
        stop = min(stop, ctx.lines[ctx.kinh_idx].start)
    spans: list[tuple[int, int]] = []
    for m in BASIS_RE.finditer(text, ctx.start, stop):
        s, e = m.span("b")
        e = _extend_paragraph(text, e, stop)
        spans.append(_item_span(text, s, e))
    meta.bases = [" ".join(text[s:e].split()) for s, e in spans]
    for k, span in enumerate(spans):
        meta.spans[f"bases.{k}"] = span
    if spans:
        meta.spans["bases"] = (spans[0][0], spans[-1][1])


def _extend_paragraph(text: str, e: int, stop: int, max_lines: int = 3) -> int:
    """Extend a basis over wrapped lines until one ends with ``;`` ``,`` ``.``."""
    for _ in range(max_lines):
        if text[:e].rstrip(" \t*_").endswith((";", ",", ".")) or e + 1 >= stop or text[e : e + 1] != "\n":
            break
        nl = text.find("\n", e + 1, stop)
        nxt_end = stop if nl < 0 else nl
        nxt = text[e + 1 : nxt_end]
        if not nxt.strip() or STOP_RE.match(text, e + 1, nxt_end) or _is_caps(nxt):
            break
        e = nxt_end
    return e


def _step_closing(ctx: _Ctx, meta: DocumentMeta) -> None:
    """"Nơi nhận:" items and the signature block near them (or at the end of the body,
    before any annex). An annex template's "Nơi nhận:" is never the document's."""
    text = ctx.text
    cstart = ctx.header_end(meta)
    annex = _search_lines(ANNEX_RE, _NL_ANNEX_RE, text, cstart, ctx.end)
    stop = annex.start() if annex else ctx.end
    nn = _search_lines(NOI_NHAN_RE, _NL_NOI_NHAN_RE, text, cstart, stop)
    if nn:
        items_end = _noi_nhan_items(text, nn, stop, meta)
        sigs = list(SIGNATURE_RE.finditer(text, max(cstart, nn.start() - CLOSING_CHARS), min(stop, items_end + CLOSING_CHARS)))
        after = [s for s in sigs if s.start() >= items_end]
        before = [s for s in sigs if s.end() <= nn.start()]
        sig = after[0] if after else (before[-1] if before else None)
    else:
        sigs = list(SIGNATURE_RE.finditer(text, max(cstart, stop - CLOSING_CHARS), stop))
        sig = sigs[-1] if sigs else None
    if sig:
        _set_signature(text, sig, meta)


def _noi_nhan_items(text: str, nn: re.Match, stop: int, meta: DocumentMeta) -> int:
    """Fill ``meta.noi_nhan`` from the "- …" lines after "Nơi nhận:"; returns where they end."""
    items: list[tuple[int, int]] = []
    rest = nn.group("rest")
    if rest and ITEM_RE.match(rest) and _item_text(ITEM_RE.match(rest).group("t")):
        s = nn.start("rest") + ITEM_RE.match(rest).start("t")
        items.append(_item_span(text, s, nn.end("rest")))
    end_pos, blank_run = nn.end(), 0
    for ln in _lines(text, min(nn.end() + 1, stop), stop, 60):
        if ln.blank:
            blank_run += 1
            if blank_run > 1:
                break  # a blank gap ends the list
            continue
        m = ITEM_RE.match(text, ln.start, ln.end)
        if not m or not _item_text(m.group("t")):
            break
        items.append(_item_span(text, m.start("t"), ln.end))
        end_pos, blank_run = ln.end, 0
    meta.noi_nhan = [_item_text(text[s:e]) for s, e in items]
    for k, span in enumerate(items):
        meta.spans[f"noi_nhan.{k}"] = span
    meta.spans["noi_nhan"] = (nn.start(), items[-1][1] if items else nn.end())
    return end_pos


def _set_signature(text: str, sig: re.Match, meta: DocumentMeta) -> None:
    ts, te = sig.span("title")
    title_lines = [_clean(t) for t in text[ts:te].split("\n")]
    meta.signer_title = "\n".join(t for t in title_lines if t)
    meta.spans["signer_title"] = _strip_span(text, ts, te, " \t*_\n")
    meta.signer_name = sig.group("name").strip()
    meta.spans["signer_name"] = sig.span("name")


def _step_infer_type(ctx: _Ctx, meta: DocumentMeta) -> None:
    """Type from the number's symbol or a V/v line when there is no heading; a
    ``restates`` symbol (VBHN) wins over the heading, which joins the title."""
    by_symbol = ctx.vocab.by_symbol(meta.number)
    if by_symbol is not None and by_symbol.restates and ctx.heading_type is not by_symbol:
        if ctx.heading_text:
            meta.title = f"{ctx.heading_text} {meta.title}".strip() if meta.title else ctx.heading_text
            hs = meta.spans.get("doc_type")
            if hs:
                meta.spans["title"] = (hs[0], meta.spans.get("title", hs)[1])
        meta.doc_type = by_symbol.name
        meta.spans["doc_type"] = meta.spans["number"]
        return
    if meta.doc_type:
        return
    if by_symbol is not None:
        meta.doc_type = by_symbol.name
        meta.spans["doc_type"] = meta.spans["number"]
    elif ctx.subject_marker and ctx.vocab.letter_type() is not None:
        meta.doc_type = ctx.vocab.letter_type().name
        meta.spans["doc_type"] = ctx.subject_marker


def _step_infer_issuer(ctx: _Ctx, meta: DocumentMeta) -> None:
    """No issuer in the header: a "TM. <BODY>" signature line names the collective body
    the document is signed for; anything less certain leaves the issuer empty."""
    if meta.issuer:
        return
    first = (meta.signer_title or "").split("\n")[0]
    m = TM_RE.match(first)
    if m and _is_caps(m.group("b")):
        body = m.group("b").strip()
        meta.issuer = body
        ts, te = meta.spans["signer_title"]
        p = ctx.text.find(body, ts, te)
        meta.spans["issuer"] = (p, p + len(body)) if p >= 0 else (ts, te)
        meta.warnings.append(f"issuer not found in header: inferred {body!r} from signature block {first!r}")
    else:
        meta.warnings.append("issuer not found in header")


def _step_missing(ctx: _Ctx, meta: DocumentMeta) -> None:
    if not meta.number:
        meta.warnings.append("number not found in header")
    if meta.date is None:
        meta.warnings.append("date not found in header")


#: The header steps, in order: later steps skip lines earlier ones used.
_STEPS: tuple[Callable[[_Ctx, DocumentMeta], None], ...] = (
    _step_draft,
    _step_number,
    _step_heading,
    _step_issuer,
    _step_date,
    _step_subject,
    _step_recipients,
    _step_bases,
    _step_closing,
    _step_infer_type,
    _step_infer_issuer,
    _step_missing,
)


def parse_header(text: str, start: int = 0, end: int | None = None) -> DocumentMeta:
    """What the header and closing blocks of ``text[start:end]`` say about the document.

    Offsets in ``meta.spans`` are into ``text``. Never raises on odd text; what could not
    be found is ``None``/empty with a warning.

    >>> meta = parse_header("QUỐC HỘI\\nSố: 72/2020/QH14\\n\\nLUẬT\\nBẢO VỆ MÔI TRƯỜNG\\n")
    >>> meta.doc_type, meta.number, meta.issuer, meta.title
    ('Luật', '72/2020/QH14', 'QUỐC HỘI', 'BẢO VỆ MÔI TRƯỜNG')
    """
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, min(start, end))
    meta = DocumentMeta()
    ctx = _Ctx.build(text, start, end)
    for step in _STEPS:
        step(ctx, meta)
    return meta


# --------------------------------------------------------------------------- splitting


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
        if m and _number_from(text, m, strict=True):
            found.add(ls)
    return sorted(found)


def _looks_like_header(text: str, b: int) -> bool:
    """The part starting at ``b`` has a real number or a type heading in its first lines."""
    stop = min(len(text), b + NEW_HEADER_CHARS)
    for m in NUMBER_RE.finditer(text, b, stop):
        if _number_from(text, m, strict=True):
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


# --------------------------------------------------------------------------- ids

_MIXED_CASE_TOKENS = {"ND": "NĐ", "QD": "QĐ", "TTG": "TTg", "TTR": "TTr", "QĐI": "QĐi", "QDI": "QĐi"}


def canonical_number(number: str) -> str:
    """One spelling of a number/symbol for comparisons: whitespace removed, symbol letters in
    capitals, ASCII ``ND``/``QD`` -> ``NĐ``/``QĐ``, ``TTg`` and ``TTr`` in their usual case.

    >>> canonical_number("08/2022/ND-CP"), canonical_number("1795/QĐ-TTG")
    ('08/2022/NĐ-CP', '1795/QĐ-TTg')
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFC", number))

    def fix(m: re.Match) -> str:
        token = m.group(0).upper()
        return _MIXED_CASE_TOKENS.get(token, token)

    return re.sub(r"[^\W\d_]+", fix, s)


def _slug(s: str) -> str:
    """ASCII, lower case, hyphens: ``"Luật BẢO VỆ MÔI TRƯỜNG"`` -> ``"luat-bao-ve-moi-truong"``."""
    s = s.replace("Đ", "D").replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def _safe_id(s: str) -> str:
    return re.sub(r"[\s:]+", "-", s.strip()).strip("-")


def document_id(meta: DocumentMeta, fallback: str) -> str:
    """The stable composite id of a document.

    The canonical number when the header has one (a blank draft serial does not count);
    else a slug of type and title; else ``fallback``. Drafts add ``@du-thao`` and their
    number. Ids hold no ":" and no whitespace.

    >>> document_id(DocumentMeta(doc_type="Luật", title="TÀI NGUYÊN NƯỚC (SỬA ĐỔI)",
    ...                          is_draft=True, draft_number="2"), "f")
    'luat-tai-nguyen-nuoc-sua-doi@du-thao-2'
    """
    base = ""
    if meta.number and meta.number.strip()[:1].isdigit():
        base = _safe_id(canonical_number(meta.number))
    if not base and meta.doc_type and meta.title:
        base = _slug(f"{meta.doc_type} {meta.title}")
    if not base:
        base = _safe_id(fallback) or "document"
    if meta.is_draft:
        base += "@du-thao" + (f"-{_slug(meta.draft_number)}" if meta.draft_number and _slug(meta.draft_number) else "")
    return base
