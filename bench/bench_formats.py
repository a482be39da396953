"""Round trip of real law through the formats users have (issue 12).

    .venv/bin/python bench/bench_formats.py [--docs 24] [--formats docx_numbered,…] [--jobs 2]
        [--ocr-cache DIR] [--write]

From texts of `../shared/real-corpus` (built in a temporary folder, never kept) this builds
each format the way the tools that make it do (see `tests/format_builders.py`, and
`tests/html_fixtures.py` for saved portal pages), reads it back with `policytrack`, and
compares the provision tree with the one of the .txt: every unit's path and heading.

Per format: documents whose tree is exactly the .txt's, and unit precision and recall
(paths with their headings). For the scan (200 dpi, OCR) the target is recall of articles
and clauses by path, at least 0.98. The baseline of the same run is the .txt parsed
directly, so the figures are ratios, not timings of a noisy machine.

OCR is by far the slowest step and its output does not depend on the parser:
``--ocr-cache DIR`` keeps what Tesseract read on each page image in ``DIR`` (one JSON file
per page, named by the digest of the image's pixels) and reuses it on the next run, so
the parser can be measured again in seconds. The scans are still built and read as
without it; only the Tesseract call is replaced by its stored result. The read time of
scans is then not OCR's: the table says so.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import update_benchmarks  # noqa: E402

START, END = "<!-- bench_formats:start -->", "<!-- bench_formats:end -->"
#: The scans' OCR repairs (``policytrack._ocr``) were developed on the first texts of the
#: sample only; the rest are held out, and reported apart.
DEV_DOCS = 16
#: Kinds of document in the sample, by the word of the file name that says the kind.
KINDS = ("Luật", "Pháp lệnh", "Nghị định", "Thông tư", "VBHN", "Quyết định", "Nghị quyết", "Công văn")
FORMATS = ("docx_numbered", "docx_tracked", "doc", "pdf", "html_vbpl", "html_pre", "html_tvpl", "html_layout", "scan")


def sample(count: int, low: int = 5_000, high: int = 45_000) -> list[Path]:
    """``count`` texts of 5–45 KB, taken in turn from each kind (laws, decrees, circulars,
    consolidated texts, decisions, resolutions, letters), in name order: deterministic."""
    groups: dict[str, list[Path]] = collections.defaultdict(list)
    for path in sorted(REAL.glob("*.txt")):
        if low <= path.stat().st_size <= high:
            kind = next((k for k in KINDS if k in path.name), "other")
            groups["VBHN" if "VBHN" in path.name else kind].append(path)
    picked: list[Path] = []
    while len(picked) < count and any(groups.values()):
        for kind in [*KINDS, "other"]:
            if groups.get(kind) and len(picked) < count:
                picked.append(groups[kind].pop(0))
    return picked


def build(fmt: str, text: str, folder: Path, stem: str, cache: dict) -> tuple[Path, dict]:
    """The file of format ``fmt`` for ``text`` and what was built (counts for the table)."""
    from tests import format_builders as fb

    if fmt == "docx_numbered":
        path, numbered = fb.docx_numbered(text, folder / "numbered", stem)
        cache["numbered"] = path
        return path, {"labels numbered by Word": numbered}
    if fmt == "docx_tracked":
        path, changes = fb.docx_tracked(text, folder / "tracked", stem)
        return path, {"tracked changes": changes}
    if fmt == "doc":
        separate, _ = fb.docx_numbered(text, folder / "doc", f"{stem}.lists", separate=True)
        return fb.doc_from_docx(separate, folder / "doc", stem), {}
    if fmt in ("pdf", "scan"):
        if "pdf" not in cache:
            cache["pdf"] = fb.pdf_from_docx(fb.docx_plain(text, folder / "plain", stem), folder / "pdf", stem)
        if fmt == "pdf":
            return cache["pdf"], {}
        return fb.scanned_pdf(cache["pdf"], folder / "scan", stem), {}
    if fmt.startswith("html_"):
        from tests.html_fixtures import page_from_text

        style = {"html_vbpl": "vbpl", "html_pre": "vbpl_pre", "html_tvpl": "tvpl", "html_layout": "layout_table"}[fmt]
        path = folder / fmt / f"{stem}.html"
        path.write_text(page_from_text(text, style), encoding="utf-8")
        return path, {}
    raise ValueError(f"unknown format {fmt}")


def _numbered(text: str, folder: Path, stem: str, cache: dict) -> Path:
    from tests import format_builders as fb

    if "numbered" not in cache:
        cache["numbered"], _ = fb.docx_numbered(text, folder / "numbered", stem)
    return cache["numbered"]


def compare(expected: list[tuple[str, str]], got: list[tuple[str, str]]) -> dict:
    want, have = collections.Counter(expected), collections.Counter(got)
    hit = sum((want & have).values())
    core = {p for p, _ in expected if p.rsplit(".", 1)[-1][:1] in "dk" and _is_article_or_clause(p)}
    core_got = {p for p, _ in got}
    return {"exact": expected == got, "hit": hit, "want": len(expected), "have": len(got),
            "core": len(core), "core_hit": len(core & core_got)}


def _is_article_or_clause(path: str) -> bool:
    last = path.rsplit(".", 1)[-1]
    return (last[:1] == "d" and last[1:2].isdigit()) or (last[:1] == "k" and last[1:2].isdigit())


_SUBFOLDERS = ("numbered", "plain", "tracked", "doc", "pdf", "scan", "html_vbpl", "html_pre", "html_tvpl", "html_layout")


def one(path: Path, formats: list[str]) -> tuple[dict, dict, collections.Counter]:
    """Every format of one text, built in a folder of its own (so texts run in parallel):
    the row of results, what was built, and the parse seconds per format."""
    from policytrack.parse import parse
    from tests import format_builders as fb

    seconds: collections.Counter = collections.Counter()
    built_counts: dict[str, collections.Counter] = {f: collections.Counter() for f in formats}
    with tempfile.TemporaryDirectory(prefix="pt-formats-") as tmp:
        folder = Path(tmp)
        for sub in _SUBFOLDERS:
            (folder / sub).mkdir()
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        expected = fb.tree(parse(path))
        seconds["txt"] += time.perf_counter() - started
        cache: dict = {}
        row = {"file": path.name, "units": len(expected)}
        for fmt in formats:
            try:
                built, info = build(fmt, text, folder, path.stem, cache)
                started = time.perf_counter()
                got = fb.tree(parse(built))
                seconds[fmt] += time.perf_counter() - started
                result = compare(expected, got)
            except Exception as exc:  # a failure of one format is a result, not a crash
                result = {"exact": False, "hit": 0, "want": len(expected), "have": 0, "core": 0,
                          "core_hit": 0, "error": f"{type(exc).__name__}: {exc}"}
                info = {}
            built_counts[fmt].update(info)
            row[fmt] = result
    return row, built_counts, seconds


def use_ocr_cache(folder: str | None) -> None:
    """Make ``policytrack._pdf.recognise`` keep and reuse its results in ``folder`` (one
    JSON file per page image, named by the SHA-256 of its mode, size and pixels)."""
    if not folder:
        return
    from policytrack import _pdf

    if getattr(_pdf.recognise, "cached_in", None) == folder:
        return
    recognise = getattr(_pdf.recognise, "uncached", _pdf.recognise)
    store = Path(folder)
    store.mkdir(parents=True, exist_ok=True)

    def cached(image):
        if isinstance(image, (str, Path)):
            from PIL import Image

            image = Image.open(image)
        digest = hashlib.sha256(f"{image.mode}:{image.size}:".encode() + image.tobytes()).hexdigest()
        entry = store / f"{digest}.json"
        if entry.exists():
            data = json.loads(entry.read_text(encoding="utf-8"))
            return _pdf.OcrResult(data["text"], data["confidence"])
        result = recognise(image)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"text": result.text, "confidence": result.confidence}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(entry)
        return result

    cached.uncached, cached.cached_in = recognise, folder
    _pdf.recognise = cached


def run(docs: list[Path], formats: list[str], jobs: int = 1,
        ocr_cache: str | None = None) -> tuple[dict, list[dict], dict]:
    from concurrent.futures import ProcessPoolExecutor

    totals: dict[str, collections.Counter] = {f: collections.Counter() for f in formats}
    rows, seconds = [], collections.Counter()
    with ProcessPoolExecutor(max_workers=jobs, initializer=use_ocr_cache, initargs=(ocr_cache,)) as pool:
        for row, built_counts, spent in pool.map(one, docs, [formats] * len(docs)):
            seconds.update(spent)
            for fmt in formats:
                result = row[fmt]
                totals[fmt].update({k: int(v) for k, v in result.items() if k != "error"})
                totals[fmt]["docs"] += 1
                totals[fmt].update(built_counts[fmt])
            rows.append(row)
            print(row["file"][:60], {f: ("=" if row[f]["exact"] else f"{row[f]['hit']}/{row[f]['want']}")
                                     for f in formats}, flush=True)
    return totals, rows, seconds


def render(totals: dict, rows: list[dict], seconds: dict, cmd: str, ocr_cached: bool = False) -> str:
    lines = [START, "## Formats: real law read back from docx, doc, PDF, scans and HTML (issue 12)", "",
             f"`{cmd}` — {len(rows)} texts of `../shared/real-corpus` (5–45 KB, taken in turn from "
             "each kind: laws, ordinances, decrees, circulars, consolidated texts, decisions, "
             "resolutions, letters), each built into every format in a temporary folder "
             "(`tests/format_builders.py`, `tests/html_fixtures.py`) and parsed; the tree "
             "(every unit's path and heading) compared with the one of the .txt. Unit precision and "
             "recall compare path and heading, so a diacritic OCR gets wrong in a title counts; "
             "`articles + clauses found` compares paths only (the scan target: 0.98). Read time is "
             "the parse of the built file over the parse of the .txt, in the same run.", "",
             "| format | exact documents | unit precision | unit recall | articles + clauses found | read time ÷ .txt |",
             "|---|---|---|---|---|---|"]
    for fmt, t in totals.items():
        precision = t["hit"] / t["have"] if t["have"] else 0.0
        recall = t["hit"] / t["want"] if t["want"] else 0.0
        core = t["core_hit"] / t["core"] if t["core"] else 0.0
        ratio = seconds[fmt] / seconds["txt"] if seconds["txt"] else 0.0
        lines.append(f"| {fmt} | {t['exact']}/{t['docs']} | {precision:.3f} | {recall:.3f} | {core:.3f} | {ratio:.1f}× |")
    if "scan" in totals and len(rows) > DEV_DOCS:
        lines += ["", f"Scans by part: the OCR repairs (`policytrack._ocr`) were developed on the first {DEV_DOCS} "
                  f"texts of the sample (development) and never tried on the other {len(rows) - DEV_DOCS} (held out) "
                  "before this run.", "",
                  "| scan part | documents | exact documents | unit precision | unit recall | articles + clauses found |",
                  "|---|---|---|---|---|---|"]
        for name, part in (("development", rows[:DEV_DOCS]), ("held out", rows[DEV_DOCS:])):
            t = collections.Counter()
            for r in part:
                t.update({k: int(v) for k, v in r["scan"].items() if k != "error"})
            lines.append(f"| {name} | {len(part)} | {t['exact']}/{len(part)} | {t['hit'] / max(t['have'], 1):.3f} | "
                         f"{t['hit'] / max(t['want'], 1):.3f} | {t['core_hit'] / max(t['core'], 1):.3f} |")
    if ocr_cached and "scan" in totals:
        lines += ["", "OCR text reused from `--ocr-cache` (Tesseract's output per page image, keyed by its "
                  "pixels): the scans were built and read as always, but the scan read time leaves out "
                  "Tesseract."]
    extra = {k: v for t in totals.values() for k, v in t.items()
             if k not in {"exact", "hit", "want", "have", "core", "core_hit", "docs"}}
    if extra:
        lines += ["", "Built: " + ", ".join(f"{v} {k}" for k, v in extra.items()) + "."]
    failures = [(r["file"], f, r[f]) for r in rows for f in totals if not r[f]["exact"]]
    if failures:
        lines += ["", "Documents not read back exactly:", ""]
        for name, fmt, result in failures:
            detail = result.get("error") or f"{result['hit']} of {result['want']} units, {result['have']} read"
            lines.append(f"- {fmt}, `{name[:70]}`: {detail}")
    lines.append(END)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=24)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--jobs", type=int, default=2, help="texts built and read in parallel (2 cores: 2)")
    ap.add_argument("--ocr-cache", metavar="DIR",
                    help="keep Tesseract's text of each page image in DIR and reuse it (see the module's doc)")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if not REAL.is_dir():
        sys.exit(f"{REAL} is not present: this benchmark reads the real corpus")
    formats = [f for f in args.formats.split(",") if f]
    totals, rows, seconds = run(sample(args.docs), formats, args.jobs, args.ocr_cache)
    cmd = "python bench/bench_formats.py --write" + ("" if args.docs == 24 else f" --docs {args.docs}")
    section = render(totals, rows, seconds, cmd, ocr_cached=bool(args.ocr_cache))
    print(section)
    if args.write:
        update_benchmarks(section, START, END)


if __name__ == "__main__":
    main()
