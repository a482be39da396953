"""Byte decoding for text files, including the legacy Vietnamese 8-bit encodings.

Older Vietnamese documents were typed with 8-bit fonts instead of Unicode:

* **TCVN3** (TCVN 5712:1993, "ABC", fonts ``.VnTime``): one byte per precomposed
  letter. Lower-case letters and the seven plain capitals ``Ă Â Ê Ô Ơ Ư Đ`` sit in
  0xA1-0xFE; the other capitals of the full (VN1) table sit in the C0 range
  (0x01-0x17), the C1 range (0x80-0x9F) and the gaps of 0xA1-0xFF. Many files typed
  with the ``.VnTime`` font use 0x80-0x9F for Windows punctuation (curly quotes,
  dashes) instead, so both readings of that range are tried. Capitals typed with the
  ``.VnTimeH`` font reuse the lower-case codes and come out in lower case.
* **VNI** (``VNI-Times``): a base letter followed by a modifier byte (``Vieät`` is
  ``Việt``), the bytes being Windows-1252 text. ``ơ``/``ư``/``đ`` and the ``i`` letters
  are single bytes.

``decode_bytes`` never guesses silently. UTF-8 with a few bad bytes stays UTF-8, the bad
bytes replaced by U+FFFD and counted, with their offsets, in a warning: "a few" is a
share of the non-ASCII byte sequences (``UTF8_MIN_VALID_SHARE``), since legacy-encoded
Vietnamese almost never forms a valid UTF-8 sequence while damaged UTF-8 is mostly valid
ones. Otherwise the candidate encoding whose output holds the most Vietnamese syllables
is taken, but only when its syllables are many and most of its words
(``LEGACY_MIN_SYLLABLE_SHARE``), with that evidence in a warning; else the bytes are kept
as Windows-1252 characters (every byte recoverable), with a warning. The same tables
also convert legacy "mojibake" found in Unicode text (text copied out of a legacy font
into a UTF-8 file or a .docx).

Each table maps the Windows-1252 reading of a byte (the "view" character) to Unicode,
so one table serves both raw bytes and mojibake strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "BinaryContent",
    "decode_bytes",
    "fix_mojibake",
    "convert_mojibake",
    "decode_legacy",
    "encode_legacy",
    "vietnamese_score",
]


class BinaryContent(ValueError):
    """The bytes are not text in any supported encoding."""


def _byte_view(b: int) -> str:
    """The Windows-1252 reading of one byte (Latin-1 where cp1252 leaves it undefined)."""
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


_VIEW = [_byte_view(b) for b in range(256)]
_UNVIEW = {ch: b for b, ch in enumerate(_VIEW)}

_TONES = "\u0300\u0309\u0303\u0301\u0323"  # grave, hook, tilde, acute, dot below

# TCVN 5712 (VN1), as runs of consecutive byte values: (first byte, characters).
_TCVN3_RUNS: tuple[tuple[int, str], ...] = (
    (0x01, "ÚỤ"),
    (0x04, "ỪỬỮ"),
    (0x11, "ỨỰỲỶỸÝỴ"),
    (0x80, "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"),
    (0xA1, "ĂÂÊÔƠƯĐăâêôơưđẰ"),
    (0xB0, _TONES),
    (0xB5, "àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ"),
)


def _tcvn3_bytes() -> dict[int, str]:
    table: dict[int, str] = {}
    for first, chars in _TCVN3_RUNS:
        for k, ch in enumerate(chars):
            table[first + k] = ch
    return table


TCVN3 = _tcvn3_bytes()

# VNI: modifier letters (as their cp1252 characters, lower case; upper case is
# the same letter in upper case) for each diacritic combination.
_VNI_TONE = {"\u0300": "ø", "\u0301": "ù", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT_TONE = {"": "â", "\u0300": "à", "\u0301": "á", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONE = {"": "ê", "\u0300": "è", "\u0301": "é", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"": "i", "\u0300": "ì", "\u0301": "í", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ"}
_VNI_Y_DOT = "î"


def _vni_lower() -> dict[str, str]:
    """Every lower-case Vietnamese letter with a diacritic -> its VNI spelling."""
    table: dict[str, str] = {}
    for tone, code in _VNI_TONE.items():
        for base in "aeou":
            table[unicodedata.normalize("NFC", base + tone)] = base + code
        table[unicodedata.normalize("NFC", "y" + tone)] = "y" + (_VNI_Y_DOT if tone == "\u0323" else code)
    for base, mark in (("a", "\u0302"), ("e", "\u0302"), ("o", "\u0302")):
        for tone, code in _VNI_HAT_TONE.items():
            table[unicodedata.normalize("NFC", base + mark + tone)] = base + code
    for tone, code in _VNI_BREVE_TONE.items():
        table[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + code
    for tone, code in _VNI_I.items():
        if tone:
            table[unicodedata.normalize("NFC", "i" + tone)] = code
    for letter, code in _VNI_SINGLE.items():
        table[letter] = code
        for tone, tone_code in _VNI_TONE.items():
            table[unicodedata.normalize("NFC", letter + tone)] = code + tone_code
    return table


def _vni_table() -> dict[str, str]:
    lower = _vni_lower()
    table = dict(lower)
    for letter, code in lower.items():
        table[letter.upper()] = code.upper()
    return table


VNI = _vni_table()

ENCODINGS = ("tcvn3", "vni")


@lru_cache(maxsize=None)
def _tcvn3_translation(c1_letters: bool) -> dict[int, str]:
    """view character -> Unicode for TCVN3; C1 bytes as letters or as cp1252 text."""
    table: dict[int, str] = {}
    for b, ch in TCVN3.items():
        if 0x80 <= b <= 0x9F and not c1_letters:
            continue
        table[ord(_VIEW[b])] = ch
        table[b] = ch
    return table


@lru_cache(maxsize=1)
def _vni_decoder() -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex over VNI spellings (longest first) and the spelling -> letter map."""
    reverse = {code: letter for letter, code in VNI.items()}
    for letter, code in list(VNI.items()):
        if len(code) == 2 and code[0].isupper() and code[1].isalpha():
            reverse.setdefault(code[0] + code[1].lower(), letter)
            reverse.setdefault(code[0].lower() + code[1], letter.lower())
    reverse = {k: v for k, v in reverse.items() if k != v}
    keys = sorted(reverse, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))), reverse


def decode_legacy(view: str, encoding: str, c1_letters: bool = True) -> str:
    """Convert a legacy-encoded string (its cp1252 view) to Unicode NFC.

    ``encoding`` is ``"tcvn3"`` or ``"vni"``. Characters outside the table pass through.
    """
    if encoding == "tcvn3":
        return unicodedata.normalize("NFC", view.translate(_tcvn3_translation(c1_letters)))
    if encoding == "vni":
        pattern, reverse = _vni_decoder()
        return pattern.sub(lambda m: reverse[m.group()], view)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode Unicode text into TCVN3 or VNI bytes (the inverse of ``decode_bytes``).

    Raises ``ValueError`` for a character the encoding cannot represent.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        inverse = {ch: bytes([b]) for b, ch in TCVN3.items() if len(ch) == 1 and b not in range(0xB0, 0xB5)}
    elif encoding == "vni":
        inverse = {letter: code.encode("cp1252") for letter, code in VNI.items()}
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    out = bytearray()
    for ch in text:
        if ch in inverse:
            out += inverse[ch]
        elif ch in _UNVIEW and (ord(ch) < 0x80 or encoding == "vni"):
            out.append(_UNVIEW[ch])
        else:
            raise ValueError(f"{ch!r} cannot be encoded in {encoding}")
    return bytes(out)


_WORD = re.compile(r"[^\W\d_]+")
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)


@lru_cache(maxsize=65536)
def _is_vietnamese_syllable(word: str) -> bool:
    """Is ``word`` (NFC) a well-formed Vietnamese syllable with at most one tone?"""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(decomposed.count(t) for t in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


class _WordCounts(NamedTuple):
    """Words with diacritics and how many are Vietnamese syllables, all of them and those
    of two letters or more (one-letter words such as ``ở`` turn up in random bytes too)."""

    syllables: int
    words: int
    long_syllables: int
    long_words: int


def _word_counts(text: str, sample: int = 200_000) -> _WordCounts:
    syllables = words = long_syllables = long_words = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text[:sample])):
        if word.isascii():
            continue
        valid = _is_vietnamese_syllable(word)
        words += 1
        syllables += valid
        if len(word) > 1:
            long_words += 1
            long_syllables += valid
    return _WordCounts(syllables, words, long_syllables, long_words)


def vietnamese_score(text: str, sample: int = 200_000) -> int:
    """Valid syllables with diacritics minus non-ASCII words that are not syllables.

    Higher means "more like Vietnamese". Plain ASCII words do not count either way.
    """
    counts = _word_counts(text, sample)
    return 2 * counts.syllables - counts.words


def _view(data: bytes) -> str:
    """Every byte as its Windows-1252 character: a lossless reading of any bytes."""
    return data.decode("latin-1").translate({b: _VIEW[b] for b in range(0x80, 0xA0)})


def _legacy_candidates(data: bytes) -> dict[str, str]:
    view = _view(data)
    return {
        "tcvn3": decode_legacy(view, "tcvn3", c1_letters=False),
        "tcvn3 (vn1)": decode_legacy(view, "tcvn3", c1_letters=True),
        "vni": decode_legacy(view, "vni"),
        "cp1258": data.decode("cp1258", errors="replace"),
    }


_LEGACY_HINT = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2030\u2039\u203a\u20ac\u2122]")


#: Characters of the hint's range that Unicode Vietnamese text holds by itself: its
#: letters of Latin-1 and the typographer's punctuation.
_PLAIN_IN_HINT = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ“”‘’–—…•")
#: Letters only Unicode Vietnamese has (ă đ ơ ư and the composed letters with tones); a
#: legacy font's bytes, read as Windows-1252, never give them.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def _may_be_mojibake(sample: str) -> bool:
    """A cheap first look, so that clean Unicode text skips the four scorings below.

    Mojibake shows characters of the hint's range that Vietnamese does not use (``¸``,
    ``ä``, ``ø``); clean text shows letters that no legacy font's bytes give. Only text with
    at least 3 of the first, and not 10 times as many of the second, is scored.
    """
    odd = sum(1 for ch in _LEGACY_HINT.findall(sample) if ch not in _PLAIN_IN_HINT)
    if odd < 3:
        return False
    return len(_UNICODE_ONLY.findall(sample)) < 10 * odd


def fix_mojibake(text: str) -> tuple[str, str | None]:
    """Convert TCVN3/VNI mojibake held in Unicode text; return (text, variant or None).

    Text copied out of a legacy font keeps the font's byte values as Windows-1252
    characters (``Quèc héi``, ``Vieät Nam``). It is converted only when the converted
    text reads clearly better as Vietnamese than the original. The variant is one of
    ``MOJIBAKE_VARIANTS``; ``variant.split()[0]`` is the encoding's name.
    """
    if not _may_be_mojibake(text[:200_000]):
        return text, None
    original = vietnamese_score(text)
    best_text, best_variant, best_score = text, None, original
    for variant in MOJIBAKE_VARIANTS:
        converted = convert_mojibake(text, variant)
        score = vietnamese_score(converted)
        if score > best_score:
            best_text, best_variant, best_score = converted, variant, score
    if best_variant is None or best_score < 3 or best_score <= 2 * max(original, 0) + 3:
        return text, None
    return best_text, best_variant


MOJIBAKE_VARIANTS = ("tcvn3", "tcvn3 (vn1)", "vni")


def convert_mojibake(text: str, variant: str) -> str:
    """Convert mojibake with one of ``MOJIBAKE_VARIANTS`` (as chosen by ``fix_mojibake``)."""
    if variant == "vni":
        return decode_legacy(text, "vni")
    return decode_legacy(text, "tcvn3", c1_letters=variant == "tcvn3 (vn1)")


_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_TCVN3_C0 = {b for b in TCVN3 if b < 0x20}
_TEXT_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B}
_NAMES = {"tcvn3": "TCVN3", "vni": "VNI", "cp1258": "Windows-1258", "cp1252": "Windows-1252"}

#: Damaged UTF-8 stays UTF-8 while at least this share of its non-ASCII sequences are
#: valid multi-byte UTF-8 (an invalid sequence is each maximal ill-formed run Python's
#: decoder replaces, and each NUL byte). Legacy-encoded Vietnamese almost never forms a
#: valid sequence, damaged UTF-8 is mostly valid ones. Measured (docs/RELIABILITY.md,
#: "Reading files"): the real corpus re-encoded in TCVN3, VNI or Windows-1258 at most
#: 0.16% valid; random bytes at most 26% (100 bytes), 11% (1 KB); Vietnamese UTF-8 with
#: 32 random bytes at least 84%, a mostly-ASCII real file (4 non-ASCII letters) with 8
#: random bytes 45%. Erring towards "not UTF-8" costs less: that fallback keeps every byte.
UTF8_MIN_VALID_SHARE = 0.3
#: A legacy reading is taken only when at least this share of its words of two letters or
#: more with diacritics are Vietnamese syllables (the real corpus re-encoded: 96.8% and
#: more; random bytes: at most 46%) ...
LEGACY_MIN_SYLLABLE_SHARE = 0.8
#: ... and at least this many of them (random bytes of 20-30 bytes pass otherwise).
LEGACY_MIN_SYLLABLES = 5
#: How many offsets of replaced bytes a warning lists.
OFFSETS_SHOWN = 5


@dataclass(frozen=True)
class _Utf8Reading:
    """Bytes read as UTF-8, every bad spot replaced by U+FFFD, with the counts that say
    whether UTF-8 is the right reading."""

    text: str
    valid: int  #: well-formed multi-byte sequences
    invalid: int  #: ill-formed sequences and NUL bytes (each one U+FFFD in ``text``)
    nuls: int
    offsets: tuple[int, ...]  #: file offsets of the first few bad spots

    @property
    def share(self) -> float:
        """The share of valid sequences among the non-ASCII ones (1.0 when all ASCII)."""
        total = self.valid + self.invalid
        return self.valid / total if total else 1.0


@dataclass(frozen=True)
class _LegacyReading:
    """One legacy encoding's reading of the bytes and how Vietnamese it looks."""

    candidate: str  #: a key of ``_legacy_candidates``
    text: str
    counts: _WordCounts
    replaced: int

    @property
    def label(self) -> str:
        return self.candidate.split()[0]

    @property
    def syllables(self) -> int:
        """The evidence: syllables among the words of two letters or more."""
        return self.counts.long_syllables

    @property
    def words(self) -> int:
        return self.counts.long_words

    @property
    def share(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def score(self) -> int:
        """What candidates are ranked by (``vietnamese_score``, less for replaced bytes)."""
        return 2 * self.counts.syllables - self.counts.words - 5 * self.replaced

    @property
    def strong(self) -> bool:
        """Enough evidence to decode the file this way (see ``LEGACY_MIN_SYLLABLE_SHARE``)."""
        return (self.replaced == 0 and self.syllables >= LEGACY_MIN_SYLLABLES
                and self.share >= LEGACY_MIN_SYLLABLE_SHARE)


def _guess_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL bytes fall on one side of the pairs."""
    sample = data[:8192]
    if len(sample) < 4 or len(data) % 2:
        return None
    half = len(sample) // 2
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


#: Every byte ``_many_controls`` does not count, for ``bytes.translate`` to delete.
_NOT_CONTROLS = bytes(b for b in range(256)
                      if not ((0 < b < 0x20 and b not in _TEXT_CONTROLS and b not in _TCVN3_C0) or b == 0x7F))


def _many_controls(data: bytes) -> bool:
    """Many control bytes that are neither text controls nor TCVN3 letters: not text.

    NUL bytes are judged apart (``_decode_8bit_family``): a few in UTF-8 text are damage.
    """
    sample = data[:65536]
    controls = len(sample.translate(None, _NOT_CONTROLS))
    return controls > 0.05 * len(sample)


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes; return (text, encoding label, warnings).

    Order: UTF-8 BOM, UTF-16 BOM, UTF-16 by its NUL bytes, binary check, UTF-8 (then
    legacy mojibake inside it), then the legacy 8-bit encodings. Nothing is guessed
    silently: bad bytes of a UTF-8 or UTF-16 file are replaced by U+FFFD and counted,
    with their offsets, in a warning; a legacy encoding is taken only on strong evidence
    (``UTF8_MIN_VALID_SHARE``, ``LEGACY_MIN_SYLLABLE_SHARE``), stated in a warning; else
    the bytes are kept as their Windows-1252 characters, with a warning. Raises
    ``BinaryContent`` for data that is not text, and nothing else.
    """
    if data.startswith(_UTF8_BOM):
        return _decode_8bit_family(data, bom=True)
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom) and not _utf8_behind_mark(data[len(bom):]):
            return _decode_utf16(data, name, start=len(bom))
    guessed = _guess_utf16(data)
    if guessed:
        return _decode_utf16(data, guessed, start=0)
    if _many_controls(data):
        raise BinaryContent("not a text file (binary content)")
    return _decode_8bit_family(data, bom=False)


def _utf8_behind_mark(body: bytes) -> bool:
    """Bytes after a UTF-16 mark that read as UTF-8 by ``UTF8_MIN_VALID_SHARE``: the mark
    is damage of a UTF-8 file. (Real UTF-16 never passes: every space and newline holds a
    NUL byte, counted as invalid, and its other bytes seldom form UTF-8 sequences.)"""
    return _read_utf8(body, 0).share >= UTF8_MIN_VALID_SHARE


def _decode_8bit_family(data: bytes, bom: bool) -> tuple[str, str, list[str]]:
    """UTF-8 (clean, or damaged but mostly valid), else a legacy encoding the evidence
    supports, else the bytes as Windows-1252 characters (a lossless reading)."""
    start = len(_UTF8_BOM) if bom else 0
    label = "utf-8-sig" if bom else "utf-8"
    body = data[start:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" not in text:
            return _unicode_result(text, label, [])
    utf8 = _read_utf8(body, start)
    if utf8.share >= UTF8_MIN_VALID_SHARE:
        why = f"{utf8.valid} of its {utf8.valid + utf8.invalid} non-ASCII sequences are valid UTF-8"
        return _unicode_result(utf8.text, label, [_replaced_warning(utf8, why)])
    readings = [] if utf8.nuls else _legacy_readings(body)
    legacy = _best(readings)
    if legacy is not None and legacy.strong:
        other = _best([r for r in readings if r.label != legacy.label])
        return legacy.text, legacy.label, [_legacy_warning(legacy, other, utf8)]
    if bom:
        why = "the file starts with a UTF-8 byte order mark and no legacy encoding reads it as Vietnamese"
        return _unicode_result(utf8.text, label, [_replaced_warning(utf8, why)])
    if utf8.nuls:
        raise BinaryContent("not a text file (binary content)")
    return _view(body), "cp1252", [_fallback_warning(legacy, utf8)]


def _read_utf8(body: bytes, start: int) -> _Utf8Reading:
    """Decode with replacement and count what was valid and what was not."""
    text = body.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - body.count("\ufffd".encode())
    nuls = body.count(0)
    if nuls:
        text = text.replace("\x00", "\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    valid = non_ascii - replaced - nuls
    offsets = sorted(_bad_offsets(body, "utf-8", start) + _nul_offsets(body, start))[:OFFSETS_SHOWN]
    return _Utf8Reading(text, valid, replaced + nuls, nuls, tuple(offsets))


def _bad_offsets(body: bytes, codec: str, start: int) -> list[int]:
    """File offsets of the first ``OFFSETS_SHOWN`` byte sequences ``codec`` rejects."""
    offsets: list[int] = []
    pos = 0
    while len(offsets) < OFFSETS_SHOWN:
        try:
            body[pos:].decode(codec)
            break
        except UnicodeDecodeError as exc:
            offsets.append(start + pos + exc.start)
            pos += exc.end
    return offsets


def _nul_offsets(body: bytes, start: int) -> list[int]:
    offsets: list[int] = []
    pos = body.find(0)
    while pos >= 0 and len(offsets) < OFFSETS_SHOWN:
        offsets.append(start + pos)
        pos = body.find(0, pos + 1)
    return offsets


def _legacy_readings(body: bytes) -> list[_LegacyReading]:
    readings = []
    for candidate, text in _legacy_candidates(body).items():
        replaced = text[:200_000].count("\ufffd")
        readings.append(_LegacyReading(candidate, text, _word_counts(text), replaced))
    return readings


def _best(readings: list[_LegacyReading]) -> _LegacyReading | None:
    """The reading with the most Vietnamese syllables (ties: the first candidate)."""
    return max(readings, key=lambda r: r.score) if readings else None


def _unicode_result(text: str, label: str, warnings: list[str]) -> tuple[str, str, list[str]]:
    """Unicode text, with legacy mojibake inside it converted (and said)."""
    fixed, variant = fix_mojibake(text)
    if variant is None:
        return text, label, warnings
    legacy = variant.split()[0]
    return fixed, f"{label}+{legacy}", [*warnings, (
        f"the text is {legacy.upper()} mojibake stored as Unicode (copied from a legacy "
        f"font); converted to Unicode")]


def _offsets_text(offsets: tuple[int, ...], count: int) -> str:
    shown = ", ".join(str(o) for o in offsets)
    return f"at byte{'s' if count > 1 else ''} {shown}" + (", …" if count > len(offsets) else "")


def _replaced_warning(utf8: _Utf8Reading, why: str) -> str:
    nuls = f" (NUL bytes: {utf8.nuls})" if utf8.nuls else ""
    plural = "s" if utf8.invalid != 1 else ""
    return (f"{utf8.invalid} invalid UTF-8 byte sequence{plural}{nuls} replaced by U+FFFD "
            f"({_offsets_text(utf8.offsets, utf8.invalid)}); read as UTF-8 all the same: {why}")


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _syllables_text(reading: _LegacyReading) -> str:
    return (f"{reading.syllables} of {reading.words} words with diacritics (of two letters or more) "
            f"are Vietnamese syllables ({_percent(reading.share)}")


def _legacy_warning(best: _LegacyReading, other: _LegacyReading | None, utf8: _Utf8Reading) -> str:
    name = _NAMES[best.label]
    next_best = f"; next best, {_NAMES[other.label]}: {_percent(other.share)}" if other is not None else ""
    return (f"decoded as {name}, a legacy Vietnamese encoding: not UTF-8 ({utf8.valid} valid multi-byte "
            f"sequences, {utf8.invalid} invalid); read as {name}, {_syllables_text(best)}{next_best})")


def _fallback_warning(best: _LegacyReading | None, utf8: _Utf8Reading) -> str:
    warning = ("encoding not recognised (not UTF-8, UTF-16, TCVN3, VNI or Windows-1258); decoded as "
               f"Windows-1252, Vietnamese letters may be wrong: {utf8.valid} valid UTF-8 multi-byte "
               f"sequences, {utf8.invalid} invalid")
    if best is not None and best.words:
        warning += (f"; read as {_NAMES[best.label]}, the best legacy reading, {_syllables_text(best)}; "
                    f"needs {_percent(LEGACY_MIN_SYLLABLE_SHARE)} of at least {LEGACY_MIN_SYLLABLES})")
    return warning


def _decode_utf16(data: bytes, label: str, start: int) -> tuple[str, str, list[str]]:
    """UTF-16 (marked or guessed); bad code units and an odd last byte replaced, counted."""
    body = data[start:]
    text = body.decode(label, errors="replace")
    if "\x00" in text:
        raise BinaryContent("not a text file (binary content)")
    replaced = text.count("\ufffd") - _aligned_count(body, "\ufffd".encode(label))
    if not replaced:
        return text, label, []
    codec = label.upper()
    odd = "; the file has an odd number of bytes (cut short?)" if len(body) % 2 else ""
    offsets = tuple(_bad_offsets(body, label, start))
    plural = "s" if replaced != 1 else ""
    warning = f"{replaced} invalid {codec} sequence{plural} replaced by U+FFFD ({_offsets_text(offsets, replaced)}){odd}"
    return text, label, [warning]


def _aligned_count(body: bytes, unit: bytes) -> int:
    """Occurrences of a two-byte code unit at even offsets (a real U+FFFD in UTF-16)."""
    return sum(1 for m in re.finditer(re.escape(unit), body) if m.start() % 2 == 0)
