"""Tests of the HTML reader (policytrack._html) on pages saved from the legal portals.

Every page is built here, as a browser saves it ("Save page as…, HTML only"): doctype, head
with its charset, scripts, navigation, sidebars, footers around the content container. The
law texts are written for these tests.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from policytrack._html import read_html
from policytrack._legacy import encode_legacy
from policytrack.model import Note, ReadError
from policytrack.parse import parse
from policytrack.read import read

from .html_fixtures import STYLES, encode_page, page_from_text, split_footnotes

#: A consolidated law of our own, one paragraph per line, with footnote marks fused to
#: labels (``2.[2]``, ``b)[3]``) and its footnotes at the end, as our .txt files hold them.
LAW = """LUẬT
TRỒNG CÂY XANH ĐÔ THỊ
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Trồng cây xanh đô thị.[1]
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc trồng, chăm sóc và bảo vệ cây xanh trong đô thị.
Điều 2. Đối tượng áp dụng
1. Cơ quan nhà nước có thẩm quyền quản lý cây xanh.
2.[2] Tổ chức, cá nhân tham gia trồng cây xanh, gồm:
a) Hộ gia đình trồng cây trên đất ở;
b) Doanh nghiệp dịch vụ công ích đô thị;
c) Cộng đồng dân cư.
3. Người nước ngoài cư trú tại Việt Nam.
Chương II
TRỒNG VÀ CHĂM SÓC CÂY XANH
Điều 3. Nguyên tắc trồng cây
1. Đúng quy hoạch được phê duyệt.
2. Chọn loài cây phù hợp với khí hậu địa phương:
a) Ưu tiên cây bản địa;
b)[3] Không trồng cây có độc tố hoặc dễ gãy đổ.
Điều 4. Hiệu lực thi hành
Luật này có hiệu lực từ ngày 01 tháng 7 năm 2026.
[1] Luật số 99/2025/QH15 sửa đổi, bổ sung một số điều của Luật Trồng cây xanh đô thị có căn cứ ban hành như sau:
"Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;".
[2] Khoản này được sửa đổi theo quy định tại khoản 1 Điều 1 của Luật số 99/2025/QH15.
[3] Điểm này được bổ sung theo quy định tại khoản 2 Điều 1 của Luật số 99/2025/QH15.
"""
LAW_PATHS = ["", "c1", "d1", "d2", "d2.k1", "d2.k2", "d2.k2.a", "d2.k2.b", "d2.k2.c", "d2.k3",
             "c2", "d3", "d3.k1", "d3.k2", "d3.k2.a", "d3.k2.b", "d4"]
PRIVATE = re.compile("[\ue000-\ue0ff]")

HEAD = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="{charset}"><title>Văn bản</title>
<script>var ga = "không lấy"; function mo() {{ return 1; }}</script>
<style>p {{ margin: 0 }}</style></head>
"""


def page(body: str, charset: str = "utf-8") -> str:
    return HEAD.format(charset=charset) + f"<body>\n{body}\n</body></html>"


def save(tmp_path: Path, markup: str, name: str = "vb.html", charset: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(encode_page(markup, charset))
    return path


def paths(path: Path) -> list[str]:
    """The provision paths of the first document of a file (ids without the document id)."""
    doc = parse(path)[0]
    return [p.path.split(":", 1)[-1] for p in doc.provisions()]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def lines_of(tmp_path: Path, body: str) -> list[str]:
    return nfc(read_html(save(tmp_path, page(body))).text).split("\n")


# --- the whole issue: a law read back from each portal's page ------------------------


def _txt_paths(path: Path) -> list[str]:
    return [p.path for p in parse(path)[0].provisions()]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("charset", ["utf-8", "windows-1258"])
def test_portal_page_gives_the_txt_tree(tmp_path: Path, style: str, charset: str) -> None:
    txt = tmp_path / "luat.txt"
    txt.write_text(LAW, encoding="utf-8")
    html_path = save(tmp_path, page_from_text(LAW, style, charset=charset), f"luat_{style}.html", charset)
    source = read(html_path)
    assert _txt_paths(html_path) == _txt_paths(txt)
    body, notes = split_footnotes(LAW)
    assert nfc(source.text).replace("\xa0", " ") == "\n".join(body)  # tvpl writes "1.&nbsp;"
    assert [(n.label, nfc(n.text)) for n in source.notes] == [(k, v.replace("\n", " ") if style == "layout_table"
                                                               else v) for k, v in notes.items()]
    for note in source.notes:
        assert source.text[note.anchor:].startswith(f"[{note.label}]")
        assert note.kind == "footnote"
    assert not PRIVATE.search(source.text + "".join(n.text for n in source.notes))
    for chrome in ("Trang chủ", "Văn bản liên quan", "Đăng nhập", "Bình luận", "Chia sẻ", "Bản quyền", "Tải về",
                   "Toàn văn", "Văn bản cùng lĩnh vực", "Dịch vụ tra cứu", "Giấy phép", "Hỏi đáp", "không lấy"):
        assert chrome not in nfc(source.text), chrome
    assert source.warnings == []


def test_law_paths_are_the_expected_tree(tmp_path: Path) -> None:
    path = save(tmp_path, page_from_text(LAW, "tvpl"))
    assert paths(path) == LAW_PATHS


def test_page_from_text_rejects_an_unknown_style() -> None:
    with pytest.raises(ValueError, match="vbpl_pre"):
        page_from_text(LAW, "word")


# --- 1. <pre> ----------------------------------------------------------------------

PRE_LAW = """NGHỊ ĐỊNH\r
QUY ĐỊNH VỀ QUẢN LÝ BẾN XE KHÁCH\r
\r
Điều 1. Phạm vi điều chỉnh\r
   Nghị định này quy định về quản lý bến xe khách.\r
Điều 2. Yêu cầu đối với bến xe\r
   1. Có mặt bằng phù hợp quy hoạch.\r
   2. Có các hạng mục công trình sau:\r
      a) Bãi đỗ xe;\r
      b) Nhà chờ cho hành khách;\r
      c) Khu vệ sinh.\r
   3. Bảng giá vé niêm yết:\r
      Tuyến          Giá vé\r
      Hà Nội - Huế   300.000 đồng\r
Điều 3. Hiệu lực thi hành\r
   Nghị định này có hiệu lực từ ngày ký."""


def test_pre_page_parses_into_articles_clauses_points(tmp_path: Path) -> None:
    path = save(tmp_path, page(f'<div class="menu"><a href="/">Trang chủ</a></div>\n<pre>\n{PRE_LAW}</pre>'))
    assert paths(path) == ["", "d1", "d2", "d2.k1", "d2.k2", "d2.k2.a", "d2.k2.b", "d2.k2.c", "d2.k3", "d3"]


def test_pre_keeps_line_breaks_and_spacing(tmp_path: Path) -> None:
    lines = lines_of(tmp_path, f'<div id="toanvancontent"><pre>{PRE_LAW}</pre></div>')
    assert lines[:3] == ["NGHỊ ĐỊNH", "QUY ĐỊNH VỀ QUẢN LÝ BẾN XE KHÁCH", "Điều 1. Phạm vi điều chỉnh"]
    assert "a) Bãi đỗ xe;" in lines
    assert "Tuyến          Giá vé" in lines  # spacing inside a line is kept as written
    assert "Hà Nội - Huế   300.000 đồng" in lines


def test_pre_with_inline_markup_and_a_paragraph_after(tmp_path: Path) -> None:
    lines = lines_of(tmp_path, "<div><pre><b>Điều 1.</b> Phạm vi\n  Nội dung <i>một</i>.\n</pre>"
                               "<p>Đoạn sau khối pre.</p></div>")
    assert lines == ["Điều 1. Phạm vi", "Nội dung một.", "Đoạn sau khối pre."]


# --- 2. tables -----------------------------------------------------------------------

LONG = ("Tổ chức, cá nhân có trách nhiệm trồng, chăm sóc và bảo vệ cây xanh trên phần đất được giao, "
        "được thuê; không được tự ý chặt hạ, di dời cây xanh khi chưa được cơ quan có thẩm quyền cho phép; "
        "phát hiện và báo cáo kịp thời cây có nguy cơ gãy đổ.")

HEADER_TABLE = """<table width="100%" border="0"><tr>
<td width="40%" align="center"><b>QUỐC HỘI</b><br>--------</td>
<td align="center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br>---------------</td>
</tr><tr>
<td align="center">Luật số: 12/2026/QH15</td>
<td align="right"><i>Hà Nội, ngày 05 tháng 3 năm 2026</i></td>
</tr></table>"""

HEADED_LAW = """<p align="center"><b>LUẬT</b></p><p align="center"><b>TRỒNG CÂY XANH ĐÔ THỊ</b></p>
<p><b>Điều 1. Phạm vi điều chỉnh</b></p><p>Luật này quy định về việc trồng cây xanh trong đô thị.</p>
<p>Tổ chức, cá nhân có trách nhiệm trồng, chăm sóc và bảo vệ cây xanh trên phần đất được giao.</p>
<p><b>Điều 2. Hiệu lực thi hành</b></p><p>Luật này có hiệu lực từ ngày 01 tháng 7 năm 2026.</p>"""


def test_header_block_table_is_layout(tmp_path: Path) -> None:
    path = save(tmp_path, page(f'<div id="toanvancontent">{HEADER_TABLE}{HEADED_LAW}</div>'))
    text = nfc(read(path).text)
    assert text.startswith("QUỐC HỘI\n--------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                           "---------------\nLuật số: 12/2026/QH15\nHà Nội, ngày 05 tháng 3 năm 2026\nLUẬT\n")
    assert " | " not in text
    meta = parse(path)[0].meta
    assert (meta.number, meta.date.iso(), meta.issuer) == ("12/2026/QH15", "2026-03-05", "QUỐC HỘI")


def test_one_cell_per_paragraph_is_layout(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>{line}</td></tr>" for line in
                   ["LUẬT", "THỬ NGHIỆM", "Điều 1. Trách nhiệm", "1. Cơ quan nhà nước.", f"2. {LONG}",
                    "a) Hộ gia đình;", "b) Cá nhân."])
    path = save(tmp_path, page(f'<table width="600"><tbody>{rows}</tbody></table>'))
    assert nfc(read(path).text).split("\n")[2:4] == ["Điều 1. Trách nhiệm", "1. Cơ quan nhà nước."]
    assert paths(path) == ["", "d1", "d1.k1", "d1.k2", "d1.k2.a", "d1.k2.b"]


def test_whole_body_in_one_cell_is_layout(tmp_path: Path) -> None:
    body = (f'<table><tr><td class="leftmenu"><a href="/">Trang chủ</a><br><a href="/vb">Văn bản</a></td>'
            f'<td><p>Điều 1. Trách nhiệm</p><p>1. Cơ quan nhà nước.</p><p>2. {LONG}</p></td></tr></table>')
    lines = lines_of(tmp_path, body)
    assert lines == ["Điều 1. Trách nhiệm", "1. Cơ quan nhà nước.", f"2. {LONG}"]


def test_label_cell_runs_into_its_text(tmp_path: Path) -> None:
    body = (f"<table><tr><td>Điều 7.</td><td>{LONG}</td></tr>"
            f"<tr><td>1.</td><td>{LONG}</td></tr><tr><td>a)</td><td>{LONG}</td></tr></table>")
    assert lines_of(tmp_path, body) == [f"Điều 7. {LONG}", f"1. {LONG}", f"a) {LONG}"]


def test_data_table_keeps_rows(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>{i}</td><td>Chỉ tiêu {i}</td><td>{i * 5}&nbsp;mg/l</td></tr>" for i in range(1, 6))
    body = (f'<div id="toanvancontent"><p>{LONG}</p><table border="1">'
            f"<tr><th>STT</th><th>Thông số<br>(đơn vị)</th><th>Giới hạn</th><th></th></tr>{rows}</table></div>")
    lines = lines_of(tmp_path, body)
    assert lines[1:4] == ["STT | Thông số (đơn vị) | Giới hạn", "1 | Chỉ tiêu 1 | 5\u00a0mg/l", "2 | Chỉ tiêu 2 | 10\u00a0mg/l"]
    assert len(lines) == 7


def test_signature_table_is_layout(tmp_path: Path) -> None:
    body = ("<table><tr><td><b><i>Nơi nhận:</i></b><br>- Như Điều 3;<br>- Lưu: VT.</td>"
            "<td><b>TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH</b><br><br>Nguyễn Văn Mẫu</td></tr></table>")
    assert lines_of(tmp_path, body) == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN",
                                        "CHỦ TỊCH", "Nguyễn Văn Mẫu"]


# --- 3. fragments, anchors, spaces ------------------------------------------------------


def test_fragments_never_break_a_label_nor_glue_paragraphs(tmp_path: Path) -> None:
    body = """<div class="content1">
<p><a name="dieu_1"></a><b>Điều</b> <b>1.</b> <b>Phạm vi</b></p>
<p style="text-indent:36pt;margin-left:18pt">Luật này quy định về cây xanh.</p>
<p><a name="dieu_2" id="dieu_2"></a><span>Đi</span><span>ều</span><span>&nbsp;2</span>. Đối tượng</p>
<p><a name="khoan_1_2"></a><span>1</span>.&nbsp;Cơ quan nhà nước;<br>2. Tổ chức,<a id="x"></a> cá nhân:</p>
<p>&nbsp;&nbsp;&nbsp;<span style="font-weight:bold">a</span>) Hộ gia đình;</p><p>b)<span> </span>Cá nhân.</p>
<p>&nbsp;</p>
<p><b>Điều&nbsp;3</b><b>.</b> Hiệu lực</p><p>Luật này có hiệu lực từ ngày ký.\u200b</p>
</div>"""
    path = save(tmp_path, page(body))
    lines = nfc(read(path).text).split("\n")
    assert lines[:4] == ["Điều 1. Phạm vi", "Luật này quy định về cây xanh.", "Điều\u00a02. Đối tượng",
                         "1.\u00a0Cơ quan nhà nước;"]
    assert lines[4:] == ["2. Tổ chức, cá nhân:", "a) Hộ gia đình;", "b) Cá nhân.", "Điều\u00a03. Hiệu lực",
                         "Luật này có hiệu lực từ ngày ký."]
    assert paths(path) == ["", "d1", "d2", "d2.k1", "d2.k2", "d2.k2.a", "d2.k2.b", "d3"]


def test_ordered_blocks_and_inline_blocks(tmp_path: Path) -> None:
    body = "<div><h3>Chương I</h3><div>QUY ĐỊNH CHUNG</div><ul><li>- Mục một;</li><li>- Mục hai.</li></ul></div>"
    assert lines_of(tmp_path, body) == ["Chương I", "QUY ĐỊNH CHUNG", "- Mục một;", "- Mục hai."]


# --- 4. chrome and the main container --------------------------------------------------


CHROME = """<header id="top"><div class="Logo">Cổng thông tin Mẫu</div></header>
<nav><a href="/">Trang chủ</a></nav>
<div id="MainMenu"><a href="/">Danh mục Một</a></div>
<div class="BreadCrumb">Đường dẫn Hai</div>
<div class="left-sidebar">Cột bên Ba</div>
<div class="social-share">Chia sẻ Bốn</div>
<div id="relatedDocs">Văn bản liên quan Năm</div>
<div class="comment-list">Bình luận Sáu</div>
<div class="loginBox">Đăng nhập Bảy</div>
<div class="top-banner">Quảng bá Tám</div>
<div class="advertisement">Quảng cáo Chín</div>
<div role="navigation">Điều hướng Mười</div>
<div style="display: none">Ẩn Mười một</div>
<div hidden>Ẩn Mười hai</div>
<div aria-hidden="true">Ẩn Mười ba</div>
<div class="d-none">Ẩn Mười bốn</div>
<aside>Bên lề Mười lăm</aside>
<div class="site-footer">Chân trang Mười sáu</div>
<footer>Bản quyền Mười bảy</footer>"""
CHROME_WORDS = ["Mẫu", "Trang chủ", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"]


def test_chrome_dropped_without_a_container(tmp_path: Path) -> None:
    body = f'<div class="page-wrapper with-sidebar">{CHROME}<div class="main">{HEADED_LAW}</div></div>'
    result = read_html(save(tmp_path, page(body)))
    for word in CHROME_WORDS:
        assert word not in nfc(result.text), word
    assert nfc(result.text).startswith("LUẬT\nTRỒNG CÂY XANH ĐÔ THỊ\nĐiều 1. Phạm vi điều chỉnh")
    assert result.warnings == []  # no container, but an article heading


def test_chrome_outside_the_container(tmp_path: Path) -> None:
    body = f'{CHROME}<div id="toanvancontent">{HEADED_LAW}</div>'
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.split("\n")[0] == "LUẬT" and "Mười" not in text


def test_inside_the_container_only_hidden_elements_are_dropped(tmp_path: Path) -> None:
    body = (f'<div class="fulltext"><header><p>QUỐC HỘI</p></header>{HEADED_LAW}'
            '<div class="tab-en" style="display:none">Article 1. Scope of regulation, in English translation</div>'
            "</div>")
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.startswith("QUỐC HỘI\nLUẬT") and "English" not in text


def test_largest_candidate_wins(tmp_path: Path) -> None:
    summary = "Tóm tắt nội dung văn bản: quy định về cây xanh đô thị, trách nhiệm của các bên liên quan. " * 3
    body = (f'<div class="summary-content"><p>{summary}</p></div>'
            f'<div id="toanvancontent">{HEADED_LAW}<p>{LONG}</p></div>')
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.startswith("LUẬT") and "Tóm tắt" not in text


def test_nested_container_leaves_the_wrappers_tabs_out(tmp_path: Path) -> None:
    body = (f'<div class="box-content"><ul class="tabs"><li>Toàn văn</li><li>Thuộc tính</li></ul>'
            f'<div class="fulltext">{HEADED_LAW}<p>{LONG}</p></div></div>')
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.startswith("LUẬT") and "Thuộc tính" not in text


def test_a_hidden_candidate_loses_to_a_visible_one(tmp_path: Path) -> None:
    english = "Article 1. Scope. This Law provides for the planting of urban trees and their care. " * 5
    body = (f'<div class="content1" style="display:none"><p>{english}</p></div>'
            f'<div class="content1">{HEADED_LAW}</div>')
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.startswith("LUẬT") and "Article" not in text


def test_aspnet_form_around_the_page_is_read(tmp_path: Path) -> None:
    body = (f'<form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE" value="abc">'
            f'<div id="toanvancontent">{HEADED_LAW}</div><button>Tìm kiếm</button></form>')
    text = nfc(read_html(save(tmp_path, page(body))).text)
    assert text.startswith("LUẬT") and "Tìm kiếm" not in text


# --- 5. footnotes --------------------------------------------------------------------


def notes_and_text(tmp_path: Path, body: str) -> tuple[str, list[Note]]:
    result = read_html(save(tmp_path, page(body)))
    assert not PRIVATE.search(result.text)
    return nfc(result.text), result.notes


def test_tooltip_mark_stays_and_its_text_is_a_note(tmp_path: Path) -> None:
    body = ('<div class="content1"><p>Điều 1. Phạm vi<span class="tooltip" title="Điều này được sửa đổi.">[1]</span>'
            '</p><p>1.<span class="tooltip" data-original-title="Khoản này được bổ sung.">[2]</span> Cơ quan.</p></div>')
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 1. Phạm vi[1]\n1.[2] Cơ quan."
    assert notes == [Note("1", "Điều này được sửa đổi.", text.index("[1]")),
                     Note("2", "Khoản này được bổ sung.", text.index("[2]"))]


def test_tooltip_over_words_has_no_mark(tmp_path: Path) -> None:
    body = ('<div class="content1"><p>Tổ chức <span class="tooltip">được miễn phí<span class="tooltiptext">'
            "Cụm từ này được thay thế.</span></span> khi trồng cây.</p></div>")
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Tổ chức được miễn phí khi trồng cây."
    assert notes == [Note("", "Cụm từ này được thay thế.", text.index(" khi"))]


def test_popup_footnotes_linked_by_href(tmp_path: Path) -> None:
    body = """<div id="divContentDoc"><div class="content1">
<p>Điều 2. Đối tượng<sup><a href="#fn1">[1]</a></sup></p>
<div class="footnote" id="fn1">[1] Điều này được sửa đổi theo Luật số 99/2025/QH15.</div>
<p>1.<sup><a href="#fn2" class="fn-ref">2</a></sup> Cơ quan nhà nước.</p>
</div></div>
<div class="footnote" id="fn2" style="display:none">Khoản này được bổ sung.</div>"""
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 2. Đối tượng[1]\n1.[2] Cơ quan nhà nước."  # a bare superscript 2 is written [2]
    assert [(n.label, n.text, text[n.anchor:n.anchor + 3]) for n in notes] == [
        ("1", "Điều này được sửa đổi theo Luật số 99/2025/QH15.", "[1]"), ("2", "Khoản này được bổ sung.", "[2]")]


def test_mark_by_onclick_and_provision_anchors_are_not_notes(tmp_path: Path) -> None:
    body = """<div class="content1">
<p><a name="dieu_1"></a>Điều 1. Phạm vi<a href="javascript:;" onclick="moChuThich('cth1')">[1]</a></p>
<p>Xem <a href="#dieu_1">[1]</a> ở trên.</p>
<div id="cth1" class="chuthich" hidden>Điều này được sửa đổi.</div>
</div>"""
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 1. Phạm vi[1]\nXem [1] ở trên."
    assert [(n.label, n.text, n.anchor) for n in notes] == [("1", "Điều này được sửa đổi.", text.index("[1]"))]


def test_block_of_notes_at_the_end_without_links(tmp_path: Path) -> None:
    body = """<div class="fulltext">
<p>Điều 1. Phạm vi<sup>[1]</sup></p><p>1. Cơ quan<sup>[2]</sup>.</p>
<div class="footnotes"><p>[1] Điều này được sửa đổi.</p><p>[2] Khoản này được bổ sung,</p><p>và tiếp tục.</p></div>
</div>"""
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 1. Phạm vi[1]\n1. Cơ quan[2]."
    assert [(n.label, n.text, n.anchor) for n in notes] == [
        ("1", "Điều này được sửa đổi.", text.index("[1]")), ("2", "Khoản này được bổ sung,\nvà tiếp tục.", text.index("[2]"))]


def test_unlinked_notes_find_their_plain_marks(tmp_path: Path) -> None:
    body = """<div class="fulltext">
<p>Điều 1. Diện tích tối thiểu 20 m<sup>2</sup>[2]; chiều cao[1] tối đa.</p><p>Điều 2. Hiệu lực</p>
<div class="chu-thich"><p>[1] Cụm từ này được sửa đổi.</p><p>[2] Số liệu này được thay thế.</p><p>[3] Ghi chú thêm.</p></div>
</div>"""
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 1. Diện tích tối thiểu 20 m2[2]; chiều cao[1] tối đa.\nĐiều 2. Hiệu lực"
    assert [(n.label, n.anchor) for n in notes] == [("2", text.index("[2]")), ("1", text.index("[1]")),
                                                    ("3", len(text))]


def test_plain_footnote_paragraphs_stay_text_as_in_a_txt(tmp_path: Path) -> None:
    body = '<div class="fulltext"><p>Điều 1. Phạm vi[1]</p><p>[1] Điều này được sửa đổi.</p></div>'
    text, notes = notes_and_text(tmp_path, body)
    assert text == "Điều 1. Phạm vi[1]\n[1] Điều này được sửa đổi." and notes == []


def test_note_whose_mark_is_outside_the_container_is_dropped(tmp_path: Path) -> None:
    body = (f'<div class="sidebar">Ghi chú<sup><a href="#fn9">[9]</a></sup></div>'
            f'<div id="fn9" class="footnote">Chú thích của cột bên.</div><div id="toanvancontent">{HEADED_LAW}</div>')
    text, notes = notes_and_text(tmp_path, body)
    assert notes == [] and "Chú thích" not in text


def test_note_anchors_hold_through_read(tmp_path: Path) -> None:
    path = save(tmp_path, page_from_text(LAW, "vbpl", charset="windows-1258"), charset="windows-1258")
    source = read(path)
    assert source.encoding == "windows-1258"
    assert [n.label for n in source.notes] == ["1", "2", "3"]
    for note in source.notes:
        assert source.text[note.anchor:note.anchor + len(note.label) + 2] == f"[{note.label}]"


# --- 6. errors, warnings, encodings ----------------------------------------------------


def test_page_without_text_raises(tmp_path: Path) -> None:
    path = save(tmp_path, page('<div id="toanvancontent"><p>&nbsp;</p><img src="a.png"></div>'), "trong.html")
    with pytest.raises(ReadError, match=r"trong\.html: no text found in the page"):
        read_html(path)


def test_page_filled_by_scripts_says_so(tmp_path: Path) -> None:
    script = "<script>" + "document.write('<p>Điều 1. Nội dung</p>');" * 20 + "</script>"
    path = save(tmp_path, page(f'<div id="app"></div>{script}'), "js.html")
    with pytest.raises(ReadError, match="filled in by scripts"):
        read(path)


def test_no_container_and_no_article_heading_warns(tmp_path: Path) -> None:
    result = read_html(save(tmp_path, page("<div><p>Thông báo lịch nghỉ lễ của cơ quan.</p></div>")))
    assert result.text == "Thông báo lịch nghỉ lễ của cơ quan."
    assert len(result.warnings) == 1 and "no content container" in result.warnings[0]


def test_legacy_declared_charset(tmp_path: Path) -> None:
    markup = page(f'<div id="toanvancontent">{HEADED_LAW}</div>', charset="TCVN3")
    path = tmp_path / "cu.html"
    path.write_bytes(encode_legacy(markup, "tcvn3"))
    source = read(path)
    assert source.encoding == "tcvn3"
    assert nfc(source.text).startswith("LUẬT\nTRỒNG CÂY XANH ĐÔ THỊ\nĐiều 1. Phạm vi điều chỉnh")


def test_legacy_font_page_declared_latin1_keeps_note_anchors(tmp_path: Path) -> None:
    body = ('<div id="toanvancontent"><p>Điều 1. Phạm vi điều chỉnh của luật<span class="tooltip" '
            'title="Điều này được sửa đổi.">[1]</span> về cây xanh.</p></div>')
    path = tmp_path / "font.html"
    path.write_bytes(encode_legacy(page(body, charset="iso-8859-1"), "tcvn3"))
    source = read(path)
    assert source.encoding == "tcvn3" and any("TCVN3" in w for w in source.warnings)
    assert nfc(source.text) == "Điều 1. Phạm vi điều chỉnh của luật[1] về cây xanh."
    assert [nfc(n.text) for n in source.notes] == ["Điều này được sửa đổi."]
    assert source.text[source.notes[0].anchor:].startswith("[1]")


def test_http_equiv_windows_1258(tmp_path: Path) -> None:
    markup = page(f'<div id="toanvancontent">{HEADED_LAW}</div>').replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    source = read(save(tmp_path, markup, charset="windows-1258"))
    assert source.encoding == "windows-1258"
    assert "Điều 2. Hiệu lực thi hành" in nfc(source.text)


def test_a_page_nested_thousands_deep_is_read(tmp_path):
    page = tmp_path / "sau.html"
    page.write_text("<html><body>" + "<div>" * 3000 + "<p>Điều 1. Phạm vi</p><p>1. Một.</p>" + "</div>" * 3000
                    + "</body></html>", encoding="utf-8")
    from policytrack.parse import parse

    [doc] = parse(page)
    assert [p.path for p in doc.root.walk() if p.kind != "document"] == ["d1", "d1.k1"]
    assert any("deep" in w for w in doc.source.warnings)


def test_a_page_nested_beyond_reason_is_a_clear_error_and_the_folder_goes_on(tmp_path, capsys):
    import json

    from policytrack.cli import main

    (tmp_path / "xau.html").write_text("<html><body>" + "<div>" * 70_000 + "Điều 1. X" + "</div>" * 70_000
                                       + "</body></html>", encoding="utf-8")
    (tmp_path / "tot.txt").write_text("LUẬT\nTHỬ\n\nĐiều 1. Phạm vi\n1. Một.\n", encoding="utf-8")
    assert main(["parse", str(tmp_path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert len(json.loads(out)["documents"]) == 1
    assert "xau.html" in err and "deeper than" in err
