"""Provision and document ids: the one place where they are built.

A provision id is ``<document id>:<path>``; the path joins one segment per unit, outermost
first (``72/2020/QH14:d8.k3.a``; README, "Provision ids"). The structure parser builds the
path of what it reads, and the citation resolver the path of what a citation names, both
with ``segment``, so a cited unit and a parsed unit always get the same id.

>>> segment("chapter", "IV"), segment("point", "đ"), segment("annex", "")
('c4', 'dd', 'pl')
>>> canonical_number("08/2022/ND-CP"), number_key("08/2022/nđ-cp")
('08/2022/NĐ-CP', '08/2022/NĐ-CP')
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from functools import lru_cache

from .model import DocumentMeta
from .units import ID_LETTERS, ORDINAL_WORD, ORDINALS, UNITS, id_letters, ordinal, roman_to_int, to_roman

__all__ = ["segment", "join", "slug", "canonical_number", "number_key", "document_id", "safe_id",
           "is_iso_date", "provision_words"]


def _roman_or_digits(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else roman_to_int(raw)


@lru_cache(maxsize=4096)
def segment(kind: str, raw: str) -> str:
    """The id segment of a unit numbered ``raw`` as printed (``Chương IV`` → ``c4``).

    Letters outside a-z take their id spelling (``data/units.yaml``: ``đ`` → ``dd``, ``ư`` →
    ``uw``); an unnumbered annex is ``pl``, a decimal one (``Phụ lục I.2``) ``pl1_2``; a
    number that cannot be read (``Phần thứ mười một``) is kept in lower case.
    """
    prefix = UNITS[kind].segment if kind in UNITS else ""
    if kind == "subpoint":
        return id_letters(raw)
    numbers = UNITS[kind].numbers if kind in UNITS else "digits"
    if numbers == "ordinal":
        n = ordinal(raw)
        return f"{prefix}{n if n else raw.lower()}"
    if numbers == "roman":
        if not raw:
            return prefix
        decimal = re.fullmatch(r"([IVXLC]+|\d+)\.(\d{1,2})", raw)
        if decimal and _roman_or_digits(decimal.group(1)):  # "Phụ lục I.2" → pl1_2
            return f"{prefix}{_roman_or_digits(decimal.group(1))}_{int(decimal.group(2))}"
        n = _roman_or_digits(raw)
        if n is None and len(raw) > 1 and raw[-1].islower():
            # an inserted unit, "Chương Xa" → c10a
            base = _roman_or_digits(raw[:-1])
            if base:
                return f"{prefix}{base}{id_letters(raw[-1])}"
        return f"{prefix}{n if n else raw.lower()}"
    if numbers == "letters":
        return prefix + id_letters(raw)
    if kind == "article":
        return prefix + id_letters(raw)
    return f"{prefix}{int(raw)}" if raw.isdigit() else prefix + raw


def join(prefix: str, key: str) -> str:
    """``join("d8", "k3")`` → ``"d8.k3"``; an empty prefix gives the key alone."""
    return f"{prefix}.{key}" if prefix else key


def slug(text: str) -> str:
    """ASCII, lower case, hyphenated: ``"Luật BẢO VỆ MÔI TRƯỜNG"`` → ``"luat-bao-ve-moi-truong"``."""
    text = text.replace("Đ", "D").replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def safe_id(text: str) -> str:
    """Whitespace and ``:`` (which separates a document id from a path) become ``-``."""
    return re.sub(r"[\s:]+", "-", text.strip()).strip("-")


_MIXED_CASE_TOKENS = {"ND": "NĐ", "QD": "QĐ", "TTG": "TTg", "TTR": "TTr", "QĐI": "QĐi", "QDI": "QĐi"}


@lru_cache(maxsize=65536)
def canonical_number(number: str) -> str:
    """One spelling of a number/symbol: whitespace removed, symbol letters in capitals,
    ASCII ``ND``/``QD`` → ``NĐ``/``QĐ``, ``TTg`` and ``TTr`` in their usual case.

    >>> canonical_number("08/2022/ND-CP"), canonical_number("1795/QĐ-TTG")
    ('08/2022/NĐ-CP', '1795/QĐ-TTg')
    """
    s = re.sub(r"\s+", "", unicodedata.normalize("NFC", number))

    def fix(m: re.Match) -> str:
        token = m.group(0).upper()
        return _MIXED_CASE_TOKENS.get(token, token)

    return re.sub(r"[^\W\d_]+", fix, s)


def number_key(number: str) -> str:
    """What two numbers are compared by: the canonical spelling, case ignored."""
    return canonical_number(number).upper()


#: What marks the id of a consolidated text (VBHN) whose own number is not printed: the
#: number of the document it restates, then this (``32/2018/QH14@vbhn``).
CONSOLIDATED_MARK = "@vbhn"


def document_id(meta: DocumentMeta, fallback: str) -> str:
    """The stable composite id of a document.

    The canonical number when the header has one (a blank draft serial does not count);
    a consolidated text (VBHN) without its own number printed: the restated document's
    number marked ``@vbhn`` (never the number of an amending document it lists); else a slug of type and title; else ``fallback``. Drafts add ``@du-thao`` and their
    number. Ids hold no ":" and no whitespace.

    >>> document_id(DocumentMeta(doc_type="Luật", title="TÀI NGUYÊN NƯỚC (SỬA ĐỔI)",
    ...                          is_draft=True, draft_number="2"), "f")
    'luat-tai-nguyen-nuoc-sua-doi@du-thao-2'
    """
    base = ""
    if meta.number and meta.number.strip()[:1].isdigit():
        base = safe_id(canonical_number(meta.number))
    if not base and meta.consolidates:
        base = safe_id(canonical_number(meta.consolidates)) + CONSOLIDATED_MARK
    if not base and meta.doc_type and meta.title:
        base = slug(f"{meta.doc_type} {meta.title}")
    if not base:
        base = safe_id(fallback) or "document"
    if meta.is_draft:
        base += "@du-thao" + (f"-{slug(meta.draft_number)}" if meta.draft_number and slug(meta.draft_number) else "")
    return base


def is_iso_date(value: str) -> bool:
    """An ISO date naming a real day (``YYYY-MM-DD``; registers store dates this way)."""
    try:
        _dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True



_REPEAT = re.compile(r"~(\d+)$")
_PREFIXED = re.compile(r"(?P<kind>pl|tm|p|c|m|d|k|i)(?P<number>\d+[a-z]*|(?<=pl)[a-z]*)")
_PREFIX_KIND = {"p": "part", "c": "chapter", "m": "section", "tm": "subsection", "d": "article", "k": "clause",
                "pl": "annex", "i": "dash"}


def _printed_letters(spelled: str) -> str:
    """The printed letters of an id segment: ``dd`` → ``đ``, ``uw`` → ``ư``."""
    for letter, spelling in sorted(ID_LETTERS.items(), key=lambda kv: -len(kv[1])):
        spelled = spelled.replace(spelling, letter)
    return spelled


def _ordinal_word(n: int) -> str:
    """``2`` → ``hai``: the first word ``data/units.yaml`` lists for it (digits beyond)."""
    return next((word for word, value in ORDINALS.items() if value == n), str(n))


def _segment_kind(seg: str, parent: str) -> tuple[str, str]:
    """``(kind, number)`` of one path segment. Letters alone are a point (``b``, ``dd``);
    letters and digits after a point of those letters are its sub-point (``a1`` under
    ``a``; so ``c2`` under point ``c`` is a sub-point, not Chương II, and ``i1`` under point
    ``i`` a sub-point, not a dash item: the id cannot tell those two apart)."""
    letters = re.fullmatch(r"([a-z]+)(\d+)", seg)
    if letters and parent.isalpha() and letters.group(1) == parent:
        return "subpoint", seg
    m = _PREFIXED.fullmatch(seg)
    if m is not None:
        return _PREFIX_KIND[m.group("kind")], m.group("number")
    if re.fullmatch(r"[a-z]+", seg):
        return "point", seg
    if letters:
        return "subpoint", seg
    raise ValueError(f"not a provision path segment: {seg!r}")


def _segment_words(kind: str, number: str) -> str:
    """One unit in words: the unit word of ``data/units.yaml`` and its printed number."""
    if kind == "dash":
        return f"gạch đầu dòng thứ {_ordinal_word(int(number))}"
    if kind == "part":
        return f"{UNITS['part'].cited[0]} {ORDINAL_WORD} {_ordinal_word(int(number))}"
    if kind == "chapter":
        return f"{UNITS['chapter'].cited[0]} {to_roman(int(number))}"
    if kind == "annex":
        label = to_roman(int(number)) if number.isdigit() else number.upper()
        return f"{UNITS['annex'].cited[0]} {label}".rstrip()
    unit = "point" if kind == "subpoint" else kind
    return f"{UNITS[unit].cited[0]} {_printed_letters(number)}"


def provision_words(path: str) -> str:
    """A provision path as a Vietnamese text cites it, innermost unit first:
    ``d8.k3.b`` → ``điểm b khoản 3 Điều 8``; ``c2.m1`` → ``Mục 1 Chương II``. A full id
    (``<document id>:<path>``) gives its path's words; a repeated path (``d5~2``) says
    which occurrence. Unit words, point letters and ordinals come from
    ``data/units.yaml``, so names follow the parser's vocabulary.

    >>> provision_words("d8.k3.dd"), provision_words("pl2"), provision_words("d5a.k1.a.i2")
    ('điểm đ khoản 3 Điều 8', 'Phụ lục II', 'gạch đầu dòng thứ hai điểm a khoản 1 Điều 5a')
    """
    path = path.rsplit(":", 1)[-1]
    words, parent = [], ""
    for seg in path.split("."):
        repeat = _REPEAT.search(seg)
        seg = _REPEAT.sub("", seg)
        kind, number = _segment_kind(seg, parent)
        if kind == "subpoint" and parent.isalpha():
            words.pop()  # "điểm a1 khoản 3", not "điểm a1 điểm a khoản 3"
        words.append(_segment_words(kind, number) + (f" (lần thứ {repeat.group(1)})" if repeat else ""))
        parent = seg
    return " ".join(reversed(words))
