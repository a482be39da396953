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

Decoding picks, among the candidate encodings, the one whose output holds the most
valid Vietnamese syllables. The same tables also convert legacy "mojibake" found in
Unicode text (text copied out of a legacy font into a UTF-8 file or a .docx).

Each table maps the Windows-1252 reading of a byte (the "view" character) to Unicode,
so one table serves both raw bytes and mojibake strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def vietnamese_score(text: str, sample: int = 200_000) -> int:
    """Valid syllables with diacritics minus non-ASCII words that are not syllables.

    Higher means "more like Vietnamese". Plain ASCII words do not count either way.
    """
    score = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text[:sample])):
        if word.isascii():
            continue
        score += 1 if _is_vietnamese_syllable(word) else -1
    return score


def _view(data: bytes) -> str:
    return data.decode("latin-1").translate({b: _VIEW[b] for b in range(0x80, 0xA0)})


def _legacy_candidates(data: bytes) -> dict[str, str]:
    view = _view(data)
    return {
        "tcvn3": decode_legacy(view, "tcvn3", c1_letters=False),
        "tcvn3 (vn1)": decode_legacy(view, "tcvn3", c1_letters=True),
        "vni": decode_legacy(view, "vni"),
        "cp1258": data.decode("cp1258", errors="replace"),
    }


def _decode_8bit(data: bytes) -> tuple[str, str, list[str]]:
    """Decode non-UTF-8 bytes: the legacy encoding that reads best, else cp1252."""
    candidates = _legacy_candidates(data)
    scores = {name: vietnamese_score(text) - 5 * text[:200_000].count("\ufffd") for name, text in candidates.items()}
    best = max(scores, key=lambda name: scores[name])
    if scores[best] <= 0:
        return _view(data), "cp1252", [
            "encoding not recognised (not UTF-8, UTF-16, TCVN3, VNI or Windows-1258); "
            "decoded as Windows-1252, Vietnamese letters may be wrong"
        ]
    label = "tcvn3" if best.startswith("tcvn3") else best
    warnings = []
    if label == "cp1258":
        warnings.append("decoded as Windows-1258 (guessed from its Vietnamese syllables)")
    return candidates[best], label, warnings


_LEGACY_HINT = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2030\u2039\u203a\u20ac\u2122]")


def fix_mojibake(text: str) -> tuple[str, str | None]:
    """Convert TCVN3/VNI mojibake held in Unicode text; return (text, variant or None).

    Text copied out of a legacy font keeps the font's byte values as Windows-1252
    characters (``Quèc héi``, ``Vieät Nam``). It is converted only when the converted
    text reads clearly better as Vietnamese than the original. The variant is one of
    ``MOJIBAKE_VARIANTS``; ``variant.split()[0]`` is the encoding's name.
    """
    if len(_LEGACY_HINT.findall(text[:200_000])) < 3:
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


_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_TCVN3_C0 = {b for b in TCVN3 if b < 0x20}
_TEXT_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A, 0x1B}


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


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes that are neither text controls nor TCVN3 letters."""
    sample = data[:65536]
    if 0 in sample:
        return True
    controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS and b not in _TCVN3_C0)
    controls += sample.count(0x7F)
    return controls > 0.05 * len(sample)


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes; return (text, encoding label, warnings).

    Order: UTF-8 BOM, UTF-16 BOM, UTF-16 by its NUL bytes, binary check, UTF-8 (then
    legacy mojibake inside it), then the legacy 8-bit encodings. Raises
    ``BinaryContent`` for data that is not text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_utf8(data[3:], "utf-8-sig")
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            return _decode_utf16(data[2:], name)
    guessed = _guess_utf16(data)
    if guessed:
        return _decode_utf16(data, guessed)
    if _looks_binary(data):
        raise BinaryContent("not a text file (binary content)")
    try:
        return _decode_utf8(data, "utf-8")
    except UnicodeDecodeError:
        return _decode_8bit(data)


def _decode_utf8(data: bytes, label: str) -> tuple[str, str, list[str]]:
    text = data.decode("utf-8")
    fixed, variant = fix_mojibake(text)
    if variant is None:
        return text, label, []
    legacy = variant.split()[0]
    return fixed, f"{label}+{legacy}", [
        f"the text is {legacy.upper()} mojibake stored as Unicode (copied from a legacy "
        f"font); converted to Unicode"
    ]


def _decode_utf16(data: bytes, label: str) -> tuple[str, str, list[str]]:
    try:
        text = data.decode(label)
    except UnicodeDecodeError as exc:
        raise BinaryContent(f"not a text file (invalid {label.upper()}: {exc.reason})") from None
    if "\x00" in text:
        raise BinaryContent("not a text file (binary content)")
    return text, label, []
