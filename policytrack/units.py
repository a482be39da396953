"""The units of Vietnamese legal structure, read once from ``data/units.yaml``.

Everything that recognises a unit (the structure parser, the citation reader, the header
parser, the PDF reader) builds its pattern from here, so a unit word or a point letter is
written in one place::

    >>> from policytrack import units
    >>> units.UNITS["article"].heading, units.UNITS["clause"].cited
    (('Điều', 'ĐIỀU'), ('khoản', 'Khoản'))
    >>> units.POINT_LETTERS[:6]
    ('a', 'b', 'c', 'd', 'đ', 'e')
    >>> units.roman_to_int("IV"), units.to_roman(9)
    (4, 'IX')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .vocab import DATA, DataFileError, need_mapping, need_strings, need_text, read_yaml

__all__ = [
    "Unit", "UNITS", "load_units", "ORDINAL_WORD", "POINT_LETTERS", "POINT_INDEX", "ORDINALS", "KIND_OF_WORD",
    "heading_words", "cited_words", "id_letters", "ID_LETTERS", "alternation", "letter_class", "roman_to_int", "to_roman", "ordinal",
    "ROMAN_MISREADS", "misread_roman", "DIGIT_MISREADS", "DOT_MISREADS",
]

PATH = DATA / "units.yaml"
_NUMBERINGS = ("digits", "roman", "letters", "ordinal")


@dataclass(frozen=True)
class Unit:
    kind: str                  # "article"
    segment: str               # "d": the prefix of the unit in a provision id
    numbers: str               # one of _NUMBERINGS
    heading: tuple[str, ...]   # "Điều", "ĐIỀU": the word heading a unit at a line start
    cited: tuple[str, ...]     # "Điều", "điều": the word in a citation
    cited_numbered: tuple[str, ...] = ()  # "mục": a citation only when a number follows ("mục 2.1")
    not_after: tuple[str, ...] = ()       # "danh", "hạng": words that make it an everyday word
    misread: tuple[str, ...] = ()         # "Điêu", "Dieu": the heading word as scans misprint it
    misread_label: tuple[str, ...] = ()   # " .": what scans print after a label for "." / ")"

    @property
    def word(self) -> str:
        """The word as usually printed: the first heading spelling, else the first cited one."""
        return (self.heading or self.cited)[0]


def _forms(entry: dict, key: str, path: Path, where: str) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", w) for w in need_strings(entry.get(key), path, f"{where}, {key}"))


class Vocabulary(NamedTuple):
    units: dict[str, Unit]
    ordinal_word: str
    point_letters: tuple[str, ...]
    ordinals: dict[str, int]
    id_letters: dict[str, str]        # "đ" -> "dd": letters outside a-z as written in ids
    optional_letters: frozenset[str]  # letters a document may leave out ("u) v)" with no ư)
    roman_misreads: dict[str, str]    # "T" -> "I": characters scans print for a roman letter
    digit_misreads: dict[str, tuple[str, ...]]  # "B" -> ("3", "8"): what scans print for a digit
    dot_misreads: frozenset[str]      # "i": what scans print for the dot after a clause number


def load_units(path: Path = PATH) -> Vocabulary:
    """Read and check a units file (see ``Vocabulary``); a mistake raises ``DataFileError`` naming the entry. The package reads
    ``data/units.yaml`` once, at import."""
    data = need_mapping(read_yaml(path), path, "")
    raw_units = need_mapping(data.get("units"), path, "units")
    units: dict[str, Unit] = {}
    for kind, entry in raw_units.items():
        where = f"units, {kind}"
        need_mapping(entry, path, where)
        segment = entry.get("segment")
        if not isinstance(segment, str) or not re.fullmatch(r"[a-z]*", segment):
            raise DataFileError(path, where, "'segment' must be lower-case ASCII letters (or empty)")
        numbers = entry.get("numbers")
        if numbers not in _NUMBERINGS:
            raise DataFileError(path, where, f"'numbers' must be one of {', '.join(_NUMBERINGS)}")
        heading, cited = _forms(entry, "heading", path, where), _forms(entry, "cited", path, where)
        if not cited:
            raise DataFileError(path, where, "needs at least one 'cited' spelling")
        misread = _misread_words(entry, heading, path, where)
        units[kind] = Unit(kind, segment, numbers, heading, cited,
                           _forms(entry, "cited_numbered", path, where), _forms(entry, "not_after", path, where),
                           misread, _misread_labels(entry, heading, path, where))
    _no_misread_is_a_heading(units, path)
    missing = [k for k in ("part", "chapter", "section", "subsection", "article", "clause", "point", "annex")
               if k not in units]
    if missing:
        raise DataFileError(path, "units", f"missing unit(s) {', '.join(missing)}")
    ordinal_word = need_text(data, "ordinal_word", path, "ordinal_word").strip()
    letters = data.get("point_letters")
    if not isinstance(letters, list) or not letters or not all(
            isinstance(x, str) and len(x) == 1 and x.islower() for x in letters):
        raise DataFileError(path, "point_letters", "must be a list of single lower-case letters")
    if len(set(letters)) != len(letters):
        raise DataFileError(path, "point_letters", "a letter is listed twice")
    ordinals = need_mapping(data.get("ordinals"), path, "ordinals")
    for word, n in ordinals.items():
        if not isinstance(n, int) or n < 1:
            raise DataFileError(path, f"ordinals, {word}", "must be a whole number from 1")
    letters = tuple(unicodedata.normalize("NFC", x) for x in letters)
    id_letters = need_mapping(data.get("id_letters") or {}, path, "id_letters")
    for letter, spelling in id_letters.items():
        if not (isinstance(spelling, str) and re.fullmatch(r"[a-z]{2,}", spelling)):
            raise DataFileError(path, f"id_letters, {letter}", "must be two or more ASCII lower-case letters")
    unspelled = [x for x in letters if not ("a" <= x <= "z") and x not in id_letters]
    if unspelled:
        raise DataFileError(path, "id_letters", f"no id spelling for {', '.join(unspelled)}")
    optional = need_strings(data.get("optional_letters"), path, "optional_letters")
    stray = [x for x in optional if x not in letters]
    if stray:
        raise DataFileError(path, "optional_letters", f"not point letters: {', '.join(stray)}")
    return Vocabulary(units, unicodedata.normalize("NFC", ordinal_word), letters,
                      {unicodedata.normalize("NFC", str(k)): v for k, v in ordinals.items()},
                      {unicodedata.normalize("NFC", k): v for k, v in id_letters.items()},
                      frozenset(unicodedata.normalize("NFC", x) for x in optional),
                      _roman_misreads(data, path), _digit_misreads(data, path), _dot_misreads(data, path))


def _misread_words(entry: dict, heading: tuple[str, ...], path: Path, where: str) -> tuple[str, ...]:
    """The ``misread`` spellings of a unit word: only for units with a heading word, and
    letters and spaces only (the number after them is matched apart)."""
    words = _forms(entry, "misread", path, where)
    if words and not heading:
        raise DataFileError(path, f"{where}, misread", "only a unit with a 'heading' word can list misreads of it")
    for word in words:
        if not re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", word):
            raise DataFileError(path, f"{where}, misread", f"{word!r} must be letters (and single spaces) only")
    return words


def _misread_labels(entry: dict, heading: tuple[str, ...], path: Path, where: str) -> tuple[str, ...]:
    """The ``misread_label`` forms of a unit labelled without a word (clause, point): one
    punctuation mark, after a space unless it is one no label uses (``,`` ``:`` ``;``); a
    bare ``.`` or ``)`` is how labels are printed, not a misread."""
    where = f"{where}, misread_label"
    labels = entry.get("misread_label") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise DataFileError(path, where, "must be a list of texts")
    if labels and heading:
        raise DataFileError(path, where, "only a unit without a heading word (a clause, a point) has labels")
    for label in labels:
        if not re.fullmatch(r" [.,:;)]|[,:;]", label):
            raise DataFileError(path, where, f"{label!r} must be a space and one of . , : ; ) (or a bare , : ;)")
    return tuple(labels)


def _no_misread_is_a_heading(units: dict[str, Unit], path: Path) -> None:
    """A misread that is a real heading spelling would turn every such heading into a warning."""
    headings = {w for unit in units.values() for w in unit.heading}
    for kind, unit in units.items():
        clash = [w for w in unit.misread if w in headings]
        if clash:
            raise DataFileError(path, f"units, {kind}, misread", f"{clash[0]!r} is a heading spelling, not a misread")


def _roman_misreads(data: dict, path: Path) -> dict[str, str]:
    """``roman_misreads``: one character → the roman letter it stands for (``L`` → ``I``
    too: the parser applies the table only where the number as printed breaks the
    sequence and the corrected one continues it)."""
    table = need_mapping(data.get("roman_misreads") or {}, path, "roman_misreads")
    out: dict[str, str] = {}
    for char, letter in table.items():
        char = str(char)  # YAML reads an unquoted 1 as a number
        if len(char) != 1:
            raise DataFileError(path, f"roman_misreads, {char}", "the key must be one character")
        if letter not in _ROMAN or letter == char:
            raise DataFileError(path, f"roman_misreads, {char}",
                                f"must be another roman letter ({', '.join(_ROMAN)})")
        out[char] = letter
    return out


def _digit_misreads(data: dict, path: Path) -> dict[str, tuple[str, ...]]:
    """``digit_misreads``: one character that is not a digit → the digits it may stand for
    (``B`` → 3 or 8: the clause series decides between them)."""
    table = need_mapping(data.get("digit_misreads") or {}, path, "digit_misreads")
    out: dict[str, tuple[str, ...]] = {}
    for char, digits in table.items():
        char = str(char)
        where = f"digit_misreads, {char}"
        if len(char) != 1 or char.isdigit() or char.isspace():
            raise DataFileError(path, where, "the key must be one character that is not a digit or a space")
        if not isinstance(digits, list) or not digits or not all(
                isinstance(d, str) and len(d) == 1 and d.isdigit() for d in digits):
            raise DataFileError(path, where, "must be a list of digits, each quoted (\"3\")")
        if len(set(digits)) != len(digits):
            raise DataFileError(path, where, "a digit is listed twice")
        out[unicodedata.normalize("NFC", char)] = tuple(digits)
    return out


def _dot_misreads(data: dict, path: Path) -> frozenset[str]:
    """``dot_misreads``: single letters scans print for the dot after a clause number."""
    letters = need_strings(data.get("dot_misreads"), path, "dot_misreads")
    bad = [x for x in letters if len(x) != 1 or not x.isalpha()]
    if bad:
        raise DataFileError(path, "dot_misreads", f"{bad[0]!r} must be one letter")
    return frozenset(unicodedata.normalize("NFC", x) for x in letters)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
(UNITS, ORDINAL_WORD, POINT_LETTERS, ORDINALS, ID_LETTERS, OPTIONAL_LETTERS, ROMAN_MISREADS, DIGIT_MISREADS,
 DOT_MISREADS) = load_units()
_ID_TABLE = str.maketrans(ID_LETTERS)
POINT_INDEX = {letter: i for i, letter in enumerate(POINT_LETTERS)}
#: Lower-case unit word → kind: ``"tiểu mục"`` → ``"subsection"``.
KIND_OF_WORD = {w.lower(): kind for kind, unit in UNITS.items()
                for w in (*unit.heading, *unit.cited, *unit.cited_numbered)}


def heading_words(*kinds: str) -> list[str]:
    """Spellings that head a unit at a line start (all kinds when none is given)."""
    return [w for kind in (kinds or tuple(UNITS)) for w in UNITS[kind].heading]


def cited_words(*kinds: str, numbered: bool = False) -> list[str]:
    """Spellings of the unit word in citations (all kinds when none is given); with
    ``numbered``, also those that cite only before a number (``mục 2.1``)."""
    return [w for kind in (kinds or tuple(UNITS))
            for w in (*UNITS[kind].cited, *(UNITS[kind].cited_numbered if numbered else ()))]


def alternation(forms, flags: str = "") -> str:
    """A regex alternation of literal words, longest first (``Tiểu mục`` before ``Mục``)."""
    body = "|".join(re.escape(w) for w in sorted(set(forms), key=len, reverse=True))
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


def letter_class() -> str:
    """A character class of point letters: ASCII ``a-z`` and the Vietnamese letters of the
    list (``[a-zđ]``). ASCII letters outside the list still match, so ``f)`` is read as an
    out-of-order point and warned about rather than silently passing as text."""
    extra = "".join(sorted({x for x in POINT_LETTERS if not ("a" <= x <= "z")}))
    return f"[a-z{extra}]"


_ROMAN_STEPS = ((100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman_to_int(s: str) -> int | None:
    """``"IV"`` → 4; ``None`` for anything that is not a roman numeral."""
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None


def to_roman(n: int) -> str:
    """``9`` → ``"IX"``."""
    out = ""
    for value, letters in _ROMAN_STEPS:
        while n >= value:
            out += letters
            n -= value
    return out


def misread_roman(token: str) -> str | None:
    """The roman numeral ``token`` stands for if a scan misprinted it (``"1I"`` → ``"II"``,
    ``"T"`` → ``"I"``, ``"IL"`` → ``"II"``) by ``roman_misreads``, or ``None`` when no
    character is in the table or the result is not a well-formed numeral (``"III1"``, a
    flattened footnote mark, gives ``IIII``: no). Whether it was misprinted is the
    caller's to judge (``XL`` is also forty)."""
    fixed = "".join(ROMAN_MISREADS.get(ch, ch) for ch in token)
    if fixed == token or token.isdigit():  # "Chương 11" is chapter 11 in digits
        return None
    n = roman_to_int(fixed)
    return fixed if n is not None and to_roman(n) == fixed else None


def id_letters(text: str) -> str:
    """``text`` with the letters outside a-z in their id spelling: ``"đ"`` → ``"dd"``."""
    return text.translate(_ID_TABLE)


def ordinal(word: str) -> int | None:
    """``"tư"`` → 4 (the ordinals of ``Phần thứ …``); ``None`` when unknown."""
    return ORDINALS.get(word.lower())
