"""Accuracy of the tags against gold labels, and agreement of the two taggers."""

from __future__ import annotations

from .taxonomy import TOPICS


def evaluate(tags, gold: dict[str, set[str]]):
    """Per-label precision, recall and F1 of a tag table against gold labels, and the
    agreement (Cohen's kappa) of the rule and model taggers on each top topic.

    ``gold`` maps provision id → set of labels (``discharge_control``,
    ``water_resources.groundwater``...); only provisions in ``gold`` are scored.
    Returns a DataFrame with one row per label (``method`` ``combined``, ``rule``, ``model``).
    """
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    tags = tags[tags["provision_id"].isin(list(gold))]
    ids = sorted(gold)
    predicted = {m: {} for m in ("combined", "rule", "model")}
    for row in tags.itertuples():
        label = row.topic if pd.isna(row.subtopic) or not row.subtopic else f"{row.topic}.{row.subtopic}"
        predicted["combined"].setdefault(row.provision_id, set()).add(label)
        if row.method in ("rule", "both"):
            predicted["rule"].setdefault(row.provision_id, set()).add(label)
        if row.method in ("model", "both"):
            predicted["model"].setdefault(row.provision_id, set()).add(label)
    labels = sorted({label for labels in gold.values() for label in labels} | set(TOPICS))
    out = []
    for method, pred in predicted.items():
        for label in labels:
            tp = sum(1 for i in ids if label in gold[i] and label in pred.get(i, ()))
            fp = sum(1 for i in ids if label not in gold[i] and label in pred.get(i, ()))
            fn = sum(1 for i in ids if label in gold[i] and label not in pred.get(i, ()))
            precision = tp / (tp + fp) if tp + fp else float("nan")
            recall = tp / (tp + fn) if tp + fn else float("nan")
            f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if fp + fn else float("nan"))
            kappa = float("nan")
            if method == "combined" and label in TOPICS:
                a = [label in predicted["rule"].get(i, ()) for i in ids]
                b = [label in predicted["model"].get(i, ()) for i in ids]
                kappa = cohen_kappa_score(a, b) if len(set(a)) > 1 or len(set(b)) > 1 else 1.0
            out.append({"method": method, "label": label, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn,
                        "precision": precision, "recall": recall, "f1": f1, "kappa_rule_model": kappa})
    return pd.DataFrame(out)
