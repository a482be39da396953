"""Hand-edited register and history files (issue 13): nothing dropped silently, every
problem reported with its file and line, never a traceback. Team-written rows throughout."""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings

import pytest

from policytrack.register import (
    COLUMNS,
    HISTORY_COLUMNS,
    Register,
    RegisterError,
    RegisterRecovered,
)

from .test_register import row, write

ENTRY = {"when": "2024-03-01T09:00:00+00:00", "id": "R01", "document_version": "dự thảo 2",
         "old_status": "proposed", "new_status": "under_consideration",
         "evidence": "Công văn 12/BTNMT (2024-03-01)", "who": "liên lạc viên", "note": "đã gửi góp ý"}


def history_text(entries, columns=HISTORY_COLUMNS, newline="\n"):
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator=newline)
    writer.writeheader()
    writer.writerows(entries)
    return buffer.getvalue()


def three_rows(tmp_path, **first):
    return write(tmp_path / "r.csv", [row("R01", **first), row("R02", title="Phí xả thải", notes="ghi chú"),
                                      row("R03", title="Quan trắc tự động", notes="kết thúc")])


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_and_save(reg, rec="R02", evidence="Công văn 99/BTNMT (2024-05-01)"):
    reg.set_status(rec, "under_consideration", evidence=evidence, who="liên lạc viên")
    reg.save()
    return Register.load(reg.path)


# --- the register file -----------------------------------------------------------------------

def test_extra_columns_are_kept_in_order_through_load_and_save(tmp_path):
    path = three_rows(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    # a liaison adds a column in the middle and one at the end
    header = lines[0].replace("status,", "liaison_notes,status,", 1) + ",follow_up"
    body = [line.replace(",proposed,", ",gọi lại Sở TN&MT,proposed,", 1) + f",tuần {n}" for n, line in
            enumerate(lines[1:], 1)]
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    reg = Register.load(path)
    assert reg.columns[-1] == "follow_up" and reg["R03"]["follow_up"] == "tuần 3"
    again = change_and_save(reg)
    saved_header = path.read_text(encoding="utf-8").splitlines()[0]
    assert saved_header == header
    assert again["R02"]["liaison_notes"] == "gọi lại Sở TN&MT" and again["R02"]["status"] == "under_consideration"
    assert list(again.to_frame().columns) == [*COLUMNS, "liaison_notes", "follow_up"]


BAD_REGISTERS = [
    # (what a person did, how, the line and words the error must give)
    ("a stray quote swallows the next row", lambda p: (edit(p, "ghi chú", '"ghi chú'), edit(p, "kết thúc", 'kết thúc"')),
     ["line 3, column notes: a stray quote?", "(line 4)"]),
    ("a quote never closed", lambda p: edit(p, "Phí xả thải", '"Phí xả thải'),
     ["line 3: csv cannot read it", "stray or unclosed quote"]),
    ("a quote closed in the middle of a value", lambda p: edit(p, "Phí xả thải", '"Phí" xả thải'),
     ["line 3: csv cannot read it"]),
    ("a value too many", lambda p: edit(p, "Quan trắc tự động,", "Quan trắc, tự động,"),
     ["line 4: 16 values, but the header has 15 columns"]),
    ("a value missing", lambda p: edit(p, "Phí xả thải,", ""),
     ["line 3: 14 values, but the header has 15 columns"]),
    ("a duplicated header", lambda p: edit(p, "provenance,notes", "provenance,status"),
     ["column status: the header names column 'status' twice (columns 9 and 15)"]),
    ("a column deleted", lambda p: edit(p, ",provenance,notes\n", ",notes\n"), ["missing column(s): provenance"]),
    ("a value in a column with no name", lambda p: edit(p, "kết thúc\n", "kết thúc,lạc chỗ\n") or
     edit(p, "provenance,notes\n", "provenance,notes,\n"), ["line 4: a value in a column without a name"]),
]


@pytest.mark.parametrize("what,damage,expected", BAD_REGISTERS, ids=[c[0] for c in BAD_REGISTERS])
def test_a_damaged_register_is_reported_by_line_and_never_saved_short(tmp_path, what, damage, expected):
    path = three_rows(tmp_path)
    damage(path)
    with pytest.raises(RegisterError) as err:
        Register.load(path)
    text = str(err.value)
    for needle in expected:
        assert needle in text, (what, text)
    assert all(r.file == str(path) for r in err.value.records)


def test_the_rows_after_a_stray_quote_are_still_checked(tmp_path):
    path = three_rows(tmp_path)
    edit(path, "Phí xả thải", '"Phí xả thải')
    edit(path, "R03,Quan trắc tự động", "R03,")  # and an empty title two lines below
    with pytest.raises(RegisterError) as err:
        Register.load(path)
    assert [(r.line, r.column) for r in err.value.records] == [(3, ""), (4, "title")]


def test_unnamed_empty_columns_are_left_out_with_a_note(tmp_path):
    path = three_rows(tmp_path)
    path.write_text("".join(line.rstrip("\n") + ",,\n" for line in path.read_text(encoding="utf-8").splitlines()),
                    encoding="utf-8")
    reg = Register.load(path)
    assert len(reg) == 3 and any("no name and no values" in w for w in reg.warnings)


def test_a_bom_and_windows_line_ends_in_the_register(tmp_path):
    path = three_rows(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    reg = Register.load(path)
    assert reg["R01"]["id"] == "R01" and reg.columns[0] == "id"
    change_and_save(reg)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,")  # kept for Excel


def test_a_cell_over_the_csv_field_limit(tmp_path):
    huge = "Ghi chú rất dài. " * 10_000  # 170,000 characters > csv's 131,072
    path = three_rows(tmp_path, notes=huge)
    reg = Register.load(path)
    assert reg["R01"]["notes"] == huge.strip()
    again = change_and_save(reg)
    assert again["R01"]["notes"] == huge.strip() and csv.field_size_limit() == 131_072


def test_multi_line_cells_are_not_taken_for_stray_quotes(tmp_path):
    path = three_rows(tmp_path, notes="Dòng một,\nDòng hai, có dấu phẩy\nDòng ba")
    reg = Register.load(path)
    assert reg["R01"]["notes"].count("\n") == 2 and not reg.problems
    with pytest.raises(RegisterError, match="row 5 \\(R02\\)"):  # R02 starts on line 5, after the 3-line cell
        edit(path, "R02,Phí xả thải", "R02,")
        Register.load(path)


# --- the history file ------------------------------------------------------------------------

def with_history(tmp_path, text: str | bytes, **first):
    path = three_rows(tmp_path, **first)
    history = tmp_path / "r_history.csv"
    history.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path, history


def test_a_history_without_a_trailing_newline(tmp_path):
    path, history = with_history(tmp_path, history_text([ENTRY]).rstrip("\n"), status="under_consideration",
                                 evidence=ENTRY["evidence"])
    again = change_and_save(Register.load(path))
    assert [e["id"] for e in again.history] == ["R01", "R02"]
    assert history.read_text(encoding="utf-8").splitlines()[1].endswith("đã gửi góp ý")


def test_reordered_history_columns_are_read_and_written_by_name(tmp_path):
    columns = list(reversed(HISTORY_COLUMNS))
    path, history = with_history(tmp_path, history_text([ENTRY], columns), status="under_consideration",
                                 evidence=ENTRY["evidence"])
    reg = Register.load(path)
    assert reg.history[0]["when"] == ENTRY["when"] and not reg.warnings[1:]
    again = change_and_save(reg)
    assert again.history[1]["new_status"] == "under_consideration" and again.history[1]["id"] == "R02"
    assert history.read_text(encoding="utf-8").splitlines()[0] == ",".join(columns)


def test_a_bom_in_the_history(tmp_path):
    path, _ = with_history(tmp_path, "\ufeff" + history_text([ENTRY]), status="under_consideration",
                           evidence=ENTRY["evidence"])
    reg = Register.load(path)
    assert reg.history[0]["when"] == ENTRY["when"]
    assert change_and_save(reg).history[0]["when"] == ENTRY["when"]


BAD_HISTORY_LINES = [
    ("an unknown new status", {**ENTRY, "new_status": "maybe"}, "line 3, column new_status: 'maybe' is not a known"),
    ("an unknown old status", {**ENTRY, "old_status": "đang xem"}, "line 3, column old_status: 'đang xem' is not"),
    ("no id", {**ENTRY, "id": ""}, "line 3, column id: no recommendation id"),
    ("a stray quote", {**ENTRY, "note": '"chưa đóng ngoặc'}, "line 3: csv cannot read it"),
]


@pytest.mark.parametrize("what,bad,expected", BAD_HISTORY_LINES, ids=[c[0] for c in BAD_HISTORY_LINES])
def test_a_bad_history_line_is_reported_and_not_applied(tmp_path, what, bad, expected):
    good = {**ENTRY, "id": "R03", "when": "2024-03-02T09:00:00+00:00"}
    text = history_text([ENTRY, bad, good])
    if what == "a stray quote":  # written by hand, not by csv: the quote opens and never closes
        text = text.replace('"""chưa đóng ngoặc"', '"chưa đóng ngoặc')
    path, history = with_history(tmp_path, text, status="under_consideration", evidence=ENTRY["evidence"])
    before = history.read_bytes()
    reg = Register.load(path)
    assert any(expected in w for w in reg.warnings), (what, reg.warnings)
    assert [p.line for p in reg.problems] == [3]
    assert [e["id"] for e in reg.history] == ["R01", "R03"]  # the good line after it is applied
    assert reg["R03"]["status"] == "under_consideration"
    change_and_save(reg)
    assert history.read_bytes().startswith(before)  # the bad line is kept, byte for byte


def test_the_history_s_unknown_status_does_not_change_the_register(tmp_path):
    path, _ = with_history(tmp_path, history_text([{**ENTRY, "new_status": "adopted_maybe"}]))
    reg = Register.load(path)
    assert reg["R01"]["status"] == "proposed" and reg.history == []


def test_a_history_in_windows_1258(tmp_path):
    def cp1258(text: str) -> bytes:  # tone marks as combining characters, the way cp1258 stores them
        tones = "\u0300\u0301\u0303\u0309\u0323"
        out = []
        for char in unicodedata.normalize("NFD", text):
            if out and char not in tones and unicodedata.combining(char):
                out[-1] = unicodedata.normalize("NFC", out[-1] + char)
            else:
                out.append(char)
        return "".join(out).encode("cp1258")

    path, history = with_history(tmp_path, cp1258(history_text([ENTRY])), status="under_consideration",
                                 evidence=ENTRY["evidence"])
    reg = Register.load(path)
    assert reg.history[0]["who"] == "liên lạc viên" and reg.history[0]["note"] == "đã gửi góp ý"
    assert any("not UTF-8: read as cp1258" in w for w in reg.warnings)
    again = change_and_save(reg)
    assert history.read_text(encoding="utf-8").count("liên lạc viên") == 2  # now UTF-8
    assert (tmp_path / "r_history.csv.legacy.bak").exists() and not again.problems


@pytest.mark.parametrize("what,damage,expected", [
    ("the history path is a folder", lambda h: h.mkdir(), "r_history.csv: 1 problem(s):\n  - is a folder, not a file"),
    ("a duplicated history header", lambda h: h.write_text("when,id,id,new_status\n", encoding="utf-8"),
     "column id: the header names column 'id' twice (columns 2 and 3)"),
    ("history columns missing", lambda h: h.write_text("when,who\n", encoding="utf-8"),
     "missing column(s): id, new_status"),
    ("a binary file as history", lambda h: h.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
     "r_history.csv: not a text file"),
])
def test_a_history_that_cannot_be_read_is_a_clear_error(tmp_path, what, damage, expected):
    path = three_rows(tmp_path)
    damage(tmp_path / "r_history.csv")
    with pytest.raises(RegisterError) as err:
        Register.load(path)
    assert expected in str(err.value), (what, str(err.value))


def test_a_history_path_that_is_a_folder_on_save(tmp_path):
    reg = Register.load(three_rows(tmp_path))
    (tmp_path / "r_history.csv").mkdir()
    reg.set_status("R01", "withdrawn", evidence="Thư (2024-03-01)", who="liên lạc viên")
    with pytest.raises(RegisterError, match="is a folder"):
        reg.save()


# --- an interrupted save, found by the next load ------------------------------------------------

def test_leftover_temporary_files_are_removed_on_load(tmp_path):
    path = three_rows(tmp_path)
    leftovers = [tmp_path / ".r.tmp-abc123.csv", tmp_path / ".r_history.tmp-x.csv", tmp_path / ".r.csv.tmp-y.journal"]
    for leftover in leftovers:
        leftover.write_text("half a file", encoding="utf-8")
    unrelated = tmp_path / ".r_links.tmp-z.csv"  # another file's: not ours to remove
    unrelated.write_text("x", encoding="utf-8")
    with pytest.warns(RegisterRecovered, match="removed 3 temporary file"):
        reg = Register.load(path)
    assert not any(p.exists() for p in leftovers) and unrelated.exists()
    assert any("removed 3 temporary file" in w for w in reg.warnings)


def test_an_unreadable_journal_is_removed_and_nothing_applied(tmp_path):
    path = three_rows(tmp_path)
    before = path.read_bytes()
    (tmp_path / "r.csv.journal").write_text("{half", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Register.load(path)
    assert any("unreadable journal" in str(w.message) for w in caught)
    assert path.read_bytes() == before and not (tmp_path / "r.csv.journal").exists()
