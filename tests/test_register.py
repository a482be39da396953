"""The register: validation, status vocabulary and history, safe saves; the shipped CSV."""

from __future__ import annotations

import csv
import shutil

import pytest

from policytrack.register import COLUMNS, Register, RegisterError, load_statuses

from .conftest import PROJECT_SOURCES, ROOT


def write(path, rows):
    """A register CSV, with the project's sources.csv beside it (what target documents are
    checked against by default)."""
    sources = path.parent / "sources.csv"
    if not sources.exists():
        shutil.copyfile(PROJECT_SOURCES, sources)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def row(rec_id="R01", **kw):
    base = {"id": rec_id, "title": "An ninh nguồn nước", "text_vi": "Đề nghị định nghĩa an ninh nguồn nước.",
            "summary_en": "Define water security.", "theme": "1 water security", "topics": "water_resources",
            "target_document": "72/2020/QH14", "target_provisions": "khoản 3 Điều 8; Điều 9", "status": "proposed",
            "source": "seed 001", "provenance": "documented"}
    base.update(kw)
    return base


def test_valid_register_loads(tmp_path):
    reg = Register.load(write(tmp_path / "r.csv", [row(), row("R02")]))
    assert len(reg) == 2 and reg["R02"]["status"] == "proposed"
    assert list(reg.to_frame().columns) == list(COLUMNS)


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path / "r.csv", [
        row(), row("R01"), row("X3"), row("R04", status="adopted"), row("R05", status="maybe"),
        row("R06", status_date="2023-02-30"), row("R07", target_document="99/9999/XX"),
        row("R08", target_provisions="không rõ điều nào"), row("R09", provenance="guess", topics="air"),
    ])
    before = path.read_bytes()
    with pytest.raises(RegisterError) as err:
        Register.load(path)
    text = str(err.value)
    for needle in ("row 3 (R01), column id: R01 repeats row 2", "row 4 (X3), column id",
                   "row 5 (R04), column evidence", "row 6 (R05), column status", "row 7 (R06), column status_date",
                   "row 8 (R07), column target_document", "row 9 (R08), column target_provisions",
                   "row 10 (R09), column provenance", "row 10 (R09), column topics"):
        assert needle in text, needle
    assert path.read_bytes() == before  # nothing written


def test_not_utf8_and_missing_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,title\nR01,N\xf8\xf5c\n")  # legacy 8-bit bytes, not UTF-8
    with pytest.raises(RegisterError, match="not UTF-8"):
        Register.load(bad)
    (tmp_path / "cols.csv").write_text("id,title\nR01,x\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="missing column"):
        Register.load(tmp_path / "cols.csv")


def test_status_vocabulary():
    vocab = load_statuses()
    for status in ("proposed", "under_consideration", "in_draft", "adopted", "partially_adopted", "not_adopted",
                   "dropped_from_draft", "superseded", "withdrawn"):
        assert status in vocab
        assert vocab.label(status, "vi") and vocab.statuses[status]["definition"]
    assert vocab.allowed("proposed", "in_draft")
    assert not vocab.requires_evidence("proposed") and vocab.requires_evidence("adopted")


def test_status_changes_go_through_history_and_safe_saves(tmp_path):
    path = write(tmp_path / "r.csv", [row(), row("R02")])
    reg = Register.load(path)
    with pytest.raises(RegisterError, match="needs evidence"):
        reg.set_status("R01", "in_draft", who="liaison")
    reg.set_status("R02", "withdrawn", evidence="Thư của mạng lưới (2024-03-01)", who="liaison")
    with pytest.raises(RegisterError, match="not an allowed transition"):
        reg.set_status("R02", "in_draft", evidence="x", who="liaison")  # withdrawn is final
    reg.set_status("R01", "in_draft", evidence="luat-x@du-thao-2:d5", who="liaison", note="article 5 added",
                   document_version="dự thảo 2")
    reg.save()
    assert (tmp_path / "r.csv.bak").exists()
    history = (tmp_path / "r_history.csv").read_text(encoding="utf-8")
    assert "R01,dự thảo 2,proposed,in_draft,luat-x@du-thao-2:d5,liaison,article 5 added" in history
    again = Register.load(path)
    assert again["R01"]["status"] == "in_draft" and len(again.history) == 2

    # someone edits the status by hand: the history's last word wins, with a warning
    text = path.read_text(encoding="utf-8").replace("in_draft", "proposed", 1)
    path.write_text(text, encoding="utf-8")
    edited = Register.load(path)
    assert edited["R01"]["status"] == "in_draft" and edited.warnings


def test_save_refuses_a_register_changed_on_disk(tmp_path):
    path = write(tmp_path / "r.csv", [row()])
    reg = Register.load(path)
    write(path, [row(), row("R02")])  # another person saved meanwhile
    reg.set_status("R01", "under_consideration", evidence="Công văn 1/2024 (2024-01-02)", who="me")
    with pytest.raises(RegisterError, match="changed on disk"):
        reg.save()
    assert "R02" in path.read_text(encoding="utf-8")  # their change is intact
    reg.save(force=True)
    assert "R02" not in path.read_text(encoding="utf-8")


def test_shipped_register_is_valid_and_honest():
    reg = Register.load(ROOT / "recommendations.csv")
    frame = reg.to_frame()
    assert len(frame) == 47 and frame["id"].tolist() == [f"R{i:02d}" for i in range(1, 48)]
    assert set(frame["provenance"]) <= {"documented", "illustrative"}
    assert (frame["source"] != "").all()
    non_proposed = frame[frame["status"] != "proposed"]
    assert (non_proposed["evidence"] != "").all()
    illustrative = frame[frame["provenance"] == "illustrative"]
    assert illustrative["notes"].str.contains("illustrative", case=False).all()
    unverified = frame[(frame["target_provisions"] != "") & (frame["target_document"] != "72/2020/QH14")]
    assert unverified["notes"].str.contains("unverified", case=False).all()
