"""Topic labels written by people, read back for measuring the taggers.

A labels file (format in ``tests/data/topics_real/README.md``) names, for each provision a
reader judged, the file, the provision id, the offsets of its own text and the labels. A
reader labels each provision on its *own* text; the gold of a provision is the union of
its own labels and its descendants', as the taggers carry tags upwards.

>>> labels = read_labels(["labels_A.yaml"])                              # doctest: +SKIP
>>> gold = gold_sets(labels)          # {provision id: {"discharge_control", ...}}   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..vocab import DataFileError, read_yaml
from .taxonomy import load_taxonomy


@dataclass(frozen=True)
class GoldLabel:
    """One reader's labels of one provision's own text."""

    file: str
    document_id: str
    provision_id: str
    start: int
    end: int
    labels: frozenset[str]
    labeller: str
    date: str
    source: str  # the labels file it was read from
    note: str | None = None


def read_labels(paths: Iterable[str | Path]) -> list[GoldLabel]:
    """Every label of the given files, in file order; an unknown label, a provision without
    offsets or a subtopic without its topic raises ``DataFileError`` naming the entry."""
    known = set(load_taxonomy().labels())
    out: list[GoldLabel] = []
    for path in paths:
        data = read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            raise DataFileError(path, "", "must hold labeller, date and a list of documents")
        labeller, date = str(data.get("labeller") or ""), str(data.get("date") or "")
        if not labeller or not date:
            raise DataFileError(path, "", "must name its labeller and date")
        for d, doc in enumerate(data["documents"], start=1):
            if not isinstance(doc, dict) or not doc.get("file") or not isinstance(doc.get("provisions"), dict):
                raise DataFileError(path, f"document {d}", "needs file and provisions")
            for pid, entry in doc["provisions"].items():
                where = f"{doc['file']}: {pid}"
                if not isinstance(entry, dict) or not isinstance(entry.get("start"), int) or not isinstance(entry.get("end"), int):
                    raise DataFileError(path, where, "needs integer start and end offsets")
                labels = frozenset(entry.get("labels") or [])
                unknown = labels - known
                if unknown:
                    raise DataFileError(path, where, f"unknown label(s): {', '.join(sorted(unknown))}")
                orphans = {lab for lab in labels if "." in lab and lab.split(".")[0] not in labels}
                if orphans:
                    raise DataFileError(path, where, f"subtopic without its topic: {', '.join(sorted(orphans))}")
                out.append(GoldLabel(doc["file"], str(doc.get("document_id") or pid.split(":")[0]), str(pid),
                                     entry["start"], entry["end"], labels, labeller, date, str(path), entry.get("note")))
    return out


def _ancestor_ids(pid: str) -> list[str]:
    """``doc:d5.k2.a`` → ``doc:d5.k2``, ``doc:d5`` (the path's own prefixes)."""
    doc, _, path = pid.partition(":")
    parts = path.split(".")
    return [f"{doc}:{'.'.join(parts[:i])}" for i in range(len(parts) - 1, 0, -1)]  # same file, so same key


def key(file: str, provision_id: str) -> str:
    """The gold's join key: the file and the provision's path in it (``d5.k2.a``). The
    document part of an id is the parser's reading of the header, which can change (a
    consolidated text once took its amending law's number); the file does not."""
    return f"{file}|{provision_id.partition(':')[2] or provision_id}"


def primary(labels: Iterable[GoldLabel]) -> dict[str, GoldLabel]:
    """One label per provision (by ``key``): the first reader's, in file order, where
    several read it."""
    out: dict[str, GoldLabel] = {}
    for label in labels:
        out.setdefault(key(label.file, label.provision_id), label)
    return out


def gold_sets(labels: Iterable[GoldLabel], files: Iterable[str] | None = None) -> dict[str, set[str]]:
    """``{key(file, provision id): labels}`` with descendants' labels carried up; only the
    provisions of ``files`` if given."""
    chosen = primary(labels)
    if files is not None:
        keep = set(files)
        chosen = {k: g for k, g in chosen.items() if g.file in keep}
    gold = {k: set(g.labels) for k, g in chosen.items()}
    for g in chosen.values():
        for parent in _ancestor_ids(g.provision_id):
            if key(g.file, parent) in gold:
                gold[key(g.file, parent)] |= g.labels
    return gold


def tag_files(files: Iterable[str], corpus_dir: str | Path, tagger: Callable[..., Any]):
    """The tag table of each file parsed alone, its provision ids made ``key(file, id)``.
    ``tagger(document)`` returns a tag table (``policytrack.tag`` with its options)."""
    import pandas as pd

    from ..parse import parse

    frames = []
    for name in files:
        for doc in parse(Path(corpus_dir) / name):
            tags = tagger(doc).copy()
            tags["provision_id"] = [key(name, pid) for pid in tags["provision_id"]]
            frames.append(tags)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def agreement(labels: Iterable[GoldLabel]):
    """Agreement of readers on the provisions two of them labelled (own labels, not
    carried up): per label, the count both/either and Cohen's kappa, as a DataFrame."""
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    by_pid: dict[str, list[GoldLabel]] = {}
    for label in labels:
        by_pid.setdefault(key(label.file, label.provision_id), []).append(label)
    pairs = [(ls[0], ls[1]) for ls in by_pid.values() if len(ls) >= 2 and ls[0].labeller != ls[1].labeller]
    rows = []
    if not pairs:
        return pd.DataFrame(columns=["label", "provisions", "first", "second", "both", "kappa"])
    names = sorted({lab for a, b in pairs for lab in a.labels | b.labels} | {"discharge_control", "water_resources"})
    for name in names:
        x = [name in a.labels for a, _ in pairs]
        y = [name in b.labels for _, b in pairs]
        kappa = cohen_kappa_score(x, y) if len(set(x)) > 1 or len(set(y)) > 1 else 1.0
        rows.append({"label": name, "provisions": len(pairs), "first": sum(x), "second": sum(y),
                     "both": sum(a and b for a, b in zip(x, y)), "kappa": round(float(kappa), 3)})
    return pd.DataFrame(rows)


def check_offsets(labels: Iterable[GoldLabel], corpus_dir: str | Path) -> list[str]:
    """Where a label's id or offsets no longer match the parse of its file (empty if all do)."""
    from ..parse import parse

    problems: list[str] = []
    by_file: dict[str, list[GoldLabel]] = {}
    for label in labels:
        by_file.setdefault(label.file, []).append(label)
    for name, group in by_file.items():
        path = Path(corpus_dir) / name
        if not path.exists():
            problems.append(f"{name}: file not found in {corpus_dir}")
            continue
        spans = {key(name, p.id): p.own_text_span() for d in parse(path) for p in d.root.walk() if p.kind != "document"}
        for g in group:
            k = key(name, g.provision_id)
            if k not in spans:
                problems.append(f"{name}: {g.provision_id} ({g.source}) is not a provision of the parse")
            elif tuple(spans[k]) != (g.start, g.end):
                problems.append(f"{name}: {g.provision_id} ({g.source}) has own text {spans[k]}, "
                                f"the label says {(g.start, g.end)}")
    return problems


def training_pairs(labels: Iterable[GoldLabel], doc, file: str, keep: Iterable[str] | None = None) -> list[tuple[str, set[str]]]:
    """(text the model reads, own labels) for each labelled provision of one parsed file:
    the model's training examples from people's labels."""
    from .combine import _model_texts

    chosen = primary(labels)
    keep = set(keep) if keep is not None else None
    out = []
    for prov, text in zip(*_model_texts(doc)):
        g = chosen.get(key(file, prov.id))
        if g is not None:
            out.append((text, set(g.labels) & keep if keep is not None else set(g.labels)))
    return out
