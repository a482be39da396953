"""The tables researchers see: documents and provisions as pandas DataFrames.

Built from the core dataclasses and nothing else, so any stage can hand its documents to
a notebook the same way. The provision id is the join key of every table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .model import Document, Provision

__all__ = ["PROVISION_COLUMNS", "documents_frame", "provisions_frame"]

PROVISION_COLUMNS = [
    "document_id", "id", "kind", "number", "heading", "start", "end", "parent", "depth",
    "part", "chapter", "section", "subsection", "annex", "article", "clause", "point",
    "subpoint", "text",
]


def provisions_frame(documents: Document | Iterable[Document]):
    """One row per provision (document roots excluded): id, kind, number, heading, offsets,
    the path columns ``part chapter section subsection annex article clause point subpoint``
    (the numbers as printed) and the text."""
    import pandas as pd

    docs = [documents] if hasattr(documents, "root") else list(documents)
    rows: list[dict] = []
    for doc in docs:
        _rows(doc.root, {}, rows, doc.id)
    return pd.DataFrame(rows, columns=PROVISION_COLUMNS)


def _rows(node: Provision, path: dict, rows: list, doc_id: str, depth: int = 0) -> None:
    for child in node.children:
        child_path = dict(path)
        if child.kind != "subpoint" or "subpoint" not in child_path:
            child_path[child.kind] = child.number
        rows.append({
            "document_id": doc_id, "id": child.id, "kind": child.kind, "number": child.number,
            "heading": child.heading, "start": child.start, "end": child.end,
            "parent": child.parent, "depth": depth + 1, **child_path, "text": child.text,
        })
        _rows(child, child_path, rows, doc_id, depth + 1)


def documents_frame(documents: Iterable[Document]):
    """One row per document: id, file, type, number, title, issuer, date, counts."""
    import pandas as pd

    rows = []
    for d in documents:
        m = d.meta
        rows.append({
            "id": d.id, "path": d.source.path, "format": d.source.format,
            "type": m.doc_type, "number": m.number, "title": m.title or m.subject,
            "issuer": m.issuer, "place": m.place,
            "date": m.date.iso() if m.date else None,
            "date_text": m.date.text if m.date else None,
            "is_draft": m.is_draft, "draft_number": m.draft_number,
            "articles": sum(1 for p in d.root.walk() if p.kind == "article"),
            "provisions": sum(1 for _ in d.root.walk()) - 1,
            "warnings": len(d.warnings) + len(m.warnings) + len(d.source.warnings),
            "chars": d.end - d.start,
        })
    return pd.DataFrame(rows)
