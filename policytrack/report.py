"""The main job: everything a liaison, an advocate or a researcher takes away.

``build_report`` writes, into one folder: the corpus summary, the register with its links
(CSV and Excel), the charts (PNG), the adoption dashboard (one offline HTML file) and the
consultation brief (.docx). Each step that fails is recorded as a ``Problem``, shown in the
dashboard and in the terminal, and the other steps still run.

Every file is written atomically (a temporary file in the same folder, then a rename), so
an interrupted run never leaves half a report behind.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ._files import atomic_save, atomic_write

log = logging.getLogger(__name__)


@dataclass
class Problem:
    """Something the report could not do or read: which step, which file (and row), what.
    ``severity`` is ``error``, or ``note`` for what the user should know but is not wrong
    (an edited copy of a report file that was kept)."""

    step: str
    where: str
    what: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {"step": self.step, "where": self.where, "what": self.what, "severity": self.severity}

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class ReportResult:
    """What ``build_report`` wrote and what went wrong on the way."""

    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# --- keeping a person's edits -------------------------------------------------------------------

MANIFEST = ".policytrack-report.json"
REPORT_FILES = ("corpus_summary.md", "documents.csv", "provisions.csv", "register.csv", "links.csv",
                "register.xlsx", "dashboard.html", "brief.docx", "charts/funnel.png",
                "charts/status_by_theme.png", "charts/topic_heatmap.png", "charts/timeline.png")
#: Without a manifest (a folder from before it existed) only these, which people edit, are kept.
EDITABLE = (".docx", ".xlsx")


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def keep_edited_copies(out: Path) -> list[tuple[Path, Path]]:
    """Before a report is rewritten: every report file that changed since policytrack wrote
    it (a brief edited in Word, a spreadsheet with a liaison's notes) is renamed to
    ``name.edited-YYYYmmdd-HHMMSS.ext`` beside it, so a rerun never loses a person's work.
    Returns ``[(old name, kept as)]``."""
    import datetime as dt
    import json
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
    import json

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


# --- the adoption dashboard ---------------------------------------------------------------------

_LABELS = {
    "vi": {"title": "Theo dõi tiếp thu khuyến nghị", "recs": "khuyến nghị", "status": "Trạng thái",
           "theme": "Chủ đề", "document": "Văn bản mục tiêu", "search": "Tìm kiếm…", "all": "Tất cả",
           "timeline": "Diễn biến trạng thái", "charts": "Biểu đồ (bấm vào một cột hoặc ô để lọc bảng)",
           "by_document": "Trạng thái theo văn bản mục tiêu", "links": "Liên kết", "evidence": "Bằng chứng",
           "history": "Lịch sử", "targets": "Điều khoản mục tiêu", "none": "(chưa có)", "source": "Nguồn",
           "provenance": "Xuất xứ", "generated": "Tạo lúc", "problems": "Sự cố và ghi chú khi lập báo cáo",
           "shown": "Đang lọc", "clear": "bỏ lọc"},
    "en": {"title": "Recommendation adoption tracker", "recs": "recommendations", "status": "Status",
           "theme": "Theme", "document": "Target document", "search": "Search…", "all": "All",
           "timeline": "Status changes", "charts": "Charts (click a bar or cell to filter the table)",
           "by_document": "Status by target document",
           "links": "Links", "evidence": "Evidence", "history": "History", "targets": "Target provisions",
           "none": "(none yet)", "source": "Source", "provenance": "Provenance", "generated": "Generated",
           "problems": "Problems and notes from building this report", "shown": "Filtered", "clear": "clear"},
}

#: The page around the data: placeholders __LANG__, __TITLE__, __PALETTE__, __CHARTS__, __DATA__.
DASHBOARD_TEMPLATE = Path(__file__).parent / "data" / "dashboard.html"



def write_dashboard(register, links, out: Path, lang: str = "vi", *, charts=(), problems=()) -> Path:
    """One self-contained HTML file (no network): the problems met while building the
    report, status counts, the charts (a click on a bar filters the table), status by
    target document, the timeline of status changes, and the filterable table of every
    recommendation with its text, targets, links, evidence and history.

    ``register`` may be ``None`` (it could not be loaded): the page then shows the
    problems and an empty table rather than not being written at all."""
    import datetime as dt
    import json

    from .charts import PALETTE, status_events

    recs, history, statuses, status_labels = [], [], [], {}
    if register is not None:
        history_frame = register.history_frame().fillna("")
        for row in register:
            mine = links[links["recommendation"] == row["id"]].fillna("") if links is not None else None
            recs.append({**row,
                         "links": mine[["provision", "method", "score", "explanation"]].to_dict("records")
                         if mine is not None else [],
                         "history": history_frame[history_frame["id"] == row["id"]].to_dict("records")})
        history = status_events(register)
        statuses = list(register.statuses.statuses)
        status_labels = {s: register.statuses.label(s, lang) for s in statuses}
    data = {
        "labels": _LABELS[lang], "statuses": statuses, "status_labels": status_labels, "recs": recs,
        "history": history, "problems": [p.as_dict() for p in problems],
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    figures = "".join(
        f'<figure><figcaption>{escape(c.title)}</figcaption>{c.svg()}'
        + (f'<div class="note">{escape(c.note)}</div>' if c.note else "") + "</figure>" for c in charts)
    page = (DASHBOARD_TEMPLATE.read_text(encoding="utf-8").replace("__LANG__", lang).replace("__TITLE__", _LABELS[lang]["title"])
            .replace("__PALETTE__", json.dumps(PALETTE)).replace("__CHARTS__", figures)
            .replace("__DATA__", payload))
    return atomic_write_text(out / "dashboard.html", page)


# --- the consultation brief ----------------------------------------------------------------------

def _brief_document(register, corpus) -> str | None:
    """Default subject of the brief: the most recent draft in the corpus that a
    recommendation targets, else the document the register targets most."""
    targeted = [row["target_document"] for row in register if row["target_document"]]
    drafts = [d for d in corpus if d.meta.is_draft and d.id in targeted]
    if drafts:
        return max(drafts, key=lambda d: (d.meta.date.iso() or "") if d.meta.date else "").id
    if not targeted:
        return None
    return max(sorted(set(targeted)), key=targeted.count)


def _previous_version(corpus, doc):
    """The draft before ``doc`` in the corpus (same title, earlier draft number or date)."""
    if doc is None:
        return None
    same = [d for d in corpus if d is not doc and (d.meta.title or "") == (doc.meta.title or "") and d.meta.date
            and doc.meta.date and (d.meta.date.iso() or "") < (doc.meta.date.iso() or "")]
    return max(same, key=lambda d: d.meta.date.iso() or "", default=None)


def _add_field(paragraph, instruction: str, shown: list[str] | None = None) -> None:
    """A Word field (TOC, PAGE). Word recomputes it on opening (the document asks it to);
    until then, and in viewers that do not compute fields, ``shown`` is displayed, one
    line per entry."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def element(tag: str, **attrs: str):
        el = OxmlElement(tag)
        for key, value in attrs.items():
            el.set(qn(key), value)
        return el

    run = paragraph.add_run()
    run._r.append(element("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    instr = element("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    run._r.append(instr)
    run._r.append(element("w:fldChar", **{"w:fldCharType": "separate"}))
    for n, line in enumerate(shown or ["…"]):
        if n:
            run._r.append(element("w:br"))
        text = element("w:t", **{"xml:space": "preserve"})
        text.text = line
        run._r.append(text)
    run._r.append(element("w:fldChar", **{"w:fldCharType": "end"}))


def _use_font(word, name: str) -> None:
    """Set ``name`` for every script in the styles the brief uses. Heading styles point to
    theme fonts, which win over an explicit name, so those pointers are removed."""
    from docx.oxml.ns import qn

    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Intense Quote"):
        style = word.styles[style_name]
        style.font.name = name
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), name)


def _ask_word_to_update_fields(word) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


_CHANGES = {"unchanged": "không thay đổi so với bản trước", "changed": "đã sửa so với bản trước",
            "new": "điều mới so với bản trước", "split": "tách từ một điều của bản trước",
            "merged": "gộp từ các điều của bản trước"}


@dataclass
class BriefProvision:
    """A targeted provision as the brief quotes it, with its change since the previous draft."""

    id: str
    text: str
    change: str = ""          # an alignment label of ``compare`` ("changed", "new", …), "" without a previous draft
    diff: list = field(default_factory=list)  # [(op, words)] of that alignment


@dataclass
class BriefEntry:
    """One recommendation in the brief: its ask, status and the provisions it targets."""

    recommendation: str
    title: str
    ask: str
    status: str
    status_label: str
    evidence: str
    target_provisions: str
    provisions: list[BriefProvision] = field(default_factory=list)


@dataclass
class BriefPlan:
    """What the brief will say, before it is written: adjust ``entries`` (``select``) and
    pass the plan to ``write_brief``."""

    document: str | None
    title: str
    draft_number: str | None
    held: bool                     # the corpus holds the document's text
    source_note: str               # where to find the document when it is not held
    previous: str | None           # id of the previous draft the changes are counted from
    entries: list[BriefEntry]

    def frame(self):
        """One row per recommendation and quoted provision: what a person reviews."""
        import pandas as pd

        rows = [{"recommendation": e.recommendation, "title": e.title, "status": e.status_label,
                 "provision": p.id if p else "", "change": p.change if p else "",
                 "wording": (p.text[:160] + "…" if p and len(p.text) > 160 else (p.text if p else ""))}
                for e in self.entries for p in (e.provisions or [None])]
        return pd.DataFrame(rows, columns=["recommendation", "title", "status", "provision", "change", "wording"])

    def select(self, recommendations: list[str]) -> BriefPlan:
        """The same plan with only these recommendations, in this order."""
        by_id = {e.recommendation: e for e in self.entries}
        missing = [r for r in recommendations if r not in by_id]
        if missing:
            raise KeyError(f"not in this brief: {', '.join(missing)} (it has {', '.join(by_id) or 'none'})")
        return BriefPlan(**{**self.__dict__, "entries": [by_id[r] for r in recommendations]})


def plan_brief(register, links, corpus, document: str | None = None, lang: str = "vi") -> BriefPlan:
    """Gather what the brief on ``document`` says (default: see ``_brief_document``): each
    recommendation that targets it or is linked into it, the wording of its linked
    provisions (explicit and confirmed links; else the best retrieved article) and how each
    changed since the previous draft in the corpus."""
    from .compare import compare

    doc_id = document or _brief_document(register, corpus)
    target = corpus[doc_id] if doc_id and doc_id in corpus else None
    previous = _previous_version(corpus, target)
    comparison = compare(previous, target) if previous is not None else None
    source = corpus.sources.get(doc_id) if doc_id else None
    into = links["provision"].fillna("").str.startswith(f"{doc_id}:") if not links.empty else links["provision"]
    entries = []
    for row in register:
        mine = links[(links["recommendation"] == row["id"]) & into] if not links.empty else links
        if row["target_document"] != doc_id and mine.empty:
            continue
        chosen = mine[mine["method"].isin(["explicit", "confirmed"])] if (mine["method"] != "retrieved").any() else mine.head(1)
        provisions = []
        for pid in chosen["provision"]:
            if target is None or pid not in target:
                continue
            prov = BriefProvision(pid, target[pid].text)
            if comparison is not None:
                article = pid.split(":", 1)[1].split(".")[0]
                alignment = next((a for a in comparison.alignments if article in a.new), None)
                if alignment is not None:
                    prov.change, prov.diff = alignment.label, list(alignment.diff)
            provisions.append(prov)
        entries.append(BriefEntry(row["id"], row["title"], row["text_vi"], row["status"],
                                  register.statuses.label(row["status"], lang), row["evidence"],
                                  row["target_provisions"], provisions))
    return BriefPlan(
        document=doc_id,
        title=(target.meta.title if target is not None else (source.title if source else doc_id)) or "văn bản",
        draft_number=target.meta.draft_number if target is not None and target.meta.is_draft else None,
        held=target is not None,
        source_note=(f"{source.title}, {source.validity or 'hiệu lực chưa rõ'}, "
                     f"{source.official_url or 'chưa có địa chỉ chính thức'}" if source else ""),
        previous=previous.id if previous is not None else None,
        entries=entries,
    )


def write_brief(plan: BriefPlan, out: Path, *, charts=(), name: str = "brief.docx") -> Path:
    """The consultation brief as .docx (editable in Word), from a ``plan_brief`` plan: an
    overview with the funnel and topic charts (PNG), then each recommendation with its
    status and ask, the current wording of the targeted provisions (or, when the corpus
    does not hold the text, a pointer to ``corpus/sources.csv``) and what changed since the
    previous draft, word by word. Headings, a table of contents and page numbers; Times New
    Roman, which has the Vietnamese letters, for every script."""
    import tempfile

    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    word = Docx()
    _use_font(word, "Times New Roman")
    word.styles["Normal"].font.size = Pt(12)
    _ask_word_to_update_fields(word)
    footer = word.sections[0].footer.paragraphs[0]
    _add_field(footer, "PAGE")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    word.add_heading("Bản góp ý: " + plan.title, level=0)
    word.add_paragraph(f"Văn bản: {plan.document or '—'}" + (f" (dự thảo {plan.draft_number})" if plan.draft_number else ""))
    if not plan.held:
        word.add_paragraph("Toàn văn của văn bản này không có trong kho văn bản (corpus/); thông tin về văn bản "
                           "xem tại corpus/sources.csv" + (f": {plan.source_note}." if plan.source_note else "."))
    word.add_heading("Mục lục", level=1)
    toc = word.add_paragraph()
    if charts:
        word.add_heading("Tổng quan", level=1)
        with tempfile.TemporaryDirectory() as tmp:
            for chart in charts:
                if chart.name in ("funnel", "topic_heatmap"):
                    png = chart.png if chart.png and chart.png.exists() else chart.save_png(Path(tmp) / f"{chart.name}.png")
                    word.add_picture(str(png), width=Inches(6.2))
                    if chart.note:
                        word.add_paragraph(chart.note)
    word.add_heading("Các khuyến nghị", level=1)
    if not plan.entries:
        word.add_paragraph("Không có khuyến nghị nào nhắm tới văn bản này.")
    for entry in plan.entries:
        word.add_heading(f"{entry.recommendation}. {entry.title}", level=2)
        word.add_paragraph(f"Trạng thái: {entry.status_label}" + (f" — bằng chứng: {entry.evidence}" if entry.evidence else ""))
        word.add_paragraph("Kiến nghị: " + entry.ask)
        if not plan.held:
            word.add_paragraph(f"Điều khoản mục tiêu: {entry.target_provisions or 'chưa xác định'} — "
                               "toàn văn không có trong kho văn bản (xem corpus/sources.csv).")
        for prov in entry.provisions:
            word.add_paragraph(f"Nội dung hiện hành của {prov.id.split(':', 1)[1]}:", style="Intense Quote")
            word.add_paragraph(prov.text)
            if prov.change:
                para = word.add_paragraph(f"Thay đổi ({plan.previous} → {plan.document}): {_CHANGES[prov.change]}. ")
                for op, words in prov.diff:
                    if op == "equal":
                        continue
                    run = para.add_run(("[+ " if op == "insert" else "[− ") + words + "] ")
                    run.bold = op == "insert"
                    run.font.strike = op == "delete"
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    _add_field(toc, 'TOC \\o "1-2" \\h \\z \\u',
               [("    " if style == "Heading 2" else "") + text for style, text in headings if text != "Mục lục"])
    return atomic_save(Path(out) / name, word.save)


# --- the main job --------------------------------------------------------------------------------

def _say(message: str, started: float, quiet: bool) -> None:
    if not quiet:
        print(f"policytrack: [{time.perf_counter() - started:5.1f} s] {message}", file=sys.stderr, flush=True)


def build_report(register_path: str | Path, corpus_folder: str | Path, out: str | Path, *, lang: str = "vi",
                 document: str | None = None, progress: bool | None = None, quiet: bool = False) -> ReportResult:
    """Write every part of the report into ``out``; never stops at the first problem.

    Steps: parse the corpus (a progress bar when asked, or for a large folder), summary,
    load and check the register, link, charts, exports, dashboard, brief. A file that
    cannot be read, a register that does not validate or a step that fails becomes a
    ``Problem`` in the result (and in the dashboard); the steps that do not depend on it
    still run. Progress lines go to stderr unless ``quiet``.

    >>> result = build_report("recommendations.csv", "corpus", "reports")   # doctest: +SKIP
    >>> [str(p) for p in result.problems]                                     # doctest: +SKIP
    """
    import pandas as pd

    from .charts import report_charts
    from .corpus import Corpus
    from .linking import LINK_COLUMNS, link
    from .model import PolicytrackError
    from .register import Register, RegisterError
    from .sources import FILE_NAME, SourceRegister

    out, result, started = Path(out), ReportResult(), time.perf_counter()
    problems = result.problems

    def attempt(step: str, where: str, action):
        """Run one step. Bad input (a policytrack error), an OS error, or a defect of ours
        becomes a Problem, and ``None`` is returned."""
        try:
            return action()
        except RegisterError as exc:
            problems.extend(Problem(step, exc.path, p) for p in exc.problems)
        except (PolicytrackError, OSError) as exc:
            problems.append(Problem(step, where, str(exc)))
        except Exception as exc:  # a defect of ours must not cost the user the other parts
            log.exception("report step %s failed", step)
            problems.append(Problem(step, where, f"internal error ({type(exc).__name__}: {exc}); "
                                                 "please report it with this message"))
        return None

    for old, kept in attempt("report folder", str(out), lambda: keep_edited_copies(out)) or []:
        problems.append(Problem("report folder", str(old), f"changed since the last report: kept as {kept.name}",
                                "note"))
    _say(f"corpus: reading {corpus_folder}", started, quiet)
    # One sources register for the corpus and the register: the corpus folder's, else the
    # one beside the register (corpus/sources.csv), as Register.load would choose.
    register_dir = Path(register_path).parent
    sources = attempt("sources", str(corpus_folder), lambda: SourceRegister.find(
        Path(corpus_folder) / FILE_NAME, register_dir / "corpus" / FILE_NAME, register_dir / FILE_NAME))
    corpus = attempt("corpus", str(corpus_folder),
                     lambda: Corpus.load(corpus_folder, progress=progress, sources=sources))
    if corpus is not None:
        problems.extend(Problem("corpus", err.path, f"{err.reason} (file skipped)") for err in corpus.errors)
        _say(f"summary: {len(corpus.docs)} documents, {len(corpus.errors)} files skipped", started, quiet)
        result.written += attempt("summary", str(out), lambda: write_corpus_summary(corpus, out)) or []
    register = attempt("register", str(register_path), lambda: Register.load(register_path, sources=sources))
    links = charts = None
    if register is not None:
        problems.extend(Problem("register", str(register_path), w, "note") for w in register.warnings)
        _say(f"links: {len(register)} recommendations", started, quiet)
        if corpus is not None:
            links = attempt("links", str(register_path), lambda: link(register, corpus))
        else:  # nothing to link to: the register is still exported and shown
            links = pd.DataFrame(columns=LINK_COLUMNS)
    if register is not None and links is not None:
        _say("charts and exports: drawing, writing", started, quiet)
        charts = attempt("charts", str(out), lambda: report_charts(register, links, corpus, lang)) or []
        for chart in charts:
            path = attempt("charts", chart.name, lambda c=chart: c.save_png(out / "charts" / f"{c.name}.png"))
            if path:
                result.written.append(path)
        result.written += attempt("exports", str(out), lambda: write_exports(register, links, out, lang)) or []
    _say("brief and dashboard: writing", started, quiet)
    brief = None
    if register is None or corpus is None or links is None:
        why = ("the register could not be loaded" if register is None else
               "the corpus could not be read" if corpus is None else "the links could not be made")
        problems.append(Problem("brief", str(out / "brief.docx"), f"not written: {why}"))
    else:
        # The brief goes to a Vietnamese drafting committee: Vietnamese whatever ``lang`` is.
        brief_charts = charts if lang == "vi" else attempt("charts", str(out),
                                                           lambda: report_charts(register, links, corpus))
        brief = attempt("brief", str(out / "brief.docx"),
                        lambda: write_brief(plan_brief(register, links, corpus, document), out,
                                            charts=brief_charts or ()))
    dashboard = attempt("dashboard", str(out / "dashboard.html"),
                        lambda: write_dashboard(register, links, out, lang, charts=charts or (), problems=problems))
    result.written += [p for p in (dashboard, brief) if p]
    attempt("report folder", str(out / MANIFEST), lambda: record_written(out, result.written))
    _say(f"done: {len(result.written)} files, {len(problems)} problems", started, quiet)
    return result
