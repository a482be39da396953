"""Scans and OCR: word confidence per page, specks before markers, and structure kept on
fixtures built the way real scans are (a page rendered at 200 dpi, speckled, skewed and
blurred). The few tests that run Tesseract skip when it or its Vietnamese data is missing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from policytrack import _pdf, read
from policytrack.model import DocumentMeta, Source
from policytrack.parse import parse, parse_span
from policytrack.sources import SourceRegister

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason=f"font {FONT} not installed")
needs_ocr = pytest.mark.skipif(_pdf.ocr_missing_reason() is not None,
                               reason=_pdf.ocr_missing_reason() or "tesseract with 'vie' not installed")

# A short law written for these tests: two chapters, three articles, clauses and points.
LAW = """LUẬT
BẢO VỆ CÂY XANH CÔNG CỘNG

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định việc trồng, chăm sóc và bảo vệ cây xanh trong khu dân cư.

Điều 2. Nguyên tắc bảo vệ cây xanh
1. Cây xanh công cộng là tài sản chung của cộng đồng dân cư.
2. Việc chặt hạ cây phải được cơ quan có thẩm quyền cho phép.
3. Tổ chức, cá nhân có trách nhiệm:
a) Giữ gìn cây xanh nơi mình sinh sống;
b) Báo cho chính quyền khi phát hiện cây bị hư hại.

Chương II
QUẢN LÝ CÂY XANH

Điều 3. Trách nhiệm của Ủy ban nhân dân
1. Ủy ban nhân dân cấp xã lập danh mục cây xanh trên địa bàn.
2. Ủy ban nhân dân cấp tỉnh bố trí kinh phí chăm sóc cây xanh."""
LAW_UNITS = ["c1", "d1", "d2", "d2.k1", "d2.k2", "d2.k3", "d2.k3.a", "d2.k3.b", "c2", "d3", "d3.k1", "d3.k2"]
NOTICE = """THÔNG BÁO
Về việc tạm dừng cấp nước sinh hoạt
Công ty cấp nước thông báo tạm dừng cấp nước từ 8 giờ đến 17 giờ ngày thứ bảy để sửa chữa
đường ống chính. Đề nghị các hộ gia đình chủ động trữ nước trong thời gian tạm dừng."""


def scan(text: str, *, seed: int, size_pt: float = 13, noise: float = 0.0001, blur: float = 0.6,
         angle: float = 0.8, ink: int = 0, dpi: int = 200):
    """``text`` as a scanner gives it back: an A4 page at ``dpi``, ``noise`` of its pixels
    hit by specks of 1–3 px, rotated by ``angle`` degrees, blurred; ``ink`` is the grey of
    the letters (0 black)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rnd = random.Random(seed)
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    px = round(size_pt / 72 * dpi)
    font = ImageFont.truetype(str(FONT), px)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(text.splitlines()):
        draw.text((int(0.9 * dpi), int(0.8 * dpi) + k * int(px * 1.5)), line, fill=ink, font=font)
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    for _ in range(int(noise * width * height)):
        x, y, size = rnd.randrange(width - 3), rnd.randrange(height - 3), rnd.choice((1, 2, 2, 3))
        draw = ImageDraw.Draw(page)
        draw.rectangle((x, y, x + size - 1, y + size - 1), fill=0)
    return page.filter(ImageFilter.GaussianBlur(blur))


def poor_scan(text: str):
    """A page worth checking by eye: small grey letters, many specks, heavy blur."""
    return scan(text, seed=11, size_pt=9, noise=0.006, blur=1.3, ink=80)


def found_share(doc, expected: list[str]) -> float:
    got = {p.path for p in doc.provisions()}
    return sum(path in got for path in expected) / len(expected)


# --- confidence: Tesseract's word table, the warning ------------------------------------

TSV = "\n".join([
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t",
    "4\t1\t1\t1\t1\t0\t180\t160\t300\t40\t-1\t",
    "5\t1\t1\t1\t1\t1\t180\t160\t90\t40\t96.5\tĐiều",
    "5\t1\t1\t1\t1\t2\t280\t160\t20\t40\t91.5\t1.",
    "5\t1\t1\t1\t1\t3\t310\t160\t120\t40\t40\tPhạm",
    "5\t1\t1\t1\t1\t4\t440\t160\t40\t40\t95\t ",
])


@pytest.mark.parametrize("tsv, mean", [
    (TSV, 76.0),  # words only: blocks and lines carry -1, an empty box is no word
    (TSV.split("\n")[0], 0.0),  # a page with no word
    ("", 0.0),
])
def test_mean_word_confidence(tsv, mean):
    assert _pdf.mean_word_confidence(tsv) == mean


@pytest.mark.parametrize("confidence, warns", [(None, False), (95.0, False), (60.0, False), (59.9, True), (0.0, True)])
def test_low_confidence_warning(confidence, warns):
    warning = _pdf.low_confidence_warning(3, confidence)
    assert (warning is not None) is warns
    if warns:
        assert warning.startswith(f"page 3: OCR confidence {confidence:.0f} is below 60")


def _fake_ocr(monkeypatch, confidence: float, text: str = "Điều 1. Phạm vi\n1. Một.") -> None:
    monkeypatch.setattr(_pdf, "ocr_missing_reason", lambda: None)
    monkeypatch.setattr(_pdf, "recognise", lambda image: _pdf.OcrResult(text, confidence))


@needs_font
def test_pdf_confidence_is_none_for_text_pages(tmp_path, monkeypatch):
    """A text page, a scanned page: one entry per page, the scanned one warned about."""
    from fpdf import FPDF

    png = tmp_path / "scan.png"
    scan("Điều 2. Hiệu lực", seed=1).save(png)
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    pdf.cell(0, 7, "Điều 1. Phạm vi điều chỉnh")
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=190)
    pdf.output(str(tmp_path / "mixed.pdf"))
    _fake_ocr(monkeypatch, 42.0)
    source = read(tmp_path / "mixed.pdf")
    assert source.ocr_confidence == [None, 42.0]
    assert [w for w in source.warnings if "confidence" in w] == [_pdf.low_confidence_warning(2, 42.0)]


@needs_font
def test_image_confidence_is_one_page(tmp_path, monkeypatch):
    png = tmp_path / "scan.png"
    scan("Điều 1. Phạm vi", seed=1).save(png)
    _fake_ocr(monkeypatch, 88.0)
    source = read(png)
    assert source.ocr_confidence == [88.0] and not [w for w in source.warnings if "confidence" in w]
    _fake_ocr(monkeypatch, 30.0)
    assert any(w.startswith("page 1: OCR confidence 30") for w in read(png).warnings)


def test_text_files_have_no_confidence(tmp_path):
    path = tmp_path / "luat.txt"
    path.write_text("Điều 1. Phạm vi\n", encoding="utf-8")
    assert read(path).ocr_confidence == []


# --- specks of a scan before a marker (text read by OCR only) ------------------------------

def _tree(text: str, ocr: bool):
    source = Source(path="scan.png", text=text, format="image" if ocr else "txt",
                    ocr_confidence=[85.0] if ocr else [])
    return parse_span(source, 0, len(source.normalized), "X", DocumentMeta())


SPECKS = [
    ("' Điều 2. Hiệu lực", ["d1", "d1.k1", "d2"], "\"'\" before 'Điều 2.' skipped (OCR specks, line 3)"),
    ("-_ Điều 2. Hiệu lực", ["d1", "d1.k1", "d2"], "'-_' before 'Điều 2.'"),
    (".. 2. Hai.", ["d1", "d1.k1", "d1.k2"], "'..' before '2.'"),
    ("__2; Hai.", ["d1", "d1.k1", "d1.k2"], "'2;' read as khoản 2"),
    ("`a) một;", ["d1", "d1.k1", "d1.k1.a"], "'`' before 'a)'"),
]


@pytest.mark.parametrize("line, paths, warning", SPECKS)
def test_specks_before_a_marker_are_skipped_in_ocr_text(line, paths, warning):
    text = f"Điều 1. A\n1. Một.\n{line}\n"
    doc = _tree(text, ocr=True)
    assert [p.path for p in doc.provisions() if p.kind != "document"] == paths
    assert any(warning in w.message for w in doc.warnings), [w.message for w in doc.warnings]
    typed = _tree(text, ocr=False)  # a typed file is read as printed
    assert [p.path for p in typed.provisions() if p.kind != "document"] == ["d1", "d1.k1"]


@pytest.mark.parametrize("line, paths", [
    ("- Luật này quy định việc thử.", ["d1", "d1.k1", "d1.k1.i1"]),  # a dash item stays one
    ('"2. Khoản được thay thế."', ["d1", "d1.k1"]),  # a quoted line is not a clause
    (". Tiếp theo là 2. Hai.", ["d1", "d1.k1"]),  # a marker only at the start
])
def test_what_specks_never_hide(line, paths):
    doc = _tree(f"Điều 1. A\n1. Một.\n{line}\n", ocr=True)
    assert [p.path for p in doc.provisions() if p.kind != "document"] == paths
    assert not [w for w in doc.warnings if "specks" in w.message]


# --- real OCR on rendered scans ---------------------------------------------------------------

@needs_font
@needs_ocr
def test_scanned_image_keeps_its_structure(tmp_path):
    png = tmp_path / "luat.png"
    scan(LAW, seed=1).save(png, dpi=(200, 200))
    source = read(png)
    [confidence] = source.ocr_confidence
    assert isinstance(confidence, float) and _pdf.OCR_LOW_CONFIDENCE <= confidence <= 100
    [doc] = parse(source, SourceRegister([]))
    assert found_share(doc, LAW_UNITS) >= 0.9, [p.path for p in doc.provisions()]


@needs_font
@needs_ocr
def test_image_only_pdf_confidence_per_page_and_a_poor_page_warns(tmp_path):
    path = tmp_path / "scan.pdf"
    scan(LAW, seed=4).save(path, save_all=True, append_images=[poor_scan(NOTICE)], resolution=200)
    source = read(path)
    assert len(source.ocr_confidence) == 2 and all(isinstance(c, float) for c in source.ocr_confidence)
    good, poor = source.ocr_confidence
    assert poor < _pdf.OCR_LOW_CONFIDENCE <= good
    low = [w for w in source.warnings if "OCR confidence" in w]
    assert len(low) == 1 and low[0].startswith(f"page 2: OCR confidence {poor:.0f}")
    doc = parse(source, SourceRegister([]))[0]
    assert found_share(doc, LAW_UNITS) >= 0.9, [p.path for p in doc.provisions()]


_ROMAN_SCAN = "QUYẾT ĐỊNH\nVỀ THỬ\n\nĐiều 1. Phê duyệt\n{first}\n1. Một.\n2. Hai.\n{second}\n1. Ba.\nĐiều 2. Hiệu lực\n"


@pytest.mark.parametrize(("first", "second", "ocr", "parts"), [
    ("L. QUAN ĐIỂM", "II MỤC TIÊU", True, ["d1.m1", "d1.m2"]),    # I read as L; a dot lost
    ("I. QUAN ĐIỂM", "1I. MỤC TIÊU", True, ["d1.m1", "d1.m2"]),    # a 1 for an I
    ("I.QUAN ĐIỂM", "II.MỤC TIÊU", True, ["d1.m1", "d1.m2"]),      # the space after the dot lost
    ("THỦ TƯỚNG", "LUẬT MẪU", True, []),                           # capitals, but no numeral
    ("L. QUAN ĐIỂM", "II MỤC TIÊU", False, []),                     # typed text: no guessing
    ("I. QUAN ĐIỂM", "IV MỤC TIÊU", True, ["d1.m1"]),              # does not continue the sequence
    ("I. QUAN ĐIỂM", "II Mục tiêu chung", True, ["d1.m1"]),        # not a title in capitals
])
def test_roman_part_headings_misread_by_ocr(first, second, ocr, parts):
    text = _ROMAN_SCAN.format(first=first, second=second)
    source = Source(path="quet.txt", text=text, ocr_confidence=[80.0] if ocr else [])
    [doc] = parse(source, SourceRegister([]))
    assert [p.path for p in doc.root.walk() if p.kind == "section"] == parts


# --- misread markers read from their series (policytrack._ocr) ------------------------------
# Lines written for these tests. Each case: the lines between "Điều 1. Thử" and "Điều 2. Hết",
# the clauses (and chapters, parts) expected, and the warning expected ("" for none).

def _ocr_paths(body: str, ocr: bool = True, head: str = "Điều 1. Thử\n", tail: str = "Điều 2. Hết\n"):
    source = Source(path="quet.pdf", text=head + body + tail, ocr_confidence=[80.0] if ocr else [])
    doc = parse_span(source, 0, len(source.normalized), "X", DocumentMeta())
    return [p.path for p in doc.provisions() if p.kind != "document"], [w.message for w in doc.warnings]


CLAUSES = "1. Bên bán giao hàng đúng hạn.\n2. Bên mua trả tiền đủ.\n{line}\n4. Hai bên giữ bí mật.\n"
CLAUSE_READ = [
    ("B, Bên thứ ba được thông báo.", "'B,' read as khoản 3 (OCR misread: between khoản 2 and khoản 4"),
    ("Z. Bên thứ ba được thông báo.", "'Z.' read as khoản 3"),      # any mark: the series decides
    ("lễ, Bên thứ ba được thông báo.", "'lễ,' read as khoản 3"),    # a word OCR made of the number
    ("mì Bên thứ ba được thông báo.", "'mì' read as khoản 3"),      # lower case: no sentence starts so
    ("8. Bên thứ ba được thông báo.", "'8.' read as khoản 3"),      # a digit misread as another
    ("3 Bên thứ ba được thông báo.", "'3' read as khoản 3"),        # the dot lost
    ('3."Bên thứ ba" được thông báo.', "'3.' read as khoản 3"),     # the space before a quote lost
    ("4, . Bên thứ ba được thông báo.", "'4,' read as khoản 3"),    # a speck after the label
    ("3ã, Ủy ban xã được thông báo.", "'3ã,' read as khoản 3"),     # a capital outside A-Z after it
    ("Si Bên thứ ba được thông báo.", "'Si' read as khoản 3"),      # all digit look-alikes (units.yaml)
]


@pytest.mark.parametrize("line, warning", CLAUSE_READ)
def test_a_clause_label_misread_between_its_neighbours_is_read(line, warning):
    paths, warnings = _ocr_paths(CLAUSES.format(line=line))
    assert paths == ["d1", "d1.k1", "d1.k2", "d1.k3", "d1.k4", "d2"]
    assert any(warning in w for w in warnings), warnings


CLAUSE_KEPT = [
    # a sentence: a capitalised word with no mark after it
    ("2. Bên mua trả tiền đủ.\nBộ Tài chính hướng dẫn việc này.\n4. Hai bên giữ bí mật.\n", ["d1.k2", "d1.k4"]),
    # two lines could be khoản 3: neither is taken
    ("2. Bên mua trả tiền đủ.\nB, Bên thứ ba.\nZ. Bên thứ tư.\n4. Hai bên giữ bí mật.\n", ["d1.k2", "d1.k4"]),
    # a gap of two clauses: the line could be 3 or 4
    ("2. Bên mua trả tiền đủ.\nB, Bên thứ ba.\n5. Hai bên giữ bí mật.\n", ["d1.k2", "d1.k5"]),
    # the rest of a sentence wrapped onto its own line
    ("2. Bên mua trả tiền cho các\nBộ, Ngành liên quan.\n4. Hai bên giữ bí mật.\n", ["d1.k2", "d1.k4"]),
    # the last clause: 'Si' is no digit misread (units.yaml digit_misreads)
    ("2. Bên mua trả tiền đủ.\nSi Bên thứ ba được thông báo.\n", ["d1.k2"]),
    ("2. Bên mua trả tiền đủ.\nlễ, Bên thứ ba được thông báo.\n", ["d1.k2"]),
    # the last clause: a digit as printed is never changed without a clause after it
    ("2. Bên mua trả tiền đủ.\n8. Bên thứ ba được thông báo.\n", ["d1.k2", "d1.k8"]),
]


@pytest.mark.parametrize("body, clauses", CLAUSE_KEPT)
def test_an_ambiguous_clause_label_is_not_read(body, clauses):
    paths, warnings = _ocr_paths("1. Bên bán giao hàng đúng hạn.\n" + body)
    assert paths == ["d1", "d1.k1", *clauses, "d2"]
    assert not [w for w in warnings if "read as khoản" in w and "OCR misread:" in w], warnings


@pytest.mark.parametrize("first, warning", [
    ("1, Ủy ban xã lập danh sách.", "'1,' read as khoản 1"),   # not a roman part: no title in capitals
    ("1; Ủy ban xã lập danh sách.", "'1;' read as khoản 1"),   # the parser's own label, before "Ủ"
])
def test_a_first_clause_before_a_capital_outside_a_to_z(first, warning):
    paths, warnings = _ocr_paths(f"{first}\na) Một;\nb) Hai.\n2. Bên mua trả tiền.\n")
    assert paths == ["d1", "d1.k1", "d1.k1.a", "d1.k1.b", "d1.k2", "d2"]
    assert any(warning in w for w in warnings), warnings


def test_the_last_clause_by_the_digit_table():
    paths, warnings = _ocr_paths("1. Bên bán giao hàng.\n2. Bên mua trả tiền.\nB, Bên thứ ba được báo.\n")
    assert paths == ["d1", "d1.k1", "d1.k2", "d1.k3", "d2"]
    assert any("'B,' read as khoản 3 (OCR misread: after khoản 2, the last of its article" in w for w in warnings)
    paths, warnings = _ocr_paths("1. Bên bán giao hàng.\n2. Bên mua trả tiền.\nBi Bên thứ ba được báo.\n")
    assert paths[-2:] == ["d1.k3", "d2"] and any("'Bi' read as khoản 3" in w for w in warnings)  # i: the dot
    body = "".join(f"{n}. Khoản số {n}.\n" for n in range(1, 12)) + "L2, Khoản mười hai.\n"
    paths, warnings = _ocr_paths(body)
    assert paths[-2:] == ["d1.k12", "d2"] and any("'L2,' read as khoản 12" in w for w in warnings)


def test_typed_text_is_read_as_printed():
    paths, warnings = _ocr_paths(CLAUSES.format(line="B, Bên thứ ba được thông báo."), ocr=False)
    assert "d1.k3" not in paths and not [w for w in warnings if "OCR misread:" in w]


def test_a_repaired_clause_keeps_the_original_text():
    text = "Điều 1. Thử\n" + CLAUSES.format(line="B, Bên thứ ba được thông báo.") + "Điều 2. Hết\n"
    source = Source(path="quet.pdf", text=text, ocr_confidence=[80.0])
    doc = parse_span(source, 0, len(source.normalized), "X", DocumentMeta())
    clause = doc["d1.k3"]
    assert clause.number == "3" and clause.text == "B, Bên thứ ba được thông báo."
    [warning] = [w for w in doc.warnings if "read as khoản 3" in w.message]
    assert text[warning.start:warning.end] == "B,"


CHAPTERS = "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Một\nChương II\nTHỰC HIỆN\nĐiều 2. Hai\n{third}\nKIỂM TRA\nĐiều 3. Ba\n{fourth}"


@pytest.mark.parametrize("third, fourth, chapters, warning", [
    ("Chương II", "Chương IV\nHIỆU LỰC\nĐiều 4. Bốn\n", ["c1", "c2", "c3", "c4"],
     "'Chương II' read as Chương III (OCR misread: between Chương II and Chương IV"),
    ("Chương IIII", "Chương IV\nHIỆU LỰC\nĐiều 4. Bốn\n", ["c1", "c2", "c3", "c4"], "read as Chương III"),
    ("Chương II", "", ["c1", "c2", "c3"], "(OCR misread: a repeat of Chương II"),     # the last: a repeat
    # not read: the next one is III (which is the real III?), a numeral two letters off
    ("Chương II", "Chương III\nHIỆU LỰC\nĐiều 4. Bốn\n", ["c1", "c2", "c2~2", "c3"], ""),
    ("Chương V", "Chương IV\nHIỆU LỰC\nĐiều 4. Bốn\n", ["c1", "c2", "c5", "c4"], ""),
])
def test_a_chapter_numeral_one_letter_off_its_sequence(third, fourth, chapters, warning):
    paths, warnings = _ocr_paths(CHAPTERS.format(third=third, fourth=fourth), head="", tail="")
    assert [p for p in paths if p.startswith("c")] == chapters
    repaired = [w for w in warnings if "OCR misread:" in w]
    assert (any(warning in w for w in repaired) if warning else not repaired), warnings


@pytest.mark.parametrize("second, parts", [
    ("I. NHIỆM VỤ", ["d1.m1", "d1.m2", "d1.m3"]),  # "II" with a letter lost, between I and III
    ("V. NHIỆM VỤ", ["d1.m1"]),                    # a V for an I: never (III then breaks too)
])
def test_a_roman_part_one_letter_off_its_sequence(second, parts):
    body = f"I. MỤC TIÊU\n1. Một.\n{second}\n1. Hai.\nIII. GIẢI PHÁP\n1. Ba.\n"
    paths, warnings = _ocr_paths(body)
    assert [p for p in paths if ".m" in p and ".k" not in p] == parts


@pytest.mark.parametrize("before, article", [
    ("1. Bên bán thực hiện theo quy định tại khoản", False),   # a citation wrapped: "khoản 1 Điều 49"
    ("1. Bên bán thực hiện theo quy định tại điểm a khoản", False),
    ("1. Bên bán giao hàng đúng hạn.", True),                  # a page number fused to a heading
])
def test_a_wrapped_citation_is_no_article(before, article):
    paths, warnings = _ocr_paths(f"{before}\n1 Điều 2. Hết\n", tail="")
    assert ("d2" in paths) is article
    assert any("citation wrapped onto its own line" in w for w in warnings) is not article


@pytest.mark.parametrize("printed, expected, reading", [
    ("II", 3, "III"), ("IIII", 3, "III"), ("1II", 3, "III"), ("TII", 3, "III"), ("VI", 4, None),
    ("IV", 3, None), ("IV", 2, None), ("X", 3, None), ("III", 3, None), ("V", 6, "VI"), ("IX", 11, None),
    ("VII", 6, "VI"), ("XI", 10, "X"), ("XV", 14, "XIV"),
])
def test_roman_reading(printed, expected, reading):
    from policytrack._ocr import roman_reading

    assert roman_reading(printed, expected) == reading


@pytest.mark.parametrize("token, label, next_follows, quote, ok", [
    ("B", ",", True, False, True), ("B", ",", False, False, True), ("B", ",", False, False, True),
    ("Bộ", "", True, False, False), ("mì", "", True, False, True), ("mì", "", False, False, False),
    ("Si", "", True, False, True), ("Si", "", False, False, False), ("Các", "", True, False, False),
    ("8", ".", True, False, True), ("8", ".", False, False, False), ("3", ".", False, True, True),
    ("Z", ".", False, False, False), ("B", "", False, False, False),
])
def test_clause_reading(token, label, next_follows, quote, ok):
    from policytrack._ocr import clause_reading

    assert clause_reading(token, label, 3, next_follows=next_follows, quote=quote) is ok


def test_digit_misreads_are_checked_on_load(tmp_path):
    import yaml

    from policytrack import units
    from policytrack.vocab import DataFileError

    for change, reason in [({"BB": ["3"]}, "one character"), ({"7": ["1"]}, "not a digit"),
                           ({"B": [3]}, "list of digits"), ({"B": ["3", "3"]}, "listed twice")]:
        data = yaml.safe_load(units.PATH.read_text(encoding="utf-8"))
        data["digit_misreads"].update(change)
        path = tmp_path / "units.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(DataFileError) as info:
            units.load_units(path)
        assert info.value.entry.startswith("digit_misreads") and reason in info.value.reason
    data = yaml.safe_load(units.PATH.read_text(encoding="utf-8"))
    data["dot_misreads"] = ["ii"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match="one letter"):
        units.load_units(path)
    assert units.DIGIT_MISREADS["B"] == ("3", "8") and "i" in units.DOT_MISREADS


@pytest.mark.parametrize("body, parts, clauses", [
    # "I." printed as "1.": a part in capitals, the next part is II
    ("1. QUAN ĐIỂM\n1. Một.\nII. MỤC TIÊU\n1. Hai.\n", ["d1.m1", "d1.m2"], ["d1.m1.k1", "d1.m2.k1"]),
    # a numbered heading in capitals under part I stays a clause
    ("I. QUAN ĐIỂM\n1. MỤC TIÊU CHUNG\nII. MỤC TIÊU\n1. Hai.\n", ["d1.m1", "d1.m2"], ["d1.m1.k1", "d1.m2.k1"]),
    # no part II after it: a clause in capitals
    ("1. QUAN ĐIỂM\n2. Hai.\n", [], ["d1.k1", "d1.k2"]),
])
def test_a_roman_one_printed_as_a_digit(body, parts, clauses):
    paths, warnings = _ocr_paths(body)
    assert [p for p in paths if p.endswith(("m1", "m2"))] == parts
    assert [p for p in paths if ".k" in p] == clauses
    assert any("'1.' read as I." in w for w in warnings) is (body.startswith("1.") and bool(parts))


@pytest.mark.parametrize("lines, articles", [
    # "… theo quy định tại" / "Điều 9 Nghị định số …": a citation, out of the sequence
    ("1. Bên bán được hưởng chế độ theo quy định tại\nĐiều 9 Nghị định số 01/2000/NĐ-CP.\n", ["d1", "d2"]),
    # the next article, even under a line that does not end (a heading over two lines)
    ("1. Bên bán được hưởng chế độ theo quy định tại\nĐiều 2 Nghị định số 01/2000/NĐ-CP.\n", ["d1", "d2", "d2~2"]),
    # a dot after the number: a heading
    ("1. Bên bán được hưởng chế độ theo quy định tại\nĐiều 9. Nghị định số 01.\n", ["d1", "d9", "d2"]),
])
def test_a_citation_wrapped_to_a_line_start(lines, articles):
    paths, warnings = _ocr_paths(lines)
    assert [p for p in paths if ".k" not in p] == articles
