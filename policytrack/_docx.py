"""Word (.docx) internals of ``policytrack.read``.

The body is read in document order: paragraphs one per line, tables one row per line
with cells separated by `` | ``, content controls opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Note, ReadError

#: How tracked changes are read: as the text would stand with every change accepted, or
#: as it stood before any of them.
REVISIONS = ("accepted", "original")


@dataclass
class DocxText:
    """The text of a .docx as read, with its warnings and its foot/endnotes."""

    text: str
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    encoding: str | None = "utf-8"


def read_docx(path: Path, revisions: str = "accepted") -> DocxText:
    """Read the body of a .docx (``revisions``: one of ``REVISIONS``)."""
    import docx

    if revisions not in REVISIONS:
        raise ValueError(f"revisions must be one of {', '.join(REVISIONS)}, not {revisions!r}")
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors for bad files
        raise ReadError(path, f"not a valid .docx file ({type(exc).__name__}: {exc})") from None
    lines = list(_block_lines(document.element.body, document))
    return DocxText("\n".join(lines))


def _block_lines(parent, document):
    """Lines of the block elements under ``parent``: paragraphs, tables, content controls."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document).text
        elif child.tag == qn("w:tbl"):
            yield from _table_lines(Table(child, document))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, document)


def _table_lines(table) -> list[str]:
    """One line per table row, cells separated by `` | `` (merged cells once)."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        lines.append(" | ".join(cells))
    return lines
