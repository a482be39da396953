"""Benchmark of the citation layer: accuracy per form on the gold set, and speed.

    .venv/bin/python bench/bench_references.py [--mb 50] [--write]

Accuracy: ``tests/data/citations_gold.yaml`` (sentences written for the tests, ≥ 300
citation occurrences, negatives included). Speed: ``find_references`` over the shared law
excerpt replicated to 50 MB, against the single-regex baseline of the foundation
benchmark (one ``re.finditer`` for article headings) over the same text, same run.
``--write`` replaces the section between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import baseline_scan, best_of, excerpt, update_benchmarks  # noqa: E402

START, END = "<!-- bench_references:start -->", "<!-- bench_references:end -->"


def accuracy():
    from policytrack.citations import evaluate_references

    cases = yaml.safe_load((ROOT / "tests" / "data" / "citations_gold.yaml").read_text(encoding="utf-8"))
    return evaluate_references(cases)


def speed(mb: float, repeats: int) -> dict:
    from policytrack.model import Source
    from policytrack.citations import find_references

    one = excerpt()
    copies = max(1, int(mb * 1e6 / len(one.encode("utf-8"))) + 1)
    big = "\n\n".join([one] * copies)
    size_mb = len(big.encode("utf-8")) / 1e6
    source = Source(path="big.txt", text=big)
    scan = best_of(repeats, lambda: baseline_scan(big))
    found = []
    extract = best_of(repeats, lambda: found.append(len(find_references(source))))
    return {"size_mb": size_mb, "copies": copies, "scan_s": scan, "extract_s": extract, "refs": found[-1]}


def render(acc, sp: dict, cmd: str) -> str:
    rows = "\n".join(
        f"| {r.form} | {int(r.gold)} | {int(r.predicted)} | {int(r.correct)} | "
        f"{'' if r.precision != r.precision else f'{r.precision:.3f}'} | "
        f"{'' if r.recall != r.recall else f'{r.recall:.3f}'} | "
        f"{'' if r.span_exact != r.span_exact else f'{r.span_exact:.3f}'} |"
        for r in acc.itertuples()
    )
    mb = sp["size_mb"]
    return f"""{START}
## Citations (issue 3)

Command: `{cmd}` (Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}).

Accuracy on the gold set (`tests/data/citations_gold.yaml`, written for the tests; a predicted
target is correct when its document and units equal a gold target of the same sentence;
`negative` sentences contain only look-alikes such as *điều kiện*, *khoản tiền*, *pháp luật
về tài nguyên nước*). Target: precision ≥ 0.97 and recall ≥ 0.95 over all forms.

| form | gold targets | predicted | correct | precision | recall | exact spans |
|---|---|---|---|---|---|---|
{rows}

Speed: `find_references` over the shared law excerpt replicated {sp['copies']}× = {mb:.1f} MB
({sp['refs']:,} references), best of runs, against the foundation baseline (one
`re.finditer(r"^Điều \\\\d+", text, re.M)`) over the same text in the same run.

| what | time | throughput | × baseline |
|---|---|---|---|
| baseline scan | {sp['scan_s']:.3f} s | {mb / sp['scan_s']:.0f} MB/s | 1.0 |
| `find_references` | {sp['extract_s']:.3f} s | {mb / sp['extract_s']:.1f} MB/s | {sp['extract_s'] / sp['scan_s']:.1f} |

Target: at least 5 MB/s.
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    section = render(accuracy(), speed(args.mb, args.repeats), "python bench/bench_references.py --write")
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
