"""Accuracy of the citation reader against gold cases."""

from __future__ import annotations

import re

from .reading import find_references

# --- accuracy ----------------------------------------------------------------------------


def _target_key(doc: str | None, units: dict[str, str]) -> tuple:
    doc_key = re.sub(r"\s*([/:])\s*", r"\1", doc) if doc else None
    return (doc_key, tuple(sorted((k, str(v)) for k, v in units.items())))


def evaluate_references(cases: list[dict]):
    """Precision and recall of ``find_references`` per form, against gold cases.

    A case is ``{"form", "text", "refs": [{"span", "relation", "targets": [{...}]}]}`` (the
    format of ``tests/data/citations_gold.yaml``). A predicted target counts as correct
    when the same document and the same units are in the gold targets of that case;
    negatives (cases with no refs) only add false positives. Returns a DataFrame with one
    row per form and an ``all`` row; also span and relation agreement on matched targets.
    """
    from collections import Counter

    import pandas as pd

    stats: dict[str, Counter] = {}
    for case in cases:
        gold = Counter()
        gold_relations, gold_spans = {}, set()
        for ref in case.get("refs") or []:
            gold_spans.add(ref["span"])
            for t in ref["targets"]:
                units = {k: v for k, v in t.items() if k != "document"}
                key = _target_key(t.get("document"), units)
                gold[key] += 1
                gold_relations[key] = ref.get("relation")
        predicted = Counter()
        pred_relations, pred_spans = {}, set()
        for ref in find_references(case["text"]):
            pred_spans.add(ref.text)
            for t in ref.targets:
                key = _target_key(t.document.label if t.document else None, t.units())
                predicted[key] += 1
                pred_relations[key] = ref.relation
        matched = gold & predicted
        s = stats.setdefault(case["form"], Counter())
        s["gold"] += sum(gold.values())
        s["predicted"] += sum(predicted.values())
        s["correct"] += sum(matched.values())
        s["relation_ok"] += sum(n for k, n in matched.items() if gold_relations.get(k) == pred_relations.get(k))
        s["spans_gold"] += len(gold_spans)
        s["spans_ok"] += len(gold_spans & pred_spans)
    rows = []
    total = Counter()
    for form, s in sorted(stats.items()):
        total.update(s)
        rows.append({"form": form, **s})
    rows.append({"form": "all", **total})
    frame = pd.DataFrame(rows).fillna(0)
    frame["precision"] = frame["correct"] / frame["predicted"].where(frame["predicted"] > 0)
    frame["recall"] = frame["correct"] / frame["gold"].where(frame["gold"] > 0)
    frame["relation_accuracy"] = frame["relation_ok"] / frame["correct"].where(frame["correct"] > 0)
    frame["span_exact"] = frame["spans_ok"] / frame["spans_gold"].where(frame["spans_gold"] > 0)
    return frame[["form", "gold", "predicted", "correct", "precision", "recall", "relation_accuracy", "span_exact"]]
