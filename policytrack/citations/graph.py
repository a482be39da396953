"""The citation graph: provisions citing provisions, documents citing documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Reference, Target
from .reading import find_references
from .resolve import _find_document, resolve

if TYPE_CHECKING:
    from ..corpus import Corpus


def citation_graph(corpus: Corpus, references: list[Reference] | None = None):
    """A ``networkx.MultiDiGraph``: provisions citing provisions (edge ``cites``) and
    documents citing documents (edge ``relation``: the stated relation or ``cites``).

    Nodes carry ``kind`` (a provision kind, ``document`` or ``external``); provision nodes
    also ``document``. Unresolved targets of a known document link to that document.
    """
    import networkx as nx

    if references is None:
        references = resolve([r for d in corpus for r in find_references(d)], corpus)
    g = nx.MultiDiGraph()
    for doc in corpus:
        g.add_node(doc.id, kind="document", title=doc.meta.title or doc.meta.subject)
    for ref in references:
        src = ref.provision_id or ref.document_id
        if src is None:
            continue
        if src not in g:
            g.add_node(src, kind="provision", document=ref.document_id)
        for t in ref.targets:
            target = t.resolved_id
            if target is None and t.document is not None:
                target = _document_node(t, corpus)
            if target is None or target == src:
                continue
            if target not in g:
                kind = "provision" if ":" in target else ("document" if target in corpus else "external")
                g.add_node(target, kind=kind, document=target.split(":", 1)[0])
            g.add_edge(src, target, relation=ref.relation or "cites", text=ref.text, start=ref.start, end=ref.end)
            cited_doc = target.split(":", 1)[0]
            if ref.document_id and cited_doc != ref.document_id:
                g.add_edge(ref.document_id, cited_doc, relation=ref.relation or "cites", text=ref.text, start=ref.start, end=ref.end)
    return g


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
        row["citations"] += 1
    out = [{**r, "relations": ", ".join(sorted(r["relations"]))} for r in rows.values()]
    return pd.DataFrame(out, columns=["document", "kind", "relations", "citations"]).sort_values(
        "citations", ascending=False, ignore_index=True)
