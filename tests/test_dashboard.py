"""The adoption dashboard: its words in the chosen language, search through the library's
normalisation, the table (sorting, export), the keyboard, hostile cells, and the layout at
desktop and phone width, as headless Chromium shows it."""

from __future__ import annotations

import csv
import json
import os
import re

import pandas as pd
import pytest

from policytrack.linking import LINK_COLUMNS, shared_words
from policytrack.register import COLUMNS, Register, RegisterError
from policytrack.report.charts import report_charts
from policytrack.report.dashboard import (
    embed_json,
    query_matches,
    search_keys,
    write_dashboard,
)
from policytrack.report.problems import Problem
from policytrack.vocab import DataFileError, load_dashboard_labels, load_themes

from .conftest import ROOT, headless_chromium, shipped_report

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def page_data(path):
    page = path.read_text(encoding="utf-8")
    return page, json.loads(page.split('<script id="data" type="application/json">', 1)[1].split("</script>", 1)[0])


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """``policytrack report`` on what the repository ships, run once for this module."""
    return shipped_report(tmp_path_factory) / "dashboard.html"


# --- the words ----------------------------------------------------------------------------------

@pytest.mark.parametrize("loader", [load_themes, load_dashboard_labels], ids=lambda f: f.__name__)
@pytest.mark.parametrize("content, reason", [
    (None, "cannot read"),
    (b"- just\n- a list\n", "must be a mapping"),
    (b"themes: {x: {label_vi: 'x'}}\npage: {x: {vi: 'x'}}\n", "needs a non-empty"),
])
def test_dashboard_label_files_fail_with_data_file_error(tmp_path, loader, content, reason):
    path = tmp_path / "labels.yaml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        loader(path)
    assert info.value.file == str(path) and reason in info.value.reason


def test_dashboard_messages_need_the_same_names_in_both_languages(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text("page: {}\nlink_methods: {}\nprovenance: {}\nsteps: {}\n"
                    "messages: [{en: 'cites {ref}', vi: 'trích dẫn {reference}'}]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="messages, entry 1"):
        load_dashboard_labels(path)


def test_dashboard_themes_of_the_shipped_register_all_have_labels():
    themes = load_themes()
    used = {row["theme"] for row in csv.DictReader(open(ROOT / "recommendations.csv", encoding="utf-8"))}
    assert used <= set(themes.labels)
    assert themes.label("7 water circular economy and reuse") == "7. Kinh tế tuần hoàn và tái sử dụng nước"
    assert themes.label("7 water circular economy and reuse", "en") == "7. Circular economy and water reuse"


@pytest.mark.parametrize("english, vietnamese", [
    ("cites «khoản 1 Điều 5»: document 72/2020/QH14 is listed in sources.csv but its text is not in the corpus",
     "trích dẫn «khoản 1 Điều 5»: văn bản 72/2020/QH14 có trong sources.csv nhưng kho văn bản chưa có toàn văn"),
    ("shared words: nước thải, xử lý; best match in d8.k3 (+topic)",
     "từ ngữ chung: nước thải, xử lý; khớp nhất ở d8.k3 (cùng chủ đề)"),
    ("confirmed by Nguyễn Văn A 2024-03-01: đúng điều: khoản",
     "Nguyễn Văn A xác nhận ngày 2024-03-01: đúng điều: khoản"),
    ("not written: the register could not be loaded", "không lập được: không đọc được sổ khuyến nghị"),
    ("something policytrack never wrote", "something policytrack never wrote"),
])
def test_dashboard_messages_are_translated_whole(english, vietnamese):
    labels = load_dashboard_labels()
    assert labels.translate(english, "vi") == vietnamese and labels.translate(english, "en") == english


def test_dashboard_words_are_vietnamese(report):
    _, data = page_data(report)
    english = re.compile(r"^(cites|shared words|not searched|confirmed by)|status_date|\b(explicit|retrieved|documented)\b")
    texts = [text for rec in data["recs"] for text in
             [rec["theme_label"], rec["status_label"], rec["provenance_label"]]
             + [link[key] for link in rec["links"] for key in ("method", "explanation")]
             + [event["note"] for event in rec["history"]]]
    texts += [event["note"] for event in data["history"]] + list(data["labels"].values())
    assert texts and [t for t in texts if english.search(t)] == []
    assert not any(rec["theme_label"] == rec["theme"] for rec in data["recs"] if rec["theme"])


def test_shared_words_are_whole_stretches_not_syllable_pairs():
    query = "Đề nghị phát triển kinh tế tuần hoàn nước; trách nhiệm của Ủy ban nhân dân cấp tỉnh"
    passage = "Nhà nước khuyến khích kinh tế tuần hoàn. Trách nhiệm của Uỷ ban nhân dân cấp tỉnh về nước thải"
    words = shared_words(query, passage, ["tế tuần", "ban nhân", "tỉnh", "kinh tế"])
    assert words == ["kinh tế tuần hoàn", "trách nhiệm của ủy ban nhân dân cấp tỉnh"]


# --- search: the Python rule ---------------------------------------------------------------------

#: Team-written queries; what each must find is computed by ``query_matches`` over the page's keys.
SEARCHES = ["nuoc thai", "nước thải", "NƯỚC THẢI", "  nước   thải ", "hoà", "hòa", "hoa", "thuỷ lợi", "thủy lợi",
            "uy ban", "Ủy ban", "Uỷ ban", "da nang", "Đà Nẵng", "ĐÀ NẴNG", "status", "R12", "qh15", "xa thai",
            "tuần hoàn", "tuan hoan", "giám sát", "cộng đồng", "zzz không có", "<script>", "2023-11-27"]


def test_dashboard_search_rule_folds_like_the_library():
    assert search_keys("Hoà  BÌNH\u00a0Thuỷ") == ("hòa bình thủy", "hoa binh thuy")
    keys = [search_keys("Xử lý nước thải tại Hòa Bình")]
    for query, found in [("nuoc thai", True), ("NƯỚC thải", True), ("hoà bình", True), ("hoa", True),
                         ("hóa", False), ("nuóc", False), ("", True)]:
        assert query_matches(query, keys) is found, query


def test_dashboard_search_finds_the_same_rows_whatever_the_spelling(report):
    _, data = page_data(report)

    def found(query):
        return {r["id"] for r in data["recs"] if query_matches(query, r["search"])}

    assert found("nuoc thai") == found("nước thải") == found("NƯỚC THẢI") and found("nuoc thai")
    assert found("hoà") == found("hòa") and found("thuỷ lợi") == found("thủy lợi") and found("Uỷ ban") == found("Ủy ban")
    assert found("hòa") < found("hoa")  # marks typed count; without them both spellings match
    assert len(found("status")) < len(data["recs"])  # the JSON keys are not searched
    assert found("R12") == {"R12"}


# --- hostile cells: the embedded data -------------------------------------------------------------

HOSTILE = "<!--<script></script><img src=x onerror=window.__xss=1> & \u2028\u2029 __DATA__ __CHARTS__ ${1} =1+2"


def test_dashboard_json_cannot_close_its_script_element():
    text = embed_json({"cell": HOSTILE})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"cell": HOSTILE}


# --- in headless Chromium -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """One headless Chromium for the module (Debian packages chromium, chromium-driver)."""
    saved = {key: os.environ.get(key) for key in ("SE_OFFLINE", "HOME")}
    os.environ.update(SE_OFFLINE="true", HOME=str(tmp_path_factory.mktemp("home")))  # no driver lookups online
    browser = None
    try:
        browser = headless_chromium()
        yield browser
    finally:
        if browser is not None:
            browser.quit()
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def open_page(browser, path, width: str = "desktop"):
    """Load ``path`` at one of ``WIDTHS`` and wait until the table is drawn."""
    from selenium.webdriver.support.ui import WebDriverWait

    w, h = WIDTHS[width]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": width == "phone"})
    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.body.dataset.rendered"))
    return browser


def shown_ids(browser) -> list[str]:
    return browser.execute_script("return [...document.querySelectorAll('#recs tr.rec')].map(r => r.dataset.id)")


def no_errors(browser) -> bool:
    return browser.execute_script("return window.__errors.length === 0 && window.__xss === undefined")


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_search_in_the_browser_matches_python(report, chromium, width):
    from selenium.webdriver.common.by import By

    _, data = page_data(report)
    browser = open_page(chromium, report, width)
    box = browser.find_element(By.ID, "q")
    for query in SEARCHES:
        expected = sorted((r["id"] for r in data["recs"] if query_matches(query, r["search"])),
                          key=lambda i: int(i[1:]))
        browser.execute_script("arguments[0].value = ''", box)
        box.send_keys(query)
        assert shown_ids(browser) == expected, query
    assert no_errors(browser)


def test_dashboard_folds_queries_as_python_does(report, chromium):
    browser = open_page(chromium, report)
    samples = SEARCHES + ["Quý khoẻ THUỶ", "Ðiều “hoà”", "HOÀ\u00adBÌNH", "quỳ", "lòng, bờ, bãi sông", HOSTILE]
    folded = browser.execute_script("return arguments[0].map(queryKeys)", samples)
    assert [tuple(pair) for pair in folded] == [search_keys(s) for s in samples]


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_layout_shows_status_table_and_bars(report, chromium, width):
    w, _ = WIDTHS[width]
    browser = open_page(chromium, report, width)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= w  # nothing off to the side
    status = browser.execute_script("const r = document.querySelector('#recs tr.rec td.c-status').getBoundingClientRect();"
                                    "return [r.left, r.right, r.width]")
    assert 0 <= status[0] and status[1] <= w and status[2] > 0
    display = browser.execute_script("return getComputedStyle(document.querySelector('#recs tr.rec')).display")
    assert display == ("grid" if width == "phone" else "table-row")  # cards on a phone
    # every chart has marks drawn inside the page, not only its labels
    charts = browser.execute_script("""return [...document.querySelectorAll('svg.pt-chart')].map(svg =>
        [...svg.querySelectorAll('.pt-mark rect, .pt-mark circle')].filter(m => {
          const r = m.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= arguments[0]; }).length)""", w)
    assert len(charts) == 4 and all(charts)
    assert no_errors(browser)


def test_dashboard_columns_sort_by_click_and_keyboard(report, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, data = page_data(report)
    browser = open_page(chromium, report)
    heads = [th.text.strip(" ▲▼") for th in browser.find_elements(By.CSS_SELECTOR, "#recs thead th")]
    assert all(heads) and {"Thay đổi gần nhất", "Cơ quan chịu trách nhiệm", "Trạng thái"} <= set(heads)
    order = data["statuses"]
    by_status = sorted(data["recs"], key=lambda r: (order.index(r["status"]), int(r["id"][1:])))
    browser.find_element(By.CSS_SELECTOR, 'button[data-sort="status"]').click()
    assert shown_ids(browser) == [r["id"] for r in by_status]
    assert browser.find_element(By.CSS_SELECTOR, 'button[data-sort="status"]').find_element(By.XPATH, "..") \
        .get_attribute("aria-sort") == "ascending"
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # the focus stays on the header: Enter sorts again
    assert shown_ids(browser)[0] != by_status[0]["id"]
    assert browser.find_element(By.CSS_SELECTOR, 'button[data-sort="status"]').find_element(By.XPATH, "..") \
        .get_attribute("aria-sort") == "descending"
    browser.find_element(By.CSS_SELECTOR, 'button[data-sort="last_change"]').click()
    date_of = {r["id"]: r["last_change"] for r in data["recs"]}
    dates = [date_of[i] for i in shown_ids(browser)]
    assert dates == sorted(dates) and dates[-1] == max(date_of.values())


def test_dashboard_exports_the_rows_shown_as_csv_with_bom(report, chromium, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser = open_page(chromium, report)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    Select(browser.find_element(By.ID, "f-status")).select_by_value("adopted")
    browser.find_element(By.ID, "q").send_keys("an ninh")
    browser.find_element(By.ID, "export").click()
    WebDriverWait(browser, 30).until(lambda b: [p for p in tmp_path.glob("*.csv")])
    [saved] = tmp_path.glob("*.csv")
    raw = saved.read_bytes()
    assert saved.name == "khuyen-nghi-dang-loc.csv" and raw.startswith("\ufeff".encode())
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Mã", "Trạng thái", "Khuyến nghị"] and [r[0] for r in rows[1:]] == ["R01"] == shown_ids(browser)
    assert rows[1][1] == "Đã được tiếp thu trong văn bản ban hành"


def test_dashboard_empty_heatmap_cell_selects_nothing(report, chromium):
    from selenium.webdriver.common.by import By

    browser = open_page(chromium, report)
    cell = next(m for m in browser.find_elements(By.CSS_SELECTOR, 'svg[data-chart="topic_heatmap"] .pt-mark')
                if not m.get_attribute("data-ids").strip())
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", cell)
    assert shown_ids(browser) == [] and "không có khuyến nghị nào" in browser.find_element(By.ID, "chip").text
    browser.find_element(By.ID, "unpick").click()
    assert len(shown_ids(browser)) == 47


def test_dashboard_keyboard_reaches_the_search_first(report, chromium):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser = open_page(chromium, report)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "skip"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "q"
    # without the skip link: one stop per chart (the arrow keys move inside it), then the search
    browser.get(report.as_uri())
    stops = 0
    while browser.switch_to.active_element.get_attribute("id") != "q" and stops < 50:
        ActionChains(browser).send_keys(Keys.TAB).perform()
        stops += 1
    assert stops - 1 == 1 + 4  # tab stops before the search: the skip link and the four charts


def _register_with(tmp_path, column: str, value: str):
    rows = list(csv.DictReader(open(ROOT / "recommendations.csv", encoding="utf-8")))
    rows[4][column] = value
    path = tmp_path / "recommendations.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("column", COLUMNS)
def test_dashboard_shows_a_hostile_cell_as_text(tmp_path, chromium, column):
    """A cell of any column holding markup: the page still renders and shows it as text (a
    column that does not validate is shown in the problem the register reports)."""
    from selenium.webdriver.common.by import By

    path = _register_with(tmp_path, column, HOSTILE)
    links = pd.DataFrame([{"recommendation": "R05", "provision": HOSTILE, "method": "retrieved", "score": 0.5,
                           "rank": 1, "explanation": f"shared words: {HOSTILE}"}], columns=LINK_COLUMNS)
    try:
        register, problems = Register.load(path), []
    except RegisterError as exc:
        register, problems = None, [Problem("register", exc.path, str(p)) for p in exc.problems]
    charts = report_charts(register, links, None) if register is not None else []
    page = write_dashboard(register, links, tmp_path, charts=charts, problems=problems)
    browser = open_page(chromium, page)
    assert no_errors(browser) and browser.find_elements(By.CSS_SELECTOR, "img") == []
    text = "return document.getElementById(arguments[0]).textContent"
    if register is None:
        # the problem is shown as the dashboard words it (most quote the cell: then the markup is text)
        shown = load_dashboard_labels().translate(problems[0].what, "vi")
        assert shown_ids(browser) == [] and shown in browser.execute_script(text, "problem-list")
        return
    assert len(shown_ids(browser)) == 47
    browser.find_element(By.CSS_SELECTOR, '#recs tr.rec[data-id="R05"]').click()
    assert HOSTILE in browser.execute_script(text, "recs")


def test_register_row_problems_are_shown_in_vietnamese(tmp_path):
    """A malformed register row: every problem the dashboard lists reads in Vietnamese."""
    from policytrack.register import COLUMNS, Register, RegisterError

    good = dict(next(csv.DictReader(open(ROOT / "recommendations.csv", encoding="utf-8"))))
    bad = {**good, "id": "X1", "provenance": "rumour", "status_date": "2024-13-40", "title": ""}
    path = tmp_path / "recommendations.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(good))
        writer.writeheader()
        writer.writerow(bad)
    with pytest.raises(RegisterError) as caught:
        Register.load(path)
    labels = load_dashboard_labels()
    shown = [labels.translate(p, "vi") for p in caught.value.problems]  # as build_report passes them
    assert len(shown) >= 4, shown
    english = re.compile(r"\b(row|column|should|is not|is empty|neither|required|string|input)\b", re.I)
    assert not [s for s in shown if english.search(s)], shown
