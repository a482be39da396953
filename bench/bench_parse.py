"""Benchmark of the foundation: structure parsing throughput, peak memory, corpus cache.

    .venv/bin/python bench/bench_parse.py [--mb 50] [--write]

Every figure is measured against a baseline in the same run, because the machines are
shared and noisy; read the ratios. Inputs are the shared law excerpt (../shared/corpus),
replicated; nothing of it is written into the repository. ``--write`` replaces the
section between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
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

    one = excerpt()
    copies = max(1, int(mb * 1e6 / len(one.encode("utf-8"))) + 1)
    big = "\n\n".join([one] * copies)
    size_mb = len(big.encode("utf-8")) / 1e6

    scan = best_of(repeats, lambda: baseline_scan(big))
    # A corpus of documents: each copy parsed as its own document (the realistic case).
    sources = [Source(path=f"copy{i}.txt", text=one, normalized=one) for i in range(copies)]
    many = best_of(repeats, lambda: [parse_span(s, 0, len(one), f"doc{i}", DocumentMeta()) for i, s in enumerate(sources)])
    # The whole replicated text as one document, through the full pipeline (normalise,
    # header, split, tree). Repeated article numbers make it raise one warning per copy.
    full = best_of(repeats, lambda: parse(Source(path="big.txt", text=big)))
    return {
        "size_mb": size_mb, "copies": copies, "scan_s": scan, "many_s": many, "full_s": full,
        "many_mb_s": size_mb / many, "full_mb_s": size_mb / full,
        "many_ratio": many / scan, "full_ratio": full / scan,
    }


PEAK_CHILD = """
import resource, sys, json
sys.path.insert(0, {root!r})
text = open({path!r}, encoding='utf-8').read()
big = "\\n\\n".join([text] * {copies})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if {parse}:
    from policytrack.model import Source
    from policytrack.parse import parse
    docs = parse(Source(path="big.txt", text=big))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"before_kb": before, "after_kb": after}}))
"""


def measure_memory(copies: int) -> dict:
    path = next((SHARED / "corpus").glob("luat-bao-ve-moi-truong-2020-trich-*.txt"))
    out = {}
    for label, do_parse in (("text_only", False), ("parsed", True)):
        code = PEAK_CHILD.format(root=str(ROOT), path=str(path), copies=copies, parse=do_parse)
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        out[label] = json.loads(res.stdout.strip().splitlines()[-1])["after_kb"] / 1024
    return out


def measure_corpus(n_files: int, repeats: int) -> dict:
    from policytrack.corpus import Corpus

    one = excerpt()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        for i in range(n_files):
            (folder / f"van-ban-{i:03d}.txt").write_text(one, encoding="utf-8")
        colds, warms = [], []
        for r in range(repeats):
            cache = Path(tmp) / f"cache{r}"
            t0 = time.perf_counter()
            cold = Corpus(folder, cache_dir=cache, progress=False)
            colds.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            warm = Corpus(folder, cache_dir=cache, progress=False)
            warms.append(time.perf_counter() - t0)
            assert warm.cache_hits == n_files and len(warm) == len(cold) == n_files
    cold_s, warm_s = statistics.median(colds), statistics.median(warms)
    return {"files": n_files, "cold_s": cold_s, "warm_s": warm_s, "speedup": cold_s / warm_s}


def render(p: dict, mem: dict, c: dict, cmd: str) -> str:
    return f"""{START}
## Structure parsing (issue 2)

Command: `{cmd}` (Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}).
Input: the shared law excerpt (`../shared/corpus`) replicated {p['copies']}× = {p['size_mb']:.1f} MB.
Baseline: one `re.finditer(r"^Điều \\d+", text, re.M)` scan over the same text, same run (best of runs).

| what | time | throughput | × baseline scan |
|---|---|---|---|
| baseline: article-heading scan | {p['scan_s']:.3f} s | {p['size_mb'] / p['scan_s']:.0f} MB/s | 1.0 |
| parse as {p['copies']} documents (tree building) | {p['many_s']:.3f} s | {p['many_mb_s']:.1f} MB/s | {p['many_ratio']:.1f} |
| parse as one {p['size_mb']:.0f} MB text, full pipeline (normalise, header, split, tree) | {p['full_s']:.3f} s | {p['full_mb_s']:.1f} MB/s | {p['full_ratio']:.1f} |

Targets: within 10× of the scan and at least 10 MB/s.

Peak memory (max RSS of a child process holding the {p['size_mb']:.0f} MB text): {mem['text_only']:.0f} MiB with
the text alone, {mem['parsed']:.0f} MiB once parsed (provision texts are slices computed on demand, not copies).

Corpus load, {c['files']} files of the excerpt, median of runs: cold (parse on all cores, write cache)
{c['cold_s']:.2f} s; warm (hash + unpickle) {c['warm_s']:.3f} s = {c['warm_s'] / c['files'] * 100:.3f} s per hundred
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
    c = measure_corpus(args.files, args.repeats)
    cmd = "python bench/bench_parse.py" + (f" --mb {args.mb:g}" if args.mb != 50 else "") + " --write"
    section = render(p, mem, c, cmd)
    print(section)
    if args.write:
        target = ROOT / "BENCHMARKS.md"
        current = target.read_text(encoding="utf-8") if target.exists() else "# Benchmarks\n"
        if START in current:
            current = current[: current.index(START)] + section + current[current.index(END) + len(END):]
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        target.write_text(current, encoding="utf-8")


if __name__ == "__main__":
    main()
