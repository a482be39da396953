"""Reports written from a corpus. For now: the corpus summary the main job writes.

Every file is written atomically (a temporary file in the same folder, then a rename), so
an interrupted run never leaves half a report behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _markdown_table(frame) -> str:
    if frame.empty:
        return "_(none)_\n"
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = ["" if v is None or v != v else str(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_corpus_summary(corpus, out: Path) -> list[Path]:
    """Write ``corpus_summary.md``, ``documents.csv`` and ``provisions.csv`` into ``out``."""
    documents = corpus.documents()
    provisions = corpus.provisions()
    counts = (
        provisions.groupby(["document_id", "kind"]).size().unstack(fill_value=0)
        if not provisions.empty else provisions
    )
    parts = [
        "# Corpus summary\n",
        f"Folder: `{corpus.folder}` — {len(corpus.files)} files, {len(corpus.docs)} documents, "
        f"{len(provisions)} provisions, {len(corpus.errors)} files skipped.\n",
        "## Documents\n",
        _markdown_table(documents.drop(columns=["path"], errors="ignore")) if not documents.empty else "_(none)_\n",
        "## Provisions by kind\n",
        _markdown_table(counts.reset_index()) if not provisions.empty else "_(none)_\n",
        "## Files skipped\n",
        _markdown_table(corpus.errors_frame()),
    ]
    written = [
        atomic_write_text(out / "corpus_summary.md", "\n".join(parts)),
        atomic_write_text(out / "documents.csv", documents.to_csv(index=False)),
        atomic_write_text(out / "provisions.csv", provisions.drop(columns=["text"], errors="ignore").to_csv(index=False)),
    ]
    return written
