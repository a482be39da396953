"""Tables a liaison or researcher takes away: corpus summary, register and links as CSV and Excel."""

from __future__ import annotations

from pathlib import Path

from .._files import atomic_save
from .folder import atomic_write_text


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


def register_table(register, links, lang: str = "vi"):
    """The register as liaisons read it: one row per recommendation with its status label,
    evidence, last change and its links (provision ids, best first)."""
    import pandas as pd

    frame = register.to_frame()
    frame.insert(frame.columns.get_loc("status") + 1, "status_label",
                 [register.statuses.label(s, lang) for s in frame["status"]])
    history = register.history_frame()
    last = history.groupby("id").tail(1).set_index("id") if not history.empty else pd.DataFrame()
    frame["last_change"] = [last.loc[i, "when"] if i in last.index else "" for i in frame["id"]]
    ordered = links.sort_values(["recommendation", "rank"])
    explicit = ordered[ordered["method"].isin(["explicit", "confirmed"]) & ordered["provision"].notna()]
    retrieved = ordered[(ordered["method"] == "retrieved") & ordered["provision"].notna()]
    frame["linked_provisions"] = [", ".join(explicit[explicit["recommendation"] == i]["provision"]) for i in frame["id"]]
    frame["suggested_provisions"] = [", ".join(retrieved[retrieved["recommendation"] == i]["provision"].head(3))
                                     for i in frame["id"]]
    return frame


def write_exports(register, links, out: Path, lang: str = "vi") -> list[Path]:
    """The register with statuses and links as CSV and Excel, and the links as CSV: what a
    liaison sends on. Written atomically; the Excel file has one sheet per table."""
    table = register_table(register, links, lang)
    written = [
        atomic_write_text(out / "register.csv", table.to_csv(index=False)),
        atomic_write_text(out / "links.csv", links.to_csv(index=False)),
    ]
    import pandas as pd

    def save(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="register", index=False)
            links.to_excel(writer, sheet_name="links", index=False)
            register.history_frame().to_excel(writer, sheet_name="history", index=False)

    xlsx = atomic_save(out / "register.xlsx", save)
    written.append(xlsx)
    return written
