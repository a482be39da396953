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
from .units import UNITS, id_letters, ordinal, roman_to_int

__all__ = ["segment", "join", "slug", "canonical_number", "number_key", "document_id", "safe_id",
           "is_iso_date"]


def _roman_or_digits(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else roman_to_int(raw)


@lru_cache(maxsize=4096)
def segment(kind: str, raw: str) -> str:
    """The id segment of a unit numbered ``raw`` as printed (``Chương IV`` → ``c4``).

    Letters outside a-z take their id spelling (``data/units.yaml``: ``đ`` → ``dd``, ``ư`` →
    ``uw``); an unnumbered annex is
    ``pl``; a number that cannot be read (``Phần thứ mười một``) is kept in lower case.
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
        n = _roman_or_digits(raw)
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
        base = safe_id(canonical_number(meta.number))
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
