"""Saved portal pages built from a plain-text law, for the HTML reader's tests.

``page_from_text(text, style)`` renders a law written one paragraph per line (as our .txt
files are) as a page a browser saves ("Save page as…, HTML only") from one of the portals,
chrome and all. Footnotes of a consolidated text (lines at the end starting ``[n] ``, after
a body carrying the mark ``[n]``) become that portal's footnote markup; reading the page
back must give the same provision tree as the .txt.

Styles (``STYLES``):

* ``vbpl``: the national database; Word-exported paragraphs in ``div.fulltext >
  div#toanvancontent`` inside the ASP.NET ``<form>``; Word footnotes (``_ftnref1`` marks,
  ``div#ftn1`` notes in a ``mso-element:footnote-list``).
* ``vbpl_pre``: an older page of the same site, the whole text in one ``<pre>``, marks
  ``<a href="#fn1"><sup>[1]</sup></a>``, notes in a ``div.footnotes`` after it.
* ``tvpl``: a commercial portal; ``div#divContentDoc > div.content1``, article/clause
  anchors (``<a name="dieu_1">``, ``<a name="khoan_2_1">``), headings split over ``<b>``
  tags, ``&nbsp;`` after labels, hidden ``div.footnote`` popups after their paragraph.
* ``layout_table``: an old page laid out with tables and no known container: banner row,
  menu column, the text one paragraph per row of a nested table, ``span.tooltip`` notes.
"""

from __future__ import annotations

import html
import re
import unicodedata

STYLES = ("vbpl", "vbpl_pre", "tvpl", "layout_table")

_FIRST_NOTE = re.compile(r"^[ \t]*\[1\][ \t]")
_NOTE_LINE = re.compile(r"^[ \t]*\[(\d{1,4})\][ \t]*(.*)$")
_MARK = re.compile(r"\[(\d{1,4})\]")
_ARTICLE = re.compile(r"^[ \t]*Điều[ \t]+(\d+\w?)([ \t]*[.:]?)(.*)$")
_CLAUSE = re.compile(r"^[ \t]*(\d{1,3})\.(.*)$")
_CHAPTER = re.compile(r"^[ \t]*Chương[ \t]+([IVXLC]+|\d+)\b(.*)$")

_HEAD = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta {charset_meta}>
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {site}</title>
<link rel="stylesheet" href="/css/site.css">
<style>body {{ font-family: Arial; }} .tooltip {{ border-bottom: 1px dotted; }}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>
"""


def split_footnotes(text: str) -> tuple[list[str], dict[str, str]]:
    """The body lines and the footnotes (label -> text, its lines joined by newlines)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if _FIRST_NOTE.match(line) and any("[1]" in before for before in lines[:i])), None)
    if start is None:
        return lines, {}
    notes: dict[str, list[str]] = {}
    label = None
    for line in lines[start:]:
        m = _NOTE_LINE.match(line)
        if m:
            label = m.group(1)
            notes[label] = [m.group(2)] if m.group(2) else []
        elif label is not None and line.strip():
            notes[label].append(line)
    return lines[:start], {k: "\n".join(v) for k, v in notes.items()}


def page_from_text(text: str, style: str, *, charset: str = "utf-8") -> str:
    """The law ``text`` as a saved page of ``style`` (one of ``STYLES``), declaring ``charset``
    (encode it with ``encode_page``)."""
    if style not in _STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    body, notes = split_footnotes(text)
    title = html.escape(next((line.strip() for line in body if line.strip()), "Văn bản"))
    return _STYLES[style](body, notes, charset, title)


def encode_page(markup: str, charset: str) -> bytes:
    """The page's bytes in ``charset``; Windows-1258 as Word writes it (base letter, then a
    combining tone mark, since the code page has few precomposed letters)."""
    if charset.lower().replace("_", "-") not in ("windows-1258", "cp1258"):
        return markup.encode(charset)
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in unicodedata.normalize("NFC", markup):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258", "xmlcharrefreplace") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


def _marks(line: str, notes: dict[str, str], render) -> str:
    """An escaped body line with its ``[n]`` marks (those with a footnote) rendered."""
    out, last = [], 0
    for m in _MARK.finditer(line):
        if m.group(1) in notes:
            out.append(html.escape(line[last:m.start()], quote=False))
            out.append(render(m.group(1)))
            last = m.end()
    out.append(html.escape(line[last:], quote=False))
    return "".join(out)


def _note_html(text: str) -> str:
    return "<br>".join(html.escape(part, quote=False) for part in text.split("\n"))


def _charset_meta(charset: str, style: str) -> str:
    if style == "vbpl":  # the old http-equiv form, as ASP.NET pages write it
        return f'http-equiv="Content-Type" content="text/html; charset={charset}"'
    return f'charset="{charset}"'


def _vbpl(body: list[str], notes: dict[str, str], charset: str, title: str) -> str:
    def mark(n: str) -> str:
        return (f'<a style="mso-footnote-id:ftn{n}" href="#_ftn{n}" name="_ftnref{n}" title="">'
                f'<span class="MsoFootnoteReference"><span style="font-size:10pt">[{n}]</span></span></a>')

    paragraphs = "\n".join(
        f'<p class="MsoNormal" style="margin-bottom:6.0pt;text-indent:36.0pt">'
        f'<span style="font-size:14.0pt">{_marks(line, notes, mark)}</span></p>'
        for line in body if line.strip()
    )
    footnotes = "".join(
        f'<div style="mso-element:footnote" id="ftn{n}"><p class="MsoFootnoteText">'
        f'<a style="mso-footnote-id:ftn{n}" href="#_ftnref{n}" name="_ftn{n}" title="">'
        f'<span class="MsoFootnoteReference">[{n}]</span></a> {_note_html(text)}</p></div>\n'
        for n, text in notes.items()
    )
    if footnotes:
        footnotes = ('<div style="mso-element:footnote-list"><br clear="all"><hr align="left" size="1" width="33%">\n'
                     f"{footnotes}</div>")
    return _HEAD.format(charset_meta=_charset_meta(charset, "vbpl"), title=title, site="Cơ sở dữ liệu") + f"""<body>
<form method="post" action="./vbpq-toanvan.aspx?ItemID=1" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4NzE0ODk7Oz4=">
<div id="header"><div class="logo"><a href="/">CƠ SỞ DỮ LIỆU QUỐC GIA VỀ VĂN BẢN PHÁP LUẬT</a></div>
<ul class="menu-top"><li><a href="/">Trang chủ</a></li><li><a href="/tw">Văn bản trung ương</a></li>
<li><a href="/dp">Văn bản địa phương</a></li></ul></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/tw">Văn bản pháp luật</a> » Toàn văn</div>
<div id="main" class="main-content">
<div class="left-sidebar"><h3>Văn bản liên quan</h3><ul><li><a href="/a">Thông tư hướng dẫn thi hành số 01</a></li>
<li><a href="/b">Quyết định phê duyệt đề án số 02</a></li><li><a href="/c">Nghị quyết về kế hoạch số 03</a></li></ul>
<div class="login-box">Tên đăng nhập <input name="u"> Mật khẩu <input name="p" type="password"></div></div>
<div class="box-content">
<ul class="tabs"><li class="active">Toàn văn</li><li>Thuộc tính</li><li>Lược đồ</li><li>Bản PDF</li></ul>
<div class="fulltext">
<div id="toanvancontent" class="toanvancontent">
{paragraphs}
{footnotes}
</div>
</div>
<div class="share-tools">Chia sẻ: <a href="#">Facebook</a> <a href="#">Email</a> <a href="#">In văn bản</a></div>
</div>
</div>
<div id="footer"><p>Cơ sở dữ liệu quốc gia về văn bản pháp luật. Địa chỉ: số 1 phố Mẫu, Hà Nội.</p></div>
</form>
<script>document.getElementById("toanvancontent").style.fontSize = "14pt";</script>
</body>
</html>
"""


def _vbpl_pre(body: list[str], notes: dict[str, str], charset: str, title: str) -> str:
    def mark(n: str) -> str:
        return f'<a href="#fn{n}"><sup>[{n}]</sup></a>'

    def indented(line: str) -> str:
        text = _marks(line.strip(), notes, mark)
        return ("    " if _CLAUSE.match(line) or re.match(r"^\s*[a-zđ]\)", line) else "") + text

    pre = "\r\n".join(indented(line) if line.strip() else "" for line in body)
    footnotes = "\n".join(f'<p id="fn{n}">[{n}] {_note_html(text)}</p>' for n, text in notes.items())
    if footnotes:
        footnotes = f'<div class="footnotes"><hr>\n{footnotes}\n</div>'
    return _HEAD.format(charset_meta=_charset_meta(charset, "vbpl_pre"), title=title, site="Văn bản pháp luật") + f"""<body>
<table class="banner" width="100%"><tr><td><img src="/images/banner.gif" alt="Cơ sở dữ liệu văn bản"></td></tr></table>
<div class="menu"><a href="/">Trang chủ</a> | <a href="/tim-kiem">Tìm kiếm</a> | <a href="/lien-he">Liên hệ</a></div>
<div id="toanvancontent">
<pre>
{pre}
</pre>
{footnotes}
</div>
<div class="footer">Bản quyền thuộc cơ quan quản lý cơ sở dữ liệu.</div>
</body>
</html>
"""


def _tvpl(body: list[str], notes: dict[str, str], charset: str, title: str) -> str:
    def mark(n: str) -> str:
        return f'<sup><a href="#fn{n}" class="fn-ref">[{n}]</a></sup>'

    article = "0"
    chunks = []
    for line in body:
        if not line.strip():
            continue
        anchor, text = "", line.strip()
        if m := _ARTICLE.match(text):
            article = m.group(1)
            anchor = f'<a name="dieu_{article}"></a>'
            rest = _marks(m.group(3), notes, mark)
            html_text = f"<b>Điều </b><b>{m.group(1)}{m.group(2)}</b><b>{rest}</b>"
        elif m := _CLAUSE.match(text):
            anchor = f'<a name="khoan_{m.group(1)}_{article}"></a>'
            rest = _marks(m.group(2), notes, mark)
            html_text = f"<span>{m.group(1)}</span>.{'&nbsp;' + rest[1:] if rest.startswith(' ') else rest}"
        elif m := _CHAPTER.match(text):
            anchor = f'<a name="chuong_{m.group(1)}"></a>'
            html_text = f"<b>{_marks(text, notes, mark)}</b>"
        else:
            html_text = _marks(text, notes, mark)
        chunks.append(f'<p style="margin-top:6pt;text-align:justify">{anchor}{html_text}</p>')
        for n in _MARK.findall(text):
            if n in notes:
                chunks.append(f'<div class="footnote" id="fn{n}" style="display:none">{_note_html(notes[n])}</div>')
    paragraphs = "\n".join(chunks)
    return _HEAD.format(charset_meta=_charset_meta(charset, "tvpl"), title=title, site="Thư viện văn bản") + f"""<body>
<header class="site-header"><div class="logo">THƯ VIỆN VĂN BẢN</div>
<nav class="main-nav"><ul><li><a href="/">Trang chủ</a></li><li><a href="/van-ban">Văn bản</a></li>
<li><a href="/tu-van">Tư vấn</a></li></ul></nav>
<div class="user-login"><a href="/dang-nhap">Đăng nhập</a> | <a href="/dang-ky">Đăng ký</a></div></header>
<div class="breadcrumbs"><a href="/">Trang chủ</a> › <a href="/van-ban">Văn bản</a> › {title}</div>
<div class="container">
<div class="col-main">
<div class="doc-toolbar"><a href="#">Tải về</a> <a href="#">In</a> <a href="#">Theo dõi</a></div>
<div id="divContentDoc">
<div class="content1">
{paragraphs}
</div>
</div>
<div id="comments" class="comment-box"><h4>Bình luận</h4><p>Chưa có bình luận nào cho văn bản này.</p></div>
</div>
<aside class="col-right"><div class="related-docs"><h4>Văn bản cùng lĩnh vực</h4>
<ul><li><a href="/1">Nghị định hướng dẫn thi hành số 11</a></li><li><a href="/2">Thông tư quy định chi tiết số 22</a></li></ul></div>
<div class="ads-banner advertisement"><a href="/qc">Dịch vụ tra cứu văn bản trọn gói</a></div></aside>
</div>
<div class="modal" id="loginModal" style="display:none"><p>Vui lòng đăng nhập để xem toàn văn.</p></div>
<footer class="site-footer"><p>Thư viện văn bản. Giấy phép thiết lập trang thông tin điện tử số 01.</p></footer>
<script>$(".fn-ref").on("click", function () {{ showPopup(this); }});</script>
</body>
</html>
"""


def _layout_table(body: list[str], notes: dict[str, str], charset: str, title: str) -> str:
    def mark(n: str) -> str:
        return f'<span class="tooltip" title="{html.escape(notes[n].replace(chr(10), " "))}">[{n}]</span>'

    rows = "\n".join(
        f'<tr><td width="100%"><p style="margin-left:0.5in">{_marks(line.strip(), notes, mark)}</p></td></tr>'
        for line in body if line.strip()
    )
    return _HEAD.format(charset_meta=_charset_meta(charset, "layout_table"), title=title, site="Công báo") + f"""<body>
<table width="980" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td colspan="2" class="banner"><img src="/images/top.jpg" alt="Trang thông tin"></td></tr>
<tr>
<td width="200" valign="top" class="menu-left">
<p><a href="/">Trang chủ</a></p><p><a href="/gioi-thieu">Giới thiệu</a></p><p><a href="/van-ban">Văn bản mới</a></p>
<p><a href="/hoi-dap">Hỏi đáp pháp luật</a></p>
</td>
<td width="780" valign="top">
<table width="100%" border="0" cellpadding="2">
{rows}
</table>
</td>
</tr>
<tr><td colspan="2" class="footer">Trang thông tin điện tử. Ghi rõ nguồn khi phát hành lại thông tin từ trang này.</td></tr>
</table>
</body>
</html>
"""


_STYLES = {"vbpl": _vbpl, "vbpl_pre": _vbpl_pre, "tvpl": _tvpl, "layout_table": _layout_table}
