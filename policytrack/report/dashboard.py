"""The adoption dashboard: one self-contained HTML file rendered from the register, its links and the charts.

Everything the page shows is computed here, in the chosen language (``data/dashboard_labels.yaml``
for the page's words and policytrack's English messages, ``data/themes.yaml`` for theme
names, ``statuses.yaml`` for statuses); the template ``data/dashboard.html`` only lays it out.

Search runs over the fields a person sees, folded once here with the library's own
normalisation (``search_keys``); the page folds the query the same way (see the template's
``queryKeys``) and ``query_matches`` is the rule both follow, so tests can check them
against each other.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from html import escape
from pathlib import Path

from ..text import TONE_MARKS, TONE_PAIRS, match_key, normalize, strip_marks
from ..vocab import DATA, DashboardLabels, DataFileError, Themes, load_dashboard_labels, load_themes
from .folder import atomic_write_text

#: The page around the data: placeholders __LANG__, __TITLE__, __PALETTE__, __CHARTS__, __DATA__.
DASHBOARD_TEMPLATE = DATA / "dashboard.html"

#: The register's fields a person reads in the table and the detail view, in that order:
#: what the search looks through (links and history are left out: their wording is ours).
SEARCHED = ("id", "theme_label", "title", "status_label", "target_document", "responsible_body", "last_change",
            "text_vi", "summary_en", "target_provisions", "evidence", "source", "provenance_label", "notes")

# Whitespace as both Python and JavaScript see it (their \s differ on a few control characters).
_SPACES = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_PLACEHOLDERS = re.compile(r"__(LANG|TITLE|PALETTE|CHARTS|DATA)__")


def write_dashboard(register, links, out: Path, lang: str = "vi", *, charts=(), problems=(), suggestions=None) -> Path:
    """One self-contained HTML file (no network): the problems met while building the
    report, status counts, the charts (a click on a bar filters the table), status by
    target document, the timeline of status changes, and the filterable, sortable table of
    every recommendation with its text, targets, links, evidence and history, and the status
    changes the amendments of its linked provisions suggest (``suggestions``, from
    ``compare.suggest_from_amendments``: shown as suggestions, never applied).

    ``register`` may be ``None`` (it could not be loaded): the page then shows the
    problems and an empty table rather than not being written at all."""
    from .charts import PALETTE

    labels, themes = load_dashboard_labels(), load_themes()
    template = DASHBOARD_TEMPLATE.read_text(encoding="utf-8")
    page_words = labels.page(lang)
    _check_page_words(template, page_words)
    data = dashboard_data(register, links, lang, labels=labels, themes=themes, problems=problems,
                          suggestions=suggestions)
    figures = "".join(_figure(c) for c in charts)
    values = {"LANG": lang, "TITLE": escape(page_words["title"]), "PALETTE": json.dumps(PALETTE),
              "CHARTS": figures, "DATA": embed_json(data)}
    # one pass: a register cell that spells a placeholder is never filled in itself
    page = _PLACEHOLDERS.sub(lambda m: values[m.group(1)], template)
    return atomic_write_text(out / "dashboard.html", page)


def dashboard_data(register, links, lang: str, *, labels: DashboardLabels, themes: Themes, problems=(),
                   suggestions=None) -> dict:
    """What the page's script reads: its words, the statuses, themes and documents to filter
    on, one record per recommendation (with its search keys), the timeline and the problems."""
    from .charts import _theme_order, status_events

    recs, history, statuses, status_labels = [], [], [], {}
    if register is not None:
        statuses = list(register.statuses.statuses)
        status_labels = {s: register.statuses.label(s, lang) for s in statuses}
        events = status_events(register)
        history = [_event(e, lang, labels) for e in events]
        recs = [_record(row, links, events, lang, labels, themes, status_labels) for row in register]
        for rec in recs:
            rec["suggestions"] = _suggestions(suggestions, rec["id"], lang, labels, status_labels)
    theme_names = sorted({(r["theme"], r["theme_label"]) for r in recs}, key=lambda t: _theme_order(t[1]))
    rank = {code: i for i, (code, _) in enumerate(theme_names)}
    for rec in recs:
        rec["theme_rank"] = rank[rec["theme"]]
    return {
        "labels": labels.page(lang), "statuses": statuses, "status_labels": status_labels,
        "themes": [list(t) for t in theme_names], "documents": sorted({r["target_document"] for r in recs}),
        "recs": recs, "history": history, "tones": tone_table(),
        "problems": [_problem(p.as_dict(), lang, labels) for p in problems],
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def _record(row: dict, links, events: list[dict], lang: str, labels: DashboardLabels, themes: Themes,
            status_labels: dict[str, str]) -> dict:
    """One recommendation as the page shows it, every code replaced by its label."""
    mine = links[links["recommendation"] == row["id"]].fillna("") if links is not None and not links.empty else None
    own_events = [e for e in events if e["id"] == row["id"]]
    rec = {key: str(row.get(key) or "") for key in (
        "id", "title", "text_vi", "summary_en", "theme", "target_document", "target_provisions", "status",
        "status_date", "evidence", "responsible_body", "source", "provenance", "notes")}
    rec.update({
        "theme_label": themes.label(rec["theme"], lang) if rec["theme"] else "—",
        "status_label": status_labels.get(rec["status"], rec["status"]),
        "provenance_label": labels.word("provenance", rec["provenance"], lang),
        "last_change": max((str(e["when"])[:10] for e in own_events if e["when"]), default=rec["status_date"]),
        "links": [{"provision": str(link["provision"] or ""), "method": labels.word("link_methods", link["method"], lang),
                   "score": link["score"], "explanation": labels.translate(str(link["explanation"]), lang)}
                  for link in (mine.to_dict("records") if mine is not None else [])],
        "history": [_event(e, lang, labels) for e in own_events],
    })
    rec["search"] = [list(search_keys(rec[field])) for field in SEARCHED if rec[field]]
    return rec


def _suggestions(frame, rec_id: str, lang: str, labels: DashboardLabels, status_labels: dict[str, str]) -> list[dict]:
    """The status changes amendments suggest for one recommendation, as the page shows them."""
    if frame is None or frame.empty:
        return []
    mine = frame[frame["recommendation"] == rec_id]
    return [{"suggested": str(r.suggested), "suggested_label": status_labels.get(r.suggested, r.suggested),
             "operation": labels.page(lang).get(f"amend_op_{r.operation}", r.operation),
             "evidence": str(r.evidence), "linked": str(r.linked_provision), "source": str(r.source_provision or ""),
             "from": str(r.effective_date or ""), "since": str(r.since) if isinstance(r.since, str) else "—", "footnote": int(r.footnote),
             "confidence": float(r.confidence)} for r in mine.itertuples()]


def _event(event: dict, lang: str, labels: DashboardLabels) -> dict:
    """A status change with its date cut to the day and its note in ``lang``."""
    return {"when": str(event.get("when") or "")[:10], "id": event["id"], "old_status": event.get("old_status") or "",
            "new_status": event.get("new_status") or "", "document_version": str(event.get("document_version") or ""),
            "evidence": str(event.get("evidence") or ""), "who": str(event.get("who") or ""),
            "note": labels.translate(str(event.get("note") or ""), lang)}


def _problem(problem: dict, lang: str, labels: DashboardLabels) -> dict:
    """A problem as recorded (``step``, ``what``) and as shown (``step_label``, ``what_label``)."""
    return {**problem, "step_label": labels.word("steps", problem["step"], lang),
            "what_label": labels.translate(problem["what"], lang)}


def _figure(chart) -> str:
    note = f'<div class="note">{escape(chart.note)}</div>' if chart.note else ""
    return f'<figure><figcaption>{escape(chart.title)}</figcaption>{chart.svg()}{note}</figure>'


def _check_page_words(template: str, words: dict[str, str]) -> None:
    """Every ``L.key`` the page's script reads is in ``dashboard_labels.yaml``."""
    missing = sorted(set(re.findall(r"\bL\.(\w+)", template)) - set(words))
    if missing:
        raise DataFileError(DATA / "dashboard_labels.yaml", "page", f"missing {', '.join(missing)}")


# --- search ---------------------------------------------------------------------------------------

def search_keys(text: str) -> tuple[str, str]:
    """``(marked, plain)``: ``text`` in the library's matching form (``match_key``: one
    tone-mark placement, lower case) with runs of whitespace made one space, and the same
    without diacritics (``strip_marks``: "nước thải" → "nuoc thai")."""
    marked = _SPACES.sub(" ", match_key(text)).strip()
    return marked, strip_marks(marked)


def query_matches(query: str, keys: list[tuple[str, str]] | list[list[str]]) -> bool:
    """Whether a row with these search keys is shown for ``query`` (the page's rule).

    A query without diacritics is looked for in the plain keys ("nuoc thai" finds "nước
    thải"); one with diacritics in the marked keys, so its marks count ("hoà" finds "hòa",
    not "hoa"). An empty query shows every row."""
    marked, plain = search_keys(query)
    if not plain:
        return True
    if marked != plain:
        return any(marked in key[0] for key in keys)
    return any(plain in key[1] for key in keys)


def tone_table() -> dict[str, str]:
    """Each vowel pair written with the "new" tone placement (``oà``, ``uỷ``…) → the form
    ``normalize`` gives it (``òa``, ``ủy``), for the page to fold queries the same way."""
    table = {}
    for first, second in TONE_PAIRS:
        for mark in TONE_MARKS:
            for f in (first, first.upper()):
                for s in (second, second.upper()):
                    pair = f + unicodedata.normalize("NFC", s + mark)
                    table[pair] = normalize(pair)[0]
    return table


def embed_json(data: object) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&``
    as ``\\u`` escapes, so no cell can close the element or open a comment
    (``</script>``, ``<!--<script>``), and U+2028/2029 escaped for older parsers."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)
