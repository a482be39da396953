"""The report folder: files written atomically, and a person's edits never overwritten."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .._files import atomic_write

MANIFEST = ".policytrack-report.json"
REPORT_FILES = ("corpus_summary.md", "documents.csv", "provisions.csv", "register.csv", "links.csv",
                "register.xlsx", "dashboard.html", "brief.docx", "charts/funnel.png",
                "charts/status_by_theme.png", "charts/topic_heatmap.png", "charts/timeline.png")
#: Without a manifest (a folder from before it existed) only these, which people edit, are kept.
EDITABLE = (".docx", ".xlsx")


def _digest(path: Path) -> str:

    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep_edited_copies(out: Path) -> list[tuple[Path, Path]]:
    """Before a report is rewritten: every report file that changed since policytrack wrote
    it (a brief edited in Word, a spreadsheet with a liaison's notes) is renamed to
    ``name.edited-YYYYmmdd-HHMMSS.ext`` beside it, so a rerun never loses a person's work.
    Returns ``[(old name, kept as)]``."""
    import datetime as dt
    import os

    out = Path(out)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = []
    for rel in sorted(set(REPORT_FILES) | set(manifest or {})):
        path = out / rel
        if not path.is_file() or (manifest is None and path.suffix not in EDITABLE):
            continue
        if manifest is not None and manifest.get(rel) == _digest(path):
            continue
        target = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
        os.replace(path, target)
        kept.append((path, target))
    return kept


def record_written(out: Path, written: list[Path]) -> Path:
    """Remember the digest of every file the report wrote (see ``keep_edited_copies``)."""

    out = Path(out)
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    for path in written:
        if path.is_file():
            manifest[path.relative_to(out).as_posix()] = _digest(path)
    return atomic_write(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    return atomic_write(path, text)
