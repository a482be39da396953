"""Decoding under attack: damaged UTF-8 stays UTF-8 (bad bytes replaced and counted),
legacy encodings only on strong evidence (said in a warning), random bytes never crash."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytrack._legacy import _UNVIEW, BinaryContent, decode_bytes, encode_legacy
from policytrack.model import ReadError
from policytrack.parse import parse
from policytrack.read import read
from tests.conftest import REAL, require_real
from tests.test_read import _cp1258

#: Written for these tests: a short decree with a header, chapters, articles and clauses.
DECREE = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 77/2099/NĐ-CP

NGHỊ ĐỊNH
Quy định về bảo vệ nguồn nước sinh hoạt ở vùng ven biển

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định việc quan trắc, bảo vệ và khai thác nguồn nước sinh hoạt ở các xã ven biển.

Điều 2. Đối tượng áp dụng
1. Cơ quan nhà nước, tổ chức và cá nhân có hoạt động liên quan đến nguồn nước.
2. Hộ gia đình sử dụng giếng khoan, bể chứa nước mưa.

Chương II
TRÁCH NHIỆM

Điều 3. Trách nhiệm của Ủy ban nhân dân cấp tỉnh
a) Lập danh mục nguồn nước bị nhiễm mặn và công bố trước ngày 31 tháng 12 hằng năm;
b) Bố trí kinh phí để đo độ mặn, độ đục và chỉ tiêu vi sinh ít nhất mỗi quý một lần;
c) Hướng dẫn người dân xử lý nước bằng lọc cát, đun sôi hoặc khử trùng bằng clo.
"""
DECREE_BYTES = DECREE.encode("utf-8")

#: Damage never relevant to the property: it only adds or removes a UTF-8 or UTF-16 mark.
_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

settings.register_profile("policytrack", deadline=None, database=None, max_examples=150,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("policytrack")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _char_start(data: bytes, i: int, forward: bool) -> int:
    """The nearest character boundary of UTF-8 ``data`` at or after/before ``i``."""
    step = 1 if forward else -1
    while 0 < i < len(data) and 0x80 <= data[i] < 0xC0:
        i += step
    return i


def _intact_parts(original: bytes, regions: list[tuple[int, int]]) -> list[str]:
    """The whole characters of ``original`` outside the damaged ``regions``."""
    parts, pos = [], 0
    for start, end in [*regions, (len(original), len(original))]:
        a, b = _char_start(original, pos, True), _char_start(original, start, False)
        if a < b:
            parts.append(original[a:b].decode("utf-8"))
        pos = end
    return parts


def _appear_in_order(parts: list[str], text: str) -> bool:
    pos = 0
    for part in parts:
        found = text.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


@st.composite
def damaged(draw) -> tuple[bytes, list[tuple[int, int]]]:
    """The decree with 1-4 regions replaced by 0-8 random bytes (substitutions when the
    lengths match, insertions when the region is empty, deletions when the bytes are)."""
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, len(DECREE_BYTES)), min_size=2 * count, max_size=2 * count)))
    regions = [(cuts[2 * k], cuts[2 * k + 1]) for k in range(count)]
    regions = [(a, min(b, a + 8)) for a, b in regions]
    out, pos = bytearray(), 0
    for start, end in regions:
        out += DECREE_BYTES[pos:start] + draw(st.binary(min_size=0, max_size=8))
        pos = end
    out += DECREE_BYTES[pos:]
    return bytes(out), regions


def _bad_count(warning: str) -> int:
    match = re.match(r"(\d+) invalid UTF-8 byte sequences?", warning)
    assert match, warning
    return int(match.group(1))


# --- byte damage -------------------------------------------------------------------------


@given(damaged())
def test_damaged_utf8_stays_utf8_with_the_rest_intact(case: tuple[bytes, list[tuple[int, int]]]) -> None:
    data, regions = case
    text, encoding, warnings = decode_bytes(data)
    assert encoding == ("utf-8-sig" if data.startswith(_MARKS[0]) else "utf-8")
    assert _appear_in_order(_intact_parts(DECREE_BYTES, regions), text)
    body = data[3:] if data.startswith(_MARKS[0]) else data
    if _is_utf8(body) and b"\x00" not in body:
        assert warnings == [] and text == body.decode("utf-8")
    else:
        assert len(warnings) == 1 and "U+FFFD" in warnings[0]
        bad = _bad_count(warnings[0])
        assert 1 <= bad == text.count("\ufffd") - body.count("\ufffd".encode())


@given(st.integers(64, len(DECREE_BYTES) - 1))  # a cut after the first line's letters
def test_truncated_utf8_loses_only_the_cut_character(cut: int) -> None:
    data = DECREE_BYTES[:cut]
    text, encoding, warnings = decode_bytes(data)
    assert encoding == "utf-8"
    whole = _char_start(DECREE_BYTES, cut, False)
    assert text.startswith(DECREE_BYTES[:whole].decode("utf-8"))
    assert (warnings == []) == (whole == cut)


@pytest.mark.parametrize("stray", [b"\xff", b"\x92", b"\x00", b"\xe1\xbb", b"\xc3"])
def test_one_stray_byte_keeps_the_law(tmp_path: Path, stray: bytes) -> None:
    """The issue's case: one bad byte used to turn a whole law into VNI mojibake."""
    articles = "\n".join(f"Điều {n}. Quy định thứ {n}\nNội dung của điều {n} về nguồn nước." for n in range(1, 18))
    data = ("QUỐC HỘI\nSố: 12/2099/QH15\n\nLUẬT\nTÀI NGUYÊN NƯỚC\n\n" + articles).encode()
    where = data.index("của điều 9".encode())
    path = tmp_path / "luat.txt"
    path.write_bytes(data[:where] + stray + data[where:])
    source = read(path)
    assert source.encoding == "utf-8"
    assert len(source.warnings) == 1 and f"at byte {where})" in source.warnings[0]
    [doc] = parse(source)
    assert doc.id == "12/2099/QH15"
    assert sum(1 for p in doc.provisions() if p.kind == "article") == 17


@pytest.mark.parametrize("junk", [b"\xff", b"\x92\x93", b"\x00", b"\xe1\xbb"])
def test_byte_order_mark_then_bad_bytes(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + junk + DECREE_BYTES)
    source = read(path)
    assert source.encoding == "utf-8-sig" and source.text.endswith(DECREE)
    assert len(source.warnings) == 1 and re.search(r"at bytes? 3\b", source.warnings[0])


def test_byte_order_mark_alone_with_junk_is_utf8() -> None:
    text, encoding, warnings = decode_bytes(b"\xef\xbb\xbf\xff")
    assert (text, encoding) == ("\ufffd", "utf-8-sig")
    assert "byte order mark" in warnings[0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("tail", [b"\x41", b"\x00\xd8\x41"], ids=["odd-length", "lone-surrogate+odd"])
def test_utf16_mark_with_odd_length_or_bad_units(tmp_path: Path, codec: str, tail: bytes) -> None:
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    if codec == "utf-16-be":
        tail = tail.replace(b"\x00\xd8", b"\xd8\x00")
    path = tmp_path / "u16.txt"
    path.write_bytes(bom + DECREE.encode(codec) + tail)
    source = read(path)
    assert source.encoding == codec and source.text.startswith(DECREE)
    assert len(source.warnings) == 1 and "U+FFFD" in source.warnings[0]
    assert f"at byte {2 + len(DECREE.encode(codec))}" in source.warnings[0]
    assert ("odd number of bytes" in source.warnings[0]) == (len(tail) % 2 == 1)


def test_utf16_mark_in_front_of_utf8_is_damage() -> None:
    text, encoding, warnings = decode_bytes(b"\xff\xfe" + DECREE_BYTES)
    assert (text, encoding) == ("\ufffd\ufffd" + DECREE, "utf-8")
    assert "at bytes 0, 1" in warnings[0]


def test_offsets_listed_are_the_first_few() -> None:
    lines = DECREE_BYTES.split(b"\n")
    data = b"\n".join(line + b"\xff" for line in lines[:9]) + b"\n" + b"\n".join(lines[9:])
    offsets = [m.start() for m in re.finditer(b"\xff", data)]
    _, _, [warning] = decode_bytes(data)
    assert warning.startswith("9 invalid UTF-8 byte sequences")
    assert f"at bytes {', '.join(map(str, offsets[:5]))}, …" in warning


# --- legacy encodings: strong evidence only, said ---------------------------------------


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_decoded_with_its_evidence(encoding: str) -> None:
    text, label, [warning] = decode_bytes(encode_legacy(DECREE, encoding))
    assert unicodedata.normalize("NFC", text) == DECREE and label == encoding
    name = encoding.upper()
    assert warning.startswith(f"decoded as {name}, a legacy Vietnamese encoding: not UTF-8 (0 valid")
    assert re.search(r"are Vietnamese syllables \((9\d|100)%; next best, \S+: \d+%\)$", warning)


def test_cp1258_decoded_with_its_evidence() -> None:
    text, label, [warning] = decode_bytes(_cp1258(DECREE))
    assert unicodedata.normalize("NFC", text) == DECREE and label == "cp1258"
    assert warning.startswith("decoded as Windows-1258")


def test_weak_evidence_keeps_the_bytes_as_windows_1252() -> None:
    """Two TCVN3 words are too few to call the file TCVN3: every byte is kept, and said."""
    data = encode_legacy("Điều lệ", "tcvn3") + b" 2099"
    text, label, [warning] = decode_bytes(data)
    assert label == "cp1252" and bytes(_UNVIEW[c] for c in text) == data
    assert "encoding not recognised" in warning and "needs 80% of at least 5" in warning


def test_english_with_a_windows_apostrophe() -> None:
    assert decode_bytes(b"The council\x92s report")[:2] == ("The council’s report", "cp1252")


def test_ascii_with_nul_bytes_is_binary() -> None:
    with pytest.raises(BinaryContent):
        decode_bytes(b"abc\x00def")


# --- mutation: random bytes never crash -------------------------------------------------


def _check_decoded(data: bytes) -> None:
    try:
        text, label, warnings = decode_bytes(data)
    except BinaryContent as exc:
        assert str(exc).startswith("not a text file")
        return
    assert isinstance(text, str) and all(isinstance(w, str) for w in warnings)
    if label == "cp1252":
        assert bytes(_UNVIEW[c] for c in text) == data  # the fallback loses no byte
    if label in ("utf-8", "utf-8-sig") and "\ufffd" in text and not warnings:
        assert "\ufffd".encode() in data


@given(st.binary(max_size=2048))
def test_random_bytes_decode_or_raise_binary_content(data: bytes) -> None:
    _check_decoded(data)


@given(st.sampled_from(_MARKS + (b"",)), st.binary(max_size=512))
def test_marks_followed_by_random_bytes(mark: bytes, rest: bytes) -> None:
    _check_decoded(mark + rest)


@given(st.binary(min_size=1, max_size=32), st.integers(0, len(DECREE_BYTES)), st.integers(0, 2))
def test_random_bytes_spliced_into_text(junk: bytes, where: int, repeat: int) -> None:
    _check_decoded(DECREE_BYTES[:where] + junk * (1 + 40 * repeat) + DECREE_BYTES[where:])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=1024))
def test_read_never_crashes_on_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "ngau-nhien.txt"
    path.write_bytes(data)
    try:
        source = read(path)
    except ReadError as exc:
        assert str(path) in str(exc)
    else:
        assert isinstance(source.text, str)


# --- the real corpus ---------------------------------------------------------------------


def _real_files() -> list[Path]:
    return sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".md"))


@require_real
def test_every_real_file_is_utf8_without_warning() -> None:
    """Every third real file (all 195 were checked when the rule was set: docs/RELIABILITY.md)."""
    for path in _real_files()[::3]:
        _, encoding, warnings = decode_bytes(path.read_bytes())
        assert (encoding, warnings) == ("utf-8", []), path.name


def _damage(data: bytes, rng: random.Random) -> tuple[bytes, int, int]:
    """One seeded attack (a stray byte, a cp1252 punctuation byte, a cut character, a NUL,
    eight random high bytes): the damaged bytes and the region of ``data`` replaced."""
    where = rng.randrange(len(data) - 8)
    kind = rng.choice(["stray", "cp1252", "cut", "nul", "junk"])
    if kind == "stray":
        return data[:where] + bytes([rng.choice([0xFF, 0xFE, 0xC0, 0xF5])]) + data[where:], where, where
    if kind == "cp1252":
        return data[:where] + bytes([rng.choice([0x92, 0x93, 0x94, 0x96, 0x85])]) + data[where:], where, where
    if kind == "cut":
        lead = data.find(b"\xe1", where)
        lead = lead if lead >= 0 else data.index(b"\xe1")
        return data[:lead + 1] + data[lead + 2:], lead, lead + 2
    if kind == "nul":
        return data[:where] + b"\x00" + data[where + 1:], where, where + 1
    return data[:where] + bytes(rng.randrange(0x80, 0x100) for _ in range(8)) + data[where + 8:], where, where + 8


@require_real
def test_damaged_real_files_stay_utf8_and_are_warned() -> None:
    rng = random.Random(13)
    for path in _real_files()[1::3]:
        data = path.read_bytes()
        damaged_data, start, end = _damage(data, rng)
        text, encoding, warnings = decode_bytes(damaged_data)
        assert encoding == "utf-8" and len(warnings) == 1 and "U+FFFD" in warnings[0], path.name
        assert _appear_in_order(_intact_parts(data, [(start, end)]), text), path.name


@cache
def _lenient_char(ch: str, encoding: str) -> bytes:
    """``ch`` in a legacy encoding, ``?`` where the encoding has no code for it."""
    try:
        return _cp1258(ch) if encoding == "cp1258" else encode_legacy(ch, encoding)
    except (ValueError, UnicodeEncodeError):
        return b"?"


@require_real
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_real_files_in_legacy_encodings_are_recognised_and_said(encoding: str) -> None:
    """Every tenth real file, re-encoded: decoded in its encoding, with the evidence."""
    for path in _real_files()[::10]:
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        data = b"".join(_lenient_char(ch, encoding) for ch in text)
        decoded, label, [warning] = decode_bytes(data)
        assert label == encoding and warning.startswith("decoded as"), path.name
        assert "Vietnamese syllables" in warning
        expected = "".join("?" if _lenient_char(ch, encoding) == b"?" else ch for ch in text)
        assert unicodedata.normalize("NFC", decoded) == expected, path.name
