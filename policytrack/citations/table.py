"""References as columns (Arrow): found per document, resolved per corpus.

What a document cites, and each unit's path in the cited document, depend on that document
alone (``document_table``: a pure function of one document, which the worker pool and Dask
run anywhere); which document and provision of the corpus a unit is depends on the whole
corpus (``resolve_table``: one pass over the rows, each cited document looked up once).
``Corpus.references()`` keeps both in its cache as Parquet, so a warm run reads the
resolved table back without building one Python object per citation, and a changed file
only costs the extraction of its own documents.

Row for row, ``frame(resolve_table(concat(document_table(d) for d in corpus), corpus))``
equals ``references_frame(resolve([r for d in corpus for r in find_references(d)], corpus))``
(tested on the shipped and the real corpus).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Iterable

from .model import Reference
from .output import RECORD_FIELDS, records
from .reading import find_references
from .resolve import _document_key, _unit_path, find_id_by_key, unit_in

if TYPE_CHECKING:
    import pyarrow as pa

    from ..corpus import Corpus
    from ..model import Document

__all__ = ["TABLE_VERSION", "corpus_table", "document_table", "empty_table", "frame", "resolve_table", "schema",
           "with_document"]

#: Bump when the columns or what they hold change.
TABLE_VERSION = "1"

_STRING = [
    "citing_provision", "text", "form", "document", "article", "clause", "point", "chapter", "section", "annex",
    "relation",
    # what resolution needs: the unit's path in the cited document (or why it has none) and
    # the cited document as the lookup key reads it (``resolve._document_key``)
    "path", "path_reason", "doc_kind", "doc_number", "doc_draft_number", "doc_type", "doc_name",
]
_INT = ["start", "end", "doc_year"]
_BOOL = ["relative", "implied", "target"]
#: Columns the corpus adds (the same for every row of a document) and resolution adds.
_CORPUS = ["file", "citing_document"]
_RESOLVED = ["document_id", "resolved_id", "reason"]


def schema(resolved: bool = False) -> pa.Schema:
    """The columns of a document's table; ``resolved``: those of the corpus's table."""
    import pyarrow as pa

    fields = [pa.field(n, pa.string()) for n in _STRING] + [pa.field(n, pa.int64()) for n in _INT]
    fields += [pa.field(n, pa.bool_()) for n in _BOOL]
    if resolved:
        fields += [pa.field(n, pa.string()) for n in _CORPUS + _RESOLVED]
    return pa.schema(fields)


def empty_table(resolved: bool = False) -> pa.Table:
    return schema(resolved).empty_table()


def document_table(doc: Document) -> pa.Table:
    """Every cited unit of ``doc``, one row each (a citation with no unit: one row with
    ``target`` false, so the graph still gets its node), unresolved."""
    import pyarrow as pa

    cols: dict[str, list] = {n: [] for n in _STRING + _INT + _BOOL}
    for ref in find_references(doc):
        context = doc[ref.provision_id] if ref.provision_id else None
        rows = records(ref)
        if not rows:
            _append(cols, _empty_row(ref))
            continue
        for t, rec in zip(ref.targets, rows):
            path, path_reason = _unit_path(t, context if t.document is None else None, doc if t.document is None else None)
            key = _document_key(t, ref)
            rec.update(path=path, path_reason=path_reason, target=True, doc_kind=key[0])
            if key[0] is not None:
                rec.update(doc_number=key[1], doc_draft_number=key[2], doc_type=key[3], doc_name=key[4],
                           doc_year=key[5])
            _append(cols, rec)
    return pa.table({n: cols[n] for n in schema().names}, schema=schema())


def _empty_row(ref: Reference) -> dict:
    return {"citing_provision": ref.provision_id, "start": ref.start, "end": ref.end, "text": ref.text,
            "form": ref.form, "relation": ref.relation, "relative": False, "implied": False, "target": False}


def _append(cols: dict[str, list], rec: dict) -> None:
    for name, values in cols.items():
        values.append(rec.get(name))


def with_document(table: pa.Table, doc: Document) -> pa.Table:
    """A document's table with the columns the corpus gives every row: its file and id."""
    import pyarrow as pa

    return _with_ids(table, doc.source.path, doc.id)


def _with_ids(table: pa.Table, path: str, doc_id: str) -> pa.Table:
    import pyarrow as pa

    n = table.num_rows
    table = table.append_column("file", pa.array([path] * n, pa.string()))
    return table.append_column("citing_document", pa.array([doc_id] * n, pa.string()))


#: Rows resolved at a time: their values are Python objects only while their batch is.
RESOLVE_BATCH = 65536


def resolve_table(table: pa.Table, corpus: Corpus) -> pa.Table:
    """The corpus's table (``with_document`` rows of every document) with each unit
    resolved: ``document_id``, ``resolved_id``, ``reason`` (see ``resolve.resolve_unit``).

    Memory holds columns and a few documents, never the corpus: the cited document of each
    row is found by its key (ids only), ``RESOLVE_BATCH`` rows at a time; a unit of the
    citing document is sought in it at the end of its batch (the rows come document by
    document), a unit of another document once all rows are read, each such document read
    once for all the units sought in it (a lazy corpus's documents stay on disk)."""
    import numpy as np
    import pyarrow as pa

    n = table.num_rows
    out = {name: np.full(n, None, dtype=object) for name in _RESOLVED}
    elsewhere: dict[str, list[tuple]] = {}  # cited document id -> (row, path, article) sought in it
    names = ("citing_document", "path", "path_reason", "article", "target", "doc_kind", "doc_number",
             "doc_draft_number", "doc_type", "doc_name", "doc_year", "document")
    offset = 0
    for batch in table.select(list(names)).to_batches(max_chunksize=RESOLVE_BATCH):
        col = {name: batch.column(name).to_pylist() for name in names}
        own: dict[str, list[tuple]] = {}
        for i in range(batch.num_rows):
            if col["target"][i]:
                sought = _find_cited(col, i, offset + i, corpus, out)
                if sought is not None:
                    (own if col["doc_kind"][i] is None else elsewhere).setdefault(sought[0], []).append(sought[1])
        _seek(own, corpus, out)
        offset += batch.num_rows
    _seek(elsewhere, corpus, out)
    for name in _RESOLVED:
        table = table.append_column(name, pa.array(out[name], pa.string()))
    return table


def _find_cited(col: dict[str, list], i: int, row: int, corpus: Corpus, out: dict) -> tuple | None:
    """What ``resolve_unit`` decides of row ``i`` of a batch without the cited document's
    text; when the unit must be sought in it, ``(document id, (row, path, article))``."""
    kind = col["doc_kind"][i]
    key = ((None, col["citing_document"][i]) if kind is None else
           (kind, col["doc_number"][i], col["doc_draft_number"][i], col["doc_type"][i], col["doc_name"][i],
            col["doc_year"][i], col["document"][i]))
    in_corpus, doc_id, reason = find_id_by_key(key, corpus)
    out["document_id"][row] = doc_id
    if col["path_reason"][i]:
        out["reason"][row] = col["path_reason"][i]
    elif not in_corpus:
        out["resolved_id"][row], out["reason"][row] = (doc_id if not col["path"][i] else None), reason
    else:
        return doc_id, (row, col["path"][i], col["article"][i])
    return None


def _seek(sought: dict[str, list[tuple]], corpus: Corpus, out: dict) -> None:
    for doc_id, units in sought.items():
        doc = corpus[doc_id]
        for row, path, article in units:
            out["resolved_id"][row], out["reason"][row] = unit_in(doc, path, article, corpus)


def frame(table: pa.Table):
    """The public table (``Corpus.references()``): one row per cited unit, the columns of
    ``output.RECORD_FIELDS``, Python values (``None``, never NaN) as ``references_frame``."""
    import pandas as pd
    import pyarrow.compute as pc

    table = table.filter(pc.field("target"))
    return pd.DataFrame({n: _objects(table.column(n)) for n in RECORD_FIELDS}, columns=RECORD_FIELDS, dtype=object)


def _objects(column):
    values = column.to_numpy()
    return values if values.dtype == object else values.astype(object)


def concat(tables: Iterable[pa.Table]) -> pa.Table:
    import pyarrow as pa

    return pa.concat_tables(list(tables))


def corpus_table(corpus: Corpus, *, workers: int | None = None, progress: bool | None = None,
                 columns: list[str] | None = None) -> pa.Table:
    """The resolved table of every cited unit of ``corpus`` (``Corpus.reference_table``).

    Kept in the corpus's cache twice over, as Parquet: the whole resolved table under the
    documents (ids, texts, files) and the sources register, which a warm run reads back as
    it is; and each document's unresolved table under that document alone, so that when a
    file changes only its documents are read again (on all cores, ``_pool``), the others'
    tables coming from the cache, before the corpus is resolved again."""
    from .. import _pool

    digests = corpus.document_digests()
    keys = [corpus.cache.key("doc-references", TABLE_VERSION, digest) for digest in digests]
    paths = corpus.paths()  # a lazy corpus's documents stay on disk: only their heads are read here
    ids = [h.id for h in corpus.heads()]
    parts = [TABLE_VERSION, corpus.sources.digest] + [f"{k}\0{path}" for k, path in zip(keys, paths)]

    def build() -> pa.Table:
        tables: list = [corpus.cache.get_table("doc-references", key, schema().names) for key in keys]
        missing = [i for i, t in enumerate(tables) if t is None]
        if missing:
            every = corpus.sizes()
            store = partial(_extract_and_store, cache=corpus.cache)
            found = _pool.run(store, _pool.Pairs(corpus.docs, missing, keys), workers=workers, progress=progress,
                              desc="references", sizes=[every[i] for i in missing])
            for i, table in zip(missing, found):
                tables[i] = table
        whole = (concat(_with_ids(t, path, doc_id) for t, path, doc_id in zip(tables, paths, ids))
                 if ids else _empty_with_document())
        return resolve_table(whole, corpus)

    return corpus.derived_table("references-table", parts, build, columns=columns)


def _extract_and_store(item, cache) -> pa.Table:
    """Worker: one document's table, stored in the cache under its key."""
    doc, key = item
    table = document_table(doc)
    cache.put_table("doc-references", key, table)
    return table


def _empty_with_document() -> pa.Table:
    import pyarrow as pa

    table = empty_table()
    for name in _CORPUS:
        table = table.append_column(name, pa.array([], pa.string()))
    return table
