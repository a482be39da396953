"""Resolving cited units to provision ids of a corpus, or saying why not."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from .. import ids
from ..model import Document, Provision
from ..units import roman_to_int
from .model import Reference, Target
from .reading import find_references

if TYPE_CHECKING:
    from ..corpus import Corpus

# --- resolution ------------------------------------------------------------------------------


def _unit_path(t: Target, context: Provision | None, doc: Document | None) -> tuple[str | None, str | None]:
    """The id path of a target (``d9.k2``), or ``(None, reason)``. ``này`` and units left
    out (``khoản 2`` inside Điều 5) are taken from the provision holding the citation."""
    def contained(kind: str) -> Provision | None:
        if context is None or doc is None:
            return None
        return doc.enclosing(context, kind)

    article, clause = t.article, t.clause
    if article == "này" or (article is None and (clause or t.point) and t.document is None):
        holder = contained("article")
        if holder is None:
            return None, "relative reference outside any article"
        article = holder.number
    if clause == "này" or (clause is None and t.point and t.document is None and t.article is None):
        holder = contained("clause")
        if holder is None:
            return None, "relative reference outside any clause"
        clause = holder.number
    if article:
        path = ids.segment("article", article)
        if clause:
            path = ids.join(path, ids.segment("clause", clause))
        if t.point and t.point != "này":
            path = ids.join(path, ids.segment("point", t.point))
        return path, None
    if t.chapter:
        chapter = t.chapter
        if chapter == "này":
            holder = contained("chapter")
            chapter = holder.number if holder else None
        if not chapter or not (chapter.isdigit() or roman_to_int(chapter)):
            return None, "chapter number not understood"
        path = ids.segment("chapter", chapter)
        return (ids.join(path, ids.segment("section", t.section)) if t.section else path), None
    if t.section:
        holder = contained("chapter")
        if holder is None:
            return None, "section cited without its chapter"
        return ids.join(holder.path, ids.segment("section", t.section)), None
    if t.annex:
        return ids.segment("annex", t.annex), None
    if t.part:
        return ids.segment("part", t.part), None
    return "", None


def _find_document(t: Target, ref: Reference, corpus: Corpus) -> tuple[Document | None, str | None, str | None]:
    """The cited document in the corpus, its id (even when not loaded), or a reason.

    Looked up once per cited document and corpus (``_lookups``): a corpus cites the same
    few thousand documents over and over, so resolution is linear in its size."""
    return find_by_key(_document_key(t, ref), corpus)


def _document_key(t: Target, ref: Reference) -> tuple:
    """Everything the lookup reads of a target: the citing document for units of its own,
    else the cited document's kind, number, draft number, type, name, year and label."""
    d = t.document
    if d is None:
        return (None, ref.document_id)
    return (d.kind, d.number, d.draft_number, d.doc_type, d.name, d.year, d.label)


@dataclass(frozen=True)
class _Cited:
    """A cited document as a key gives it (what ``_look_up_document`` reads of a ``DocRef``)."""

    kind: str
    number: str | None
    draft_number: str | None
    doc_type: str | None
    name: str | None
    year: int | None
    label: str | None


def find_by_key(key: tuple, corpus: Corpus) -> tuple[Document | None, str | None, str | None]:
    """``_find_document`` for a key of ``_document_key`` (the reference table's columns
    give the same keys as the objects, so both ways share one lookup per document)."""
    in_corpus, doc_id, reason = find_id_by_key(key, corpus)
    return (corpus[doc_id] if in_corpus else None), doc_id, reason


def find_id_by_key(key: tuple, corpus: Corpus) -> tuple[bool, str | None, str | None]:
    """``(in_corpus, document_id, reason)`` of the document a key cites, looked up once per
    key and corpus. Only ids are remembered, never documents: a lazy corpus keeps its
    documents on disk, and a memo of them would hold every cited one in memory."""
    memo = _lookups(corpus).documents
    found = memo.get(key)
    if found is None:
        if key[0] is None:
            doc, doc_id, reason = _look_up_document(Target(), Reference(0, 0, "", [], document_id=key[1]), corpus)
        else:
            doc, doc_id, reason = _look_up_document(Target(document=_Cited(*key)), Reference(0, 0, "", []), corpus)
        found = memo[key] = (doc is not None, doc_id, reason)
    return found


class _Lookups:
    """What resolution remembers of one corpus: the id of each cited document as found (or
    why not), and each document's articles (for the reason a unit is missing)."""

    def __init__(self) -> None:
        self.documents: dict[tuple, tuple[bool, str | None, str | None]] = {}
        self.articles: dict[str, tuple[int | None, set[str]]] = {}


_LOOKUPS: WeakKeyDictionary = WeakKeyDictionary()


def _lookups(corpus: Corpus) -> _Lookups:
    """The lookups of ``corpus`` (a corpus's documents do not change once it is built)."""
    try:
        found = _LOOKUPS.get(corpus)
    except TypeError:  # not weakly referenceable: remembered for this call only
        return _Lookups()
    if found is None:
        found = _LOOKUPS[corpus] = _Lookups()
    return found


def _look_up_document(t: Target, ref: Reference, corpus: Corpus) -> tuple[Document | None, str | None, str | None]:
    if t.document is None:
        if ref.document_id and ref.document_id in corpus:
            return corpus[ref.document_id], ref.document_id, None
        return None, None, "citing document unknown"
    d = t.document
    sources = corpus.sources
    if d.kind == "draft":
        drafts = corpus.drafts(d.draft_number)
        if len(drafts) == 1:
            return drafts[0], drafts[0].id, None
        return None, None, (f"{len(drafts)} drafts numbered {d.draft_number} in the corpus" if drafts
                            else f"no draft numbered {d.draft_number} in the corpus")
    if d.number:
        doc = corpus.by_number(d.number)
        if doc is not None:
            return doc, doc.id, None
        entry = sources.by_number(d.number)
        if entry:
            return None, entry.doc_id, f"document {entry.doc_id} is listed in sources.csv but its text is not in the corpus"
        return None, None, f"document {d.number} is neither in the corpus nor in sources.csv"
    entry = sources.find_by_title(d.doc_type, d.name, d.year)
    if entry is None:
        doc = corpus.by_title(d.doc_type, d.name)
        if doc is not None:
            return doc, doc.id, None
        return None, None, f"no single document named {d.label!r} in sources.csv or in the corpus"
    if entry.doc_id in corpus:
        return corpus[entry.doc_id], entry.doc_id, None
    return None, entry.doc_id, f"document {entry.doc_id} is listed in sources.csv but its text is not in the corpus"


def resolve(references: list[Reference], corpus: Corpus) -> list[Reference]:
    """Fill ``resolved_id`` (or ``reason``) of every target, in place; returns the list.

    ``corpus`` is a ``Corpus`` (``policytrack.corpus``): documents by id, by number and
    by draft number, and the sources register. A document that is known but not loaded
    resolves to its document id with a reason, so the graph still links documents.
    """
    for ref in references:
        citing = corpus[ref.document_id] if ref.document_id and ref.document_id in corpus else None
        context = citing[ref.provision_id] if citing is not None and ref.provision_id else None
        for t in ref.targets:
            path, path_reason = _unit_path(t, context if t.document is None else None, citing if t.document is None else None)
            key = _document_key(t, ref)
            t.document_id, t.resolved_id, t.reason = resolve_unit(key, path, path_reason, t.article, corpus)
    return references


def resolve_unit(key: tuple, path: str | None, path_reason: str | None, article: str | None,
                 corpus: Corpus) -> tuple[str | None, str | None, str | None]:
    """``(document_id, resolved_id, reason)`` of one cited unit: the cited document by its
    key (``_document_key``), the unit by its path in it (``_unit_path``)."""
    doc, doc_id, reason = find_by_key(key, corpus)
    if path_reason:
        return doc_id, None, path_reason
    if doc is None:
        return doc_id, (doc_id if not path else None), reason
    return (doc_id, *unit_in(doc, path, article, corpus))


def unit_in(doc: Document, path: str | None, article: str | None, corpus: Corpus | None) -> tuple[str | None, str | None]:
    """``(resolved_id, reason)`` of the unit at ``path`` of a document the corpus holds."""
    wanted = f"{doc.id}:{path}" if path else doc.id
    if wanted in doc:
        return wanted, None
    return None, _missing_reason(doc, article, path, corpus)


def _missing_reason(doc: Document, article: str | None, path: str, corpus: Corpus | None = None) -> str:
    last, paths = _articles(doc, corpus)
    if article and article[0].isdigit() and last is not None and int(re.match(r"\d+", article).group()) > last:
        return f"Điều {article} is beyond the document's last article (Điều {last})"
    if article and f"d{article}" not in paths:
        return f"Điều {article} is not in the text the corpus holds for {doc.id} (an excerpt?)"
    return f"{path} not found in {doc.id}"


def _articles(doc: Document, corpus: Corpus | None) -> tuple[int | None, set[str]]:
    """The document's last article number (``None`` without numbered articles) and the paths
    of its articles; computed once per document of the corpus."""
    memo = _lookups(corpus).articles if corpus is not None else {}
    known = memo.get(doc.id)
    if known is None:
        articles = doc.provisions("article")
        numbers = [int(re.match(r"\d+", p.number).group()) for p in articles if p.number and p.number[0].isdigit()]
        known = memo[doc.id] = (max(numbers) if numbers else None, {p.path for p in articles})
    return known


def corpus_references(corpus: Corpus) -> list[Reference]:
    """Every reference of every document of ``corpus``, resolved against it; computed once
    per corpus content and sources register, and kept in the corpus's cache."""
    return corpus.derived(
        "references", [corpus.content_digest(), corpus.sources.digest],
        lambda: resolve([r for d in corpus for r in find_references(d)], corpus))
