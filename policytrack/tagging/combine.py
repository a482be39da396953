"""Both taggers, one table: tags carried up the tree, scored and explained."""

from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Iterable

from ..cache import Cache
from ..model import Document, Provision
from .learned import THRESHOLD, TopicModel
from .rules import RuleTagger
from .taxonomy import load_taxonomy
from .texts import _ancestors, own_spans

CONTEXT_CHARS = 300


def _model_texts(doc: Document) -> tuple[list[Provision], list[str]]:
    """Own text of each provision with its ancestors' headings and lead-ins as context."""
    text = doc.source.text
    provs, texts = [], []
    own = {p.id: text[s:e][:CONTEXT_CHARS] for p, s, e in own_spans(doc)}
    for prov, s, e in own_spans(doc):
        context = " ".join(own[a.id] for a in _ancestors(doc, prov) if a.id in own)
        provs.append(prov)
        texts.append(f"{context} {text[s:e]}".strip())
    return provs, texts


def _model_tags(doc: Document, model: TopicModel) -> dict[str, dict[str, float]]:
    provs, texts = _model_texts(doc)
    if not provs:
        return {}
    proba = model.predict_proba(texts)
    out: dict[str, dict[str, float]] = {}
    for prov, row in zip(provs, proba):
        scores = {label: float(p) for label, p in zip(model.labels, row)}
        for node in doc.ancestors(prov, include_self=True):
            current = out.setdefault(node.id, {})
            for label, p in scores.items():
                if p > current.get(label, 0.0):
                    current[label] = p
    return out


def tag(subject: Document | Iterable[Document], *, model: TopicModel | None = None,
        rules: RuleTagger | None = None, threshold: float | None = None, cache: Cache | None = None):
    """Topic tags of every provision of a document or of documents, as a DataFrame.

    Columns: ``provision_id, document_id, topic, subtopic, score, method, evidence,
    labeller, tagged_at``. ``subtopic`` is empty for a top-topic row. The tagger is the
    rule tagger (``method`` ``rule``, ``score`` 0.75): on real law the learned model added
    no recall at equal precision, so it was removed from the default (BENCHMARKS.md, issue
    15). A ``model`` you trained on your own labels is combined when given: ``model``
    (probability ≥ ``threshold``) or ``both``, the score raised to at least 0.9 when the
    rule agrees. ``evidence`` lists ``(start, end)`` spans in the source: the words found
    in the provision itself or in its article heading or a lead-in above it.

    With a ``cache`` (``Corpus.tags()`` passes the corpus's), each document's rows are
    kept under a key of its id and text and the taxonomy, so a warm run reads them instead
    of tagging again; only the default tagger is cached.
    """
    import pandas as pd

    threshold = THRESHOLD if threshold is None else threshold
    docs = [subject] if isinstance(subject, Document) else list(subject)
    cache = cache if cache is not None and model is None and rules is None else Cache(None)
    salt = cache.key("tags", load_taxonomy().digest) if cache else ""
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    rows: list[dict] = []
    for doc in docs:
        key = hashlib.sha256(f"{salt}:{doc.id}\0{doc.text}".encode("utf-8")).hexdigest() if cache else ""
        cached = cache.get("tags", key) if cache else None
        if cached is None:
            rules = rules or RuleTagger()
            cached = tag_rows(doc, rules, model, threshold, now)
            cache.put("tags", key, cached)
        rows.extend(cached)
    return pd.DataFrame(rows, columns=TAG_COLUMNS)


TAG_COLUMNS = ["provision_id", "document_id", "topic", "subtopic", "score", "method", "evidence",
               "labeller", "tagged_at"]


def tag_rows(doc: Document, rules: RuleTagger, model: TopicModel | None, threshold: float, now: str) -> list[dict]:
    """The tag rows of one document (see ``tag``)."""
    rule_tags = rules.tag_document(doc)
    model_tags = _model_tags(doc, model) if model is not None else {}
    rule_labeller = f"policytrack.rules(topics.yaml {rules.taxonomy.digest})"
    rows = []
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        found = rule_tags.get(prov.id, {})
        probs = model_tags.get(prov.id, {})
        labels = set(found) | {label for label, p in probs.items() if p >= threshold}
        for label in sorted(labels):
            by_rule = label in found
            p = probs.get(label)
            by_model = p is not None and p >= threshold
            method = "both" if by_rule and by_model else ("rule" if by_rule else "model")
            score = max(p or 0.0, 0.9 if by_model else 0.75) if by_rule else p
            topic, _, sub = label.partition(".")
            labeller = {"rule": rule_labeller, "model": model.labeller if model else "",
                        "both": f"{rule_labeller} + {model.labeller if model else ''}"}[method]
            rows.append({
                "provision_id": prov.id, "document_id": doc.id, "topic": topic, "subtopic": sub or None,
                "score": round(float(score), 4), "method": method, "evidence": sorted(set(found.get(label, []))),
                "labeller": labeller, "tagged_at": now,
            })
    return rows
