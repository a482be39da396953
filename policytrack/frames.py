"""The tables researchers see: documents and provisions as pandas DataFrames.

Built from the core dataclasses and nothing else, so any stage can hand its documents to
a notebook the same way. The provision id is the join key of every table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from .model import Document, Provision

__all__ = ["PATH_COLUMNS", "PROVISION_COLUMNS", "documents_frame", "provisions_frame", "provisions_table",
           "provisions_table_frame", "provisions_table_schema"]

PROVISION_COLUMNS = [
    "document_id", "id", "kind", "number", "heading", "start", "end", "own_end", "parent", "depth",
    "part", "chapter", "section", "subsection", "annex", "article", "clause", "point",
    "subpoint", "text",
]
#: The path columns: the number, as printed, of each unit a provision is in (itself included).
PATH_COLUMNS = ["part", "chapter", "section", "subsection", "annex", "article", "clause", "point", "subpoint"]
_INT_COLUMNS = ("start", "end", "own_end", "depth")


def provisions_frame(documents: Document | Iterable[Document]):
    """One row per provision (document roots excluded): id, kind, number, heading, offsets,
    the path columns ``part chapter section subsection annex article clause point subpoint``
    (the numbers as printed) and the provision's own text.

    ``text`` is the provision's **own** text, ``source.text[start:own_end]``: its heading and
    lead-in up to its first child (a leaf's whole text), so that the table holds the text
    once, not once per level (an article's full text would repeat its clauses', a chapter's
    its articles'). The whole unit is ``start:end``; ``corpus.provision(id).text`` gives it."""
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
        own_end = child.own_text_span()[1]
        rows.append({
            "document_id": doc_id, "id": child.id, "kind": child.kind, "number": child.number,
            "heading": child.heading, "start": child.start, "end": child.end, "own_end": own_end,
            "parent": child.parent, "depth": depth + 1, **child_path, "text": _own_text(child, own_end),
        })
        _rows(child, child_path, rows, doc_id, depth + 1)


def provisions_table(doc: Document):
    """The rows of ``provisions_frame(doc)`` as a ``pyarrow.Table`` (``PROVISION_COLUMNS``;
    offsets and depth int64, the rest strings, a unit not in the path null): what
    ``Corpus.provisions()`` keeps per document, as columns."""
    import pyarrow as pa

    cols: dict[str, list] = {n: [] for n in PROVISION_COLUMNS}
    stack = [(child, {}, 1) for child in reversed(doc.root.children)]
    while stack:  # depth first, in document order: the order of ``_rows``
        child, path, depth = stack.pop()
        child_path = dict(path)
        if child.kind != "subpoint" or "subpoint" not in child_path:
            child_path[child.kind] = child.number
        own_end = child.own_text_span()[1]
        for name, value in (("document_id", doc.id), ("id", child.id), ("kind", child.kind),
                            ("number", child.number), ("heading", child.heading), ("start", child.start),
                            ("end", child.end), ("own_end", own_end), ("parent", child.parent), ("depth", depth),
                            ("text", _own_text(child, own_end))):
            cols[name].append(value)
        for name in PATH_COLUMNS:
            cols[name].append(child_path.get(name))
        stack.extend((c, child_path, depth + 1) for c in reversed(child.children))
    return pa.table({n: pa.array(cols[n], provisions_table_schema().field(n).type) for n in PROVISION_COLUMNS},
                    schema=provisions_table_schema())


def _own_text(prov: Provision, own_end: int) -> str:
    return prov.source.text[prov.start:own_end] if prov.source is not None else ""


def provisions_table_schema():
    """The columns of ``provisions_table``."""
    import pyarrow as pa

    return pa.schema([pa.field(n, pa.int64() if n in _INT_COLUMNS else pa.string()) for n in PROVISION_COLUMNS])


def provisions_table_frame(table):
    """``provisions_frame`` of the documents whose ``provisions_table`` were concatenated
    into ``table``, value for value and dtype for dtype (what pandas infers from the rows:
    Arrow-backed strings, int64 offsets; a path column no provision has is float NaN, an
    all-empty number or heading column holds ``None``). The strings stay in Arrow memory."""
    import numpy as np
    import pandas as pd

    if table.num_rows == 0:
        return pd.DataFrame([], columns=PROVISION_COLUMNS)
    data = {}
    for name in PROVISION_COLUMNS:
        column = table.column(name)
        if column.null_count == len(column):
            data[name] = (np.full(len(column), np.nan) if name in PATH_COLUMNS
                          else np.full(len(column), None, dtype=object))
        else:
            data[name] = column.to_pandas()
    frame = pd.DataFrame(data, columns=PROVISION_COLUMNS)
    frame.index = pd.RangeIndex(len(frame))
    return frame


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
