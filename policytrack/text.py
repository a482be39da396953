"""Text normalisation for matching, with a map back to the original offsets.

Matchers (structure parser, citations, tagging) run on ``normalize(text)[0]``; every
match is reported against the original text through the offsets map, so quotes and
spans stay exact.

``normalize`` applies, in this order:

1. Removal of invisible characters: soft hyphen U+00AD, zero-width space / non-joiner /
   joiner U+200B-U+200D, word joiner U+2060 and the BOM / zero-width no-break space
   U+FEFF.
2. Line ends: ``\\r\\n`` and a lone ``\\r`` become ``\\n``.
3. Unicode NFC. Decomposed input (NFD, from macOS and some PDFs) shrinks to composed
   letters; the map records where each composed letter came from.
4. Exotic spaces (U+00A0, U+2000-U+200A, U+2007, U+202F, U+3000) become ``' '``;
   curly double quotes ``“ ” „ ‟`` become ``"`` and curly single quotes ``‘ ’``
   become ``'``; ``Ð``/``ð`` (the Icelandic eth, typed for ``Đ``/``đ`` in real files:
   ``Ðiều 317``) become ``Đ``/``đ``.
5. One tone-mark placement: the traditional ("old") convention used by the national
   legal database. In a syllable that ends in ``oa``, ``oe`` or ``uy`` (no final
   consonant, no third vowel) the tone sits on the FIRST vowel:

   ======== =========== =====================================================
   written  normalised  rule
   ======== =========== =====================================================
   hoà      hòa         ``o`` + toned ``a`` at the end of a word
   khoẻ     khỏe        ``o`` + toned ``e`` at the end of a word
   thuỷ     thủy        ``u`` + toned ``y`` at the end of a word (not ``qu``)
   Uỷ ban   Ủy ban      upper case follows each letter's own case
   hoàn     hoàn        final consonant: both conventions agree, unchanged
   khoèo    khoèo       third vowel: both conventions agree, unchanged
   quý      quý         ``qu`` is a consonant, ``y`` is the only vowel
   ======== =========== =====================================================

   The swap is length-preserving (two letters in, two letters out).

``fold`` (case folding) and ``strip_marks`` (diacritics removal, for OCR output such
as ``LẠNG SON``) are length-preserving, so an offset found in a folded or stripped
string is also an offset of the normalised string.

The map ``offsets`` has ``len(normalized) + 1`` entries: ``offsets[i]`` is the index in
the original of normalised index ``i`` and ``offsets[len(normalized)] == len(text)``.
It is ``None`` when the normalised text is aligned index for index with the original
(the usual case for clean NFC input, which takes a fast path).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import lru_cache

__all__ = ["normalize", "fold", "match_key", "strip_marks", "strip_span", "to_original", "TONE_PAIRS"]

_REMOVED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"
_SUBSTITUTES: dict[str, str] = {
    **{c: " " for c in _SPACES},
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2018": "'",
    "\u2019": "'",
    # Ð/ð (Icelandic eth, U+00D0/U+00F0) typed for Đ/đ: "Ðiều 317" is "Điều 317"
    "\u00d0": "\u0110",
    "\u00f0": "\u0111",
}

_LENGTH_CHANGING = re.compile("[\r" + _REMOVED + "]")
_COMBINING_DIACRITICS = re.compile("[\u0300-\u036f]")

#: Vowel pairs whose tone moves to the first vowel when they end a syllable.
TONE_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))
#: The five tone marks as combining characters: grave, acute, hook above, tilde, dot below.
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _build_tone_table() -> dict[str, str]:
    """Map every new-style pair (``oà``, ``OÀ``, ``uỷ``...) to its old-style form."""
    table: dict[str, str] = {}
    for first, second in TONE_PAIRS:
        for mark in TONE_MARKS:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    new = f + unicodedata.normalize("NFC", s + mark)
                    old = unicodedata.normalize("NFC", f + mark) + s
                    table[new] = old
    return table


_TONE_TABLE = _build_tone_table()
_TONE_RE = re.compile(
    "[oOuU][" + "".join(sorted({pair[1] for pair in _TONE_TABLE})) + r"](?![^\W\d_]|[\u0300-\u036f])"
)


def _old_style_tone(m: re.Match[str]) -> str:
    pair = m.group()
    old = _TONE_TABLE.get(pair)
    if old is None or (pair[0] in "uU" and m.start() > 0 and m.string[m.start() - 1] in "qQ"):
        return pair
    return old


def _old_style_tones(text: str) -> str:
    """Move tone marks of word-final ``oa``/``oe``/``uy`` to the first vowel."""
    return _TONE_RE.sub(_old_style_tone, text)


def _substitute(text: str) -> str:
    """Length-preserving replacements: exotic spaces, curly quotes, tone placement."""
    for char, replacement in _SUBSTITUTES.items():
        if char in text:
            text = text.replace(char, replacement)
    return _old_style_tones(text)


def normalize(text: str) -> tuple[str, array | None]:
    """Normalise ``text`` for matching; return it with its offsets map (or ``None``).

    See the module docstring for the steps and the map's contract.
    """
    if _is_aligned(text):
        return _substitute(text), None
    composed, offsets = _compose_bulk(text)
    if composed is None:
        composed, offsets = _compose(text)
    if len(composed) == len(text) and offsets == array("q", range(len(text) + 1)):
        offsets = None
    return _substitute(composed), offsets


def _is_aligned(text: str) -> bool:
    """True when NFC and invisible/line-end handling leave ``text`` unchanged."""
    if _LENGTH_CHANGING.search(text) or _COMBINING_DIACRITICS.search(text):
        return False
    return unicodedata.is_normalized("NFC", text)


def _clean(text: str) -> str:
    """Invisible characters removed and line ends unified (before NFC)."""
    for char in _REMOVED:
        if char in text:
            text = text.replace(char, "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _compose_bulk(text: str) -> tuple[str | None, array]:
    """Fast path for decomposed text, where every segment composes to one character.

    A segment is a starter with the characters attached to it (see ``_segment_re``);
    ``\r\n`` is one segment. When the composed text has exactly one character per
    segment, the map is the list of segment starts. Returns ``(None, ...)`` otherwise.
    """
    import numpy as np

    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None, array("q")
    composed = unicodedata.normalize("NFC", _clean(text))
    starts = ~_attach_table()[codes]
    starts[1:] &= ~((codes[1:] == 10) & (codes[:-1] == 13))
    if len(codes):
        starts[0] = True
    positions = np.flatnonzero(starts)
    if len(positions) and not _clean(text[: positions[1] if len(positions) > 1 else len(text)]):
        positions = positions[1:]
    if len(positions) != len(composed):
        return None, array("q")
    offsets = array("q")
    offsets.frombytes(positions.astype(np.int64, copy=False).tobytes())
    offsets.append(len(text))
    return composed, offsets


def _compose(text: str) -> tuple[str, array]:
    """Remove invisibles, unify line ends and apply NFC, tracking original offsets.

    The general path: spans that change are processed one by one, the rest is
    copied in bulk.
    """
    pieces: list[str] = []
    offsets = array("q")
    pos = 0
    for m in _segment_re().finditer(text):
        start, end = m.span()
        if start > pos:
            pieces.append(text[pos:start])
            offsets.extend(range(pos, start))
        out = _normalize_segment(m.group())
        if out:
            pieces.append(out)
            offsets.extend(min(start + k, end - 1) for k in range(len(out)))
        pos = end
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return "".join(pieces), offsets


def _normalize_segment(segment: str) -> str:
    """The normalised form of one segment found by ``_segment_re``."""
    if segment[0] == "\r":
        return "\n"
    return unicodedata.normalize("NFC", segment.translate(_REMOVE_TABLE))


_REMOVE_TABLE = {ord(c): None for c in _REMOVED}


@lru_cache(maxsize=1)
def _unicode_classes() -> tuple[list[int], list[int]]:
    """Code points that attach to a preceding starter, and those NFC changes alone.

    Attaching: combining marks, starters that compose with a preceding character and
    the invisible characters that ``normalize`` removes. Built lazily: one scan of
    the Unicode tables.
    """
    attach: list[int] = []
    alone: list[int] = []
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF or 0xAC00 <= cp <= 0xD7A3:
            continue
        ch = chr(cp)
        if unicodedata.combining(ch):
            attach.append(cp)
        elif _has_canonical_decomposition(ch) and unicodedata.normalize("NFC", ch) != ch:
            alone.append(cp)
    attach.extend(_backward_composing_starters())
    attach.extend(ord(c) for c in _REMOVED)
    return sorted(set(attach)), alone


@lru_cache(maxsize=1)
def _attach_table():
    """A boolean numpy table over all code points: does it attach to a starter?"""
    import numpy as np

    table = np.zeros(0x110000, dtype=bool)
    table[_unicode_classes()[0]] = True
    return table


@lru_cache(maxsize=1)
def _segment_re() -> re.Pattern[str]:
    """A regex for the spans that NFC, invisible removal or line-end unification change.

    A span is a line end, or a starter followed by characters that attach to it,
    or a character that NFC changes on its own. Spans are independent: NFC never
    acts across their boundaries.
    """
    attach, alone = _unicode_classes()
    attach_cls = _char_class(attach)
    alone_cls = _char_class(alone)
    return re.compile(
        rf"\r\n?|[^{attach_cls}\r][{attach_cls}]+|[{alone_cls}][{attach_cls}]*|[{attach_cls}]+"
    )


def _has_canonical_decomposition(ch: str) -> bool:
    decomposition = unicodedata.decomposition(ch)
    return bool(decomposition) and not decomposition.startswith("<")


def _backward_composing_starters() -> list[int]:
    """Starters (combining class 0) that NFC can compose with the preceding character.

    Hangul vowel and trailing jamo, plus the second halves of canonical pairs whose
    second character is a starter (some Indic vowel signs).
    """
    found = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x80, 0x30000):
        decomposition = unicodedata.decomposition(chr(cp))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = decomposition.split()
        if len(parts) == 2:
            second = int(parts[1], 16)
            if unicodedata.combining(chr(second)) == 0:
                found.add(second)
    return sorted(found)


def _char_class(codepoints: list[int]) -> str:
    """A regex character-class body for sorted code points, as ranges."""
    parts: list[str] = []
    i = 0
    while i < len(codepoints):
        j = i
        while j + 1 < len(codepoints) and codepoints[j + 1] == codepoints[j] + 1:
            j += 1
        lo, hi = codepoints[i], codepoints[j]
        parts.append(_escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}")
        i = j + 1
    return "".join(parts)


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"


def to_original(offsets: array | None, i: int) -> int:
    """The original offset of normalised offset ``i`` given a map from ``normalize``."""
    return i if offsets is None else offsets[i]


def _fold_char(ch: str) -> str:
    """Lower case of one character, kept to one character."""
    low = ch.lower()
    if len(low) == 1:
        return low
    return unicodedata.normalize("NFD", low)[0]


def fold(text: str) -> str:
    """Lower-case ``text`` for matching, keeping its length (``Đ`` -> ``đ``, ``İ`` -> ``i``).

    ``str.lower`` is right for Vietnamese; the few characters whose lower case is longer
    than one character are reduced to their base letter so offsets carry over.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(map(_fold_char, text))


def _build_strip_table() -> dict[int, str]:
    """Map each precomposed Latin letter with diacritics to its base letter."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            table[cp] = decomposed[0]
    return table


_STRIP_TABLE = _build_strip_table()


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics, keeping the length (``Lạng Sơn`` -> ``Lang Son``).

    For OCR-tolerant matching: scans often lose diacritics (``LẠNG SON``, ``Tap chí``).
    Expects composed (NFC) input; stray combining marks are left in place.
    """
    return text.translate(_STRIP_TABLE)


def match_key(text: str) -> str:
    """The form two texts are compared in: normalised (one tone-mark convention) and
    case-folded. Same length as ``normalize(text)[0]``.

    >>> match_key("Thuỷ LỢI") == match_key("thủy lợi")
    True
    """
    return fold(normalize(text)[0])


def strip_span(text: str, start: int, end: int, chars: str = " \t", right: str | None = None) -> tuple[int, int]:
    """Shrink ``(start, end)`` past leading ``chars`` and trailing ``right`` (default:
    ``chars`` too), without copying the text."""
    right = chars if right is None else right
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in right:
        end -= 1
    return start, end
