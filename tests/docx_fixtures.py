"""Build .docx files from raw WordprocessingML, as Word writes them, for the reader tests.

Each helper returns an XML fragment (a string); ``write_docx`` puts the parts in a zip with
their content types and relationships. Text is escaped here, so callers pass plain text.
"""

from __future__ import annotations

import itertools
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'mc:Ignorable="w14"'
)
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PART_TYPES = {
    "styles": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "numbering": "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml",
    "footnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "endnotes": "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
    "comments": "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
    "settings": "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
}
_IDS = itertools.count(900)
_DATE = 'w:author="Chuyên viên" w:date="2024-05-02T09:00:00Z"'


def _attr(value: object) -> str:
    return quoteattr(str(value))


# --- runs and inline content ----------------------------------------------------------


def text(value: str, tag: str = "w:t") -> str:
    """A text element, spaces preserved."""
    return f'<{tag} xml:space="preserve">{escape(value)}</{tag}>'


def rpr(font: str | None = None, rstyle: str | None = None, lang: str | None = None, extra: str = "") -> str:
    """Run properties (empty string when there are none)."""
    inner = ""
    if rstyle:
        inner += f"<w:rStyle w:val={_attr(rstyle)}/>"
    if font:
        inner += f"<w:rFonts w:ascii={_attr(font)} w:hAnsi={_attr(font)} w:cs={_attr(font)}/>"
    inner += extra
    if lang:
        inner += f"<w:lang w:val={_attr(lang)}/>"
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def run(value: str = "", *, font: str | None = None, rstyle: str | None = None, lang: str | None = None,
        inner: str = "") -> str:
    """A run of text (``inner``: raw run content placed after the text)."""
    body = text(value) if value else ""
    return f"<w:r>{rpr(font, rstyle, lang)}{body}{inner}</w:r>"


def raw_run(content: str, *, font: str | None = None) -> str:
    """A run of raw content (``<w:tab/>``, ``<w:fldChar …/>``…)."""
    return f"<w:r>{rpr(font)}{content}</w:r>"


def deleted_run(value: str) -> str:
    return f"<w:r>{text(value, 'w:delText')}</w:r>"


def ins(change_id: int, *runs: str) -> str:
    return f'<w:ins w:id="{change_id}" {_DATE}>{"".join(_runs(runs))}</w:ins>'


def delete(change_id: int, *values: str) -> str:
    return f'<w:del w:id="{change_id}" {_DATE}>{"".join(deleted_run(v) for v in values)}</w:del>'


def move_from(change_id: int, value: str) -> str:
    return (f'<w:moveFromRangeStart w:id="{change_id + 100}" {_DATE} w:name="move1"/>'
            f'<w:moveFrom w:id="{change_id}" {_DATE}>{deleted_run(value).replace("w:delText", "w:t")}</w:moveFrom>'
            f'<w:moveFromRangeEnd w:id="{change_id + 100}"/>')


def move_to(change_id: int, value: str) -> str:
    return (f'<w:moveToRangeStart w:id="{change_id + 100}" {_DATE} w:name="move1"/>'
            f'<w:moveTo w:id="{change_id}" {_DATE}>{run(value)}</w:moveTo>'
            f'<w:moveToRangeEnd w:id="{change_id + 100}"/>')


def footnote_ref(note_id: int, custom: str | None = None, kind: str = "footnote") -> str:
    """A note reference run as Word writes it (``custom``: a custom mark following it)."""
    style = "FootnoteReference" if kind == "footnote" else "EndnoteReference"
    if custom is None:
        return f'<w:r><w:rPr><w:rStyle w:val="{style}"/></w:rPr><w:{kind}Reference w:id="{note_id}"/></w:r>'
    return (f'<w:r><w:rPr><w:rStyle w:val="{style}"/></w:rPr>'
            f'<w:{kind}Reference w:customMarkFollows="1" w:id="{note_id}"/>{text(custom)}</w:r>')


def comment(comment_id: int, *runs: str) -> str:
    """Runs commented on: the range marks and the reference run."""
    return (f'<w:commentRangeStart w:id="{comment_id}"/>{"".join(_runs(runs))}<w:commentRangeEnd w:id="{comment_id}"/>'
            f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="{comment_id}"/></w:r>')


def complex_field(instruction: str, result: str) -> str:
    """A field as begin / instruction / separate / result / end runs."""
    return (raw_run('<w:fldChar w:fldCharType="begin"/>') + raw_run(text(instruction, "w:instrText"))
            + raw_run('<w:fldChar w:fldCharType="separate"/>') + run(result)
            + raw_run('<w:fldChar w:fldCharType="end"/>'))


def text_box(value: str) -> str:
    """A floating text box as Word 2010+ writes it (DrawingML choice, VML fallback)."""
    inner = f"<w:txbxContent><w:p>{run(value)}</w:p></w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{inner}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        f'</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{inner}</v:textbox></v:shape></w:pict>'
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


def _runs(items) -> list[str]:
    """Plain strings become runs; XML fragments pass as they are."""
    return [item if item.startswith("<") else run(item) for item in items]


# --- blocks ---------------------------------------------------------------------------


def para(*content: str, style: str | None = None, num: tuple[int, int | None] | None = None,
         lang: str | None = None, mark: str | None = None, mark_font: str | None = None) -> str:
    """A paragraph. ``num`` = (numId, ilvl or None); ``mark`` = "ins"/"del"/"moveFrom"/"moveTo"
    marks the paragraph mark as a tracked change; ``lang`` is the mark's language."""
    ppr = ""
    if style:
        ppr += f"<w:pStyle w:val={_attr(style)}/>"
    if num is not None:
        num_id, ilvl = num
        level = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
        ppr += f'<w:numPr>{level}<w:numId w:val="{num_id}"/></w:numPr>'
    mark_props = ""
    if mark:
        mark_props += f'<w:{mark} w:id="{next(_IDS)}" {_DATE}/>'
    if mark_font:
        mark_props += f"<w:rFonts w:ascii={_attr(mark_font)} w:hAnsi={_attr(mark_font)}/>"
    if lang:
        mark_props += f"<w:lang w:val={_attr(lang)}/>"
    if mark_props:
        ppr += f"<w:rPr>{mark_props}</w:rPr>"
    head = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f"<w:p>{head}{''.join(_runs(content))}</w:p>"


def cell(*paragraphs: str, span: int = 1, vmerge: str | None = None) -> str:
    """A table cell; ``vmerge`` "restart" or "continue" (the continuation is written bare)."""
    tcpr = '<w:tcW w:w="2000" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        tcpr += "<w:vMerge/>"
    body = "".join(p if p.startswith("<w:") else para(p) for p in paragraphs) or "<w:p/>"
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


def row(*cells: str, change: str | None = None) -> str:
    """A table row; ``change`` "ins"/"del" tracks the row as inserted or deleted."""
    trpr = f'<w:trPr><w:{change} w:id="8{len(cells)}" {_DATE}/></w:trPr>' if change else ""
    return f"<w:tr>{trpr}{''.join(c if c.startswith('<') else cell(c) for c in cells)}</w:tr>"


def table(*rows: str, columns: int = 3) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>")


def block_sdt(*blocks: str) -> str:
    """A block content control around paragraphs or tables."""
    return f'<w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr><w:sdtContent>{"".join(blocks)}</w:sdtContent></w:sdt>'


def inline_sdt(*runs: str) -> str:
    return f'<w:sdt><w:sdtPr><w:id w:val="2"/></w:sdtPr><w:sdtContent>{"".join(_runs(runs))}</w:sdtContent></w:sdt>'


def document(*blocks: str) -> str:
    section = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="709" '
               'w:footer="709" w:gutter="0"/></w:sectPr>')
    return f"{_DECLARATION}<w:document {_NAMESPACES}><w:body>{''.join(blocks)}{section}</w:body></w:document>"


# --- numbering ------------------------------------------------------------------------


def level(ilvl: int, fmt: str, lvl_text: str, *, start: int = 1, suffix: str | None = None,
          restart: int | None = None, legal: bool = False, pstyle: str | None = None) -> str:
    """One ``w:lvl`` of a list definition."""
    parts = f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
    if restart is not None:
        parts += f'<w:lvlRestart w:val="{restart}"/>'
    if pstyle:
        parts += f"<w:pStyle w:val={_attr(pstyle)}/>"
    if legal:
        parts += "<w:isLgl/>"
    if suffix:
        parts += f'<w:suff w:val="{suffix}"/>'
    parts += f'<w:lvlText w:val={_attr(lvl_text)}/><w:lvlJc w:val="left"/>'
    indent = 360 * (ilvl + 1)
    parts += f'<w:pPr><w:ind w:left="{indent + 360}" w:hanging="360"/></w:pPr>'
    return f'<w:lvl w:ilvl="{ilvl}" w:tplc="0409000F">{parts}</w:lvl>'


def abstract_num(abstract_id: int, *levels: str) -> str:
    return (f'<w:abstractNum w:abstractNumId="{abstract_id}" w15:restartNumberingAfterBreak="0" '
            f'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
            f'<w:nsid w:val="1A2B3C{abstract_id:02X}"/><w:multiLevelType w:val="hybridMultilevel"/>'
            f"{''.join(levels)}</w:abstractNum>")


def num(num_id: int, abstract_id: int, start_overrides: dict[int, int] | None = None) -> str:
    overrides = "".join(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                        for ilvl, start in (start_overrides or {}).items())
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def numbering(*definitions: str) -> str:
    """``word/numbering.xml``: every ``abstract_num`` before every ``num`` (as the schema wants)."""
    ordered = sorted(definitions, key=lambda d: not d.startswith("<w:abstractNum"))
    return f"{_DECLARATION}<w:numbering {_NAMESPACES}>{''.join(ordered)}</w:numbering>"


# --- styles ---------------------------------------------------------------------------


def style(style_id: str, name: str | None = None, *, kind: str = "paragraph", based_on: str | None = None,
          num_id: int | None = None, ilvl: int | None = None, font: str | None = None,
          lang: str | None = None, default: bool = False) -> str:
    ppr = ""
    if num_id is not None:
        level_xml = "" if ilvl is None else f'<w:ilvl w:val="{ilvl}"/>'
        ppr = f'<w:pPr><w:numPr>{level_xml}<w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
    based = f"<w:basedOn w:val={_attr(based_on)}/>" if based_on else ""
    flag = ' w:default="1"' if default else ""
    return (f'<w:style w:type="{kind}"{flag} w:styleId={_attr(style_id)}><w:name w:val={_attr(name or style_id)}/>'
            f'{based}<w:qFormat/>{ppr}{rpr(font, None, lang)}</w:style>')


def styles(*definitions: str, lang: str | None = None, font: str | None = "Times New Roman",
           normal: bool = True) -> str:
    """``word/styles.xml`` with document defaults (font, language) and a Normal style."""
    run_defaults = rpr(font, None, lang, '<w:sz w:val="28"/>')
    defaults = (f"<w:docDefaults><w:rPrDefault>{run_defaults}</w:rPrDefault>"
                '<w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>')
    base = style("Normal", "Normal", default=True) if normal else ""
    return f"{_DECLARATION}<w:styles {_NAMESPACES}>{defaults}{base}{''.join(definitions)}</w:styles>"


# --- notes and comments ---------------------------------------------------------------


def notes(kind: str, texts: dict[int, str], font: str | None = None) -> str:
    """``word/footnotes.xml`` or ``endnotes.xml``, with Word's two separator notes."""
    separators = (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                  f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  f"</w:r></w:p></w:{kind}>")
    ref = "footnoteRef" if kind == "footnote" else "endnoteRef"
    body = "".join(
        f'<w:{kind} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:{ref}/></w:r>{run(" " + value, font=font)}'
        f"</w:p></w:{kind}>"
        for note_id, value in texts.items()
    )
    return f"{_DECLARATION}<w:{kind}s {_NAMESPACES}>{separators}{body}</w:{kind}s>"


def comments(texts: dict[int, str]) -> str:
    body = "".join(f'<w:comment w:id="{cid}" {_DATE} w:initials="CV"><w:p>{run(value)}</w:p></w:comment>'
                   for cid, value in texts.items())
    return f"{_DECLARATION}<w:comments {_NAMESPACES}>{body}</w:comments>"


def settings(extra: str = "") -> str:
    return (f'{_DECLARATION}<w:settings {_NAMESPACES}><w:zoom w:percent="100"/>'
            f'<w:defaultTabStop w:val="720"/>{extra}</w:settings>')


# --- the package ----------------------------------------------------------------------


def write_docx(path: Path, body: str, *, parts: dict[str, str | bytes] | None = None,
               raw: dict[str, str | bytes] | None = None, omit: tuple[str, ...] = ()) -> Path:
    """Write a .docx: ``body`` is ``document.xml`` (or the joined blocks of its body);
    ``parts`` maps "styles", "numbering", "footnotes", "endnotes", "comments", "settings"
    to their XML; ``raw`` adds or replaces zip members as they are (to build damaged
    files); ``omit`` leaves members out."""
    parts = dict(parts or {})
    document_xml = body if body.startswith("<?xml") else document(body)
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": _content_types(parts),
        "_rels/.rels": _package_rels(),
        "word/document.xml": document_xml,
        "word/_rels/document.xml.rels": _document_rels(parts),
        "docProps/core.xml": _core(),
    }
    members.update({f"word/{kind}.xml": xml for kind, xml in parts.items()})
    members.update(raw or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name not in omit:
                archive.writestr(name, data)
    return path


def _content_types(parts: dict[str, str | bytes]) -> str:
    overrides = "".join(f'<Override PartName="/word/{kind}.xml" ContentType="{_PART_TYPES[kind]}"/>' for kind in parts)
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _package_rels() -> str:
    return (
        f'{_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_TYPE}officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>'
    )


def _document_rels(parts: dict[str, str | bytes]) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_TYPE}{kind}" Target="{kind}.xml"/>'
                   for i, kind in enumerate(parts, start=1))
    return (f'{_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>")


def _core() -> str:
    return (f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Mẫu</dc:title>'
            "</cp:coreProperties>")
