"""The main job: exports, charts, dashboard and brief from the shipped repository; problems
reported in the report itself; the dashboard as a browser shows it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil

import docx
import pandas as pd
import pytest

from policytrack.cli import main
from policytrack.report import build_report

from .conftest import ROOT, SHARED, headless_chromium, shipped_report


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return shipped_report(tmp_path_factory)


def dashboard_data(path):
    page = path.read_text(encoding="utf-8")
    return page, json.loads(page.split('<script id="data" type="application/json">', 1)[1].split("</script>", 1)[0])


def test_exports_hold_the_register_with_statuses_and_links(shipped):
    sheets = pd.read_excel(shipped / "register.xlsx", sheet_name=None)
    assert set(sheets) == {"register", "links", "history"} and len(sheets["register"]) == 47
    register = pd.read_csv(shipped / "register.csv")
    assert {"status_label", "linked_provisions", "suggested_provisions", "last_change"} <= set(register.columns)
    # the two statuses the team inferred from the enacted law: on the history sheet and as the last change
    assert set(sheets["history"]["Mã khuyến nghị"]) >= {"R01", "R12"}
    assert register.set_index("id").loc["R01", "last_change"] == "2023-11-27"
    links = pd.read_csv(shipped / "links.csv")
    # the shipped register targets real laws the repository does not hold: nothing fictional is suggested
    assert links[links["provision"].notna()]["provision"].str.contains("MAU").sum() == 0


def test_dashboard_is_one_offline_file_with_charts_and_every_recommendation(shipped):
    page, data = dashboard_data(shipped / "dashboard.html")
    assert len(data["recs"]) == 47 and data["labels"]["status"] == "Trạng thái" and data["problems"] == []
    assert "http://" not in page and "https://" not in page and "<script src" not in page  # nothing fetched
    for chart in ("funnel", "status_by_theme", "topic_heatmap", "timeline"):
        assert f'data-chart="{chart}"' in page
    # the statuses inferred from enacted texts appear on the timeline although no history file exists
    assert {(e["id"], e["new_status"]) for e in data["history"]} >= {("R01", "adopted"), ("R12", "partially_adopted")}


def test_charts_are_written_as_png(shipped):
    from PIL import Image

    for name in ("funnel", "status_by_theme", "topic_heatmap", "timeline"):
        with Image.open(shipped / "charts" / f"{name}.png") as image:
            assert image.format == "PNG"


#: Provision paths and document ids, which must never reach the letter's text.
INTERNAL_ID = re.compile(r"\bd\d+[a-z]*\.k\d+|\bd\d+\.[a-z]|@du-thao|[\w/-]+:d\d+|→")


def _all_text(brief) -> str:
    cells = [c.text for t in brief.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in brief.paragraphs] + cells)


def test_brief_is_a_comment_letter_on_the_draft_the_corpus_holds(shipped):
    from docx.oxml.ns import qn
    from docx.shared import Mm

    brief = docx.Document(shipped / "brief.docx")
    section = brief.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)]
    assert 20 <= margins[0] <= 25 and 20 <= margins[1] <= 25 and 30 <= margins[2] <= 35 and 15 <= margins[3] <= 20
    normal = brief.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    runs = list(brief.element.body.iter(qn("w:r")))
    assert runs and all(r.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) == "vi-VN" for r in runs)
    props = brief.core_properties
    assert props.author == "[TÊN TỔ CHỨC]" and props.author != "python-docx"  # the shipped placeholder
    assert props.title == "Góp ý dự thảo Luật Tài nguyên nước (mẫu)" and props.subject
    assert abs(props.created.year - dt.date.today().year) <= 1 and props.modified == props.created
    head = brief.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1].text and "Độc lập - Tự do - Hạnh phúc" in head[1].text
    assert "Số: " in head[0].text and "V/v góp ý dự thảo Luật Tài nguyên nước (mẫu)" in head[0].text
    assert re.search(r"Hà Nội, ngày \d\d tháng \d+ năm \d{4}", head[1].text)
    text = _all_text(brief)
    assert "Kính gửi:" in text and "Nơi nhận:" in text and "Trên đây là ý kiến góp ý" in text
    table = brief.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["Điều, khoản", "Quy định tại dự thảo",
                                                     "Nội dung góp ý, đề xuất sửa đổi", "Lý do"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert sum(c.width for c in table.rows[1].cells) <= Mm(166)
    assert len(table.rows) > 5 and any(re.match(r"Khoản \d+ Điều \d+", r.cells[0].text) for r in table.rows[1:])
    assert "Đã sửa so với Dự thảo 1" in text  # the targeted clause's own change, in context
    assert not INTERNAL_ID.search(text), INTERNAL_ID.search(text).group()
    assert "Trạng thái:" not in text and "Bản góp ý" not in text
    assert len(brief.inline_shapes) == 2  # funnel and topic heatmap, in the annex
    header = section.header.paragraphs[0]._p.xml
    assert "PAGE" in header and section.different_first_page_header_footer


def test_brief_charts_count_only_the_recommendations_in_the_brief(shipped):
    import policytrack as pt
    from policytrack.report import plan_brief
    from policytrack.report.charts import brief_charts

    corpus = pt.Corpus.load(ROOT / "corpus")
    register = pt.Register.load(ROOT / "recommendations.csv")
    links = pt.link(register, corpus)
    plan = plan_brief(register, links, corpus)
    assert plan.held and plan.document == "luat-tai-nguyen-nuoc-mau@du-thao-2" and plan.previous_name == "Dự thảo 1"
    ids = [e.recommendation for e in plan.entries]
    assert 0 < len(ids) < len(register)
    funnel, heatmap = brief_charts(register, links, corpus, ids)
    assert funnel.frame["count"].max() == len(ids)
    assert {i for members in heatmap.ids.values() for i in members} <= set(ids)
    from PIL import Image

    with Image.open(heatmap.save_png(shipped / "fitted.png", width=6.2)) as image:
        width, height = image.size
    assert width == round(6.2 * 150) and height < 1.2 * width  # fits a page, labels do not fill half of it


def test_a_missing_settings_file_gives_placeholders_and_a_note(tmp_path):
    shutil.copy(ROOT / "recommendations.csv", tmp_path / "recommendations.csv")
    result = build_report(tmp_path / "recommendations.csv", ROOT / "corpus", tmp_path / "out", quiet=True)
    [note] = [p for p in result.problems if p.step == "brief"]
    assert note.severity == "note" and "brief_settings.yaml" in note.where and not result.errors
    assert docx.Document(tmp_path / "out" / "brief.docx").core_properties.author == "[TÊN TỔ CHỨC]"


def test_a_wrong_settings_file_is_an_error_naming_the_entry(tmp_path):
    shutil.copy(ROOT / "recommendations.csv", tmp_path / "recommendations.csv")
    (tmp_path / "brief_settings.yaml").write_text("signature:\n  name: ''\n", encoding="utf-8")
    result = build_report(tmp_path / "recommendations.csv", ROOT / "corpus", tmp_path / "out", quiet=True)
    [error] = result.errors
    assert error.step == "brief" and "signature, name" in error.what
    assert (tmp_path / "out" / "brief.docx").exists()


def test_english_dashboard(tmp_path):
    assert main(["report", "--corpus", str(ROOT / "corpus"), "--register", str(ROOT / "recommendations.csv"),
                 "--out", str(tmp_path), "--lang", "en"]) == 0
    page, data = dashboard_data(tmp_path / "dashboard.html")
    assert '<html lang="en">' in page and data["labels"]["status"] == "Status" and "Adoption funnel" in page
    r01 = data["recs"][0]
    assert r01["theme_label"] == "1. Defining water security" and r01["status_label"] == "Adopted"
    assert all(link["method"] in {"explicit", "retrieved", "confirmed"} for r in data["recs"] for link in r["links"])


def test_a_broken_register_is_reported_in_the_dashboard_and_the_rest_is_written(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\nR01,x\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "--register", str(bad), "--corpus", str(ROOT / "corpus"), "--out", str(out)]) == 1
    assert "missing column" in capsys.readouterr().err
    assert (out / "corpus_summary.md").exists() and not (out / "brief.docx").exists()
    _, data = dashboard_data(out / "dashboard.html")
    steps = {(p["step"], p["where"]) for p in data["problems"]}
    assert ("register", str(bad)) in steps and any(s == "brief" for s, _ in steps)
    assert any("missing column" in p["what"] for p in data["problems"]) and data["recs"] == []


def test_an_unreadable_corpus_file_is_reported_and_skipped(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder)
    (folder / "rong.txt").write_bytes(b"")
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 truncated")
    result = build_report(ROOT / "recommendations.csv", folder, tmp_path / "out", quiet=True)
    skipped = {os.path.basename(p.where) for p in result.problems if p.step == "corpus"}
    assert skipped == {"rong.txt", "hong.pdf"}
    assert {p.name for p in result.written} >= {"dashboard.html", "brief.docx", "register.xlsx"}
    _, data = dashboard_data(tmp_path / "out" / "dashboard.html")
    assert len(data["recs"]) == 47 and {os.path.basename(p["where"]) for p in data["problems"]} == skipped


def test_a_missing_corpus_folder_still_gives_the_register(tmp_path):
    result = build_report(ROOT / "recommendations.csv", tmp_path / "nowhere", tmp_path / "out", quiet=True)
    assert [(p.step, p.what.split(":")[0]) for p in result.problems][1:] == [("brief", "not written")]
    assert result.problems[0].step == "corpus" and "nowhere" in result.problems[0].where
    _, data = dashboard_data(tmp_path / "out" / "dashboard.html")
    assert len(data["recs"]) == 47 and "nowhere" in data["problems"][0]["where"]


def _browser():
    return headless_chromium("1300,1000", console_log=True)


def test_dashboard_renders_in_headless_chromium(shipped, monkeypatch, tmp_path):
    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium must not look for drivers on the network
    monkeypatch.setenv("HOME", str(tmp_path))
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser = _browser()
    try:
        browser.get((shipped / "dashboard.html").as_uri())
        WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.body.dataset.rendered"))
        assert browser.execute_script("return window.__errors") == []
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert severe == []
        rows = browser.find_elements(By.CSS_SELECTOR, "#recs tr.rec")
        assert len(rows) == 47 and rows[0].text.startswith("R01")
        assert len(browser.find_elements(By.CSS_SELECTOR, "svg.pt-chart")) == 4
        # a click on the funnel's last stage filters the table to the recommendations behind it
        stage = browser.find_elements(By.CSS_SELECTOR, 'svg[data-chart="funnel"] .pt-mark')[-1]
        ids = stage.get_attribute("data-ids").split()
        browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", stage)
        shown = [r.get_attribute("data-id") for r in browser.find_elements(By.CSS_SELECTOR, "#recs tr.rec")]
        assert shown == ids and ids
        browser.find_element(By.ID, "unpick").click()
        Select(browser.find_element(By.ID, "f-theme")).select_by_visible_text("1. Định nghĩa an ninh tài nguyên nước")
        assert [r.get_attribute("data-id") for r in browser.find_elements(By.CSS_SELECTOR, "#recs tr.rec")] == ["R01", "R02"]
        Select(browser.find_element(By.ID, "f-theme")).select_by_index(0)
        Select(browser.find_element(By.ID, "f-status")).select_by_value("adopted")
        assert [r.get_attribute("data-id") for r in browser.find_elements(By.CSS_SELECTOR, "#recs tr.rec")] == ["R01"]
        browser.find_element(By.CSS_SELECTOR, "#recs tr.rec").click()
        detail = browser.find_element(By.CSS_SELECTOR, "#recs tr.detail")
        assert detail.is_displayed() and "28/2023/QH15" in detail.text
    finally:
        browser.quit()


def test_brief_quotes_the_targeted_provisions_when_the_corpus_holds_the_text(tmp_path):
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared (real law excerpts and seed documents) is not present beside the project")
    out = tmp_path / "out"
    assert main(["report", "--corpus", str(SHARED / "corpus"), "--register", str(ROOT / "recommendations.csv"),
                 "--out", str(out), "--document", "72/2020/QH14"]) == 0
    brief = docx.Document(out / "brief.docx")
    table = brief.tables[1]
    assert any(re.match(r"(Điểm [a-zđ] )?(Khoản \d+ )?Điều \d+", r.cells[0].text) for r in table.rows[1:])
    assert not INTERNAL_ID.search(_all_text(brief))
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    # the heatmap now reads the linked provisions of the recommendations that target this law
    [from_provisions] = re.findall(r"(\d+) khuyến nghị theo nội dung điều khoản mục tiêu", page)
    assert int(from_provisions) > 0


def test_brief_renders_as_a_letter_in_libreoffice(shipped, tmp_path):
    """Open the brief as a word processor does (LibreOffice, to PDF) and read the pages back."""
    import subprocess

    import pdfplumber

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(shipped / "brief.docx")], check=True, capture_output=True, timeout=180)
    with pdfplumber.open(tmp_path / "brief.pdf") as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        sizes = {(round(float(page.width)), round(float(page.height))) for page in pdf.pages}
    assert sizes == {(595, 842)}  # A4 in points
    assert 3 <= len(pages) <= 15  # a letter, its table and the annex: not one page per word, not empty
    first = " ".join(pages[0].split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Kính gửi:" in first and "Điều, khoản" in first
    assert pages[1].strip().splitlines()[0].strip() == "2"  # page numbers from the second page, at the top
    assert any("Nơi nhận:" in page for page in pages) and "Phụ lục" in " ".join(pages[-2:])


def test_a_rerun_keeps_a_report_file_a_person_edited(tmp_path):
    out = tmp_path / "out"
    args = (ROOT / "recommendations.csv", ROOT / "corpus", out)
    first = build_report(*args, quiet=True)
    assert not first.problems and (out / ".policytrack-report.json").exists()
    edited = docx.Document(out / "brief.docx")
    edited.add_paragraph("Ghi chú của người soạn: giữ nguyên đoạn này.")
    edited.save(out / "brief.docx")
    second = build_report(*args, quiet=True)
    [kept] = [p for p in second.problems if p.step == "report folder"]
    assert kept.severity == "note" and not second.errors
    copies = list(out.glob("brief.edited-*.docx"))
    assert len(copies) == 1 and copies[0].name in kept.what
    assert "Ghi chú của người soạn" in "\n".join(p.text for p in docx.Document(copies[0]).paragraphs)
    # an unedited report is simply rewritten, and nothing else was set aside
    third = build_report(*args, quiet=True)
    assert not third.problems and len(list(out.glob("*.edited-*"))) == 1


def test_a_failing_step_is_listed_and_the_other_parts_are_written(tmp_path, monkeypatch):
    import policytrack.report.charts

    def broken(*args, **kwargs):
        raise ValueError("no room to draw")

    monkeypatch.setattr(policytrack.report.charts, "report_charts", broken)
    result = build_report(ROOT / "recommendations.csv", ROOT / "corpus", tmp_path, quiet=True)
    assert [(p.step, "ValueError: no room to draw" in p.what) for p in result.errors] == [("charts", True)]
    assert {p.name for p in result.written} >= {"dashboard.html", "brief.docx", "register.xlsx", "corpus_summary.md"}
