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
stage, folder, cache = {stage!r}, Path({folder!r}), Path({cache!r})

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
        corpus = Corpus.load(folder, cache_dir=cache, progress=False)
        t = time.perf_counter() - t0
        n = len(corpus)
    else:
        corpus = Corpus.load(folder, cache_dir=cache, progress=False)
        t0 = time.perf_counter()
        if stage.startswith("provisions"):
            n = len(corpus.provisions())
        elif stage.startswith("tags"):
            n = len(corpus.tags())
        elif stage.startswith("link"):
            from policytrack import Register, link
            register = Register.load({register!r})
            t0 = time.perf_counter()
            n = len(link(register, corpus))
        elif stage.startswith("references"):
            n = len(corpus.references())
        elif stage == "graph":
            corpus.references()
            t0 = time.perf_counter()
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


def run_stage(stage: str, code: Path, folder: Path, cache: Path) -> dict:
    script = CHILD.format(code=str(code), stage=stage, folder=str(folder), cache=str(cache),
                          register=str(ROOT / "recommendations.csv"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(mb: float, work: Path, code: Path) -> dict:
    folder = work / f"corpus-{mb:g}"
    files = generate(folder, mb)
    size = sum(p.stat().st_size for p in files) / 1e6
    cache = work / f"cache-{mb:g}"
    result = {"mb": size, "files": len(files), "stages": {}}
    for stage, _ in STAGES:
        if stage == "references-cold":  # documents warm, no reference entry yet
            for entry in cache.glob("*references*"):
                entry.unlink()
        if stage == "link-cold":  # tags warm, no link index yet
            for entry in cache.glob("link-index*"):
                entry.unlink()
        r = run_stage(stage, code, folder, cache)
        result["stages"][stage] = r
        print(f"{size:.0f} MB {stage}: {r['seconds']:.2f} s, {r['rows']} rows, peak {r['peak_mib']:.0f} MiB "
              f"(workers {r['workers_peak_mib']:.0f} MiB)", flush=True)
    cache_mb = sum(p.stat().st_size for p in cache.iterdir()) / 1e6
    result["cache_mb"] = cache_mb
    shutil.rmtree(folder)
    shutil.rmtree(cache)
    return result


def render(results: list[dict], cmd: str, not_run: list[str]) -> str:
    head = "| stage | " + " | ".join(f"{r['mb']:.0f} MB ({r['files']:,} files)" for r in results) + " |"
    sep = "|---|" + "---|" * len(results)
    rows = []
    for stage, label in STAGES:
        cells = []
        for r in results:
            s = r["stages"][stage]
            base = r["stages"]["baseline"]["seconds"]
            ratio = "" if stage == "baseline" else f", {s['seconds'] / base:.0f}× baseline"
            rate = (f", {r['mb'] / s['seconds']:.1f} MB/s"
                    if stage in ("load-cold", "references-cold", "tags-cold") else "")
            cells.append(f"{s['seconds']:.1f} s{rate}{ratio}; peak {s['peak_mib'] / 1024:.2f} GiB")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    growth = ""
    if len(results) > 1:
        a, b = results[0], results[-1]
        k = b["mb"] / a["mb"]
        parts = [f"{label.split(' ')[0]} {b['stages'][s]['seconds'] / a['stages'][s]['seconds']:.1f}×"
                 for s, label in STAGES if s in ("load-cold", "references-cold", "references-warm", "graph", "provisions",
                                                  "tags-cold", "link-cold")]
        growth = (f"\nFrom {a['mb']:.0f} MB to {b['mb']:.0f} MB ({k:.1f}× the text) the stages grow: "
                  + ", ".join(parts) + " (linear is " + f"{k:.1f}×).\n")
    cache = "; ".join(f"{r['mb']:.0f} MB: {r['cache_mb']:.0f} MB" for r in results)
    missing = f"\nNot run: {', '.join(not_run)}.\n" if not_run else ""
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
{growth}
Cache on disk: {cache}.
{missing}
**Before** (the issue's figures, measured on the same kind of synthetic corpus):

{BEFORE}
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,500", help="MB, comma-separated (the issue's: 100,500,3000)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not REAL.is_dir():
        sys.exit("bench_scale: ../shared/real-corpus is not present; nothing to measure")
    sizes = [float(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="pt-scale-") as tmp:
        work = Path(tmp)
        code = work / "code"
        shutil.copytree(ROOT / "policytrack", code / "policytrack", ignore=shutil.ignore_patterns("__pycache__"))
        results = [measure(mb, work, code) for mb in sizes]
    cmd = f"python bench/bench_scale.py --sizes {args.sizes} --write"
    not_run = [f"{s} MB" for s in ("100", "500", "3000") if float(s) not in sizes]
    section = render(results, cmd, not_run)
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
