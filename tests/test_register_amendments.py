"""Evidence for the register (issue 17, point 4): the amendment events on a
recommendation's linked provisions, dated after the recommendation, become suggested status
changes with the event as evidence; they are shown in the dashboard's row details and in the
brief, and are never applied (a person records them through the status history)."""

from __future__ import annotations

import csv
import os

import pandas as pd
import pytest

import policytrack as pt
from policytrack.compare import AMENDMENT_SUGGESTION_COLUMNS, suggest_from_amendments
from policytrack.linking import LINK_COLUMNS
from policytrack.report.dashboard import write_dashboard

from .conftest import REAL, ROOT, headless_chromium, require_real
from .test_amendments import VBHN
from .test_dashboard import WIDTHS, open_page, page_data

DOC = "10/2020/QH14@vbhn"


@pytest.fixture(scope="module")
def corpus():
    return pt.Corpus(pt.parse_text(VBHN, name="thu-nghiem"))


def _register(tmp_path, dates: dict[str, str]):
    """The shipped register with the given status dates (``{id: YYYY-MM-DD}``)."""
    rows = list(csv.DictReader(open(ROOT / "recommendations.csv", encoding="utf-8")))
    for row in rows:
        if row["id"] in dates:
            row["status_date"] = dates[row["id"]]
    path = tmp_path / "recommendations.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return pt.Register.load(path, sources=pt.SourceRegister.load(ROOT / "corpus" / "sources.csv"))


def _links(*pairs):
    return pd.DataFrame([{"recommendation": r, "provision": p, "method": m, "score": 1.0, "rank": 1,
                          "explanation": "test"} for r, p, m in pairs], columns=LINK_COLUMNS)


# (linked provision, method, recommendation date) -> [(event's provision path, operation, suggested status)]
CASES = [
    # a clause amended on 2023-01-01 and a phrase in it replaced on 2025-07-01
    ("d1.k2", "explicit", "2022-05-01", [("d1.k2", "amended", "partially_adopted"),
                                         ("d1.k2", "replaced_phrase", "partially_adopted")]),
    # made after the first change: only the later one
    ("d1.k2", "explicit", "2024-01-01", [("d1.k2", "replaced_phrase", "partially_adopted")]),
    # made after both: nothing
    ("d1.k2", "explicit", "2025-07-01", []),
    # a link to the article sees what happened inside it (a point repealed, a phrase struck)
    ("d3", "explicit", "2024-01-01", [("d3.k1.b", "repealed", "superseded"), ("d3.k1.c", "replaced_phrase",
                                                                               "partially_adopted")]),
    # a link to a point sees a change of the unit holding it... and nothing else
    ("d3.k1.a", "explicit", "2020-01-01", []),
    # an added article, linked by retrieval
    ("d2a", "retrieved", "2022-01-01", [("d2a", "supplemented", "partially_adopted")]),
    # an unknown recommendation date: every event, at half the confidence
    ("d3.k1.b", "explicit", None, [("d3.k1.b", "repealed", "superseded")]),
]


@pytest.mark.parametrize("linked,method,since,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_amendments_after_the_recommendation_become_suggestions(tmp_path, corpus, linked, method, since, expected):
    register = _register(tmp_path, {"R05": since} if since else {})
    frame = suggest_from_amendments(_links(("R05", f"{DOC}:{linked}", method)), register, corpus.amendments())
    assert list(frame.columns) == AMENDMENT_SUGGESTION_COLUMNS
    got = sorted((r.evidence.split(":", 1)[1], r.operation, r.suggested) for r in frame.itertuples())
    assert got == sorted(expected)
    for r in frame.itertuples():
        assert r.current == "proposed" and r.linked_provision == f"{DOC}:{linked}"
        assert r.evidence in corpus[DOC] and r.source_document in ("20/2022/QH15", "30/2024/QH15")
        assert r.effective_date > (since or "")
        assert r.confidence <= (0.6 if since else 0.3)
    assert register["R05"]["status"] == "proposed"  # nothing applied


def test_a_suggestion_is_accepted_only_through_the_status_history(tmp_path, corpus):
    register = _register(tmp_path, {"R05": "2024-01-01"})
    [s] = suggest_from_amendments(_links(("R05", f"{DOC}:d3.k1.b", "explicit")), register,
                                  corpus.amendments()).itertuples()
    register.set_status("R05", s.suggested, evidence=s.evidence, who="liaison", note=s.reason)
    register.save()
    again = pt.Register.load(tmp_path / "recommendations.csv", sources=register.sources) \
        if hasattr(register, "sources") else pt.Register.load(tmp_path / "recommendations.csv")
    assert again["R05"]["status"] == "superseded"
    [entry] = [e for e in again.history if e["id"] == "R05"]
    assert entry["evidence"] == f"{DOC}:d3.k1.b" and "repealed" in entry["note"]
    # once superseded, nothing more is suggested (the vocabulary allows nothing after it)
    assert suggest_from_amendments(_links(("R05", f"{DOC}:d3", "explicit")), again, corpus.amendments()).empty


@pytest.mark.parametrize("lang,words", [("vi", ["Gợi ý trạng thái từ các lần sửa đổi văn bản", "bị bãi bỏ"]),
                                        ("en", ["Status suggestions from amendments", "repealed"])])
def test_dashboard_row_details_carry_the_suggestions(tmp_path, corpus, lang, words):
    register = _register(tmp_path, {"R05": "2024-01-01"})
    links = _links(("R05", f"{DOC}:d3", "explicit"))
    suggestions = suggest_from_amendments(links, register, corpus.amendments())
    page = write_dashboard(register, links, tmp_path, lang, suggestions=suggestions)
    html, data = page_data(page)
    [rec] = [r for r in data["recs"] if r["id"] == "R05"]
    assert {s["evidence"] for s in rec["suggestions"]} == {f"{DOC}:d3.k1.b", f"{DOC}:d3.k1.c"}
    assert data["labels"]["amend_suggestions"] == words[0]
    assert words[1] in {s["operation"] for s in rec["suggestions"]}
    assert all(not r["suggestions"] for r in data["recs"] if r["id"] != "R05")


def test_brief_says_what_changed_since_the_recommendation(tmp_path, corpus):
    from docx import Document as Word

    register = _register(tmp_path, {"R05": "2024-01-01"})
    links = _links(("R05", f"{DOC}:d3", "explicit"))
    suggestions = suggest_from_amendments(links, register, corpus.amendments())
    plan = pt.plan_brief(register, links, corpus, DOC, suggestions=suggestions)
    [entry] = [e for e in plan.entries if e.recommendation == "R05"]
    assert len(entry.amendments) == 2
    assert entry.amendments[0].startswith("Điểm b khoản 1 Điều 3") and "bị bãi bỏ" in entry.amendments[0]
    assert "01/07/2025" in entry.amendments[0] and "cần người theo dõi xác nhận" in entry.amendments[0]
    path = pt.write_brief(plan, tmp_path)
    text = "\n".join(c.text for t in Word(path).tables for row in t.rows for c in row.cells)
    assert "Diễn biến sau khi kiến nghị" in text and "Điểm b khoản 1 Điều 3" in text


def test_dashboard_suggestions_render_in_chromium_at_both_widths(tmp_path, corpus):
    """The row details with suggestions, opened in headless Chromium at desktop and phone
    width, with no script error; screenshots kept in the test's folder."""
    from selenium.webdriver.common.by import By

    register = _register(tmp_path, {"R05": "2024-01-01"})
    links = _links(("R05", f"{DOC}:d3", "explicit"))
    page = write_dashboard(register, links, tmp_path, suggestions=suggest_from_amendments(links, register,
                                                                                         corpus.amendments()))
    saved = {key: os.environ.get(key) for key in ("SE_OFFLINE", "HOME")}
    os.environ.update(SE_OFFLINE="true", HOME=str(tmp_path / "home"))
    browser = headless_chromium()
    try:
        for width in WIDTHS:
            open_page(browser, page, width)
            row = browser.find_element(By.CSS_SELECTOR, 'tr.rec[data-id="R05"]')
            browser.execute_script("arguments[0].scrollIntoView()", row)
            row.click()
            detail = browser.execute_script("return arguments[0].nextElementSibling", row)
            assert detail.is_displayed()
            assert "Gợi ý trạng thái" in detail.text and f"{DOC}:d3.k1.b" in detail.text
            assert browser.execute_script("return window.__errors.length") == 0
            browser.execute_script("arguments[0].scrollIntoView()", detail)
            browser.save_screenshot(str(tmp_path / f"suggestions-{width}.png"))
    finally:
        browser.quit()
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


@require_real
def test_real_consolidated_text_gives_suggestions(tmp_path):
    """On ../shared: the Chăn nuôi VBHN, a recommendation made in 2024 linked to an article
    whose clause was amended by Luật 146/2025/QH15 from 2026-01-01."""
    corpus = pt.Corpus(pt.parse(REAL / "63-VBHN-VPQH 2026 Luật Chăn nuôi.txt"))
    events = corpus.amendments()
    amended = events[(events.operation == "amended") & events.provision_id.str.contains(r":d\d+\.k\d+$")]
    pid = amended.provision_id.iloc[0]
    article = pid.rsplit(".", 1)[0]
    register = _register(tmp_path, {"R05": "2024-06-01"})
    frame = suggest_from_amendments(_links(("R05", article, "explicit")), register, events)
    assert pid in set(frame.evidence)
    row = frame[frame.evidence == pid].iloc[0]
    assert row.source_document == "146/2025/QH15" and row.effective_date == "2026-01-01"
