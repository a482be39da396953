"""Tables a liaison or researcher takes away: corpus summary, register and links as CSV and Excel.

The workbook (``register.xlsx``: sheets register, links, history) is made to be filtered
and printed as it is: headers from ``data/dashboard_labels.yaml`` (``columns``) in the
chosen language, frozen header row, autofilter, fitted widths, wrapped long cells, real
dates, landscape A4 fitted to the page width with the header row on every page. It names
the register CSV it was exported from (the workbook property ``policytrack register``), so
``Register.load("register.xlsx")`` knows where edits made in Excel are saved.

What a spreadsheet would misread is neutralised, in both the workbook and the CSV files:
a cell that starts with ``= + - @``, a tab or a carriage return is a text cell, never a
formula (in the workbook: a string cell with Excel's quote prefix, so the value itself is
unchanged and reads back as it was; in CSV, which has no cell types: a leading ``'``).
Control characters that Word puts into copied text (``\x0b`` line break, ``\x0c`` page
break: a new line; any other C0 control but tab and new line: a space) are replaced,
since a workbook cannot hold them; each cleaned cell carries a comment saying so. The CSV
files start with a BOM (``utf-8-sig``), so Excel on Windows reads them as UTF-8.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from pathlib import Path

from .._files import atomic_save
from ..register import HISTORY_COLUMNS, REGISTER_PROPERTY
from ..vocab import ColumnLabels, DashboardLabels, load_column_labels, load_dashboard_labels
from .folder import atomic_write_text

log = logging.getLogger("policytrack.report")

#: What a cell may start with for a spreadsheet to take it as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters a workbook cannot hold (C0 controls but tab, new line and carriage return).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Word's manual line break and page break become a new line; other controls a space.
_LINE_BREAKS = "\x0b\x0c"
CLEANED_NOTE = "control characters replaced by a space or a new line (text copied from Word?)"
#: Column widths in characters: fitted to the longest line, within these bounds.
MIN_WIDTH, MAX_WIDTH = 8, 40
DATE_FORMATS = {"vi": ("dd/mm/yyyy", "dd/mm/yyyy hh:mm"), "en": ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")}
DATE_COLUMNS = {"register": ("status_date", "last_change"), "links": (), "history": ("when",)}


def _markdown_table(frame) -> str:
    if frame.empty:
        return "_(none)_\n"
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = ["" if v is None or v != v else str(v).replace("|", "\\|").replace("\n", " ") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_corpus_summary(corpus, out: Path, *, provisions_csv: bool = True) -> list[Path]:
    """Write ``corpus_summary.md``, ``documents.csv`` and ``provisions.csv`` into ``out``
    (``provisions_csv`` false: not the last, which the caller knows to be unchanged)."""
    documents = corpus.documents()
    provisions = corpus.provisions()
    counts = (
        provisions.groupby(["document_id", "kind"]).size().unstack(fill_value=0)
        if not provisions.empty else provisions
    )
    parts = [
        "# Corpus summary\n",
        f"Folder: `{corpus.folder}` — {_count(len(corpus.files), 'file')}, {_count(len(corpus.docs), 'document')}, "
        f"{_count(len(provisions), 'provision')}, {_count(len(corpus.errors), 'file')} skipped.\n",
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
    ]
    if provisions_csv:
        written.append(atomic_write_text(out / "provisions.csv",
                                         provisions.drop(columns=["text"], errors="ignore").to_csv(index=False)))
    return written


def register_table(register, links, lang: str = "vi"):
    """The register as liaisons read it: one row per recommendation with its status label,
    evidence, last change (the latest status change the dashboard shows: the history, else
    the register's ``status_date``) and its links (provision ids, best first). The columns
    it adds are ``register.DERIVED_COLUMNS``, which a workbook read back leaves out."""
    from .charts import status_events

    frame = register.to_frame()
    frame.insert(frame.columns.get_loc("status") + 1, "status_label",
                 [register.statuses.label(s, lang) for s in frame["status"]])
    changed: dict[str, str] = {}
    for event in status_events(register):
        if event["when"]:
            changed[event["id"]] = max(changed.get(event["id"], ""), str(event["when"])[:10])
    frame["last_change"] = [changed.get(row["id"]) or row["status_date"] or "" for row in register]
    ordered = links.sort_values(["recommendation", "rank"])
    explicit = ordered[ordered["method"].isin(["explicit", "confirmed"]) & ordered["provision"].notna()]
    retrieved = ordered[(ordered["method"] == "retrieved") & ordered["provision"].notna()]
    frame["linked_provisions"] = [", ".join(explicit[explicit["recommendation"] == i]["provision"]) for i in frame["id"]]
    frame["suggested_provisions"] = [", ".join(retrieved[retrieved["recommendation"] == i]["provision"].head(3))
                                     for i in frame["id"]]
    return frame


def history_table(register, lang: str = "vi", labels: DashboardLabels | None = None):
    """The status changes the dashboard's timeline shows, oldest first: the history file,
    and the register's ``status_date`` for a status no history entry explains; statuses by
    their label, notes in ``lang``."""
    import pandas as pd

    from .charts import status_events

    labels = labels or load_dashboard_labels()
    rows = [{**event, "old_status": register.statuses.label(event["old_status"], lang) if event["old_status"] else "",
             "new_status": register.statuses.label(event["new_status"], lang),
             "note": labels.translate(str(event["note"] or ""), lang)} for event in status_events(register)]
    return pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))


def clean_text(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold (see the module)."""
    return _CONTROL.sub(lambda m: "\n" if m.group(0) in _LINE_BREAKS else " ", text)


def csv_safe(value: object) -> object:
    """A CSV value a spreadsheet shows as text: a leading ``'`` before a formula start."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _cleaned(frame) -> tuple[object, list[tuple[int, str]]]:
    """``frame`` with every text cell cleaned, and the (row position, column) of each cell changed."""
    changed = []
    frame = frame.copy()
    for column in frame.columns:
        for n, value in enumerate(frame[column]):
            if isinstance(value, str) and _CONTROL.search(value):
                frame.iat[n, frame.columns.get_loc(column)] = clean_text(value)
                changed.append((n, column))
    return frame, changed


def _csv_text(frame) -> str:
    """CSV with a BOM (Excel on Windows then reads UTF-8), formula starts neutralised.
    Lines end in CRLF, as Excel writes them; it also makes csv quote a value holding a bare CR."""
    return "\ufeff" + frame.map(csv_safe).to_csv(index=False, lineterminator="\r\n")


def write_exports(register, links, out: Path, lang: str = "vi", notes: list[str] | None = None) -> list[Path]:
    """The register with statuses and links as CSV and Excel, and the links as CSV: what a
    liaison sends on. Written atomically. Each cell cleaned of control characters is
    logged and, when ``notes`` is given, described there."""
    labels, columns = load_dashboard_labels(), load_column_labels()
    tables = {"register": register_table(register, links, lang), "links": links,
              "history": history_table(register, lang, labels)}
    cleaned = {}
    for sheet, frame in tables.items():
        tables[sheet], cleaned[sheet] = _cleaned(frame)
        for n, column in cleaned[sheet]:
            message = f"{sheet}, row {n + 2}, column {column}: {CLEANED_NOTE}"
            log.warning("%s", message)
            if notes is not None:
                notes.append(message)
    written = [
        atomic_write_text(out / "register.csv", _csv_text(tables["register"])),
        atomic_write_text(out / "links.csv", _csv_text(tables["links"])),
    ]
    workbook = _workbook(tables, cleaned, lang, columns, labels.translate(CLEANED_NOTE, lang), register.path)
    written.append(atomic_save(out / "register.xlsx", workbook.save))
    return written


# --- the workbook -------------------------------------------------------------------------------

def _workbook(tables: dict, cleaned: dict, lang: str, columns: ColumnLabels, cleaned_note: str,
              register_path: Path | None):
    """The three sheets, laid out for filtering and printing; see the module."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty

    book = Workbook()
    book.remove(book.active)
    for sheet, frame in tables.items():
        ws = book.create_sheet(sheet)
        _fill(ws, frame, sheet, lang, columns)
        _comment_cleaned(ws, cleaned[sheet], list(frame.columns), cleaned_note)
        _lay_out(ws)
    book.properties.creator = "policytrack"
    book.properties.language = "vi-VN" if lang == "vi" else "en"
    if register_path is not None:
        book.custom_doc_props.append(StringProperty(name=REGISTER_PROPERTY, value=str(Path(register_path).resolve())))
    return book


def _fill(ws, frame, sheet: str, lang: str, columns: ColumnLabels) -> None:
    """Header and rows; dates as date cells, formula starts as text cells."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append([columns.header(sheet, c, lang) for c in frame.columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    dates = DATE_COLUMNS[sheet]
    for record in frame.itertuples(index=False):
        ws.append([_excel_value(v, c in dates) for c, v in zip(frame.columns, record)])
    day, moment = DATE_FORMATS.get(lang, DATE_FORMATS["en"])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, _dt.datetime):
                cell.number_format = moment
            elif isinstance(cell.value, _dt.date):
                cell.number_format = day
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # openpyxl took a leading "=" for a formula
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited


def _excel_value(value: object, is_date: bool) -> object:
    """What a cell holds: ``None`` for a missing value, a date (or a UTC datetime without
    its zone, which Excel cannot store) for an ISO text in a date column, else the value."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if not is_date or not isinstance(value, str) or not value:
        return value
    try:
        if len(value) == 10:
            return _dt.date.fromisoformat(value)
        moment = _dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # not a date: shown as written
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.UTC).replace(tzinfo=None)
    return moment


def _comment_cleaned(ws, cells: list[tuple[int, str]], names: list[str], note: str) -> None:
    from openpyxl.comments import Comment

    for n, column in cells:
        ws.cell(row=n + 2, column=names.index(column) + 1).comment = Comment(note, "policytrack")


def _lay_out(ws) -> None:
    """Frozen header, autofilter, fitted widths, long cells wrapped, landscape A4 fitted
    to the width with the header row printed on every page."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for index, cells in enumerate(ws.iter_cols(), start=1):
        width = _width(cells)
        ws.column_dimensions[get_column_letter(index)].width = width
        for cell in cells[1:]:
            text = cell.value if isinstance(cell.value, str) else ""
            cell.alignment = Alignment(vertical="top", wrap_text=len(text) > width or "\n" in text)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _width(cells) -> float:
    """The longest line of a column (a date as its shown length), within the bounds."""
    longest = 0
    for cell in cells:
        value = cell.value
        if isinstance(value, _dt.datetime):
            size = 16
        elif isinstance(value, _dt.date):
            size = 10
        else:
            size = max((len(line) for line in str(value if value is not None else "").split("\n")), default=0)
        longest = max(longest, size)
    return float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
