"""The main job (``make demo``) on a fresh clone, cold and warm (issue 16: under 15 s cold,
under 10 s warm on the shipped repository).

    .venv/bin/python bench/bench_main_job.py [--baseline COMMIT] [--rounds 2] [--write]

Each round clones this repository (``git clone``: committed files only) into a temporary
folder, and runs ``policytrack report --register recommendations.csv --corpus corpus --out
reports`` there with this virtualenv's Python (nothing reinstalled): first with an empty
cache (``POLICYTRACK_CACHE`` a new folder: cold, as on a user's first run), then again
(warm). With ``--baseline``, the same for that commit, interleaved round by round, so both
see the same load on a shared machine. Reported: the median wall time of the rounds, the
peak resident memory (``/usr/bin/time``'s maximum RSS, the pool's workers apart), the
machine's load average, and whether the warm run kept ``provisions.csv`` as it was.
``--write`` replaces the section between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import update_benchmarks  # noqa: E402

START, END = "<!-- bench_main_job:start -->", "<!-- bench_main_job:end -->"
JOB = ["-m", "policytrack.cli", "report", "--register", "recommendations.csv", "--corpus", "corpus", "--out", "reports"]


def clone(commit: str, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(ROOT), str(where)], check=True)
    subprocess.run(["git", "-C", str(where), "checkout", "-q", commit], check=True)
    return where


def run_job(folder: Path, cache: Path) -> dict:
    env = {**os.environ, "POLICYTRACK_CACHE": str(cache), "PYTHONDONTWRITEBYTECODE": "1"}
    csv = folder / "reports" / "provisions.csv"
    before = csv.stat().st_mtime_ns if csv.exists() else None
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb=%M", sys.executable, *JOB], cwd=folder, env=env,
                         capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"the main job failed in {folder}:\n{out.stderr[-2000:]}")
    rss = int(re.findall(r"maxrss_kb=(\d+)", out.stderr)[-1])
    kept = before is not None and csv.stat().st_mtime_ns == before
    return {"seconds": seconds, "peak_mib": rss / 1024, "kept_csv": kept, "load": os.getloadavg()[0]}


def measure(commit: str, work: Path, label: str, i: int) -> dict:
    folder = clone(commit, work / f"{label}-{i}")
    cache = work / f"cache-{label}-{i}"
    cold = run_job(folder, cache)
    warm = run_job(folder, cache)
    shutil.rmtree(folder)
    shutil.rmtree(cache)
    print(f"{label} round {i}: cold {cold['seconds']:.1f} s, warm {warm['seconds']:.1f} s "
          f"(peak {cold['peak_mib']:.0f} / {warm['peak_mib']:.0f} MiB, load {cold['load']:.1f}/{warm['load']:.1f}, "
          f"provisions.csv kept: {warm['kept_csv']})", flush=True)
    return {"cold": cold, "warm": warm}


def summary(rounds: list[dict]) -> dict:
    return {run: {"seconds": statistics.median(r[run]["seconds"] for r in rounds),
                  "peak_mib": max(r[run]["peak_mib"] for r in rounds),
                  "kept_csv": all(r[run]["kept_csv"] for r in rounds)} for run in ("cold", "warm")}


def render(results: dict[str, dict], cmd: str, rounds: int, loads: list[float]) -> str:
    rows = []
    for label, (commit, s) in results.items():
        rows.append(f"| {label} (`{commit[:7]}`) | {s['cold']['seconds']:.1f} s; peak {s['cold']['peak_mib']:.0f} MiB "
                    f"| {s['warm']['seconds']:.1f} s; peak {s['warm']['peak_mib']:.0f} MiB "
                    f"| {'kept' if s['warm']['kept_csv'] else 'rewritten'} |")
    ratio = ""
    if len(results) == 2:
        (_, (_, a)), (_, (_, b)) = results.items()
        ratio = (f"\nAfter / before: cold {b['cold']['seconds'] / a['cold']['seconds']:.2f}×, warm "
                 f"{b['warm']['seconds'] / a['warm']['seconds']:.2f}×.\n")
    return f"""{START}
## The main job on a fresh clone (issue 16)

Command: `{cmd}` (Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}). Each round: `git clone`
of the repository, then `policytrack report --register recommendations.csv --corpus corpus --out reports`
(what `make demo` runs) with an empty cache (cold), then again (warm); the median of {rounds} rounds, the
baseline and this branch interleaved. The machine's load average during the runs: {min(loads):.1f}–{max(loads):.1f}
on 2 cores (other engineers' jobs), so the absolute times are slower than on an idle machine.

| code | cold | warm | `provisions.csv` on the warm run |
|---|---|---|---|
{chr(10).join(rows)}
{ratio}
{END}"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", help="a commit to measure beside HEAD")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    commits = {}
    if args.baseline:
        commits["before"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", args.baseline], capture_output=True,
                                           text=True, check=True).stdout.strip()
    commits["after" if args.baseline else "this branch"] = head
    runs: dict[str, list] = {label: [] for label in commits}
    with tempfile.TemporaryDirectory(prefix="pt-mainjob-") as tmp:
        for i in range(args.rounds):
            for label, commit in commits.items():
                runs[label].append(measure(commit, Path(tmp), label.replace(" ", "-"), i))
    results = {label: (commits[label], summary(r)) for label, r in runs.items()}
    loads = [r[run]["load"] for rs in runs.values() for r in rs for run in ("cold", "warm")]
    cmd = "python bench/bench_main_job.py" + (f" --baseline {args.baseline}" if args.baseline else "") + \
        f" --rounds {args.rounds} --write"
    section = render(results, cmd, args.rounds, loads)
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
