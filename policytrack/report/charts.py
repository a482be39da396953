"""The charts of the report: adoption funnel, status by theme, topic heatmap, and the
status changes over time.

Each builder returns a ``Chart``: its numbers as a DataFrame (``chart.frame``), which
recommendations sit behind each bar or cell (``chart.ids``), and two renderings of the
same numbers, so the brief, the dashboard and the notebooks never disagree:

The numbers are computed here; the drawing is in ``policytrack.report.drawing``:

- ``chart.svg()``: inline SVG with a tooltip on every mark and the recommendation ids in a
  ``data-ids`` attribute (the dashboard filters its table on a click). A notebook shows it
  directly (``_repr_html_``); it needs no script and no network.
- ``chart.save_png(path)``: a matplotlib figure, for the Word brief and for papers.

>>> chart = adoption_funnel(Register.load("recommendations.csv"))   # doctest: +SKIP
>>> chart.frame                                                     # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .drawing import FUNNEL, PALETTE, ChartDrawing

TITLES = {
    "funnel": {"vi": "Phễu tiếp thu khuyến nghị", "en": "Adoption funnel"},
    "status_by_theme": {"vi": "Trạng thái theo chủ đề", "en": "Status by theme"},
    "topic_heatmap": {"vi": "Chủ đề của các điều khoản mục tiêu", "en": "Topics of the targeted provisions"},
    "timeline": {"vi": "Diễn biến trạng thái theo thời gian", "en": "Status changes over time"},
}


@dataclass(repr=False)
class Chart(ChartDrawing):
    """Numbers to draw, with the recommendations behind each mark.

    ``kind`` is ``bars`` (one value per row), ``stacked`` (one value per row and series),
    ``heatmap`` (rows × columns) or ``timeline`` (one row per event: ``when``, ``id``,
    ``status``). For the first three, ``frame`` has one row per bar or heatmap row and one
    column per series (``count`` for ``bars``); ``ids[(row, column)]`` lists the
    recommendations counted there.
    """

    name: str
    title: str
    kind: str
    frame: "object"  # pandas.DataFrame
    ids: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    note: str = ""
    png: Path | None = None  # where ``save_png`` last wrote the chart

    def __repr__(self) -> str:
        return f"<Chart {self.name}: {self.title} ({self.frame.shape[0]}×{self.frame.shape[1]})>"


# --- builders -----------------------------------------------------------------------------------

def _status_colors(register, lang: str) -> dict[str, str]:
    return {register.statuses.label(s, lang): PALETTE[i % len(PALETTE)]
            for i, s in enumerate(register.statuses.statuses)}


def _rows(register, only: Collection[str] | None) -> list[dict]:
    """The register's rows, or only those whose id is in ``only``."""
    return [row for row in register if only is None or row["id"] in only]


def adoption_funnel(register, lang: str = "vi", only: Collection[str] | None = None) -> Chart:
    """How many recommendations reached each stage of ``funnel`` in ``statuses.yaml``
    (of those in ``only`` when given: the brief charts its own recommendations).

    A recommendation counts in a stage when its current status, or any status in its
    history, belongs to that stage, so one that was in a draft and then dropped still
    counts as having reached the draft.
    """
    import pandas as pd

    history = register.history_frame()
    seen: dict[str, set[str]] = {row["id"]: {row["status"]} for row in _rows(register, only)}
    for entry in history.to_dict("records") if not history.empty else []:
        for key in ("old_status", "new_status"):
            if entry.get(key) and entry["id"] in seen:
                seen[entry["id"]].add(entry[key])
    labels, counts, ids = [], [], {}
    for stage in register.statuses.funnel:
        label = stage[f"label_{lang}"]
        members = sorted(i for i, statuses in seen.items() if statuses & set(stage["statuses"]))
        labels.append(label)
        counts.append(len(members))
        ids[(label, "count")] = members
    frame = pd.DataFrame({"count": counts}, index=pd.Index(labels, name="stage"))
    colors = {label: FUNNEL[i % len(FUNNEL)] for i, label in enumerate(labels)}
    return Chart("funnel", TITLES["funnel"][lang], "bars", frame, ids, colors)


def status_by_theme(register, lang: str = "vi") -> Chart:
    """Recommendations per theme, split by current status."""
    import pandas as pd

    statuses = list(register.statuses.statuses)
    labels = [register.statuses.label(s, lang) for s in statuses]
    theme_of = _theme_labels(lang)
    themes = sorted({theme_of(row["theme"]) for row in register}, key=_theme_order)
    frame = pd.DataFrame(0, index=pd.Index(themes, name="theme"), columns=labels)
    ids: dict[tuple[str, str], list[str]] = {}
    for row in register:
        theme, label = theme_of(row["theme"]), register.statuses.label(row["status"], lang)
        frame.loc[theme, label] += 1
        ids.setdefault((theme, label), []).append(row["id"])
    frame = frame.loc[:, frame.any()] if not frame.empty else frame
    return Chart("status_by_theme", TITLES["status_by_theme"][lang], "stacked", frame, ids, _status_colors(register, lang))


def _theme_order(theme: str):
    """Numbered themes in number order ("2 …" or "2. …" before "10 …"), the rest after them."""
    head = re.match(r"\d+", theme)
    return (0, int(head.group()), theme) if head else (1, 0, theme)


def _theme_labels(lang: str):
    """The register's theme → its name in ``lang`` (``data/themes.yaml``); "—" for none."""
    from ..vocab import load_themes

    themes = load_themes()
    return lambda theme: themes.label(theme, lang) if theme else "—"


def targeted_topics(register, links, corpus) -> dict[str, tuple[str, set[str]]]:
    """``{recommendation id: (source, labels)}``: the topic labels of the provisions a
    recommendation is linked to (explicit or confirmed links) when the corpus holds their
    text, ``source == "provisions"``; otherwise those found by the rule tagger in the
    recommendation's own wording, ``source == "wording"``."""
    from ..tagging import RuleTagger
    from ..text import normalize

    linked = links[links["method"].isin(["explicit", "confirmed"]) & links["provision"].notna()] \
        if not links.empty else links
    wanted = set(linked["provision"]) if not linked.empty else set()
    labels_of: dict[str, set[str]] = {}
    if wanted and corpus is not None:
        tags = corpus.tags()
        tags = tags[tags["provision_id"].isin(wanted)]
        for row in tags.itertuples(index=False):
            sub = row.subtopic if isinstance(row.subtopic, str) else ""  # None or NaN for a top topic
            label = f"{row.topic}.{sub}" if sub else row.topic
            labels_of.setdefault(row.provision_id, set()).add(label)
    rules = RuleTagger()
    result = {}
    for row in register:
        mine = set(linked[linked["recommendation"] == row["id"]]["provision"]) if not linked.empty else set()
        found = set().union(*(labels_of.get(p, set()) for p in mine)) if mine else set()
        if found:
            result[row["id"]] = ("provisions", found)
        else:
            text, _ = normalize(row["text_vi"])
            result[row["id"]] = ("wording", {hit.label for hit in rules.find(text)})
    return result


def topic_heatmap(register, links, corpus, lang: str = "vi", only: Collection[str] | None = None) -> Chart:
    """Themes × subtopics: how many recommendations of a theme target text on a subtopic
    (of those in ``only`` when given: the brief charts its own recommendations).

    The targeted text is the linked provisions when the corpus holds them, otherwise the
    recommendation's own wording (see ``targeted_topics``); the chart's note says how many
    rows rest on each."""
    import pandas as pd

    from ..tagging import load_taxonomy

    taxonomy = load_taxonomy()
    rows = _rows(register, only)
    topics = {k: v for k, v in targeted_topics(register, links, corpus).items() if only is None or k in only}
    name = (lambda key: taxonomy.subtopics[key].label_vi) if lang == "vi" else (lambda key: taxonomy.subtopics[key].label_en)
    theme_of = _theme_labels(lang)
    themes = sorted({theme_of(row["theme"]) for row in rows}, key=_theme_order)
    columns = [name(key) for key in taxonomy.subtopics]
    frame = pd.DataFrame(0, index=pd.Index(themes, name="theme"), columns=columns)
    ids: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        theme = theme_of(row["theme"])
        for key in sorted(topics[row["id"]][1] & set(taxonomy.subtopics)):
            frame.loc[theme, name(key)] += 1
            ids.setdefault((theme, name(key)), []).append(row["id"])
    frame = frame.loc[frame.any(axis=1), frame.any()]
    from_text = sum(1 for source, _ in topics.values() if source == "provisions")
    note = (f"{from_text} khuyến nghị theo nội dung điều khoản mục tiêu (có trong kho văn bản), "
            f"{len(topics) - from_text} theo nội dung của chính khuyến nghị" if lang == "vi" else
            f"{from_text} recommendations from the text of their targeted provisions (held in the corpus), "
            f"{len(topics) - from_text} from their own wording")
    if frame.empty:
        note += " — " + ("không tìm thấy chủ đề nào" if lang == "vi" else "no topic found")
    return Chart("topic_heatmap", TITLES["topic_heatmap"][lang], "heatmap", frame, ids, note=note)


def status_events(register) -> list[dict]:
    """Status changes, oldest first: the history file, and for a row whose status no
    history entry explains, its ``status_date`` in the register (marked as such)."""
    history = register.history_frame().fillna("")
    events = history.to_dict("records")
    explained = {e["id"] for e in events}
    for row in register:
        if row["status"] != "proposed" and row["id"] not in explained:
            events.append({"when": row["status_date"] or "", "id": row["id"], "document_version": "",
                           "old_status": "proposed", "new_status": row["status"], "evidence": row["evidence"],
                           "who": "", "note": "status_date of the register (no history entry)"})
    return sorted(events, key=lambda e: str(e["when"]))


def status_timeline(register, lang: str = "vi") -> Chart:
    """Every status change on a time axis, one line per recommendation, coloured by the new
    status (see ``status_events``)."""
    import pandas as pd

    events = status_events(register)
    frame = pd.DataFrame([{"when": str(e["when"]), "id": e["id"],
                           "status": register.statuses.label(e["new_status"], lang)} for e in events],
                         columns=["when", "id", "status"])
    ids = {(e["id"], str(e["when"])): [e["id"]] for e in events}
    note = "" if events else ("chưa có thay đổi trạng thái nào" if lang == "vi" else "no status change yet")
    return Chart("timeline", TITLES["timeline"][lang], "timeline", frame, ids, _status_colors(register, lang), note)


def report_charts(register, links, corpus, lang: str = "vi") -> list[Chart]:
    """The charts of the report, in the order the dashboard shows them."""
    return [adoption_funnel(register, lang), status_by_theme(register, lang),
            topic_heatmap(register, links, corpus, lang), status_timeline(register, lang)]


def brief_charts(register, links, corpus, recommendations: Collection[str]) -> list[Chart]:
    """The charts of a consultation brief: the funnel and the topic heatmap of the
    recommendations in it (not of the whole register), in Vietnamese."""
    only = set(recommendations)
    return [adoption_funnel(register, "vi", only), topic_heatmap(register, links, corpus, "vi", only)]
