"""The consultation brief rendered as an editable Word document."""

from __future__ import annotations

from pathlib import Path

from .._files import atomic_save
from .brief import _CHANGES, BriefPlan


def _add_field(paragraph, instruction: str, shown: list[str] | None = None) -> None:
    """A Word field (TOC, PAGE). Word recomputes it on opening (the document asks it to);
    until then, and in viewers that do not compute fields, ``shown`` is displayed, one
    line per entry."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def element(tag: str, **attrs: str):
        el = OxmlElement(tag)
        for key, value in attrs.items():
            el.set(qn(key), value)
        return el

    run = paragraph.add_run()
    run._r.append(element("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    instr = element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    run._r.append(instr)
    run._r.append(element("w:fldChar", **{"w:fldCharType": "separate"}))
    for n, line in enumerate(shown or ["…"]):
        if n:
            run._r.append(element("w:br"))
        text = element("w:t", **{"xml:space": "preserve"})
        text.text = line
        run._r.append(text)
    run._r.append(element("w:fldChar", **{"w:fldCharType": "end"}))


def _use_font(word, name: str) -> None:
    """Set ``name`` for every script in the styles the brief uses. Heading styles point to
    theme fonts, which win over an explicit name, so those pointers are removed."""
    from docx.oxml.ns import qn

    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Intense Quote"):
        style = word.styles[style_name]
        style.font.name = name
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), name)


def _ask_word_to_update_fields(word) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


def write_brief(plan: BriefPlan, out: Path, *, charts=(), name: str = "brief.docx") -> Path:
    """The consultation brief as .docx (editable in Word), from a ``plan_brief`` plan: an
    overview with the funnel and topic charts (PNG), then each recommendation with its
    status and ask, the current wording of the targeted provisions (or, when the corpus
    does not hold the text, a pointer to ``corpus/sources.csv``) and what changed since the
    previous draft, word by word. Headings, a table of contents and page numbers; Times New
    Roman, which has the Vietnamese letters, for every script."""
    import tempfile

    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    word = Docx()
    _use_font(word, "Times New Roman")
    word.styles["Normal"].font.size = Pt(12)
    _ask_word_to_update_fields(word)
    footer = word.sections[0].footer.paragraphs[0]
    _add_field(footer, "PAGE")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    word.add_heading("Bản góp ý: " + plan.title, level=0)
    word.add_paragraph(f"Văn bản: {plan.document or '—'}" + (f" (dự thảo {plan.draft_number})" if plan.draft_number else ""))
    if not plan.held:
        word.add_paragraph("Toàn văn của văn bản này không có trong kho văn bản (corpus/); thông tin về văn bản "
                           "xem tại corpus/sources.csv" + (f": {plan.source_note}." if plan.source_note else "."))
    word.add_heading("Mục lục", level=1)
    toc = word.add_paragraph()
    if charts:
        word.add_heading("Tổng quan", level=1)
        with tempfile.TemporaryDirectory() as tmp:
            for chart in charts:
                if chart.name in ("funnel", "topic_heatmap"):
                    png = chart.png if chart.png and chart.png.exists() else chart.save_png(Path(tmp) / f"{chart.name}.png")
                    word.add_picture(str(png), width=Inches(6.2))
                    if chart.note:
                        word.add_paragraph(chart.note)
    word.add_heading("Các khuyến nghị", level=1)
    if not plan.entries:
        word.add_paragraph("Không có khuyến nghị nào nhắm tới văn bản này.")
    for entry in plan.entries:
        word.add_heading(f"{entry.recommendation}. {entry.title}", level=2)
        word.add_paragraph(f"Trạng thái: {entry.status_label}" + (f" — bằng chứng: {entry.evidence}" if entry.evidence else ""))
        word.add_paragraph("Kiến nghị: " + entry.ask)
        if not plan.held:
            word.add_paragraph(f"Điều khoản mục tiêu: {entry.target_provisions or 'chưa xác định'} — "
                               "toàn văn không có trong kho văn bản (xem corpus/sources.csv).")
        for prov in entry.provisions:
            word.add_paragraph(f"Nội dung hiện hành của {prov.id.split(':', 1)[1]}:", style="Intense Quote")
            word.add_paragraph(prov.text)
            if prov.change:
                para = word.add_paragraph(f"Thay đổi ({plan.previous} → {plan.document}): {_CHANGES[prov.change]}. ")
                for op, words in prov.diff:
                    if op == "equal":
                        continue
                    run = para.add_run(("[+ " if op == "insert" else "[− ") + words + "] ")
                    run.bold = op == "insert"
                    run.font.strike = op == "delete"
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    _add_field(toc, 'TOC \\o "1-2" \\h \\z \\u',
               [("    " if style == "Heading 2" else "") + text for style, text in headings if text != "Mục lục"])
    return atomic_save(Path(out) / name, word.save)
