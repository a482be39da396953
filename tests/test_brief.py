"""The consultation brief: its settings file, what the plan quotes and how a unit changed,
and the letter as Word lays it out (page, language, properties, blocks, table)."""

from __future__ import annotations

import datetime as dt
import re

import docx
import pytest
import yaml

from policytrack import parse
from policytrack.compare import compare
from policytrack.report.brief import BriefEntry, BriefPlan, BriefProvision, in_context, unit_change
from policytrack.report.brief_docx import vietnamese_date, write_brief
from policytrack.vocab import BriefSettings, DataFileError, load_brief_settings

from .conftest import ROOT

#: What must never reach the letter: provision paths and document ids.
INTERNAL_ID = re.compile(r"\bd\d+[a-z]*\.k\d+|\bd\d+\.|@du-thao|:d\d+|\bk\d+\.[a-zđ]\b|→")


# --- settings ---------------------------------------------------------------------------------

def test_the_shipped_settings_are_the_marked_placeholders():
    settings = load_brief_settings(ROOT / "brief_settings.yaml")
    assert settings == BriefSettings()
    assert settings.placeholders() == ["organisation, name", "organisation, parent", "recipients",
                                       "signature, position", "signature, name"]


def test_settings_filled_in(tmp_path):
    path = tmp_path / "brief_settings.yaml"
    path.write_text(yaml.safe_dump({
        "organisation": {"name": "Mạng lưới Nước Sạch", "parent": ""}, "number": "12/2025/MLNS",
        "date": "2025-03-05", "recipients": ["Bộ Nông nghiệp và Môi trường", "Ủy ban KHCN&MT"],
        "signature": {"on_behalf": "TM. Ban điều hành", "position": "Trưởng ban", "name": "Nguyễn Văn A"}},
        allow_unicode=True), encoding="utf-8")
    settings = load_brief_settings(path)
    assert settings.date == dt.date(2025, 3, 5) and settings.parent == "" and not settings.placeholders()
    assert settings.copies_to == BriefSettings().copies_to  # left out: the default


@pytest.mark.parametrize("content, entry", [
    ({"organization": {"name": "X"}}, "organization"),
    ({"signature": {"nam": "X"}}, "signature, nam"),
    ({"signature": {"name": ""}}, "signature, name"),
    ({"organisation": {"name": ["X"]}}, "organisation, name"),
    ({"date": "05/03/2025"}, "date"),
    ({"recipients": "Bộ Nông nghiệp và Môi trường"}, "recipients"),
    ({"organisation": "X"}, "organisation"),
])
def test_a_wrong_settings_entry_is_named(tmp_path, content, entry):
    path = tmp_path / "brief_settings.yaml"
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_brief_settings(path)
    assert caught.value.entry == entry and str(path) in str(caught.value)


@pytest.mark.parametrize("day, text", [(dt.date(2025, 3, 5), "Hà Nội, ngày 05 tháng 3 năm 2025"),
                                       (dt.date(2025, 1, 15), "Hà Nội, ngày 15 tháng 01 năm 2025"),
                                       (dt.date(2025, 12, 31), "Hà Nội, ngày 31 tháng 12 năm 2025")])
def test_vietnamese_date(day, text):
    assert vietnamese_date("Hà Nội", day) == text


# --- changes of one unit ----------------------------------------------------------------------

def test_in_context_keeps_the_words_around_a_change():
    words = " ".join(f"w{i}" for i in range(40))
    ops = [("equal", words), ("delete", "cũ"), ("insert", "mới"), ("equal", words)]
    cut = in_context(ops, keep=3)
    assert cut[0] == ("equal", "… w37 w38 w39") and cut[-1] == ("equal", "w0 w1 w2 …")
    middle = in_context([("insert", "a"), ("equal", words), ("delete", "b")], keep=3)[1][1]
    assert middle == "w0 w1 w2 … w37 w38 w39"
    assert in_context([("equal", "ngắn"), ("insert", "x")]) == [("equal", "ngắn"), ("insert", "x")]


@pytest.fixture(scope="module")
def drafts():
    [d1] = parse(ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-1.txt")
    [d2] = parse(ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-2.txt")
    return d2, compare(d1, d2)


def test_a_clause_is_compared_alone_not_with_its_article(drafts):
    d2, comparison = drafts
    label, diff = unit_change(comparison, d2[f"{d2.id}:d13.k4"])
    assert label == "changed"
    inserted = " ".join(w for op, w in diff if op == "insert")
    assert "không qua xử lý trung gian" in inserted
    other_clauses = [p.text for p in d2[f"{d2.id}:d13"].children if p.path != "d13.k4"]
    assert not any(clause[3:40] in " ".join(w for _, w in diff) for clause in other_clauses)
    assert unit_change(comparison, d2[f"{d2.id}:d5.k2"])[0] == "new"  # Điều 5 was inserted in draft 2
    assert unit_change(comparison, d2[f"{d2.id}:d4.k1"]) == ("unchanged", [])


# --- the letter as written --------------------------------------------------------------------

def _plan(**entry) -> BriefPlan:
    prov = BriefProvision("x@du-thao-2:d13.k4", "4. Dữ liệu quan trắc được truyền về cơ quan chuyên môn.",
                          "changed", [("equal", "Dữ liệu quan trắc được truyền"), ("insert", "trực tiếp")],
                          "khoản 4 Điều 13", "Quan trắc nước thải", "đã sửa so với Dự thảo 1")
    fields = {"recommendation": "R01", "title": "Công khai dữ liệu quan trắc", "ask": "Đề nghị công khai dữ liệu.",
              "status": "proposed", "status_label": "Đã đề xuất", "evidence": "", "target_provisions": "",
              "provisions": [prov], **entry}
    return BriefPlan("x@du-thao-2", "Luật Mẫu", "2", True, "", "x@du-thao-1", [BriefEntry(**fields)],
                     name="Dự thảo 2 Luật Mẫu", previous_name="Dự thảo 1", is_draft=True)


def test_the_proposed_wording_and_the_reason_come_from_the_register(tmp_path):
    plan = _plan(proposed_text="Dữ liệu quan trắc được công khai theo thời gian thực.",
                 rationale="Người dân cần biết nguồn nước mình dùng.")
    letter = docx.Document(write_brief(plan, tmp_path))
    [row] = letter.tables[1].rows[1:]
    assert "công khai theo thời gian thực" in row.cells[2].text and "Đề nghị công khai" in row.cells[2].text
    assert row.cells[3].text == "Người dân cần biết nguồn nước mình dùng."
    assert "Khoản 4 Điều 13" in row.cells[0].text and "trực tiếp" in row.cells[1].text


def test_without_them_the_ask_is_proposed_and_the_reason_left_to_fill_in(tmp_path):
    letter = docx.Document(write_brief(_plan(), tmp_path))
    row = letter.tables[1].rows[1]
    assert "Đề nghị công khai dữ liệu." in row.cells[2].text
    [reason] = [r for p in row.cells[3].paragraphs for r in p.runs]
    assert reason.text == "[Nêu lý do đề xuất]" and reason.font.highlight_color is not None


def test_the_organisation_signs_and_is_the_author(tmp_path):
    settings = BriefSettings(organisation="Mạng lưới Nước Sạch", parent="", signer="Nguyễn Văn A",
                             position="Trưởng ban", on_behalf="TM. Ban điều hành", date=dt.date(2025, 3, 5),
                             recipients=("Bộ A", "Bộ B"))
    letter = docx.Document(write_brief(_plan(), tmp_path, settings=settings))
    head = letter.tables[0].rows[0].cells
    assert head[0].text.startswith("MẠNG LƯỚI NƯỚC SẠCH") and "Hà Nội, ngày 05 tháng 3 năm 2025" in head[1].text
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Kính gửi:" in text and "- Bộ A;" in text and "- Bộ B." in text
    sign = letter.tables[2].rows[0].cells[1].text
    assert "TM. BAN ĐIỀU HÀNH" in sign and "TRƯỞNG BAN" in sign and "Nguyễn Văn A" in sign
    assert letter.core_properties.author == "Mạng lưới Nước Sạch"
    assert not INTERNAL_ID.search(text + "\n".join(c.text for t in letter.tables for r in t.rows for c in r.cells))
