"""The adoption dashboard: one self-contained HTML file rendered from the register, its links and the charts."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..vocab import DATA
from .folder import atomic_write_text

_LABELS = {
    "vi": {"title": "Theo dõi tiếp thu khuyến nghị", "recs": "khuyến nghị", "status": "Trạng thái",
           "theme": "Chủ đề", "document": "Văn bản mục tiêu", "search": "Tìm kiếm…", "all": "Tất cả",
           "timeline": "Diễn biến trạng thái", "charts": "Biểu đồ (bấm vào một cột hoặc ô để lọc bảng)",
           "by_document": "Trạng thái theo văn bản mục tiêu", "links": "Liên kết", "evidence": "Bằng chứng",
           "history": "Lịch sử", "targets": "Điều khoản mục tiêu", "none": "(chưa có)", "source": "Nguồn",
           "provenance": "Xuất xứ", "generated": "Tạo lúc", "problems": "Sự cố và ghi chú khi lập báo cáo",
           "shown": "Đang lọc", "clear": "bỏ lọc"},
    "en": {"title": "Recommendation adoption tracker", "recs": "recommendations", "status": "Status",
           "theme": "Theme", "document": "Target document", "search": "Search…", "all": "All",
           "timeline": "Status changes", "charts": "Charts (click a bar or cell to filter the table)",
           "by_document": "Status by target document",
           "links": "Links", "evidence": "Evidence", "history": "History", "targets": "Target provisions",
           "none": "(none yet)", "source": "Source", "provenance": "Provenance", "generated": "Generated",
           "problems": "Problems and notes from building this report", "shown": "Filtered", "clear": "clear"},
}

#: The page around the data: placeholders __LANG__, __TITLE__, __PALETTE__, __CHARTS__, __DATA__.
DASHBOARD_TEMPLATE = DATA / "dashboard.html"



def write_dashboard(register, links, out: Path, lang: str = "vi", *, charts=(), problems=()) -> Path:
    """One self-contained HTML file (no network): the problems met while building the
    report, status counts, the charts (a click on a bar filters the table), status by
    target document, the timeline of status changes, and the filterable table of every
    recommendation with its text, targets, links, evidence and history.

    ``register`` may be ``None`` (it could not be loaded): the page then shows the
    problems and an empty table rather than not being written at all."""
    import datetime as dt
    import json

    from .charts import PALETTE, status_events

    recs, history, statuses, status_labels = [], [], [], {}
    if register is not None:
        history_frame = register.history_frame().fillna("")
        for row in register:
            mine = links[links["recommendation"] == row["id"]].fillna("") if links is not None else None
            recs.append({**row,
                         "links": mine[["provision", "method", "score", "explanation"]].to_dict("records")
                         if mine is not None else [],
                         "history": history_frame[history_frame["id"] == row["id"]].to_dict("records")})
        history = status_events(register)
        statuses = list(register.statuses.statuses)
        status_labels = {s: register.statuses.label(s, lang) for s in statuses}
    data = {
        "labels": _LABELS[lang], "statuses": statuses, "status_labels": status_labels, "recs": recs,
        "history": history, "problems": [p.as_dict() for p in problems],
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    figures = "".join(
        f'<figure><figcaption>{escape(c.title)}</figcaption>{c.svg()}'
        + (f'<div class="note">{escape(c.note)}</div>' if c.note else "") + "</figure>" for c in charts)
    page = (DASHBOARD_TEMPLATE.read_text(encoding="utf-8").replace("__LANG__", lang).replace("__TITLE__", _LABELS[lang]["title"])
            .replace("__PALETTE__", json.dumps(PALETTE)).replace("__CHARTS__", figures)
            .replace("__DATA__", payload))
    return atomic_write_text(out / "dashboard.html", page)
