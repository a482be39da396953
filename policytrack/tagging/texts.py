"""What a tagger reads of a provision: its own text, and its ancestors for context."""

from __future__ import annotations

from bisect import bisect_right

from ..model import Document, Provision


def own_spans(doc: Document) -> list[tuple[Provision, int, int]]:
    """Each provision (root excluded) with the span of its own text, in document order."""
    return [(p, *p.own_text_span()) for p in doc.root.walk() if p.kind != "document"]


def _ancestors(doc: Document, prov: Provision) -> list[Provision]:
    """The provisions containing ``prov``, outermost first."""
    return list(doc.ancestors(prov))[::-1]


def _normalised_bounds(doc: Document) -> tuple[int, int]:
    src = doc.source
    if src.offsets is None:
        return doc.start, doc.end
    return bisect_right(src.offsets, doc.start - 1), bisect_right(src.offsets, doc.end - 1)
