"""Tests of policytrack.read: every reader, with fixtures generated in the test."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from policytrack import _pdf
from policytrack._legacy import decode_legacy, encode_legacy
from policytrack.model import ReadError
from policytrack.read import SUPPORTED_EXTENSIONS, read, read_text

SENTENCE = (
    "Điều 7. Ủy ban nhân dân tỉnh Lạng Sơn chịu trách nhiệm bảo vệ nguồn nước; "
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM. Quyết định về thủy lợi, sức khỏe, "
    "nghĩa vụ của Đắk Lắk được giữ gìn, không ỷ lại."
)
LOWER = "các cơ quan nhà nước thực hiện quy định về tài nguyên nước và xả thải"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVu fonts missing (Debian: fonts-dejavu-core)")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- plain text and encodings -------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SENTENCE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), "utf-8-sig"),
        (SENTENCE.encode("utf-16"), "utf-16-le"),
        (SENTENCE.encode("utf-16-le"), "utf-16-le"),
        (SENTENCE.encode("utf-16-be"), "utf-16-be"),
        (b"\xfe\xff" + SENTENCE.encode("utf-16-be"), "utf-16-be"),
        (encode_legacy(SENTENCE, "tcvn3"), "tcvn3"),
        (encode_legacy(SENTENCE, "vni"), "vni"),
        (encode_legacy(LOWER, "tcvn3"), "tcvn3"),
        (encode_legacy(LOWER, "vni"), "vni"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "utf16be-bom", "tcvn3", "vni", "tcvn3-lower", "vni-lower"],
)
def test_text_encodings_round_trip(tmp_path: Path, data: bytes, encoding: str) -> None:
    source = read(write(tmp_path, "van-ban.txt", data))
    expected = LOWER if data in (encode_legacy(LOWER, "tcvn3"), encode_legacy(LOWER, "vni")) else SENTENCE
    assert source.text == expected
    assert source.encoding == encoding
    if encoding in ("tcvn3", "vni"):  # a legacy decode always states its evidence
        assert len(source.warnings) == 1 and source.warnings[0].startswith(f"decoded as {encoding.upper()}")
    else:
        assert source.warnings == []
    assert source.format == "txt"


def test_legacy_samples_decode_as_published() -> None:
    """Spot checks against the published byte assignments."""
    assert decode_legacy("Vieät Nam", "vni") == "Việt Nam"
    assert decode_legacy("Ñieàu kieän", "vni") == "Điều kiện"
    assert decode_legacy("Quèc héi", "tcvn3") == "Quốc hội"
    assert decode_legacy("§iÒu", "tcvn3") == "Điều"
    assert encode_legacy("ơ ư đ", "vni") == "ô ö ñ".encode("cp1252")


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters plus separate combining tone marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in decomposed if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_cp1258_with_warning(tmp_path: Path) -> None:
    source = read(write(tmp_path, "cu.txt", _cp1258(SENTENCE)))
    assert source.encoding == "cp1258"
    assert source.normalized == read_text(SENTENCE).normalized
    assert any("1258" in w for w in source.warnings)


def test_unknown_8bit_falls_back_with_warning(tmp_path: Path) -> None:
    source = read(write(tmp_path, "fr.txt", "Café crème à la française".encode("latin-1")))
    assert source.encoding == "cp1252"
    assert source.text == "Café crème à la française"
    assert source.warnings


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_mojibake_in_utf8_is_converted(tmp_path: Path, legacy: str) -> None:
    mojibake = encode_legacy(LOWER + ". " + SENTENCE.lower(), legacy).decode("cp1252", errors="strict")
    source = read(write(tmp_path, "dan.txt", mojibake.encode("utf-8")))
    assert source.text == LOWER + ". " + SENTENCE.lower()
    assert source.encoding == f"utf-8+{legacy}"
    assert any("mojibake" in w for w in source.warnings)


def test_real_unicode_is_not_taken_for_mojibake() -> None:
    source = read_text(SENTENCE + " Café, “trích dẫn” — 1/2.")
    assert source.text.startswith(SENTENCE)
    assert source.warnings == []


def test_read_text_and_normalized(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Điều hoà\r\nnguồn nước")
    source = read_text(decomposed, path="x.txt")
    assert source.text == decomposed
    assert source.normalized == "Điều hòa\nnguồn nước"
    i = source.normalized.index("nguồn")
    assert source.text[source.to_original(i) :].startswith(unicodedata.normalize("NFD", "nguồn"))


def test_markdown(tmp_path: Path) -> None:
    source = read(write(tmp_path, "ghi-chu.md", "# Tiêu đề\n\nNội dung.".encode()))
    assert source.format == "md"
    assert source.text == "# Tiêu đề\n\nNội dung."


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("trong.txt", b"", "empty file"),
        ("rac.txt", bytes(range(256)) * 40, "not a text file (binary content)"),
        ("rac2.txt", b"\x01\x02\x03\x00\x00\x07\x08" * 100 + b"abc", "not a text file (binary content)"),
        ("bang.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
        ("khong-duoi", b"abc", "unsupported file type '(none)'"),
    ],
)
def test_read_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(ReadError) as info:
        read(path)
    assert reason in str(info.value)
    assert str(path) in str(info.value)


def test_unknown_extension_lists_supported(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read(write(tmp_path, "a.rtf", b"x"))
    for ext in (".txt", ".docx", ".pdf", ".html"):
        assert ext in str(info.value)
    assert set(SUPPORTED_EXTENSIONS) >= {".txt", ".md", ".docx", ".doc", ".pdf", ".html", ".htm"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="file not found"):
        read(tmp_path / "khong-co.txt")


# --- docx / doc -------------------------------------------------------------


def _make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("NGHỊ ĐỊNH")
    document.add_paragraph("Điều 1. Phạm vi điều chỉnh")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "Giới hạn"
    table.cell(1, 0).text = "pH"
    table.cell(1, 1).text = "6 - 9"
    document.add_paragraph("Điều 2. Hiệu lực thi hành")
    document.save(path)
    return path


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    source = read(_make_docx(tmp_path / "nghi-dinh.docx"))
    assert source.format == "docx"
    assert source.text == (
        "NGHỊ ĐỊNH\nĐiều 1. Phạm vi điều chỉnh\nChỉ tiêu | Giới hạn\npH | 6 - 9\nĐiều 2. Hiệu lực thi hành"
    )


def test_docx_with_legacy_font_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in (LOWER, SENTENCE.lower()):
        document.add_paragraph(encode_legacy(line, "tcvn3").decode("cp1252"))
    document.save(tmp_path / "cu.docx")
    source = read(tmp_path / "cu.docx")
    assert source.text == LOWER + "\n" + SENTENCE.lower()
    assert source.encoding == "tcvn3"
    assert source.warnings


def test_corrupt_docx(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="not a valid .docx"):
        read(write(tmp_path, "hong.docx", b"PK\x03\x04 not a zip"))


def test_doc_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    path = write(tmp_path, "cu.doc", b"\xd0\xcf\x11\xe0 fake")
    with pytest.raises(ReadError) as info:
        read(path)
    message = str(info.value)
    assert str(path) in message
    assert "soffice" in message and "libreoffice-writer" in message and ".docx" in message


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_doc_through_libreoffice(tmp_path: Path) -> None:
    import subprocess

    docx_path = _make_docx(tmp_path / "goc.docx")
    program = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [program, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path / "out"), str(docx_path)],
        check=True, capture_output=True, timeout=300,
    )
    source = read(tmp_path / "out" / "goc.doc")
    assert source.format == "doc"
    assert "Điều 1. Phạm vi điều chỉnh" in source.text
    assert "pH | 6 - 9" in source.text
    assert source.path == str(tmp_path / "out" / "goc.doc")


# --- PDF ----------------------------------------------------------------------


def _pdf_with_pages(path: Path, pages: list[list[str]], image_pages: dict[int, Path] | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if image_pages and number in image_pages:
            pdf.image(str(image_pages[number]), x=10, y=10, w=190)
            continue
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _page(number: int, body: list[str]) -> list[str]:
    return ["BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG - Công báo số 12", *body, f"Trang {number}/3"]


@needs_font
def test_pdf_headers_footers_and_line_joining(tmp_path: Path) -> None:
    pages = [
        _page(1, ["NGHỊ ĐỊNH", "Điều 1. Phạm vi điều chỉnh", "Nghị định này quy định việc quản lý",
                  "nước thải của cơ sở sản xuất.", "1. Đối tượng áp dụng gồm", "a) cơ sở công nghiệp;"]),
        _page(2, ["b) khu dân cư tập trung và các công trình", "xử lý nước thải.", "Điều 2. Giải thích từ ngữ",
                  "Trong Nghị định này, các từ ngữ dưới đây được"]),
        _page(3, ["hiểu như sau:", "- nguồn tiếp nhận;", "Điều 3. Hiệu lực"]),
    ]
    source = read(_pdf_with_pages(tmp_path / "nd.pdf", pages))
    text = source.text
    assert source.format == "pdf"
    assert "Công báo" not in text and "Trang" not in text
    assert "quy định việc quản lý nước thải của cơ sở sản xuất." in text
    assert "khu dân cư tập trung và các công trình xử lý nước thải." in text
    assert "các từ ngữ dưới đây được hiểu như sau:" in text
    assert "\na) cơ sở công nghiệp;\nb) khu dân cư" in text
    assert "\n- nguồn tiếp nhận;\nĐiều 3. Hiệu lực" in text
    assert len(source.page_starts) == 3 and source.page_starts[0] == 0
    assert text[source.page_starts[1] :].startswith("b) khu dân cư")
    assert source.page_of(text.index("Điều 3")) == 3


def test_pdf_page_number_lines_removed() -> None:
    pages = [["- 12 -", "Nội dung trang đầu."], ["12", "Nội dung tiếp theo."], ["Nội dung cuối.", "Trang 3/10"]]
    assert _pdf.remove_running_lines(pages) == [["Nội dung trang đầu."], ["Nội dung tiếp theo."], ["Nội dung cuối."]]


@pytest.mark.parametrize(
    ("previous", "line", "joined"),
    [
        ("Nghị định này quy định việc", "quản lý nước thải", True),
        ("Kết thúc câu.", "tiếp theo", False),
        ("Điều 5. Trách nhiệm của cơ quan", "a) lập quy hoạch", False),
        ("khoản 1 gồm", "- hạng mục", False),
        ("CHƯƠNG I", "quy định chung", False),
        ("văn bản", "Điều 6. Hiệu lực", False),
        ("văn bản", "", False),
    ],
)
def test_should_join(previous: str, line: str, joined: bool) -> None:
    assert _pdf.should_join(previous, line) is joined


@pytest.mark.parametrize(
    ("previous", "line", "same_weight", "joined"),
    [
        # the layout broke the line: what follows goes on, whatever its first letter
        ("trách nhiệm quy định tại khoản 3", "Điều 38 Luật Quy hoạch đô thị", None, True),
        ("QUY ĐỊNH VỀ PHÂN ĐỊNH THẨM QUYỀN CỦA CHÍNH QUYỀN ĐỊA", "PHƯƠNG 02 CẤP", True, True),
        # ... but not a label, a heading, a new sentence, or a change of weight
        ("các trường hợp sau đây gồm có", "1. Trường hợp thứ nhất", None, False),
        ("các trường hợp sau đây gồm có", "b) trường hợp thứ hai", None, False),
        ("TRÁCH NHIỆM QUẢN LÝ HOẠT ĐỘNG DẠY THÊM, HỌC THÊM", "Điều 8. Trách nhiệm", True, False),
        ("Mục 1. ĐĂNG KÝ HỘ TỊCH TẠI ỦY BAN NHÂN DÂN CẤP XÃ", "Điều 15. Đăng ký khai sinh", True, False),
        ("Câu này đã kết thúc.", "Câu sau", None, False),
        ("TRÁCH NHIỆM CỦA CÁC CƠ QUAN TRONG CÔNG TÁC", "Điều khoản chung", None, False),
        # a heading over two lines: the same weight says it goes on; without weight only a
        # lower-case word does (a capital is most often the article's first sentence)
        ("Điều 6. Giải quyết việc nuôi con quy định tại Điều 81 của", "Luật Hôn nhân và gia đình", True, True),
        ("Điều 6. Giải quyết việc nuôi con quy định tại Điều 81 của", "Luật Hôn nhân và gia đình", False, False),
        ("Điều 3. Xác định lãi suất trong hợp đồng thuộc trường hợp áp dụng", "Hợp đồng vay tài sản", None, False),
        ("Điều 3. Xác định lãi suất trong hợp đồng thuộc trường", "hợp áp dụng Bộ luật", None, True),
    ],
)
def test_should_join_where_the_layout_broke_the_line(previous, line, same_weight, joined) -> None:
    assert _pdf.should_join(previous, line, wrapped=True, same_weight=same_weight) is joined


def _rendered_text_image(path: Path, lines: list[str]) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 64)
    image = Image.new("RGB", (2480, 1200), "white")
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((120, 120 + k * 110), line, fill="black", font=font)
    image.save(path)
    return path


OCR_LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Quyết định về tài nguyên nước"]


def _image_pdf(tmp_path: Path) -> Path:
    from PIL import Image

    png = _rendered_text_image(tmp_path / "scan.png", OCR_LINES)
    path = tmp_path / "scan.pdf"
    Image.open(png).save(path, resolution=300)
    return path


@needs_font
@pytest.mark.skipif(_pdf.ocr_missing_reason() is not None, reason="tesseract with 'vie' not installed")
def test_ocr_of_image_only_pdf(tmp_path: Path) -> None:
    source = read(_image_pdf(tmp_path))
    folded = source.normalized.lower()
    for word in ("cộng", "việt nam", "độc lập", "tài nguyên"):
        assert word in folded
    assert any("OCR" in w for w in source.warnings)


@needs_font
def test_image_only_pdf_without_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pdf.shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ReadError) as info:
        read(_image_pdf(tmp_path))
    assert "page 1" in str(info.value) and "tesseract-ocr-vie" in str(info.value)


@needs_font
def test_mixed_pdf_without_ocr_keeps_text_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    png = _rendered_text_image(tmp_path / "scan.png", OCR_LINES)
    path = _pdf_with_pages(tmp_path / "mixed.pdf", [["Trang có chữ."], [], ["Trang cuối."]], {2: png})
    monkeypatch.setattr(_pdf.shutil, "which", lambda name, *a, **k: None)
    source = read(path)
    assert source.text == "Trang có chữ.\nTrang cuối."
    assert any("page 2" in w and "tesseract-ocr-vie" in w for w in source.warnings)


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage \n%%EOF", b"not a pdf at all"])
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "hong.pdf", data)
    with pytest.raises(ReadError) as info:
        read(path)
    assert str(path) in str(info.value) and "PDF" in str(info.value)


@needs_font
def test_encrypted_pdf(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.set_encryption(owner_password="chu", user_password="mat-khau")
    pdf.add_page()
    pdf.cell(0, 7, "Nội dung mật")
    pdf.output(str(tmp_path / "mat.pdf"))
    with pytest.raises(ReadError, match="encrypted"):
        read(tmp_path / "mat.pdf")


# --- HTML -------------------------------------------------------------------

PORTAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>Văn bản</title>
<style>.x {{ color: red }}</style><script>var trang = "không lấy";</script></head>
<body>
<nav><a href="/">Trang chủ</a> <a href="/vb">Văn bản pháp luật</a></nav>
<div class="sidebar">Văn bản liên quan: Luật số 1, Luật số 2</div>
<div id="toanvancontent" class="toanvancontent">
<p align="center"><b>NGHỊ ĐỊNH</b><br>Quy định chi tiết một số điều</p>
<p>Điều 1. Phạm vi   điều chỉnh</p>
<p>Nghị định này quy định về quản lý nước thải, bảo vệ nguồn nước và các trách nhiệm có liên quan
của tổ chức, cá nhân trong lĩnh vực tài nguyên nước trên lãnh thổ Việt Nam.</p>
<table><tr><td>Chỉ tiêu</td><td>Giới hạn</td></tr><tr><td>COD</td><td>75&nbsp;mg/l</td></tr></table>
<!-- ghi chú không lấy -->
</div>
<footer>Bản quyền thuộc cổng thông tin</footer>
</body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "windows-1258"])
def test_html_portal_page(tmp_path: Path, charset: str) -> None:
    markup = PORTAL_PAGE.format(charset=charset)
    data = markup.encode("utf-8") if charset == "utf-8" else _cp1258(markup)
    source = read(write(tmp_path, "vb.html", data))
    text = unicodedata.normalize("NFC", source.text)
    assert source.format == "html"
    assert text.startswith("NGHỊ ĐỊNH\nQuy định chi tiết một số điều\n")
    assert "Điều 1. Phạm vi điều chỉnh" in text
    assert "có liên quan của tổ chức" in text
    assert "Chỉ tiêu | Giới hạn\nCOD | 75\u00a0mg/l" in text
    for dropped in ("không lấy", "Trang chủ", "Văn bản liên quan", "Bản quyền", "color"):
        assert dropped not in text


def test_html_without_container(tmp_path: Path) -> None:
    markup = "<html><body><h1>Thông báo</h1><p>Nội dung <i>ngắn</i>.</p><script>x()</script></body></html>"
    source = read(write(tmp_path, "tb.htm", markup.encode("utf-8")))
    assert source.text == "Thông báo\nNội dung ngắn."


# --- images and shared seeds ------------------------------------------------


def test_image_without_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_pdf.shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ReadError, match="tesseract-ocr-vie"):
        read(write(tmp_path, "scan.png", b"\x89PNG\r\n\x1a\n"))


SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def test_shared_seeds_read_cleanly() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared not present")
    for path in seeds:
        source = read(path)
        assert source.warnings == [], path
        assert source.encoding in ("utf-8", "utf-8-sig"), path
        assert len(source.normalized) > 100
