"""Benchmark of the whole corpus at scale (issue 16): each stage at several sizes, with its
peak memory, against the regex baseline in the same run.

    .venv/bin/python bench/bench_scale.py --sizes 100,500 [--write]

For each size (MB) a synthetic corpus is generated from ``../shared/real-corpus``
(``bench/synthetic.py``: documents renumbered and recombined, so no cache entry can serve
them) in a temporary folder, removed after. Each stage runs in a subprocess of its own,
so its peak resident memory (``ru_maxrss``, with the pool's workers' apart) is its own; the
package is copied first, so that edits made meanwhile in the working tree change neither
the code measured nor its cache keys. Stages, in order, sharing one cache folder:

- baseline: read every file and ``re.finditer(r"^Điều \\d+", text, re.M)`` over it;
- ``Corpus.load`` cold (empty cache) and warm;
- ``provisions()`` cold (after a warm load, no provisions entry) and warm;
- ``references()`` cold (documents warm, no reference entry) and warm;
- ``citation_graph()`` (references warm);
- ``tags()`` cold (no tag entry) and warm;
- ``link()`` of the 47 recommendations of ``recommendations.csv``, cold (no link-index
  entry; tags warm) and warm. Their target laws are not in the synthetic corpus, so the
  time is mostly the link index (built, or read back) and the searches of the
  recommendations that name no target document.

``--write`` replaces the section between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import update_benchmarks  # noqa: E402
from synthetic import REAL, generate  # noqa: E402

START, END = "<!-- bench_scale:start -->", "<!-- bench_scale:end -->"

CHILD = r"""
import json, logging, re, resource, sys, time
from pathlib import Path
sys.path.insert(0, {code!r})
logging.disable(logging.WARNING)
stage, folder, cache, lazy = {stage!r}, Path({folder!r}), Path({cache!r}), {lazy!r}

def peak_mib(who):
    return resource.getrusage(who).ru_maxrss / 1024

t0 = time.perf_counter()
if stage == "baseline":
    n = 0
    for p in sorted(folder.glob("*.txt")):
        n += sum(1 for _ in re.finditer(r"^Điều \d+", p.read_text(encoding="utf-8"), re.M))
    t = time.perf_counter() - t0
else:
    from policytrack import Corpus
    if stage.startswith("load"):
        corpus = Corpus.load(folder, cache_dir=cache, progress=False, lazy=lazy)
        t = time.perf_counter() - t0
        n = len(corpus)
    else:
        corpus = Corpus.load(folder, cache_dir=cache, progress=False, lazy=lazy)
        t0 = time.perf_counter()
        # a lazy run takes the columns (what SCALING.md tells a large corpus to use)
        if stage.startswith("provisions"):
            n = corpus.provision_table().num_rows if lazy else len(corpus.provisions())
        elif stage.startswith("tags"):
            n = corpus.tag_table().num_rows if lazy else len(corpus.tags())
        elif stage.startswith("link"):
            from policytrack import Register, link
            register = Register.load({register!r})
            t0 = time.perf_counter()
            n = len(link(register, corpus))
        elif stage.startswith("references"):
            n = corpus.reference_table().num_rows if lazy else len(corpus.references())
        elif stage == "graph":
            # the references are warm: the graph reads the columns it needs from the cache
            n = corpus.citation_graph().number_of_edges()
        t = time.perf_counter() - t0
print(json.dumps({{"seconds": t, "rows": n, "peak_mib": peak_mib(resource.RUSAGE_SELF),
                  "workers_peak_mib": peak_mib(resource.RUSAGE_CHILDREN)}}))
"""

STAGES = [
    ("baseline", "baseline: read + `^Điều \\d+` scan"),
    ("load-cold", "`Corpus.load` cold"),
    ("load-warm", "`Corpus.load` warm"),
    ("provisions", "`provisions()` DataFrame cold (documents warm)"),
    ("provisions-warm", "`provisions()` DataFrame warm"),
    ("references-cold", "`references()` cold"),
    ("references-warm", "`references()` warm"),
    ("graph", "`citation_graph()`"),
    ("tags-cold", "`tags()` cold"),
    ("tags-warm", "`tags()` warm"),
    ("link-cold", "`link()` 47 recommendations, cold"),
    ("link-warm", "`link()` 47 recommendations, warm"),
]

BEFORE = """| stage | 10 MB (200 docs) | 100 MB (2,000) | 500 MB (10,000) |
|---|---|---|---|
| `Corpus(folder)` cold | 5.2 s | 58.6 s | 207 s |
| `provisions()` DataFrame (warm) | 0.4 s | 5.0 s | 22.8 s |
| `Corpus.references()` | 10.6 s | 359 s | — |
| `citation_graph()` | 4.6 s | 160 s | — |
| `tags()` cold | 24.7 s | 108 s | 511 s |
| `link()` 47 recommendations, cold / warm | 8.3 / 2.5 s | 48 / 16 s | — |

Peak memory at 500 MB (before): `provisions()` 6.7 GiB, `tags()` 9–10 GiB, `link()` 14.7 GiB, the
report 16 GiB."""


def run_stage(stage: str, code: Path, folder: Path, cache: Path, lazy: bool) -> dict:
    script = CHILD.format(code=str(code), stage=stage, folder=str(folder), cache=str(cache), lazy=lazy,
                          register=str(ROOT / "recommendations.csv"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


#: What each stage starts from: skipped, it leaves the stage nothing to measure.
NEEDS = {"load-warm": "load-cold", "provisions": "load-cold", "references-cold": "load-cold", "tags-cold": "load-cold",
         "provisions-warm": "provisions", "references-warm": "references-cold", "graph": "references-cold",
         "tags-warm": "tags-cold", "link-cold": "tags-cold", "link-warm": "link-cold"}


def _extrapolated_gib(stage: str, mb: float, lazy: bool, done: list[dict]) -> float | None:
    """The stage's peak at ``mb``, extrapolated linearly from the largest smaller run of the
    same mode (``None`` when there is none)."""
    smaller = [r for r in done if r.get("lazy") == lazy and r["mb"] < mb and stage in r["stages"]]
    if not smaller:
        return None
    r = max(smaller, key=lambda r: r["mb"])
    s = r["stages"][stage]
    return (s["peak_mib"] + s["workers_peak_mib"]) / 1024 * mb / r["mb"]


def measure(mb: float, work: Path, code: Path, lazy: bool = False, done: list[dict] = (),
            max_gib: float = 20.0) -> dict:
    folder = work / f"corpus-{mb:g}"
    files = generate(folder, mb)
    size = sum(p.stat().st_size for p in files) / 1e6
    cache = work / f"cache-{mb:g}"
    result = {"mb": size, "files": len(files), "stages": {}, "lazy": lazy, "skipped": {}}
    for stage, _ in STAGES:
        expected = _extrapolated_gib(stage, size, lazy, list(done))
        if NEEDS.get(stage) in result["skipped"]:
            expected = max(expected or 0.0, result["skipped"][NEEDS[stage]])
        if expected is not None and (expected > max_gib or NEEDS.get(stage) in result["skipped"]):
            result["skipped"][stage] = expected
            print(f"{size:.0f} MB{' lazy' if lazy else ''} {stage}: not run, extrapolated peak {expected:.1f} GiB "
                  f"> {max_gib:g} GiB", flush=True)
            continue
        if stage == "references-cold":  # documents warm, no reference entry yet
            for entry in cache.glob("*references*"):
                entry.unlink()
        if stage == "link-cold":  # tags warm, no link index yet
            for entry in cache.glob("link-index*"):
                entry.unlink()
        r = run_stage(stage, code, folder, cache, lazy)
        result["stages"][stage] = r
        print(f"{size:.0f} MB{' lazy' if lazy else ''} {stage}: {r['seconds']:.2f} s, {r['rows']} rows, peak {r['peak_mib']:.0f} MiB "
              f"(workers {r['workers_peak_mib']:.0f} MiB)", flush=True)
    cache_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
    result["cache_mb"] = cache_mb
    shutil.rmtree(folder)
    shutil.rmtree(cache)
    return result


def render(results: list[dict], cmd: str, not_run: list[str]) -> str:
    head = "| stage | " + " | ".join(f"{r['mb']:.0f} MB ({r['files']:,} files){', lazy' if r.get('lazy') else ''}"
                                     for r in results) + " |"
    sep = "|---|" + "---|" * len(results)
    rows = []
    for stage, label in STAGES:
        cells = []
        for r in results:
            if stage in r.get("skipped", {}):
                cells.append(f"not run: peak extrapolated {r['skipped'][stage]:.1f} GiB")
                continue
            s = r["stages"][stage]
            base = r["stages"]["baseline"]["seconds"]
            ratio = "" if stage == "baseline" else f", {s['seconds'] / base:.0f}× baseline"
            rate = (f", {r['mb'] / s['seconds']:.1f} MB/s"
                    if stage in ("load-cold", "references-cold", "tags-cold") else "")
            cells.append(f"{s['seconds']:.1f} s{rate}{ratio}; peak {s['peak_mib'] / 1024:.2f} GiB")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    growth = ""
    b = results[-1]
    same_mode = [r for r in results if r.get("lazy") == b.get("lazy") and r["mb"] < b["mb"]]
    if same_mode:
        a = same_mode[0]
        k = b["mb"] / a["mb"]
        parts = [f"{label.split(' ')[0]} {b['stages'][s]['seconds'] / a['stages'][s]['seconds']:.1f}×"
                 for s, label in STAGES if s in ("load-cold", "references-cold", "references-warm", "graph", "provisions",
                                                  "tags-cold", "link-cold") and s in b["stages"] and s in a["stages"]]
        growth = "" if not parts else (f"\nFrom {a['mb']:.0f} MB to {b['mb']:.0f} MB ({k:.1f}× the text) the stages grow: "
                  + ", ".join(parts) + " (linear is " + f"{k:.1f}×).\n")
    cache = "; ".join(f"{r['mb']:.0f} MB: {r['cache_mb']:.0f} MB" for r in results)
    missing = f"\nNot run: {', '.join(not_run)}.\n" if not_run else ""
    lazy_note = ("\nA column marked *lazy* runs every stage on `Corpus.load(folder, lazy=True)`: each document stays "
                 "in the cache, the corpus holds its head (id, header, digests), and the pool's forked workers read "
                 "the documents they work on themselves; its provisions, references and tags stages take the columns "
                 "(`provision_table()`, `reference_table()`, `tag_table()`), not the DataFrames.\n") if any(r.get("lazy") for r in results) else ""
    return f"""{START}
## Scale: the whole corpus, stage by stage (issue 16)

Command: `{cmd}` (Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}; 2-core machine shared
with other engineers, so read the ratios to the baseline, timed in the same run). A synthetic
corpus generated from `../shared/real-corpus` for each size (`bench/synthetic.py`: each
document one real text's header, renumbered, and articles of two texts, renumbered, 10–100 kB;
no two files alike), in a temporary folder removed after. Each stage in its own process
(peak = its resident set, the load it starts from included; the pool's workers apart).

**After** (this branch: indexes for cited documents and articles, one worker pool for
parsing, finding references and tagging; references, provisions, tags and the link index
cached as Parquet, per document and whole):

{head}
{sep}
{chr(10).join(rows)}
{growth}{lazy_note}
Cache on disk: {cache}.
{missing}
**Before** (the issue's figures, measured on the same kind of synthetic corpus):

{BEFORE}
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,500",
                    help="MB, comma-separated (the issue's: 100,500,3000); a size ending in L runs on a lazy corpus")
    ap.add_argument("--max-gib", type=float, default=20.0,
                    help="skip a stage whose peak, extrapolated from the smaller size, would pass this (GiB)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not REAL.is_dir():
        sys.exit("bench_scale: ../shared/real-corpus is not present; nothing to measure")
    runs = [(float(s.rstrip("L")), s.endswith("L")) for s in args.sizes.split(",")]
    sizes = [mb for mb, _ in runs]
    with tempfile.TemporaryDirectory(prefix="pt-scale-") as tmp:
        work = Path(tmp)
        code = work / "code"
        shutil.copytree(ROOT / "policytrack", code / "policytrack", ignore=shutil.ignore_patterns("__pycache__"))
        results: list[dict] = []
        for mb, lazy in runs:
            results.append(measure(mb, work, code, lazy, results, args.max_gib))
    cmd = f"python bench/bench_scale.py --sizes {args.sizes} --max-gib {args.max_gib:g} --write"
    not_run = [f"{s} MB" for s in ("100", "500", "3000") if float(s) not in sizes]
    section = render(results, cmd, not_run)
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
