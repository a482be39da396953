"""Benchmark of the foundation: structure parsing throughput, peak memory, corpus cache.

    .venv/bin/python bench/bench_parse.py [--mb 50] [--write]

Every figure is measured against a baseline in the same run, because the machines are
shared and noisy; read the ratios. Inputs are the shared law excerpt (../shared/corpus),
replicated; nothing of it is written into the repository. ``--write`` replaces the
section between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import logging
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

START, END = "<!-- bench_parse:start -->", "<!-- bench_parse:end -->"


def excerpt() -> str:
    path = next((SHARED / "corpus").glob("luat-bao-ve-moi-truong-2020-trich-*.txt"), None)
    if path is None:
        sys.exit("bench_parse: ../shared/corpus is not present; nothing to measure")
    return path.read_text(encoding="utf-8")


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def baseline_scan(text: str) -> int:
    return sum(1 for _ in re.finditer(r"^Điều \d+", text, re.M))


def measure_parse(mb: float, repeats: int) -> dict:
    from policytrack.model import DocumentMeta, Source
    from policytrack.parse import parse, parse_span
    from policytrack.text import normalize

    one = excerpt()
    copies = max(1, int(mb * 1e6 / len(one.encode("utf-8"))) + 1)
    big = "\n\n".join([one] * copies)
    size_mb = len(big.encode("utf-8")) / 1e6

    scan = best_of(repeats, lambda: baseline_scan(big))
    # A corpus of documents: each copy is its own document (the realistic case).
    read = [Source(path=f"copy{i}.txt", text=one) for i in range(copies)]
    tree = best_of(repeats, lambda: [parse_span(s, 0, len(one), f"doc{i}", DocumentMeta()) for i, s in enumerate(read)])
    full = best_of(repeats, lambda: [parse(s) for s in read])
    norm = best_of(repeats, lambda: [normalize(one) for _ in range(copies)])
    # The whole replicated text as ONE document (a stress case: one warning per repeated
    # article), from the string to the tree.
    single = best_of(1, lambda: parse(Source(path="big.txt", text=big)))
    return {
        "size_mb": size_mb, "copies": copies, "scan_s": scan, "tree_s": tree, "full_s": full,
        "norm_s": norm, "single_s": single,
    }


PEAK_CHILD = """
import gc, json, sys
sys.path.insert(0, {root!r})

def rss_mib():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS")) / 1024

from policytrack.model import Source
from policytrack.parse import parse
text = open({path!r}, encoding="utf-8").read()
sources = [Source(path="copy%d.txt" % i, text=text + " " * (i % 7)) for i in range({copies})]
gc.collect()
before = rss_mib()
docs = [parse(s) for s in sources]
gc.collect()
after = rss_mib()
print(json.dumps({{"before": before, "after": after, "provisions": sum(len(d.provisions()) for ds in docs for d in ds)}}))
"""


def measure_memory(copies: int) -> dict:
    """Resident memory of a child process holding the texts, then also their trees."""
    path = next((SHARED / "corpus").glob("luat-bao-ve-moi-truong-2020-trich-*.txt"))
    code = PEAK_CHILD.format(root=str(ROOT), path=str(path), copies=copies)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def measure_corpus(n_files: int, repeats: int) -> dict:
    from policytrack.corpus import Corpus

    one = excerpt()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        for i in range(n_files):
            # Distinct numbers, so ids are distinct as in a real corpus (no renaming).
            (folder / f"van-ban-{i:03d}.txt").write_text(f"Số: {i + 1}/2099/QH-BENCH\n{one}", encoding="utf-8")
        colds, warms = [], []
        for r in range(repeats):
            cache = Path(tmp) / f"cache{r}"
            t0 = time.perf_counter()
            cold = Corpus.load(folder, cache_dir=cache, progress=False)
            colds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            warm = Corpus.load(folder, cache_dir=cache, progress=False)
            warms.append(time.perf_counter() - t0)
            assert warm.cache_hits == n_files and len(warm) == len(cold) == n_files
    cold_s, warm_s = statistics.median(colds), statistics.median(warms)
    return {"files": n_files, "cold_s": cold_s, "warm_s": warm_s, "speedup": cold_s / warm_s}


def render(p: dict, mem: dict, c: dict, cmd: str) -> str:
    mb, scan = p["size_mb"], p["scan_s"]

    def row(label: str, seconds: float) -> str:
        return f"| {label} | {seconds:.3f} s | {mb / seconds:.1f} MB/s | {seconds / scan:.1f} |"

    return f"""{START}
## Structure parsing (issue 2)

Command: `{cmd}` (Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}; 2-core shared machine).
Input: the shared law excerpt (`../shared/corpus`, {p['size_mb'] / p['copies'] * 1000:.0f} kB) replicated {p['copies']}× = {mb:.1f} MB.
Baseline: one `re.finditer(r"^Điều \\d+", text, re.M)` scan over the same {mb:.0f} MB, same run. Best of runs.

| what | time | throughput | × baseline |
|---|---|---|---|
| baseline: article-heading scan | {scan:.3f} s | {mb / scan:.0f} MB/s | 1.0 |
{row(f"structure parser: tree of {p['copies']} documents (`parse_span`)", p['tree_s'])}
{row("`parse()` of read sources: split + header + tree", p['full_s'])}
{row("normalisation (`text.normalize`, NFC input)", p['norm_s'])}
{row(f"stress: the {mb:.0f} MB as ONE document, string to tree", p['single_s'])}

Targets: structure parsing within 10× of the scan and at least 10 MB/s.

Memory (resident set of a child process, 50 MB of text as {p['copies']} distinct strings): {mem['before']:.0f} MiB
with the texts read, {mem['after']:.0f} MiB once all {mem['provisions']:,} provisions are built, i.e.
{(mem['after'] - mem['before']) / p['size_mb']:.1f} MiB per MB of text for the trees (provision texts are slices
computed on demand, not copies).

Corpus load, {c['files']} files of the excerpt, median of runs: cold (parse on all cores, write cache)
{c['cold_s']:.2f} s; warm (hash + unpickle) {c['warm_s']:.3f} s, i.e. {c['warm_s'] / c['files'] * 100:.2f} s per hundred
documents; warm is **{c['speedup']:.0f}×** faster than cold (target ≥ 20×).
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = ap.parse_args()
    p = measure_parse(args.mb, args.repeats)
    mem = measure_memory(p["copies"])
    logging.disable(logging.WARNING)
    c = measure_corpus(args.files, args.repeats)
    cmd = "python bench/bench_parse.py" + (f" --mb {args.mb:g}" if args.mb != 50 else "") + " --write"
    section = render(p, mem, c, cmd)
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


def update_benchmarks(section: str, start: str, end: str) -> None:
    """Replace (or append) the section between ``start`` and ``end`` in BENCHMARKS.md."""
    target = ROOT / "BENCHMARKS.md"
    current = target.read_text(encoding="utf-8") if target.exists() else "# Benchmarks\n"
    if start in current:
        current = current[: current.index(start)] + section + current[current.index(end) + len(end):]
    else:
        current = current.rstrip() + "\n\n" + section + "\n"
    target.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
