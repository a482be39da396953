"""The Excel register and the CSV files a liaison takes away (issue 14): a workbook to filter
and print as it is, CSV that Excel on Windows reads, cells that never run as formulas,
control characters from Word cleaned. Team-written rows throughout."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest

from policytrack.linking import LINK_COLUMNS
from policytrack.register import Register
from policytrack.report.exports import MAX_WIDTH, MIN_WIDTH, write_exports
from policytrack.vocab import DataFileError, load_column_labels

from .test_register import row, write

HOSTILE = ["=HYPERLINK(\"http://x\",\"bấm\")", "+84 912", "-1+2", "@SUM(A1)"]
#: Leading tab and carriage return: the register strips them, a link explanation keeps them.
LEADING = ["\tcmd", "\r=1"]
LONG = ("Đề nghị bổ sung quy định về quan trắc tự động nước thải " * 4).strip()


def exported(tmp_path, rows, lang="vi", changes=(), explanations=("trích dẫn",)):
    """A register of ``rows`` (with ``changes`` saved to its history), exported with one
    link per explanation."""
    tmp_path.mkdir(exist_ok=True)
    reg = Register.load(write(tmp_path / "r.csv", rows))
    for rec_id, status, evidence in changes:
        reg.set_status(rec_id, status, evidence=evidence, who="liên lạc viên", when="2024-03-01T09:30:00+07:00")
    reg.save()
    reg = Register.load(reg.path)
    links = pd.DataFrame([["R01", "72/2020/QH14:d8.k3", "explicit", 1.0, n, text] for n, text in
                          enumerate(explanations, 1)], columns=LINK_COLUMNS)
    notes: list[str] = []
    written = write_exports(reg, links, tmp_path / "out", lang, notes=notes)
    return reg, {p.name: p for p in written}, notes


@pytest.fixture
def book(tmp_path):
    rows = [row("R01", notes=LONG), row("R02", status="adopted", status_date="2023-11-27",
                                       evidence="Luật 28/2023/QH15 (2023-11-27)"), row("R03")]
    _, files, _ = exported(tmp_path, rows, changes=[("R03", "under_consideration", "Công văn 12/BTNMT")])
    return openpyxl.load_workbook(files["register.xlsx"])


def headers(ws):
    return [c.value for c in ws[1]]


def test_export_headers_are_vietnamese_and_english_with_lang_en(tmp_path, book):
    labels = load_column_labels()
    assert headers(book["register"])[:3] == ["Mã", "Tiêu đề", "Nội dung khuyến nghị"]
    assert "Trạng thái" in headers(book["register"]) and "Thay đổi gần nhất" in headers(book["register"])
    assert headers(book["history"])[0] == labels.header("history", "when", "vi")
    _, files, _ = exported(tmp_path / "en", [row()], lang="en")
    english = openpyxl.load_workbook(files["register.xlsx"])
    assert headers(english["register"])[:2] == ["ID", "Title"] and headers(english["links"])[0] == "Recommendation"


def test_export_workbook_is_laid_out_to_filter_and_print(book):
    for ws in book:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
        assert all(MIN_WIDTH <= d.width <= MAX_WIDTH for d in ws.column_dimensions.values())
    ws = book["register"]
    notes = headers(ws).index("Ghi chú") + 1
    assert ws.cell(2, notes).value == LONG and ws.cell(2, notes).alignment.wrap_text
    assert ws.column_dimensions[ws.cell(1, notes).column_letter].width == MAX_WIDTH
    assert not ws.cell(2, 1).alignment.wrap_text  # a short id stays on one line
    assert ws.column_dimensions["A"].width < 12


def test_export_dates_are_excel_dates_and_last_change_and_history_are_filled(book):
    ws = book["register"]
    cols = {h: n for n, h in enumerate(headers(ws), 1)}
    status_date = ws.cell(3, cols["Ngày trạng thái"])
    assert status_date.value == dt.datetime(2023, 11, 27) and status_date.is_date
    assert status_date.number_format == "dd/mm/yyyy"
    last = [ws.cell(r, cols["Thay đổi gần nhất"]).value for r in (2, 3, 4)]
    assert last == [None, dt.datetime(2023, 11, 27), dt.datetime(2024, 3, 1)]
    history = [[c.value for c in r] for r in book["history"].iter_rows(min_row=2)]
    # the register's status_date for R02 (no history entry), the saved change of R03 in UTC
    assert [(h[0], h[1], h[4]) for h in history] == [
        (dt.datetime(2023, 11, 27), "R02", "Đã được tiếp thu trong văn bản ban hành"),
        (dt.datetime(2024, 3, 1, 2, 30), "R03", "Đang được xem xét")]
    assert book["history"].cell(3, 1).number_format == "dd/mm/yyyy hh:mm"
    assert history[0][7] == "ngày trạng thái ghi trong sổ khuyến nghị (chưa có mục lịch sử)"


def test_export_csv_files_start_with_a_bom(tmp_path):
    _, files, _ = exported(tmp_path, [row(title="Phí bảo vệ môi trường đối với nước thải")])
    for name in ("register.csv", "links.csv"):
        data = files[name].read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    frame = pd.read_csv(files["register.csv"], encoding="utf-8-sig")
    assert frame.loc[0, "title"] == "Phí bảo vệ môi trường đối với nước thải" and frame.columns[0] == "id"


def test_export_xlsx_formula_starts_are_text_cells(tmp_path):
    rows = [row(f"R0{n}", notes=value) for n, value in enumerate(HOSTILE, 1)]
    _, files, _ = exported(tmp_path, rows, explanations=LEADING)
    with zipfile.ZipFile(files["register.xlsx"]) as package:
        sheets = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in package.read(n) or b"<f " in package.read(n) for n in sheets)
    ws = openpyxl.load_workbook(files["register.xlsx"])["register"]
    notes = headers(ws).index("Ghi chú") + 1
    cells = [ws.cell(r, notes) for r in range(2, 2 + len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE  # the value itself is unchanged
    links = openpyxl.load_workbook(files["register.xlsx"])["links"]
    cells += [links.cell(r, 6) for r in (2, 3)]
    assert [c.value for c in cells[-2:]] == LEADING
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_export_csv_formula_starts_get_a_quote(tmp_path):
    rows = [row(f"R0{n}", notes=value) for n, value in enumerate(HOSTILE, 1)] + [row("R09", notes="an toàn")]
    _, files, _ = exported(tmp_path, rows, explanations=LEADING)
    frame = pd.read_csv(files["register.csv"], encoding="utf-8-sig", keep_default_na=False)
    assert list(frame["notes"]) == ["'" + v for v in HOSTILE] + ["an toàn"]
    links = pd.read_csv(files["links.csv"], encoding="utf-8-sig", keep_default_na=False)
    assert list(links["explanation"]) == ["'" + v for v in LEADING]
    assert list(links["score"]) == [1.0, 1.0] and list(links["rank"]) == [1, 2]  # numbers are left alone


def test_export_control_characters_from_word_are_cleaned_and_noted(tmp_path):
    reg, files, notes = exported(tmp_path, [row(notes="dòng một\x0bdòng hai\x0ctrang mới\x01hết"), row("R02")])
    ws = openpyxl.load_workbook(files["register.xlsx"])["register"]
    cell = ws.cell(2, headers(ws).index("Ghi chú") + 1)
    assert cell.value == "dòng một\ndòng hai\ntrang mới hết" and cell.alignment.wrap_text
    assert "ký tự điều khiển" in cell.comment.text
    assert notes == ["register, row 2, column notes: control characters replaced by a space or a new line "
                     "(text copied from Word?)"]
    assert "dòng một\ndòng hai\ntrang mới hết" in files["register.csv"].read_text(encoding="utf-8-sig")
    assert reg["R01"]["notes"] == "dòng một\x0bdòng hai\x0ctrang mới\x01hết"  # the register is not changed


def test_export_column_labels_are_checked_on_load(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("columns:\n  register: {id: {vi: 'Mã', en: 'ID'}, title: {vi: 'Mã', en: 'Title'}}\n"
                    "  links: {}\n  history: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="columns: register: title: the header 'Mã' also names column 'id'"):
        load_column_labels(path)
    path.write_text("columns:\n  register: {id: {vi: 'Mã'}}\n  links: {}\n  history: {}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="needs a non-empty 'en'"):
        load_column_labels(path)
