"""A register edited in Excel read back (issue 14): the exported workbook (or a plain one)
checked like the CSV, every problem named by its row; status changes through the history;
the CSV register saved, never the workbook. Team-written rows throughout."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from policytrack.linking import LINK_COLUMNS
from policytrack.register import COLUMNS, Register, RegisterError
from policytrack.report.exports import write_exports

from .test_register import row, write


@pytest.fixture
def workbook(tmp_path):
    """A three-row register exported as the report does: (register path, workbook path)."""
    path = write(tmp_path / "recommendations.csv", [row("R01"), row("R02", title="Phí xả thải"),
                                                    row("R03", notes="=1+1")])
    out = tmp_path / "reports"
    write_exports(Register.load(path), pd.DataFrame(columns=LINK_COLUMNS), out)
    return path, out / "register.xlsx"


def edit(xlsx, changes, author="Nguyễn Văn A"):
    """Set cells by (row, header) in the register sheet, as a liaison does in Excel."""
    book = openpyxl.load_workbook(xlsx)
    ws = book["register"]
    col = {c.value: c.column for c in ws[1]}
    for (line, header), value in changes.items():
        ws.cell(line, col[header]).value = value
    book.properties.lastModifiedBy = author
    book.save(xlsx)


def test_xlsx_bad_edits_are_reported_by_row_and_column(workbook):
    path, xlsx = workbook
    edit(xlsx, {(2, "Ngày trạng thái"): "2024-13-01", (3, "Mã trạng thái"): "adopted",
                (4, "Trạng thái"): "nửa chừng", (4, "Xuất xứ"): "rumour"})
    with pytest.raises(RegisterError) as info:
        Register.load(xlsx)
    found = {(p.line, p.column, p.row) for p in info.value.records}
    assert found == {(2, "status_date", "R01"), (3, "evidence", "R02"), (4, "status", "R03"),
                     (4, "provenance", "R03")}
    assert all(p.file == str(xlsx) for p in info.value.records)
    assert "row 2 (R01), column status_date: '2024-13-01' is not a YYYY-MM-DD date" in info.value.problems
    assert path.read_bytes() == (path.parent / "recommendations.csv").read_bytes()  # nothing written


def test_xlsx_refused_transition_is_reported_by_row(workbook):
    path, xlsx = workbook
    reg = Register.load(path)
    reg.set_status("R02", "withdrawn", evidence="Biên bản họp mạng lưới (2024-02-01)", who="điều phối viên")
    reg.save()
    edit(xlsx, {(3, "Mã trạng thái"): "in_draft", (3, "Trạng thái"): None, (3, "Bằng chứng"): "dự thảo 2, Điều 14"})
    with pytest.raises(RegisterError) as info:
        Register.load(xlsx)
    [problem] = info.value.records
    assert (problem.line, problem.column, problem.row) == (3, "status", "R02")
    assert "withdrawn → in_draft is not an allowed transition" in problem.reason


def test_xlsx_good_edits_are_saved_to_the_csv_with_their_history(workbook):
    path, xlsx = workbook
    edit(xlsx, {(2, "Mã trạng thái"): "under_consideration", (2, "Bằng chứng"): "Công văn 12/BTNMT (2024-03-01)",
                (3, "Trạng thái"): "Đã đưa vào dự thảo", (3, "Bằng chứng"): "dự thảo 2, Điều 14",
                (3, "Ngày trạng thái"): "15/03/2024", (4, "Ghi chú"): "gọi lại Sở TN&MT", (4, "Xuất xứ"): "documented"})
    before = xlsx.read_bytes()
    reg = Register.load(xlsx)
    assert reg.path == path and reg.history_path == path.with_name("recommendations_history.csv")
    saved = reg.save()
    assert saved == path and xlsx.read_bytes() == before  # the workbook is never written
    again = Register.load(path)
    assert [(r["status"], r["evidence"]) for r in again] == [
        ("under_consideration", "Công văn 12/BTNMT (2024-03-01)"), ("in_draft", "dự thảo 2, Điều 14"),
        ("proposed", "")]
    assert again["R02"]["status_date"] == "2024-03-15" and again["R03"]["notes"] == "gọi lại Sở TN&MT"
    history = again.history_frame()
    assert list(zip(history["id"], history["old_status"], history["new_status"], history["who"])) == [
        ("R01", "proposed", "under_consideration", "Nguyễn Văn A"), ("R02", "proposed", "in_draft", "Nguyễn Văn A")]
    assert history.loc[1, "when"] == "2024-03-15" and set(history["note"]) == {"edited in register.xlsx"}
    assert again["R03"]["notes"] == "gọi lại Sở TN&MT" and "status_label" not in again.columns
    assert Register.load(path).to_frame().loc[2, "notes"] == "gọi lại Sở TN&MT"


def test_xlsx_unchanged_export_reads_back_as_the_register(workbook):
    path, xlsx = workbook
    reg = Register.load(xlsx)
    assert reg.rows == Register.load(path).rows and reg._pending == []
    assert reg["R03"]["notes"] == "=1+1"  # a text cell, not a formula, and read back as written


def test_xlsx_plain_sheet_with_english_headers_dates_and_numbers(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    labels = {"id": "ID", "title": "Title", "status": "Status code", "status_date": "Status date",
              "notes": "Notes"}
    ws.append([labels.get(c, c) for c in COLUMNS] + ["follow up"])
    values = {**row("R01", status="adopted", evidence="Luật 28/2023/QH15 (2023-11-27)", notes=None), "notes": 12.0}
    values["status_date"] = pd.Timestamp("2023-11-27").to_pydatetime()
    ws.append([values.get(c) for c in COLUMNS] + [3])
    ws.append([None] * (len(COLUMNS) + 1))  # an empty formatted row
    xlsx = tmp_path / "my register.xlsx"
    book.save(xlsx)
    write(tmp_path / "unused.csv", [])  # the sources register beside it
    reg = Register.load(xlsx)
    assert reg.path == tmp_path / "my register.csv" and len(reg) == 1
    assert reg["R01"]["status_date"] == "2023-11-27" and reg["R01"]["notes"] == "12"
    assert reg["R01"]["follow up"] == "3"
    reg.save()
    assert Register.load(tmp_path / "my register.csv")["R01"]["status"] == "adopted"


def test_xlsx_is_never_a_save_target(workbook, tmp_path):
    path, xlsx = workbook
    with pytest.raises(RegisterError, match="saved as CSV"):
        Register.load(xlsx, save_to=tmp_path / "other.xlsx")
    reg = Register.load(xlsx)
    with pytest.raises(RegisterError, match="never over a workbook"):
        reg.save(xlsx)
    copy = tmp_path / "copy.csv"
    assert Register.load(xlsx, save_to=copy).path == copy and not copy.exists()


def test_xlsx_missing_column_and_repeated_header(workbook):
    _, xlsx = workbook
    book = openpyxl.load_workbook(xlsx)
    ws = book["register"]
    ws.cell(1, 2).value = "Mã"  # the title column now repeats the id's header
    book.save(xlsx)
    with pytest.raises(RegisterError) as info:
        Register.load(xlsx)
    assert any("twice" in p and "column id" in p for p in info.value.problems)
