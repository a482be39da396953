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


# --- gold written on real texts (tests/data/real_gold) ------------------------------------

_UNIT_KEYS = ("part", "chapter", "section", "article", "clause", "point", "annex")


def _gold_doc_key(t: dict) -> str | None:
    from ..ids import number_key
    from ..text import match_key

    if t.get("document_number"):
        return "n:" + number_key(str(t["document_number"]))
    if t.get("document_name"):
        return "t:" + " ".join(match_key(str(t["document_name"])).split())
    return None


def _predicted_doc_key(d) -> str | None:
    from ..ids import number_key
    from ..text import match_key

    if d is None or d.kind == "this":
        return None
    if d.number:
        return "n:" + number_key(d.number)
    if d.kind == "draft":
        return f"t:dự thảo {d.draft_number}"
    return "t:" + " ".join(match_key(f"{d.doc_type or ''} {d.name or ''}").split())


def _unit_key(units: dict) -> tuple:
    return tuple((k, str(units[k])) for k in _UNIT_KEYS if units.get(k) not in (None, ""))


#: A bare reference to the citing document itself ("Luật này") names no unit: it is left
#: out of the scores on both sides (the gold writers did not all list it).
_SELF = (None, ())


def evaluate_gold(gold_files, corpus_dir, *, documents=None):
    """Precision and recall of ``find_references`` on gold written by reading real texts.

    ``gold_files``: YAML files in the format of ``tests/data/real_gold/README.md``;
    ``corpus_dir``: the folder of the texts they point into. Inside each annotated passage
    every cited unit is listed, so a predicted unit is correct when a gold unit of the
    same passage has the same document and the same numbers, and a gold unit is found when
    a prediction matches it. Documents are compared by number when one is written, else by
    type and name (case and tone marks folded); years are not compared, because the gold
    writers differed on whether the year of a date of issue belongs to a name. Returns ``(summary, misses)``: one row per form (the gold
    citation's form; a prediction matching no gold citation counts under ``unlisted``) and
    an ``all`` row, then one row per missed or spurious unit for reading.
    """
    from collections import Counter
    from pathlib import Path

    import pandas as pd
    import yaml

    from ..parse import parse

    stats: dict[str, Counter] = {}
    misses = []
    parsed = documents if documents is not None else {}
    for gold_file in gold_files:
        gold = yaml.safe_load(Path(gold_file).read_text(encoding="utf-8"))
        for entry in gold["documents"]:
            path = Path(corpus_dir) / entry["file"]
            if entry["file"] not in parsed:
                parsed[entry["file"]] = parse(path)
            docs = parsed[entry["file"]]
            predicted = [r for d in docs for r in find_references(d)]
            for passage in entry["passages"]:
                lo, hi = passage["start"], passage["end"]
                cites = passage.get("citations") or []
                gold_units = Counter()
                form_of: dict[tuple, str] = {}
                for c in cites:
                    for t in c["targets"]:
                        key = (_gold_doc_key(t), _unit_key(t))
                        if key == _SELF:
                            continue
                        gold_units[key] += 1
                        form_of.setdefault(key, c.get("form", "units"))
                pred_units = Counter()
                pred_where: dict[tuple, tuple[int, int, str]] = {}
                for ref in predicted:
                    if not (lo <= ref.start < hi):
                        continue
                    for t in ref.targets:
                        key = (_predicted_doc_key(t.document), _unit_key(t.units()))
                        if key == _SELF:
                            continue
                        pred_units[key] += 1
                        pred_where.setdefault(key, (ref.start, ref.end, ref.text))
                matched = gold_units & pred_units
                for key, n in gold_units.items():
                    s = stats.setdefault(form_of[key], Counter())
                    s["gold"] += n
                    s["found"] += matched.get(key, 0)
                    if n > matched.get(key, 0):
                        misses.append({"file": entry["file"], "passage": lo, "kind": "missed", "form": form_of[key],
                                       "document": key[0], "units": dict(key[1])})
                for key, n in pred_units.items():
                    form = form_of.get(key) or _overlapping_form(cites, pred_where[key][0], pred_where[key][1])
                    s = stats.setdefault(form, Counter())
                    s["predicted"] += n
                    s["correct"] += matched.get(key, 0)
                    if n > matched.get(key, 0):
                        start, end, text = pred_where[key]
                        misses.append({"file": entry["file"], "passage": lo, "kind": "spurious", "form": form,
                                       "document": key[0], "units": dict(key[1]), "start": start, "end": end,
                                       "text": text})
    rows, total = [], Counter()
    for form, s in sorted(stats.items()):
        total.update(s)
        rows.append({"form": form, **s})
    rows.append({"form": "all", **total})
    frame = pd.DataFrame(rows).reindex(columns=["form", "gold", "found", "predicted", "correct"]).fillna(0)
    frame["precision"] = frame["correct"] / frame["predicted"].where(frame["predicted"] > 0)
    frame["recall"] = frame["found"] / frame["gold"].where(frame["gold"] > 0)
    return frame, pd.DataFrame(misses)


def _overlapping_form(cites: list[dict], start: int, end: int) -> str:
    for c in cites:
        if c["start"] < end and start < c["end"]:
            return c.get("form", "units")
    return "unlisted"


def evaluate_structure(gold_files, corpus_dir):
    """Per gold document: the units (chapters, sections, articles, clauses, points,
    annexes) the parser finds against those a reader listed, by path and line. Returns one
    row per document with the counts and whether the two are exactly equal."""
    from pathlib import Path

    import pandas as pd
    import yaml

    from ..parse import parse

    kinds = {"part", "chapter", "section", "subsection", "article", "clause", "point", "annex"}
    rows = []
    for gold_file in gold_files:
        gold = yaml.safe_load(Path(gold_file).read_text(encoding="utf-8"))
        for entry in gold["documents"]:
            docs = parse(Path(corpus_dir) / entry["file"])
            text = docs[0].source.text
            got = {(p.path, text.count("\n", 0, p.start) + 1)
                   for d in docs for p in d.provisions() if p.kind in kinds}
            want = {(str(x["path"]), int(x["line"])) for x in entry["provisions"]}
            rows.append({"gold": Path(gold_file).name, "split": gold.get("split", "dev"), "file": entry["file"],
                         "units": len(want), "parsed": len(got), "missing": sorted(want - got)[:5],
                         "extra": sorted(got - want)[:5], "exact": got == want})
    return pd.DataFrame(rows)
