"""The citation graph: provisions citing provisions, documents citing documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Reference, Target
from .reading import find_references
from .resolve import _find_document, resolve

if TYPE_CHECKING:
    from ..corpus import Corpus


def citation_graph(corpus: Corpus, references=None):
    """A ``networkx.MultiDiGraph``: provisions citing provisions (edge ``cites``) and
    documents citing documents (edge ``relation``: the stated relation or ``cites``).

    ``references``: resolved ``Reference`` objects, or the corpus's reference table
    (``Corpus.reference_table()``, a ``pyarrow.Table``: the same graph, read from columns);
    default: found and resolved here.
    Nodes carry ``kind`` (a provision kind, ``document`` or ``external``); provision nodes
    also ``document``. Unresolved targets of a known document link to that document.

    Provision edges are one per cited unit (``relation``, ``text``, ``start``, ``end``).
    Document edges are one per citing document, cited document and relation, keyed by the
    relation, with ``citations`` (how many cited units stand behind it) and the first
    citation's ``text``/``start``/``end``: a corpus-wide graph holds a summary between
    documents, not a second copy of every unit (issue 16: memory).
    """
    import networkx as nx

    if references is None:
        references = resolve([r for d in corpus for r in find_references(d)], corpus)
    units = _table_units(references) if hasattr(references, "column_names") else _object_units(references, corpus)
    g = nx.MultiDiGraph()
    for doc in corpus:
        g.add_node(doc.id, kind="document", title=doc.meta.title or doc.meta.subject)
    shared: dict[str, str] = {}  # one string object per document id and relation, not one per unit
    for citing_doc, src, target, relation, text, start, end in units:
        if src is None:
            continue
        citing_doc = shared.setdefault(citing_doc, citing_doc) if citing_doc else citing_doc
        if src not in g:
            g.add_node(src, kind="provision", document=citing_doc)
        if target is None or target == src:
            continue
        if target not in g:
            kind = "provision" if ":" in target else ("document" if target in corpus else "external")
            cited = target.split(":", 1)[0]
            g.add_node(target, kind=kind, document=shared.setdefault(cited, cited))
        relation = shared.setdefault(relation or "cites", relation or "cites")
        g.add_edge(src, target, relation=relation, text=text, start=start, end=end)
        cited_doc = target.split(":", 1)[0]
        cited_doc = shared.setdefault(cited_doc, cited_doc)
        if citing_doc and cited_doc != citing_doc:
            summary = g.get_edge_data(citing_doc, cited_doc, key=relation)
            if summary is None:
                g.add_edge(citing_doc, cited_doc, key=relation, relation=relation, citations=1, text=text,
                           start=start, end=end)
            else:
                summary["citations"] += 1
    return g


def _object_units(references: list[Reference], corpus: Corpus):
    """``(citing document, citing node, cited node or None, relation, text, start, end)``
    per cited unit (a reference with none: once, with no cited node)."""
    for ref in references:
        src = ref.provision_id or ref.document_id
        if not ref.targets:
            yield ref.document_id, src, None, ref.relation, ref.text, ref.start, ref.end
        for t in ref.targets:
            target = t.resolved_id
            if target is None and t.document is not None:
                target = _document_node(t, corpus)
            yield ref.document_id, src, target, ref.relation, ref.text, ref.start, ref.end


#: The columns of the reference table the graph reads (``Corpus.citation_graph`` reads only these).
TABLE_COLUMNS = ("citing_document", "citing_provision", "resolved_id", "doc_kind", "document_id", "document",
                 "relation", "text", "start", "end", "target")


def _table_units(table, batch: int = 65536):
    """The same from the columns: the cited document's id as resolved, else as written.

    Read a batch of rows at a time, and the units of one reference share its text and
    offsets (one string per reference, not per unit)."""
    last = (None, None, None, None)
    for part in table.select(list(TABLE_COLUMNS)).to_batches(max_chunksize=batch):
        cols = [part.column(i).to_pylist() for i in range(len(TABLE_COLUMNS))]
        for citing_doc, prov, resolved, kind, doc_id, label, relation, text, start, end, is_unit in zip(*cols):
            if (citing_doc, start, end) == last[:3]:
                citing_doc, start, end, text = last
            else:
                last = (citing_doc, start, end, text)
            target = resolved if is_unit else None
            if target is None and is_unit and kind is not None:
                target = doc_id or label
            yield citing_doc, prov or citing_doc, target, relation, text, start, end
        del cols


def _document_node(t: Target, corpus: Corpus) -> str | None:
    _, doc_id, _ = _find_document(t, Reference(0, 0, "", []), corpus)
    return doc_id or (t.document.label if t.document else None)


def cited_by(graph, node_id: str):
    """Who cites this provision or document: one row per citing edge."""
    import pandas as pd

    rows = [
        {"citing": src, "relation": data["relation"], "text": data["text"]}
        for src, _, data in graph.in_edges(node_id, data=True)
        if ":" in src or ":" not in node_id
    ]
    return pd.DataFrame(rows, columns=["citing", "relation", "text"])


def rests_on(graph, doc_id: str):
    """What a document cites at document level: each cited document with its relations."""
    import pandas as pd

    rows: dict[str, dict] = {}
    for _, dst, data in graph.out_edges(doc_id, data=True):
        row = rows.setdefault(dst, {"document": dst, "relations": set(), "citations": 0,
                                    "kind": graph.nodes[dst].get("kind")})
        row["relations"].add(data["relation"])
        row["citations"] += data.get("citations", 1)
    out = [{**r, "relations": ", ".join(sorted(r["relations"]))} for r in rows.values()]
    return pd.DataFrame(out, columns=["document", "kind", "relations", "citations"]).sort_values(
        "citations", ascending=False, ignore_index=True)
