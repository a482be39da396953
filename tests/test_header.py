"""Tests of policytrack.header: splitting a file into documents and reading their headers.

The table-driven headers below are written for these tests (invented letters and
realistic, made-up header blocks). The seed and corpus files are read at run time from
``../shared`` and those tests skip when it is absent.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from policytrack.header import (
    load_doc_types,
    parse_header,
    split_documents,
)
from policytrack.ids import canonical_number, document_id
from policytrack.model import DocumentMeta
from policytrack.vocab import DataFileError

SHARED = Path(__file__).resolve().parents[2] / "shared"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"


def norm(s: str) -> str:
    """What the reader hands the parser (a stand-in for policytrack.text)."""
    return unicodedata.normalize("NFC", s).replace("“", '"').replace("”", '"').replace("\r\n", "\n")


def check_spans(text: str, meta: DocumentMeta) -> None:
    """Every span lies inside the text and is not empty, and single-line fields match it."""
    for key, (s, e) in meta.spans.items():
        assert 0 <= s <= e <= len(text), key
    for key in ("number", "place", "signer_name"):
        value = getattr(meta, key)
        if value and key in meta.spans:
            s, e = meta.spans[key]
            assert "".join(text[s:e].split()) == "".join(value.split()), key


# ------------------------------------------------------------------ one header per type

LAW = f"""QUỐC HỘI
-------
Luật số: 31/2024/QH15
{MOTTO}
---------------
Hà Nội, ngày 18 tháng 1 năm 2024

LUẬT
ĐẤT ĐAI THỬ NGHIỆM

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Đất đai thử nghiệm.

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định một việc thử.
"""

CODE = f"""QUỐC HỘI
{MOTTO}
Bộ luật số: 45/2019/QH14

BỘ LUẬT
LAO ĐỘNG MẪU

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;

Chương I
"""

RESOLUTION = f"""QUỐC HỘI
{MOTTO}
Nghị quyết số: 30/2021/QH15
Hà Nội, ngày 28 tháng 7 năm 2021

NGHỊ QUYẾT
KỲ HỌP THỨ NHẤT THỬ NGHIỆM

QUỐC HỘI
"""

ORDINANCE = f"""ỦY BAN THƯỜNG VỤ QUỐC HỘI
Số: 02/2022/PL-UBTVQH15
{MOTTO}
Hà Nội, ngày 9 tháng 12 năm 2022

PHÁP LỆNH
CHI PHÍ THỬ NGHIỆM
"""

DECREE_ASCII = f"""CHÍNH PHỦ
--------
Số: 08/2022/ND-CP
{MOTTO}
Hà Nội, ngày 10 tháng 01 năm 2022

Quy định chi tiết một số điều của một luật thử

Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020;
Theo đề nghị của Bộ trưởng Bộ Tài nguyên và Môi trường;

Chính phủ ban hành Nghị định quy định một việc thử.
"""

DECREE = f"""CHÍNH PHỦ
Số: 53/2024/NĐ-CP
{MOTTO}
Hà Nội, ngày 16 tháng 5 năm 2024

NGHỊ ĐỊNH
Quy định chi tiết một số điều
của một luật thử nghiệm

Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
"""

DECISION_NO_YEAR = f"""THỦ TƯỚNG CHÍNH PHỦ
Số: 1795/QĐ-TTg
{MOTTO}
Hà Nội, ngày 21 tháng 10 năm 2015

QUYẾT ĐỊNH
Về việc phê duyệt một điều lệ thử

THỦ TƯỚNG CHÍNH PHỦ

Căn cứ Luật Tổ chức Chính phủ;

QUYẾT ĐỊNH:

Điều 1. Phê duyệt.
"""

DECISION_YEAR = f"""THỦ TƯỚNG CHÍNH PHỦ
Số: 15/2015/QĐ-TTg
{MOTTO}
Hà Nội, ngày 3 tháng 4 năm 2015

QUYẾT ĐỊNH
Ban hành một quy chế thử
"""

CIRCULAR = f"""BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG
Số: 02/2022/TT-BTNMT
{MOTTO}
Hà Nội, ngày 10 tháng 01 năm 2022

THÔNG TƯ
Quy định chi tiết thi hành một luật thử
"""

JOINT_CIRCULAR = f"""BỘ TÀI CHÍNH - BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG
Số: 45/2010/TTLT-BTC-BTNMT
{MOTTO}
Hà Nội, ngày 30 tháng 3 năm 2010

THÔNG TƯ LIÊN TỊCH
Hướng dẫn quản lý một khoản kinh phí thử
"""

DIRECTIVE = f"""THỦ TƯỚNG CHÍNH PHỦ
Số: 20/CT-TTg
{MOTTO}
Hà Nội, ngày 7 tháng 8 năm 2023

CHỈ THỊ
Về tăng cường một việc thử
"""

LETTER = f"""ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
Số: 125/UBND-KT
V/v rà soát các điểm xả thải
vào nguồn nước năm 2024
{MOTTO}
Hà Giang, ngày 3 tháng 4 năm 2024

Kính gửi:
- Sở Tài nguyên và Môi trường;
- Sở Xây dựng;
- Ủy ban nhân dân các huyện, thành phố.

Thực hiện chỉ đạo của tỉnh, đề nghị các đơn vị rà soát và báo cáo.

Nơi nhận:
- Như trên;
- Chủ tịch, các PCT UBND tỉnh;
- Lưu: VT, KT.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH



Nguyễn Văn Bình
"""

VBHN = f"""VĂN PHÒNG QUỐC HỘI
Số: 11/VBHN-VPQH
{MOTTO}
Hà Nội, ngày 10 tháng 7 năm 2023

LUẬT
TÀI NGUYÊN NƯỚC THỬ
"""

PARTY = """BAN CHẤP HÀNH TRUNG ƯƠNG\tĐẢNG CỘNG SẢN VIỆT NAM
*
Số 24-NQ/TW\tHà Nội, ngày 03 tháng 6 năm 2013

NGHỊ QUYẾT
HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH TRUNG ƯƠNG
về một chủ đề thử nghiệm
"""

TYPE_CASES = [
    # text, expected fields
    (LAW, dict(doc_type="Luật", number="31/2024/QH15", issuer="QUỐC HỘI", place="Hà Nội",
               iso="2024-01-18", title="ĐẤT ĐAI THỬ NGHIỆM",
               bases=["Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam"])),
    (CODE, dict(doc_type="Bộ luật", number="45/2019/QH14", issuer="QUỐC HỘI", title="LAO ĐỘNG MẪU")),
    (RESOLUTION, dict(doc_type="Nghị quyết", number="30/2021/QH15", title="KỲ HỌP THỨ NHẤT THỬ NGHIỆM",
                      iso="2021-07-28")),
    (ORDINANCE, dict(doc_type="Pháp lệnh", number="02/2022/PL-UBTVQH15",
                     issuer="ỦY BAN THƯỜNG VỤ QUỐC HỘI", title="CHI PHÍ THỬ NGHIỆM")),
    (DECREE_ASCII, dict(doc_type="Nghị định", number="08/2022/ND-CP", issuer="CHÍNH PHỦ",
                        iso="2022-01-10", bases=[
                            "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015",
                            "Căn cứ Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020"])),
    (DECREE, dict(doc_type="Nghị định", number="53/2024/NĐ-CP",
                  title="Quy định chi tiết một số điều của một luật thử nghiệm")),
    (DECISION_NO_YEAR, dict(doc_type="Quyết định", number="1795/QĐ-TTg", issuer="THỦ TƯỚNG CHÍNH PHỦ",
                            title="Về việc phê duyệt một điều lệ thử",
                            bases=["Căn cứ Luật Tổ chức Chính phủ"])),
    (DECISION_YEAR, dict(doc_type="Quyết định", number="15/2015/QĐ-TTg", title="Ban hành một quy chế thử")),
    (CIRCULAR, dict(doc_type="Thông tư", number="02/2022/TT-BTNMT", issuer="BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG")),
    (JOINT_CIRCULAR, dict(doc_type="Thông tư liên tịch", number="45/2010/TTLT-BTC-BTNMT",
                          issuer="BỘ TÀI CHÍNH - BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
                          title="Hướng dẫn quản lý một khoản kinh phí thử")),
    (DIRECTIVE, dict(doc_type="Chỉ thị", number="20/CT-TTg", title="Về tăng cường một việc thử")),
    (LETTER, dict(doc_type="Công văn", number="125/UBND-KT", issuer="ỦY BAN NHÂN DÂN TỈNH HÀ GIANG",
                  place="Hà Giang", iso="2024-04-03",
                  subject="rà soát các điểm xả thải vào nguồn nước năm 2024",
                  recipients=["Sở Tài nguyên và Môi trường", "Sở Xây dựng",
                              "Ủy ban nhân dân các huyện, thành phố"],
                  noi_nhan=["Như trên", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, KT"],
                  signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                  signer_name="Nguyễn Văn Bình", bases=[])),
    (VBHN, dict(doc_type="Văn bản hợp nhất", number="11/VBHN-VPQH", issuer="VĂN PHÒNG QUỐC HỘI",
                title="LUẬT TÀI NGUYÊN NƯỚC THỬ")),
    (PARTY, dict(doc_type="Nghị quyết", number="24-NQ/TW", issuer="BAN CHẤP HÀNH TRUNG ƯƠNG",
                 place="Hà Nội", iso="2013-06-03",
                 title="HỘI NGHỊ LẦN THỨ BẢY BAN CHẤP HÀNH TRUNG ƯƠNG về một chủ đề thử nghiệm")),
]


@pytest.mark.parametrize("text,expected", TYPE_CASES, ids=[e["doc_type"] + ":" + e["number"] for _, e in TYPE_CASES])
def test_header_of_each_type(text: str, expected: dict) -> None:
    meta = parse_header(text)
    for key, value in expected.items():
        if key == "iso":
            assert meta.date is not None and meta.date.iso() == value
        else:
            assert getattr(meta, key) == value, key
    assert "number not found in header" not in meta.warnings
    check_spans(text, meta)


def test_number_from_ascii_symbol_gives_type_and_canonical_id() -> None:
    text = "CHÍNH PHỦ\nSố: 08/2022/ND-CP\n\nHà Nội, ngày 10 tháng 01 năm 2022\n"
    meta = parse_header(text)
    assert meta.doc_type == "Nghị định"
    assert meta.number == "08/2022/ND-CP"
    assert document_id(meta, "x") == "08/2022/NĐ-CP"


@pytest.mark.parametrize(
    "number,canonical",
    [("08/2022/ND-CP", "08/2022/NĐ-CP"), ("1795/QĐ-TTG", "1795/QĐ-TTg"), ("12/QD-ubnd", "12/QĐ-UBND"),
     ("7344 /BTNMT-KH&CN", "7344/BTNMT-KH&CN"), ("24-NQ/TW", "24-NQ/TW"), ("5/TTr-BTNMT", "5/TTr-BTNMT")],
)
def test_canonical_number(number: str, canonical: str) -> None:
    assert canonical_number(number) == canonical


# ------------------------------------------------------------------ numbers and noise


@pytest.mark.parametrize(
    "line,number",
    [
        ("Số: 12/2020/TT-BTC", "12/2020/TT-BTC"),
        ("Số:12/2020/TT-BTC", "12/2020/TT-BTC"),
        ("Số 12/2020/TT-BTC", "12/2020/TT-BTC"),
        ("Số: 7344 /BTNMT-KH&CN", "7344/BTNMT-KH&CN"),
        ("Số: 327/TNMT", "327/TNMT"),
        ("BỘ TÀI CHÍNH Số: 12/2020/TT-BTC", "12/2020/TT-BTC"),
        ("Luật số: 72/2020/QH14", "72/2020/QH14"),
        ("**Số: 15/VBHN-VPQH**", "15/VBHN-VPQH"),
    ],
)
def test_number_forms(line: str, number: str) -> None:
    meta = parse_header(f"{line}\n\nHà Nội, ngày 1 tháng 2 năm 2020\n")
    assert meta.number == number
    check_spans(f"{line}\n\nHà Nội, ngày 1 tháng 2 năm 2020\n", meta)


@pytest.mark.parametrize(
    "text,number",
    [
        # a sentence wrapped so that a line opens with a cited number is body text, not the
        # document's own number (a letter printed without its header)
        ("1. Đề nghị các đơn vị triển khai thực hiện Chương trình hành động\nsố 09-CTrHĐ/TU bằng các hình thức phù hợp.\n", None),
        ("Việc xếp lương theo quy định tại khoản 12 Điều 5\nThông tư số 08/2023/TT-BTH. Do đó, các đơn vị thực hiện.\n", None),
        # ... while a header's number line follows the issuer in capitals, a blank line or nothing
        ("BỘ THỬ NGHIỆM\nSố 12/BTN-VP\nV/v thử\n", "12/BTN-VP"),
        ("BỘ THỬ NGHIỆM\n\nSố 12/BTN-VP\nV/v thử\n", "12/BTN-VP"),
        ("Ủy ban nhân dân tỉnh Thử\nSố: 12/UBND-VP\nV/v thử\n", "12/UBND-VP"),
        # a title in capitals naming the document it implements does not give its number
        ("THÔNG TƯ\nQUY ĐỊNH MIỄN PHÍ ĐỂ TRIỂN KHAI NGHỊ QUYẾT SỐ 12.5/2099/NQ-CP NGÀY 9 THÁNG 7 NĂM 2099\n"
         "Căn cứ Luật Thử;\n", None),
        ("NGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU CỦA NGHỊ QUYẾT SỐ 201/2099/QH15\nCăn cứ Luật Thử;\n", None),
        # ... while a type word and its number alone on a line are the document's own
        ("LUẬT SỐ 12/2099/QH15\nTHỬ NGHIỆM\nCăn cứ Hiến pháp;\n", "12/2099/QH15"),
    ],
)
def test_a_cited_number_opening_a_wrapped_line_is_not_the_documents(text: str, number) -> None:
    assert parse_header(text).number == number


def test_issuer_before_number_on_same_line() -> None:
    meta = parse_header("BỘ TÀI CHÍNH Số: 12/2020/TT-BTC\n\nTHÔNG TƯ\nHướng dẫn thử\n")
    assert meta.issuer == "BỘ TÀI CHÍNH"
    assert meta.doc_type == "Thông tư"


def test_receiving_stamp_is_noise() -> None:
    text = (
        "Số: 45/2023/CV-ABC\n\nHà Nội, ngày 2 tháng 3 năm 2023\n\nV/v một việc thử\n\n"
        "VĂN PHÒNG UBND TỈNH THỬ\nĐẾN\tSố: 777\n\tNgày:.....\nChuyển:.....\n\n"
        "Kính gửi: Ủy ban nhân dân tỉnh Thử\n\nNội dung thư.\n"
    )
    meta = parse_header(text)
    assert meta.number == "45/2023/CV-ABC"
    assert meta.issuer is None
    assert meta.recipients == ["Ủy ban nhân dân tỉnh Thử"]


def test_dotted_stamp_number_is_not_a_number() -> None:
    meta = parse_header("VĂN PHÒNG SỞ THỬ\nĐẾN Số:.....\nNgày:.....\n\nKính gửi: Sở Thử\n")
    assert meta.number is None
    assert meta.issuer is None
    assert "number not found in header" in meta.warnings
    assert "issuer not found in header" in meta.warnings


def test_motto_is_never_issuer_or_title() -> None:
    meta = parse_header(f"{MOTTO}\n\nLUẬT\nTHỬ NGHIỆM\n")
    assert meta.issuer is None
    assert meta.title == "THỬ NGHIỆM"


# ------------------------------------------------------------------ issuer layouts


@pytest.mark.parametrize(
    "text,issuer",
    [
        ("BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 3/BXD-KHCN\n",
         "BỘ XÂY DỰNG"),
        ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH CAO BẰNG Độc lập - Tự do - Hạnh phúc\n"
         "Số: 9/UBND-NC\n", "ỦY BAN NHÂN DÂN TỈNH CAO BẰNG"),
        (f"{MOTTO}\nBỘ TƯ PHÁP\nSố: 4/BTP-PLDSKT\n", "BỘ TƯ PHÁP"),
        ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nTỔNG CỤC THỬ\n-----\nSố: 8/TCT-KH\n", "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỔNG CỤC THỬ"),
    ],
    ids=["motto-same-line", "interleaved-two-lines", "right-column-first", "two-lines-and-rule"],
)
def test_issuer_layouts(text: str, issuer: str) -> None:
    meta = parse_header(text)
    assert meta.issuer == issuer
    check_spans(text, meta)


def test_issuer_inferred_from_tm_signature_with_warning() -> None:
    text = (
        "Số: 5/2022/HTX-VP\n\nĐà Lạt, ngày 4 tháng 5 năm 2022\n\nV/v một đề nghị thử\n\n"
        "Kính gửi: Sở Nông nghiệp\n\nNội dung.\n\nNơi nhận:\n- Như trên;\n- Lưu VT.\n\n"
        "T/M HỘI ĐỒNG QUẢN TRỊ\nCHỦ TỊCH\n\n\nLê Thị Hoa\n"
    )
    meta = parse_header(text)
    assert meta.issuer == "HỘI ĐỒNG QUẢN TRỊ"
    assert any(w.startswith("issuer not found in header") for w in meta.warnings)


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "line,day,month,year,warning",
    [
        ("Hà Nội, ngày 31 tháng 08 năm 2021", 31, 8, 2021, None),
        ("Hà Nội, ngày 25 tháng", 25, None, None, "date incomplete: month and year missing"),
        ("Hà Nội, ngày      tháng      năm 2024", None, None, 2024, "date incomplete: day and month missing"),
        ("Đà Nẵng, 05/01/2024", 5, 1, 2024, None),
        ("TP. Hồ Chí Minh, ngày 5-1-2024", 5, 1, 2024, None),
        ("ngày 7 tháng 9 năm 2019", 7, 9, 2019, None),
        ("Hà Nội, ngày 35 tháng 13 năm 2020", None, None, 2020, "date has an impossible day: 35"),
    ],
)
def test_dates(line: str, day, month, year, warning) -> None:
    meta = parse_header(f"Số: 1/2020/TB-X\n{line}\n\nNội dung.\n")
    assert meta.date is not None
    assert (meta.date.day, meta.date.month, meta.date.year) == (day, month, year)
    if warning:
        assert warning in meta.warnings
    else:
        assert not [w for w in meta.warnings if w.startswith("date")]
    assert meta.date.iso() == (f"{year:04d}-{month:02d}-{day:02d}" if None not in (day, month, year) else None)


def test_date_interleaved_with_number() -> None:
    meta = parse_header("CHÍNH PHỦ\nSố: 12/2020/NĐ-CP Hà Nội, ngày 5 tháng 3 năm 2020\n")
    assert meta.number == "12/2020/NĐ-CP"
    assert meta.place == "Hà Nội"
    assert meta.date.iso() == "2020-03-05"


def test_sentence_with_date_is_not_the_header_date() -> None:
    meta = parse_header("Ngày 03/7/2019, phòng đã họp để bàn về kế hoạch.\n")
    assert meta.date is None


# ------------------------------------------------------------------ drafts


@pytest.mark.parametrize(
    "marker,number,date_iso",
    [
        ("DỰ THẢO", None, None),
        ("Dự thảo 2", "2", None),
        ("Dự thảo lần 3", "3", None),
        ("(Dự thảo ngày 12/5/2023)", None, "2023-05-12"),
        ("Dự thảo 4 ngày 1 tháng 6 năm 2023", "4", "2023-06-01"),
    ],
)
def test_drafts(marker: str, number, date_iso) -> None:
    text = f"{marker}\nQUỐC HỘI\n{MOTTO}\nLuật số:      /2023/QH15\n\nLUẬT\nTÀI NGUYÊN NƯỚC (SỬA ĐỔI)\n"
    meta = parse_header(text)
    assert meta.is_draft
    assert meta.draft_number == number
    assert (meta.draft_date.iso() if meta.draft_date else None) == date_iso
    assert meta.issuer == "QUỐC HỘI"
    assert meta.number == "/2023/QH15"
    expected = "luat-tai-nguyen-nuoc-sua-doi@du-thao" + (f"-{number}" if number else "")
    assert document_id(meta, "fallback") == expected


def test_draft_words_in_a_title_are_not_a_draft_marker() -> None:
    meta = parse_header("BỘ TƯ PHÁP\nSố: 3/BTP-VP\nV/v góp ý Dự thảo Luật Đất đai\n")
    assert not meta.is_draft


# ------------------------------------------------------------------ letters, lists, signatures


def test_multiline_subject_stops_at_date_line() -> None:
    text = (
        "SỞ THỬ NGHIỆM\nSố: 88/STN-VP\nV/v: phối hợp tổ chức\nhội thảo về nước sạch\ncho vùng cao\n"
        "Lào Cai, ngày 1 tháng 2 năm 2024\nKính gửi: Trường Đại học Thử\n"
    )
    meta = parse_header(text)
    assert meta.subject == "phối hợp tổ chức hội thảo về nước sạch cho vùng cao"
    assert meta.doc_type == "Công văn"
    assert meta.place == "Lào Cai"
    assert meta.recipients == ["Trường Đại học Thử"]


def test_recipients_on_line_and_list_after_blank() -> None:
    meta = parse_header("Số: 2/ABC-VP\n\nKính gửi:\n\n- Bộ Thử;\n- Sở Thử.\n\nNội dung.\n")
    assert meta.recipients == ["Bộ Thử", "Sở Thử"]
    meta = parse_header("Số: 2/ABC-VP\n\nKính gửi: Bộ Thử\n\n- Nội dung một;\n- Nội dung hai.\n")
    assert meta.recipients == ["Bộ Thử"]


def test_markdown_bold_signature_and_noi_nhan() -> None:
    text = (
        "BỘ THỬ\nSố: 9/BT-VP\n\nV/v một việc\n\nKính gửi: Viện Thử\n\nNội dung thư.\n\n"
        "**Nơi nhận:**\n- Như trên;\n- Thứ trưởng (để báo cáo);\n- Lưu: VT.\n\n"
        "**KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG**\n\n(Đã ký)\n\n**Hoàng Văn Thử**\n"
    )
    meta = parse_header(text)
    assert meta.noi_nhan == ["Như trên", "Thứ trưởng (để báo cáo)", "Lưu: VT"]
    assert meta.signer_title == "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"
    assert meta.signer_name == "Hoàng Văn Thử"
    check_spans(text, meta)


def test_signature_before_noi_nhan_and_annex_after() -> None:
    text = (
        LAW
        + "\nĐiều 2. Hiệu lực\nLuật này có hiệu lực từ ngày ký.\n\n"
        + "CHỦ TỊCH QUỐC HỘI\n\n\nTrần Thanh Thử\n\n"
        + "Phụ lục I\nMẪU SỐ 01\n\nNơi nhận:\n- Một nơi;\n\nGIÁM ĐỐC\n\nNgười Ký Mẫu\n"
    )
    meta = parse_header(text)
    assert meta.signer_title == "CHỦ TỊCH QUỐC HỘI"
    assert meta.signer_name == "Trần Thanh Thử"
    assert meta.noi_nhan == []


def test_law_without_closing_has_no_signer() -> None:
    meta = parse_header(LAW)
    assert meta.signer_name is None and meta.noi_nhan == []


# ------------------------------------------------------------------ splitting

LETTER_B = f"""BỘ THỬ NGHIỆM {MOTTO.splitlines()[0]}

{MOTTO.splitlines()[1]}

Số: 77 /BTN-VP

V/v trả lời thư của Sở

Hà Nội, ngày 9 tháng

Kính gửi: Sở Tài nguyên và Môi trường

Bộ đã nhận được thư.

Nơi nhận:
- Như trên;
- Lưu VT.

KT. BỘ TRƯỞNG
THỨ TRƯỞNG

Đinh Văn Thử
"""


def test_split_two_letters() -> None:
    text = LETTER + "\n" + LETTER_B
    spans = split_documents(text)
    assert len(spans) == 2
    assert spans[0][0] == 0 and spans[-1][1] == len(text) and spans[0][1] == spans[1][0]
    assert text[spans[1][0] :].startswith("BỘ THỬ NGHIỆM")
    metas = [parse_header(text, s, e) for s, e in spans]
    assert [m.number for m in metas] == ["125/UBND-KT", "77/BTN-VP"]
    assert metas[1].issuer == "BỘ THỬ NGHIỆM"
    assert metas[1].date.day == 9 and metas[1].date.month is None


def test_split_boundary_is_issuer_lines_above_motto() -> None:
    text = LETTER + "\nỦY BAN NHÂN DÂN\nTỈNH THỬ\n" + MOTTO + "\nSố: 5/UBND-VP\n\nV/v thử\n"
    spans = split_documents(text)
    assert len(spans) == 2
    assert text[spans[1][0] :].startswith("ỦY BAN NHÂN DÂN\nTỈNH THỬ")
    assert parse_header(text, *spans[1]).issuer == "ỦY BAN NHÂN DÂN TỈNH THỬ"


def test_no_split_for_annex_template_repeating_the_motto() -> None:
    annex = (
        "\nPhụ lục II\nCÁC MẪU VĂN BẢN\n\nMẫu số 01\n\nTÊN CƠ QUAN\n" + MOTTO
        + "\nSố: 01/GP-UBND\n\nQUYẾT ĐỊNH\nVề việc cấp giấy phép\n\nNơi nhận:\n- Như trên;\n"
    )
    text = LETTER + annex
    assert split_documents(text) == [(0, len(text))]


def test_no_split_for_quoted_header() -> None:
    text = (
        LETTER + '\nSửa đổi mẫu như sau:\n"\nBỘ THỬ\n' + MOTTO + "\nSố: 1/BT-VP\n\nV/v thử\n\"\n"
    )
    assert split_documents(text) == [(0, len(text))]


def test_no_split_without_closing_block() -> None:
    text = LAW + "\n" + CIRCULAR
    assert split_documents(text) == [(0, len(text))]


def test_split_empty_and_plain_text() -> None:
    assert split_documents("") == [(0, 0)]
    assert split_documents("Một đoạn văn.\n") == [(0, len("Một đoạn văn.\n"))]


# ------------------------------------------------------------------ ids


def test_document_id_rules() -> None:
    assert document_id(DocumentMeta(number="08/2022/ND-CP"), "f") == "08/2022/NĐ-CP"
    assert document_id(DocumentMeta(number="QCVN 40:2011/BTNMT"), "f") == "f"
    assert document_id(DocumentMeta(number="40:2011/BTNMT"), "f") == "40-2011/BTNMT"
    assert document_id(DocumentMeta(doc_type="Luật", title="BẢO VỆ MÔI TRƯỜNG"), "f") == "luat-bao-ve-moi-truong"
    assert document_id(DocumentMeta(title="X"), "my file: 1") == "my-file-1"
    assert document_id(DocumentMeta(number="9/X-Y", is_draft=True), "f") == "9/X-Y@du-thao"
    for meta in (DocumentMeta(number="1 / 2 : 3"), DocumentMeta(), DocumentMeta(doc_type="Luật", title=": :")):
        doc_id = document_id(meta, "a b:c")
        assert ":" not in doc_id and not any(c.isspace() for c in doc_id) and doc_id


# ------------------------------------------------------------------ vocabulary file


def test_vocabulary_loads_and_names_types() -> None:
    vocab = load_doc_types()
    names = {t.name for t in vocab.types}
    assert {"Luật", "Nghị định", "Thông tư liên tịch", "Công văn", "Văn bản hợp nhất"} <= names
    assert vocab.by_symbol("24-NQ/TW").name == "Nghị quyết"
    assert vocab.by_symbol("02-KL/TW").name == "Kết luận"
    assert vocab.by_symbol("15/VBHN-VPQH").name == "Văn bản hợp nhất"
    assert vocab.by_symbol("863/2021/TTX-BPL") is None
    assert vocab.letter_type().name == "Công văn"


@pytest.mark.parametrize(
    "content,fragment",
    [
        ("types:\n  - name: Luật\n    headings: [Luật]\n", "entry 1 ('Luật'): heading 'Luật' must be written in capitals"),
        ("types:\n  - name: Luật\n    headings: [LUẬT]\n  - name: X\n    headings: [LUẬT]\n", "entry 2 ('X')"),
        ("types:\n  - name: A\n    symbols: ['Q H']\n", "entry 1 ('A'): symbol pattern"),
        ("types:\n  - name: A\n    colour: red\n", "unknown key"),
        ("types:\n  - headings: [A]\n", "entry 1: 'name'"),
        ("[1, 2", "not valid YAML"),
        ("- a\n", "list under 'types'"),
    ],
)
def test_vocabulary_errors_name_file_and_entry(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "types.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_doc_types(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)


# ------------------------------------------------------------------ real inputs (../shared)

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (seeds and corpus) is not present")


@needs_shared
def test_seed_003_two_letters() -> None:
    files = sorted((SHARED / "seeds").glob("003_*.txt"))
    if not files:
        pytest.skip("seed 003 is not present")
    text = norm(files[0].read_text(encoding="utf-8"))
    spans = split_documents(text)
    assert len(spans) == 2
    assert spans[0][0] == 0 and spans[1][1] == len(text) and spans[0][1] == spans[1][0]
    first, second = (parse_header(text, s, e) for s, e in spans)

    assert first.number == "863/2021/TTX-BPL"
    assert first.date.iso() == "2021-08-31" and first.place == "Hà Nội"
    assert first.doc_type == "Công văn"
    assert first.subject.startswith("thực hiện Chuyên đề")
    assert first.recipients == ["Ủy ban nhân dân tỉnh Lạng Sơn"]
    assert first.signer_name == "Phan Văn Sáng"
    assert first.signer_title.startswith("T/M BAN BIÊN TẬP")
    assert len(first.noi_nhan) == 5
    # the signature is the journal's editorial board; the symbol's TTX spells the journal the body names
    assert first.issuer == "Tap chí Tri thức Xanh"
    assert any(w.startswith("issuer not found in header") and "symbol" in w for w in first.warnings)

    assert second.number == "7344/BTNMT-KH&CN"
    assert second.issuer == "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert (second.date.day, second.date.month, second.date.year) == (25, None, None)
    assert "date incomplete: month and year missing" in second.warnings
    assert second.subject.startswith("phản hồi ý kiến của Viện Khoa học Môi trường và Xã hội")
    assert second.subject.endswith("Việt Nam") and "\n" not in second.subject
    assert second.recipients == ["Viện Khoa học Môi trường và Xã hội"]
    assert second.signer_name == "Trần Bình Trọng"
    assert second.signer_title.startswith("TL. BỘ TRƯỞNG")
    assert len(second.noi_nhan) == 3
    for meta in (first, second):
        check_spans(text, meta)
        assert "ĐẾN" not in (meta.issuer or "") and "." not in meta.number
    assert [document_id(m, "f") for m in (first, second)] == ["863/2021/TTX-BPL", "7344/BTNMT-KH&CN"]


@needs_shared
@pytest.mark.parametrize("path", sorted((SHARED / "corpus").glob("*.txt")), ids=lambda p: p.name)
def test_corpus_law_excerpt(path: Path) -> None:
    text = norm(path.read_text(encoding="utf-8"))
    assert split_documents(text) == [(0, len(text))]
    meta = parse_header(text)
    assert meta.doc_type == "Luật"
    assert meta.issuer == "QUỐC HỘI"
    assert meta.title == "BẢO VỆ MÔI TRƯỜNG"
    assert meta.number is None
    assert "number not found in header" in meta.warnings
    assert meta.bases == []
    check_spans(text, meta)


@needs_shared
def test_other_seeds_do_not_split_or_raise() -> None:
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = norm(path.read_text(encoding="utf-8"))
        spans = split_documents(text)
        if not path.name.startswith("003_"):
            assert spans == [(0, len(text))], path.name
        for s, e in spans:
            check_spans(text, parse_header(text, s, e))


# ------------------------------------------------------------------ properties

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 12/2020/NĐ-CP",
    "Số:.....", "ĐẾN", "Nơi nhận:", "- Như trên;", "KT. BỘ TRƯỞNG", "Nguyễn Văn A", "LUẬT",
    "THÔNG TƯ LIÊN TỊCH", "V/v", "Kính gửi:", "Căn cứ", "Hà Nội, ngày 5 tháng", "năm 2020",
    "Dự thảo 2", "(Dự thảo ngày 1/2/2023)", "Phụ lục", "Mẫu số 01", "Điều 1.", "Chương I", '"',
    "**", "\n", "\n\n", "\t", "  ", ":", "/", "-", "BỘ TÀI NGUYÊN", "TM.", "T/M",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=60).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=80).map("\n".join),
)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(0, 500), st.integers(0, 500))
def test_never_raises_and_spans_in_bounds(text: str, a: int, b: int) -> None:
    spans = split_documents(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (s1, e1), (s2, _) in zip(spans, spans[1:]):
        assert s1 < e1 == s2
    for s, e in spans:
        meta = parse_header(text, s, e)
        for key, (x, y) in meta.spans.items():
            assert s <= x <= y <= e, key
        doc_id = document_id(meta, "fallback")
        assert doc_id and ":" not in doc_id and not any(c.isspace() for c in doc_id)
    meta = parse_header(text, min(a, b), max(a, b))
    for x, y in meta.spans.values():
        assert 0 <= x <= y <= len(text)


# --- consolidated texts (VBHN): the document id -------------------------------------------------

_VBHN_PREAMBLE = """LUẬT
CHĂN NUÔI THỬ
Luật Chăn nuôi thử số 32/2018/QH14 ngày 19 tháng 11 năm 2018 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 01 năm 2020, được sửa đổi, bổ sung bởi:
{listed}
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Chăn nuôi thử[1].
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về chăn nuôi thử.
{closing}"""

_AMENDING_146 = ("Luật số 146/2025/QH15 ngày 11 tháng 12 năm 2025 của Quốc hội sửa đổi, bổ sung một số điều "
                 "của 15 luật, có hiệu lực kể từ ngày 01 tháng 01 năm 2026.")
_AMENDING_LIST = ("1. Luật số 146/2025/QH15 ngày 11 tháng 12 năm 2025 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 01 năm 2026;\n"
                  "2. Pháp lệnh số 04/2026/UBTVQH16 ngày 15 tháng 7 năm 2026, có hiệu lực kể từ ngày 01 tháng 8 năm 2026.")
_CERTIFIED = "XÁC THỰC VĂN BẢN HỢP NHẤT\nSố: 63/VBHN-VPQH\nCHỦ NHIỆM\nNguyễn Văn A"


@pytest.mark.parametrize("listed,closing,doc_id,number", [
    # no number of its own printed: the restated document's number, marked consolidated
    (_AMENDING_146, "", "32/2018/QH14@vbhn", None),
    # a numbered list of amending documents: none of their numbers is the VBHN's
    (_AMENDING_LIST, "", "32/2018/QH14@vbhn", None),
    # its own number printed in the closing block ("XÁC THỰC VĂN BẢN HỢP NHẤT")
    (_AMENDING_146, _CERTIFIED, "63/VBHN-VPQH", "63/VBHN-VPQH"),
], ids=["unnumbered", "numbered-list", "own-number"])
def test_consolidated_text_id_is_never_an_amending_documents_number(listed, closing, doc_id, number) -> None:
    from policytrack import parse_text

    text = _VBHN_PREAMBLE.format(listed=listed, closing=closing)
    [doc] = parse_text(text)
    assert doc.id == doc_id
    assert doc.meta.number == number
    assert doc.meta.consolidates == "32/2018/QH14"
    assert doc.meta.doc_type == "Văn bản hợp nhất"
    assert doc.meta.title == "LUẬT CHĂN NUÔI THỬ"
    s, e = doc.meta.spans["consolidates"]
    assert text[s:e] == "32/2018/QH14"
    check_spans(text, doc.meta)


def test_two_consolidated_texts_amended_by_one_law_do_not_collide() -> None:
    from policytrack import Corpus, parse_text

    a = parse_text(_VBHN_PREAMBLE.format(listed=_AMENDING_146, closing=""), name="a")
    b = parse_text(_VBHN_PREAMBLE.replace("32/2018/QH14", "31/2018/QH14").format(listed=_AMENDING_146, closing=""),
                   name="b")
    corpus = Corpus(a + b)
    assert sorted(d.id for d in corpus) == ["31/2018/QH14@vbhn", "32/2018/QH14@vbhn"]
    # a citation of the amending law never finds a consolidated text that merely lists it
    assert corpus.by_number("146/2025/QH15") is None
    assert corpus.by_number("32/2018/QH14").id == "32/2018/QH14@vbhn"
