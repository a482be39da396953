"""The consultation brief rendered as an editable Word document: a Vietnamese
organisation's comment letter ("văn bản góp ý").

The layout follows the administrative-document rules of Decree 30/2020/NĐ-CP: A4, margins
20/20/30/15 mm, Times New Roman 13 pt, the sender and number top left, the national motto
and the place and date top right, V/v, Kính gửi, the body, the signature and Nơi nhận,
page numbers centred at the top from the second page. The body is the table drafting
committees ask for. Everything computed comes from the ``BriefPlan``; this module only
lays it out."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .._files import atomic_save
from ..vocab import PLACEHOLDER, BriefSettings
from .brief import BriefEntry, BriefPlan, BriefProvision

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT, TABLE_PT, SMALL_PT = 13, 12, 11
#: Page and margins in millimetres (Decree 30/2020/NĐ-CP, Phụ lục I).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
#: The columns of the comment table and their widths (mm, summing to the text width).
COLUMNS = (("Điều, khoản", 28), ("Quy định tại dự thảo", 55), ("Nội dung góp ý, đề xuất sửa đổi", 50),
           ("Lý do", 32))
HEADER_COLUMNS_MM = (62, TEXT_WIDTH_MM - 62)
CHART_WIDTH_IN = 6.2
_LANG_SUCCESSORS = ("w:eastAsianLayout", "w:specVanish", "w:oMath")  # what follows w:lang in a run's properties


# --- low-level helpers ---------------------------------------------------------------------------

def _element(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _set_lang(rpr) -> None:
    """``w:lang`` = vi-VN in a run's (or style's) properties, in its schema position."""
    from docx.oxml.ns import qn

    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = _element("w:lang", **{"w:val": LANG, "w:eastAsia": LANG, "w:bidi": "ar-SA"})
    successor = next((rpr.find(qn(t)) for t in _LANG_SUCCESSORS if rpr.find(qn(t)) is not None), None)
    if successor is not None:
        successor.addprevious(lang)
    else:
        rpr.append(lang)


def _child(parent, tag: str, *, first: bool = False):
    """``parent``'s ``tag`` child, created (first or last) when missing."""
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = _element(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _add_field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE): Word computes it; ``shown`` is displayed until then."""
    run = paragraph.add_run()
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "begin"}))
    instr = _element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    run._r.append(instr)
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "separate"}))
    text = _element("w:t", **{"xml:space": "preserve"})
    text.text = shown
    run._r.append(text)
    run._r.append(_element("w:fldChar", **{"w:fldCharType": "end"}))


def _text(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
          underline: bool = False, strike: bool = False) -> None:
    """Add ``text`` as runs; a placeholder still to be filled in (``[Họ và tên]``) is
    highlighted so that it is seen before the letter is sent."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    pos = 0
    for m in [*PLACEHOLDER.finditer(text), None]:
        end = m.start() if m else len(text)
        for piece, marked in ((text[pos:end], False), ((m.group() if m else ""), True)):
            if not piece:
                continue
            run = paragraph.add_run(piece)
            run.bold, run.italic, run.underline, run.font.strike = bold or None, italic or None, underline or None, \
                strike or None
            if size:
                run.font.size = Pt(size)
            if marked:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end() if m else pos


def _paragraph(container, text: str = "", *, align: str = "justify", indent: bool = False, space_after: float = 6,
               **style):
    """A paragraph of the letter: justified (or ``left``/``center``/``right``), single
    spacing, ``space_after`` points after, the first line indented when ``indent``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(space_after), 1.0
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        _text(paragraph, text, **style)
    return paragraph


def _rule(cell, width_mm: float, column: float) -> None:
    """The short line under the sender's name and under the motto: a bottom border on an
    almost empty paragraph, centred in its ``column`` mm wide and ``width_mm`` long."""
    from docx.shared import Mm, Pt

    paragraph = _paragraph(cell, space_after=4, align="center")
    side = max((column - width_mm) / 2 - 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = _element("w:pBdr")
    borders.append(_element("w:bottom", **{"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}))
    paragraph._p.get_or_add_pPr().append(borders)


def _column_widths(table, widths_mm) -> None:
    """Fixed column widths, which Word and LibreOffice both keep."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    layout = _element("w:tblLayout", **{"w:type": "fixed"})
    table._tbl.tblPr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _clear(cell):
    """A new cell holds one empty paragraph; the letter writes its own."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


# --- the page and the styles --------------------------------------------------------------------

def _page(word) -> None:
    from docx.shared import Mm

    section = word.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    # Page numbers centred at the top, from the second page on (Decree 30).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = 1
    _add_field(number, "PAGE", "2")


def _styles(word) -> None:
    """Times New Roman 13 pt, vi-VN, for every script and every style the letter uses
    (heading styles point to theme fonts, which win over a name: those pointers go)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    targets = [_child(_child(_child(word.styles.element, "w:docDefaults", first=True), "w:rPrDefault", first=True),
                      "w:rPr")]
    for style in word.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            targets.append(style.element.get_or_add_rPr())
    word.styles["Normal"].font.size = Pt(BODY_PT)
    for rpr in targets:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = _element("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        _set_lang(rpr)
    word.styles["Normal"].font.name = FONT
    theme_lang = word.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = _element("w:themeFontLang")
        word.settings.element.append(theme_lang)
    theme_lang.set(qn("w:val"), LANG)


def _every_run_in_vietnamese(word) -> None:
    """vi-VN on every run of the body, the headers and the footers, so Word checks the
    spelling in Vietnamese whatever the reader's own language is."""
    from docx.oxml.ns import qn

    parts = [word.element.body] + [h._element for s in word.sections
                                   for h in (s.header, s.first_page_header, s.footer, s.first_page_footer)]
    for part in parts:
        for run in part.iter(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = _element("w:rPr")
                run.insert(0, rpr)
            _set_lang(rpr)


def _properties(word, plan: BriefPlan, settings: BriefSettings, now: _dt.datetime) -> None:
    """Core properties a document manager shows: the organisation as author, the title
    and subject of the letter, created and modified now (not the template's)."""
    props = word.core_properties
    props.author = props.last_modified_by = settings.organisation
    props.title = plan.heading
    props.subject = plan.subject.removeprefix("V/v ")
    props.keywords = "góp ý; " + plan.title
    props.category = "Văn bản góp ý"
    props.comments = f"Soạn bằng policytrack từ sổ khuyến nghị; {len(plan.entries)} khuyến nghị."
    props.language = LANG
    props.created = props.modified = now
    props.last_printed = now
    props.revision = 1


# --- the letter's blocks ------------------------------------------------------------------------

def vietnamese_date(place: str, day: _dt.date) -> str:
    """``Hà Nội, ngày 05 tháng 3 năm 2025``: days under 10 and months 1 and 2 take a
    leading zero (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _letterhead(word, plan: BriefPlan, settings: BriefSettings, day: _dt.date) -> None:
    """Sender, number and V/v on the left; the national motto, place and date on the right."""
    table = word.add_table(rows=1, cols=2)
    _column_widths(table, HEADER_COLUMNS_MM)
    left, right = (_clear(c) for c in table.rows[0].cells)
    if settings.parent:
        _paragraph(left, settings.parent.upper(), align="center", space_after=0, size=12)
    _paragraph(left, settings.organisation.upper(), align="center", space_after=0, bold=True, size=12)
    _rule(left, 28, HEADER_COLUMNS_MM[0])
    _paragraph(left, f"Số: {settings.number}", align="center", space_after=2)
    _paragraph(left, plan.subject, align="center", space_after=0, size=12)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", space_after=0, bold=True, size=12)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", align="center", space_after=0, bold=True)
    _rule(right, 60, HEADER_COLUMNS_MM[1])
    _paragraph(right, vietnamese_date(settings.place, day), align="center", space_after=0, italic=True)


def _addressees(word, settings: BriefSettings) -> None:
    _paragraph(word, space_after=0)
    if len(settings.recipients) == 1:
        _paragraph(word, f"Kính gửi: {settings.recipients[0]}", align="center", space_after=12)
        return
    from docx.shared import Mm

    first = _paragraph(word, "Kính gửi:", align="left", space_after=0)
    first.paragraph_format.left_indent = Mm(25)
    for n, name in enumerate(settings.recipients):
        line = _paragraph(word, f"- {name.rstrip(';.')}{'.' if n == len(settings.recipients) - 1 else ';'}",
                          align="left", space_after=0 if n < len(settings.recipients) - 1 else 12)
        line.paragraph_format.left_indent = Mm(45)


def _opening(word, plan: BriefPlan, settings: BriefSettings) -> None:
    sender = settings.organisation
    if plan.is_draft:
        _paragraph(word, f"Thực hiện việc lấy ý kiến đối với {plan.name}, {sender} xin gửi ý kiến góp ý đối với "
                   "một số quy định của dự thảo như sau:", indent=True)
    else:
        _paragraph(word, f"Qua theo dõi việc thi hành {plan.name}, {sender} kiến nghị sửa đổi, bổ sung một số "
                   "quy định như sau:", indent=True)
    if plan.previous_name and any(p.diff for e in plan.entries for p in e.provisions):
        _paragraph(word, f"Tại cột “Quy định tại dự thảo”, những chỗ đã sửa so với {plan.previous_name} được đánh "
                   "dấu: phần bổ sung in đậm, gạch chân; phần bỏ đi gạch ngang.", indent=True)
    if not plan.held:
        _paragraph(word, f"[Cần bổ sung nguyên văn các quy định được góp ý: toàn văn {plan.name} chưa có trong kho "
                   "văn bản (corpus/sources.csv)]", indent=True)


def _cell_text(cell, text: str, **style) -> None:
    """A text of several paragraphs (separated by blank lines) into a table cell."""
    for part in [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()] or [""]:
        _paragraph(cell, part, align="justify", space_after=3, size=TABLE_PT, **style)


def _article_cell(cell, entry: BriefEntry, plan: BriefPlan) -> None:
    if not entry.provisions:
        words = entry.target_provisions or "[Điều, khoản: cần xác định]"
        _paragraph(cell, words[:1].upper() + words[1:], align="left", space_after=3, size=TABLE_PT, bold=True)
    for prov in entry.provisions:
        _paragraph(cell, prov.name[:1].upper() + prov.name[1:], align="left", space_after=0, size=TABLE_PT, bold=True)
        if prov.heading:
            _paragraph(cell, f"({prov.heading})", align="left", space_after=3, size=TABLE_PT, italic=True)
    if entry.basis == "wording" and entry.provisions:
        _paragraph(cell, "[Kiểm tra quy định được dẫn]", align="left", space_after=0,
                   size=SMALL_PT, italic=True)


def _diff_paragraph(cell, prov: BriefProvision) -> None:
    """The unit's change in context: added words bold and underlined, removed ones struck."""
    paragraph = _paragraph(cell, f"{prov.change_note[:1].upper()}{prov.change_note[1:]}: ", align="justify",
                           space_after=3, size=SMALL_PT, italic=True)
    for n, (op, words) in enumerate(prov.diff):
        _text(paragraph, (" " if n else "") + words, size=SMALL_PT, bold=op == "insert", underline=op == "insert",
              strike=op == "delete")


def _wording_cell(cell, entry: BriefEntry, plan: BriefPlan) -> None:
    if not plan.held or not entry.provisions:
        why = ("toàn văn chưa có trong kho văn bản, xem corpus/sources.csv" if not plan.held
               else "chưa xác định quy định được góp ý")
        _paragraph(cell, f"[Trích quy định của dự thảo: {why}]", align="left", space_after=3, size=TABLE_PT)
        return
    for prov in entry.provisions:
        _cell_text(cell, prov.text)
        if prov.diff:
            _diff_paragraph(cell, prov)
        elif prov.change_note:
            _paragraph(cell, f"({prov.change_note})", align="left", space_after=3, size=SMALL_PT, italic=True)


def _proposal_cell(cell, entry: BriefEntry) -> None:
    _paragraph(cell, entry.title, align="left", space_after=3, size=TABLE_PT, bold=True)
    if entry.proposed_text:
        _paragraph(cell, "Đề nghị sửa thành:", align="left", space_after=0, size=TABLE_PT, italic=True)
        _cell_text(cell, f"“{entry.proposed_text}”")
        _paragraph(cell, entry.ask, align="justify", space_after=3, size=SMALL_PT)
    else:
        _cell_text(cell, entry.ask)


def _reason_cell(cell, entry: BriefEntry) -> None:
    if entry.rationale:
        _cell_text(cell, entry.rationale)
    else:  # left for the person who sends the letter, and marked so
        _paragraph(cell, "[Nêu lý do đề xuất]", align="left", space_after=3, size=TABLE_PT)
    if entry.amendments:  # what changed in the targeted units since the recommendation was made
        _paragraph(cell, "Diễn biến sau khi kiến nghị:", align="left", space_after=0, size=SMALL_PT, italic=True)
        for note in entry.amendments:
            _paragraph(cell, f"- {note}", align="justify", space_after=2, size=SMALL_PT)


def _repeat_as_header(row) -> None:
    row._tr.get_or_add_trPr().append(_element("w:tblHeader", **{"w:val": "true"}))


def _comment_table(word, plan: BriefPlan) -> None:
    """Article | wording in the draft | proposed wording | reason; the header row repeats
    on every page."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    table = word.add_table(rows=1, cols=len(COLUMNS))
    table.style = word.styles["Table Grid"]
    _column_widths(table, [w for _, w in COLUMNS])
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, (label, _) in zip(header.cells, COLUMNS):
        _clear(cell)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(cell, label, align="center", space_after=0, size=TABLE_PT, bold=True)
        cell._tc.get_or_add_tcPr().append(_element("w:shd", **{"w:val": "clear", "w:color": "auto",
                                                               "w:fill": "E7E6E6"}))
    for entry in plan.entries:
        cells = [_clear(c) for c in table.add_row().cells]
        _column_widths_row(cells)
        _article_cell(cells[0], entry, plan)
        _wording_cell(cells[1], entry, plan)
        _proposal_cell(cells[2], entry)
        _reason_cell(cells[3], entry)


def _column_widths_row(cells) -> None:
    from docx.shared import Mm

    for cell, (_, width) in zip(cells, COLUMNS):
        cell.width = Mm(width)


def _closing(word, plan: BriefPlan, settings: BriefSettings) -> None:
    _paragraph(word, space_after=0)
    if not plan.entries:
        _paragraph(word, f"[Chưa có khuyến nghị nào nhắm tới {plan.name}]", indent=True)
    _paragraph(word, f"Trên đây là ý kiến góp ý của {settings.organisation} đối với {plan.name}, trân trọng đề nghị "
               "Quý cơ quan nghiên cứu, xem xét, tiếp thu./.", indent=True, space_after=12)


def _signature(word, settings: BriefSettings) -> None:
    """Nơi nhận on the left; the signer's authority, position and name on the right."""
    table = word.add_table(rows=1, cols=2)
    _column_widths(table, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    left, right = (_clear(c) for c in table.rows[0].cells)
    _paragraph(left, "Nơi nhận:", align="left", space_after=0, bold=True, italic=True, size=12)
    for n, place in enumerate(settings.copies_to):
        _paragraph(left, f"- {place}", align="left", space_after=0, size=SMALL_PT)
    if settings.on_behalf:
        _paragraph(right, settings.on_behalf.upper(), align="center", space_after=0, bold=True)
    _paragraph(right, settings.position.upper(), align="center", space_after=0, bold=True)
    _paragraph(right, "(Ký, ghi rõ họ tên, đóng dấu)", align="center", space_after=0, italic=True, size=SMALL_PT)
    for _ in range(3):
        _paragraph(right, space_after=0)
    _paragraph(right, settings.signer, align="center", space_after=0, bold=True)


def _annex(word, plan: BriefPlan, settings: BriefSettings, charts, day: _dt.date) -> None:
    """The charts of the recommendations in the letter, on a page of their own."""
    import tempfile

    from docx.enum.text import WD_BREAK
    from docx.shared import Inches

    pictures = [c for c in charts if c.name in ("funnel", "topic_heatmap")]
    if not pictures:
        return
    _paragraph(word, space_after=0).add_run().add_break(WD_BREAK.PAGE)
    _paragraph(word, "Phụ lục", align="center", space_after=0, bold=True)
    _paragraph(word, "TỔNG QUAN CÁC KIẾN NGHỊ NÊU TẠI VĂN BẢN", align="center", space_after=0, bold=True)
    _paragraph(word, f"(Kèm theo Văn bản số {settings.number} ngày {day.day:02d}/{day.month:02d}/{day.year} "
               f"của {settings.organisation})", align="center", space_after=12, italic=True)
    with tempfile.TemporaryDirectory() as tmp:
        for n, chart in enumerate(pictures, 1):
            png = chart.save_png(Path(tmp) / f"{chart.name}.png", width=CHART_WIDTH_IN)
            picture = _paragraph(word, align="center", space_after=3)
            picture.add_run().add_picture(str(png), width=Inches(CHART_WIDTH_IN))
            _paragraph(word, f"Hình {n}. {chart.title}" + (f" ({chart.note})" if chart.note else ""), align="center",
                       space_after=12, italic=True, size=SMALL_PT)


def write_brief(plan: BriefPlan, out: Path, *, charts=(), name: str = "brief.docx",
                settings: BriefSettings | None = None, now: _dt.datetime | None = None) -> Path:
    """The consultation brief as .docx (editable in Word), from a ``plan_brief`` plan: a
    comment letter from the organisation in ``settings`` (``brief_settings.yaml``; the
    placeholders when ``None``), its table of recommendations (article, wording in the
    draft with its changes since the previous draft, proposed wording, reason), the
    signature and Nơi nhận, then an annex with ``charts`` (the funnel and the topic
    heatmap of the recommendations in the letter). Placeholders still to be filled in are
    highlighted."""
    from docx import Document as Docx

    settings = settings or BriefSettings()
    now = now or _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    day = settings.date or _dt.date.today()
    word = Docx()
    _page(word)
    _styles(word)
    _properties(word, plan, settings, now)
    _letterhead(word, plan, settings, day)
    _addressees(word, settings)
    _opening(word, plan, settings)
    _comment_table(word, plan)
    _closing(word, plan, settings)
    _signature(word, settings)
    _annex(word, plan, settings, charts, day)
    _every_run_in_vietnamese(word)
    return atomic_save(Path(out) / name, word.save)
