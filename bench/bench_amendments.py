"""Amendment events of consolidated texts (VBHN) against the gold written by reading.

    .venv/bin/python bench/bench_amendments.py [--write]

1. Per field, on the development part and on the test part of
   `tests/data/amendments_gold/` apart (`split.yaml`; a gold file it does not list is
   reported as "unsplit"): the share of gold footnote events whose anchor provision,
   operation, source document, source unit, effective date (and, for phrase replacements,
   old and new wording) the reader gives exactly. A footnote the reader gives no event
   for counts as wrong in every field. Events are matched by footnote number.
2. Over every VBHN of `../shared/real-corpus`: the share of footnotes read into an event,
   and the reasons of the rest; the operations read.

The reader was developed on the development part only; the test part is scored, never
looked at while choosing rules. ``--write`` replaces the section between the markers in
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import collections
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-corpus"
GOLD = ROOT / "tests" / "data" / "amendments_gold"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import update_benchmarks  # noqa: E402

START, END = "<!-- bench_amendments:start -->", "<!-- bench_amendments:end -->"
FIELDS = ("anchor", "operation", "source_document", "source_unit", "effective_date")
EXTRA = ("old_text", "new_text")


def unit_paths(words: str | None) -> frozenset[str]:
    """The paths a gold ``source_unit`` names (``khoản 1 Điều 16, các khoản 1, 2 Điều 17``
    → d16.k1, d17.k1, d17.k2), read by the citation grammar."""
    from policytrack.amendments import _target_path
    from policytrack.citations import find_references

    if not words:
        return frozenset()
    # "theo" before it, so that a bare "Điều 5" is read as a citation, not as a heading
    paths = {_target_path(t) for r in find_references("theo " + words) for t in r.targets}
    return frozenset(p for p in paths if p)


def load_gold():
    """``{split: [gold file data]}`` with each file's text."""
    from policytrack.vocab import read_yaml

    split = read_yaml(GOLD / "split.yaml") if (GOLD / "split.yaml").is_file() else {}
    where = {}
    for name in ("dev", "test"):
        for entry in (split or {}).get(name) or []:
            where[Path(str(entry)).stem] = name
    out: dict[str, list[dict]] = collections.defaultdict(list)
    for path in sorted(GOLD.glob("*.yaml")):
        if path.name == "split.yaml":
            continue
        data = read_yaml(path)
        if not isinstance(data, dict) or "events" not in data:
            continue
        data["_gold"] = path.name
        out[where.get(path.stem, where.get(path.name, "unsplit"))].append(data)
    return out


def _same_number(a, b) -> bool:
    from policytrack.ids import number_key

    if not a or not b:
        return not a and not b
    return number_key(str(a)) == number_key(str(b))


def score_file(gold: dict, history_of) -> tuple[collections.Counter, int, list[str]]:
    """Correct counts per field for one gold file, the number of gold events, and the
    mismatches (for reading)."""
    path = REAL / gold["file"]
    hist, text = history_of(path)
    by_note = {(e.footnote, e.note): e for e in hist.events}
    by_number = {}
    for e in hist.events:
        by_number.setdefault(e.footnote, e)
    right: collections.Counter = collections.Counter()
    misses = []
    events = gold.get("events") or []
    for g in events:
        e = by_note.get((g["footnote"], g.get("note"))) or by_number.get(g["footnote"])
        if e is None:
            misses.append(f"{gold['file']} [{g['footnote']}]: no event")
            continue
        checks = {
            "anchor": e.path == (g.get("anchor") or ""),
            "operation": e.operation == g.get("operation"),
            "source_document": _same_number(e.source_document, g.get("source_document")),
            "source_unit": frozenset(e.source_units) == unit_paths(g.get("source_unit")),
            # the date the footnote itself gives (the gold's convention), not the preamble's
            "effective_date": (e.effective_date if e.effective_from == "footnote" else None)
            == (g.get("effective_date") or None),
        }
        for key, span in (("old_text", "old_span"), ("new_text", "new_span")):
            want = text[g[span][0]:g[span][1]] if g.get(span) else None
            checks[key] = " ".join((getattr(e, key) or "").split()) == " ".join((want or "").split())
        for k, ok in checks.items():
            right[k] += ok
            if not ok and k in FIELDS:
                misses.append(f"{gold['file']} [{g['footnote']}] {k}: read {_shown(e, k)!r}, gold "
                              f"{g.get('anchor' if k == 'anchor' else k)!r}")
    return right, len(events), misses


def _shown(e, field: str):
    return {"anchor": e.path, "source_unit": ", ".join(e.source_units)}.get(field, getattr(e, field, None))


def coverage(history_of):
    """Over every VBHN: footnotes, events, reasons of the footnotes not read, operations."""
    files = sorted(p for p in REAL.glob("*.txt") if "VBHN" in p.name)
    totals = collections.Counter()
    reasons = collections.Counter()
    operations = collections.Counter()
    no_notes = []
    for path in files:
        hist, _ = history_of(path)
        totals["files"] += 1
        totals["footnotes"] += hist.footnotes
        totals["events"] += len(hist.events)
        totals["with_base"] += hist.base is not None
        totals["amending"] += len(hist.amending)
        if hist.footnotes == 0:
            no_notes.append(path.name)
        for _note, why in hist.unread:
            reasons[why] += 1
        for e in hist.events:
            operations[e.operation] += 1
            totals["dated"] += e.effective_date is not None
            totals["sourced"] += e.source_document is not None
    return totals, reasons, operations, no_notes


def render(scores, cov, seconds: float, command: str) -> str:
    totals, reasons, operations, no_notes = cov
    rows = []
    for split in ("dev", "test", "unsplit"):
        if split not in scores:
            continue
        right, n, files = scores[split]
        cells = " | ".join(f"{right[f] / n:.3f}" if n else "—" for f in (*FIELDS, *EXTRA))
        rows.append(f"| {split} | {files} | {n} | {cells} |")
    reason_rows = "\n".join(f"| {why} | {k} |" for why, k in reasons.most_common()) or "| (none) | 0 |"
    op_rows = ", ".join(f"{op} {k:,}" for op, k in operations.most_common())
    share = totals["events"] / max(totals["footnotes"], 1)
    return f"""{START}
## Amendment history of consolidated texts

`{command}` ({seconds:.0f} s). The footnotes of the consolidated texts (VBHN) of
`../shared/real-corpus`, read by `policytrack.amendments` (`data/amendments.yaml`), against the
gold written by reading (`tests/data/amendments_gold/`, events stored as file + offsets). Share of
the gold events whose field the reader gives exactly (a footnote read into no event is wrong in
every field); the rules were chosen on the development part only. Targets: every field ≥ 0.95.

| part | files | events | anchor | operation | source document | source unit | effective date | old text | new text |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows) or '| (no gold yet) | 0 | 0 | — | — | — | — | — | — | — |'}

Over all {totals['files']} VBHN: {totals['footnotes']:,} footnotes, {totals['events']:,} read into an event
({share:.1%}); {totals['sourced']:,} events name their source document and {totals['dated']:,} an
effective date. The preamble's base document is read in {totals['with_base']} texts, with
{totals['amending']} amending documents. Operations: {op_rows}.
{len(no_notes)} VBHN carry no footnote: {', '.join(no_notes) or '—'}.

The footnotes not read into an event:

| reason | footnotes |
|---|---|
{reason_rows}
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--misses", choices=["dev", "test", "unsplit"], help="print the mismatches of one part")
    args = ap.parse_args()
    if not REAL.is_dir():
        raise SystemExit(f"{REAL} is not present")
    logging.disable(logging.WARNING)
    from policytrack.amendments import read_history
    from policytrack.parse import parse

    known: dict[Path, tuple] = {}

    def history_of(path: Path):
        if path not in known:
            [doc, *_] = parse(path)
            known[path] = (read_history(doc), doc.source.text)
        return known[path]

    t0 = time.perf_counter()
    scores = {}
    for split, golds in load_gold().items():
        right: collections.Counter = collections.Counter()
        n = 0
        misses = []
        for gold in golds:
            r, k, m = score_file(gold, history_of)
            right.update(r)
            n += k
            misses.extend(m)
        scores[split] = (right, n, len(golds))
        if args.misses == split:
            print("\n".join(misses))
    cov = coverage(history_of)
    section = render(scores, cov, time.perf_counter() - t0, "python bench/bench_amendments.py --write")
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
