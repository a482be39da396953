"""Charts: the numbers behind each mark, the SVG a browser shows, the PNG the brief embeds."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from policytrack.report.charts import (
    adoption_funnel,
    report_charts,
    status_by_theme,
    status_timeline,
    targeted_topics,
    topic_heatmap,
)
from policytrack.linking import LINK_COLUMNS
from policytrack.parse import parse_text
from policytrack.corpus import Corpus
from policytrack.register import STATUSES_PATH, Register, load_statuses
from policytrack.vocab import DataFileError

from .test_register import row, write

DRAFT = "QUỐC HỘI\n\nLUẬT\nTHỬ\n\nĐiều 8. Xả nước thải\n1. Tổ chức xả nước thải vào nguồn nước phải có giấy phép môi trường.\n"


def make_register(tmp_path):
    reg = Register.load(write(tmp_path / "r.csv", [
        row("R01", theme="1 nước"), row("R02", theme="1 nước"), row("R03", theme="10 xả thải"), row("R04", theme=""),
    ]))
    reg.set_status("R01", "in_draft", evidence="Dự thảo 1 Điều 8", who="test")
    reg.set_status("R01", "dropped_from_draft", evidence="Dự thảo 2", who="test")
    reg.set_status("R02", "under_consideration", evidence="công văn 12/2024", who="test")
    reg.set_status("R03", "in_draft", evidence="Dự thảo 2 Điều 8", who="test")
    reg.set_status("R03", "adopted", evidence="Luật Điều 8 (2024-06-01)", who="test")
    return reg


# A recommendation counts in every stage any of its statuses (now or before) belongs to.
FUNNEL = [("Put forward", 4, ["R01", "R02", "R03", "R04"]), ("Considered", 3, ["R01", "R02", "R03"]),
          ("In a draft", 2, ["R01", "R03"]), ("Adopted (fully or in part)", 1, ["R03"])]


@pytest.mark.parametrize("stage,count,ids", FUNNEL)
def test_funnel_counts_history_not_only_the_current_status(tmp_path, stage, count, ids):
    chart = adoption_funnel(make_register(tmp_path), lang="en")
    assert chart.frame.loc[stage, "count"] == count
    assert chart.ids[(stage, "count")] == ids


def test_status_by_theme_orders_numbered_themes_and_keeps_untitled_rows(tmp_path):
    chart = status_by_theme(make_register(tmp_path), lang="en")
    assert list(chart.frame.index) == ["1 nước", "10 xả thải", "—"]
    assert chart.frame.loc["1 nước"].to_dict() == {"Proposed": 0, "Under consideration": 1, "Dropped from draft": 1,
                                                   "Adopted": 0}
    assert chart.frame.loc["—", "Proposed"] == 1
    assert chart.ids[("10 xả thải", "Adopted")] == ["R03"]
    assert (chart.frame.sum(axis=0) > 0).all()  # statuses nobody has are left out


def test_heatmap_uses_linked_provisions_when_the_corpus_holds_them(tmp_path):
    [doc] = parse_text(DRAFT, "luat")
    reg = make_register(tmp_path)
    links = pd.DataFrame([{"recommendation": "R03", "provision": f"{doc.id}:d8", "method": "explicit",
                           "score": 1.0, "rank": 0, "explanation": ""}], columns=LINK_COLUMNS)
    topics = targeted_topics(reg, links, Corpus([doc]))
    assert topics["R03"][0] == "provisions" and "discharge_control.permits" in topics["R03"][1]
    # R01 has no link: its own wording ("an ninh nguồn nước") is tagged instead
    assert topics["R01"][0] == "wording"
    chart = topic_heatmap(reg, links, Corpus([doc]), lang="en")
    assert "1 recommendations from the text of their targeted provisions" in chart.note
    permits = next(c for c in chart.frame.columns if "permit" in c.lower())
    assert chart.frame.loc["10 xả thải", permits] == 1 and chart.ids[("10 xả thải", permits)] == ["R03"]


def test_svg_marks_carry_tooltips_and_ids(tmp_path):
    reg = make_register(tmp_path)
    charts = report_charts(reg, pd.DataFrame(columns=LINK_COLUMNS), None, lang="vi")
    assert [c.name for c in charts] == ["funnel", "status_by_theme", "topic_heatmap", "timeline"]
    svg = charts[0].svg()
    assert svg.startswith('<svg class="pt-chart" data-chart="funnel"') and svg.endswith("</svg>")
    assert svg.count('class="pt-mark"') == 4 and 'data-ids="R01 R03"' in svg
    assert "<title>Có trong dự thảo: 2 (R01, R03)</title>" in svg
    assert "<figure>" in charts[1]._repr_html_()


def test_png_is_written_atomically_and_is_an_image(tmp_path):
    from PIL import Image

    chart = adoption_funnel(make_register(tmp_path))
    path = chart.save_png(tmp_path / "charts" / "funnel.png")
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width > 300
    assert [p.name for p in path.parent.iterdir()] == ["funnel.png"]  # no temporary file left


def test_an_empty_chart_says_so(tmp_path):
    reg = Register.load(write(tmp_path / "r.csv", [row("R01", text_vi="Đề nghị sửa đổi cho rõ.")]))
    chart = topic_heatmap(reg, pd.DataFrame(columns=LINK_COLUMNS), None, lang="en")
    assert chart.frame.empty and "no topic found" in chart.note and "no topic found" in chart.svg()
    assert chart.save_png(tmp_path / "empty.png").stat().st_size > 0


@pytest.mark.parametrize("stage,message", [
    ({"label_vi": "A", "label_en": "A", "statuses": ["nonexistent"]}, "funnel stage 1: status 'nonexistent' is not defined"),
    ({"label_vi": "A", "statuses": ["proposed"]}, "funnel stage 1 needs a non-empty 'label_en'"),
    ({"label_vi": "A", "label_en": "A", "statuses": []}, "funnel stage 1 needs a list of 'statuses'"),
])
def test_funnel_stages_are_checked_on_load(tmp_path, stage, message):
    data = yaml.safe_load(STATUSES_PATH.read_text(encoding="utf-8"))
    data["funnel"] = [stage]
    path = tmp_path / "statuses.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_statuses(path)


def test_timeline_places_every_dated_change(tmp_path):
    reg = make_register(tmp_path)
    reg.rows[3].update(status="adopted", status_date="2020-01-01", evidence="Luật (2020-01-01)")  # no history entry
    chart = status_timeline(reg, lang="en")
    assert list(chart.frame["id"]) == ["R04", "R01", "R01", "R02", "R03", "R03"]  # oldest first
    assert chart.frame.iloc[0].to_dict() == {"when": "2020-01-01", "id": "R04", "status": "Adopted"}
    svg = chart.svg()
    assert svg.count("<circle") == 6 and "2020-01-01" in svg and "<title>R04 · 2020-01-01 · Adopted (R04)</title>" in svg
    assert chart.save_png(tmp_path / "timeline.png").stat().st_size > 0
    empty = status_timeline(Register.load(write(tmp_path / "e.csv", [row("R09")])), lang="en")
    assert empty.frame.empty and "no status change yet" in empty.svg()
