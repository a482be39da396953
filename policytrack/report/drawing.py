"""Rendering charts: inline SVG with a tooltip and the recommendation ids on every mark, and
matplotlib figures for PNG. The numbers come from ``policytrack.report.charts``."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .._files import atomic_save

# One colour per status, in the order of statuses.yaml (the dashboard uses the same list).
PALETTE = ["#6c8ebf", "#d79b00", "#82b366", "#b85450", "#2e7d32", "#9673a6", "#c0504d", "#999999", "#7f6000"]
HEAT = "#17455e"
FUNNEL = ["#17455e", "#2f6f91", "#5a9bbd", "#8dc0da", "#b9d9ea"]


class ChartDrawing:
    """The renderings of a ``Chart`` (``policytrack.report.charts``): SVG for the dashboard
    and notebooks, matplotlib for PNG. Reads only the chart's numbers and labels."""

    # --- SVG (dashboard, notebooks) -----------------------------------------------------------

    def svg(self) -> str:
        """The chart as an inline SVG element (tooltips and ``data-ids`` on every mark)."""
        if self.frame.empty:
            return (f'<svg class="pt-chart" data-chart="{self.name}" width="520" height="40" role="img">'
                    f'<text x="4" y="24" font-size="13" fill="#687987">{escape(self.note or "—")}</text></svg>')
        return {"bars": self._svg_bars, "stacked": self._svg_stacked, "heatmap": self._svg_heatmap,
                "timeline": self._svg_timeline}[self.kind]()

    def _repr_html_(self) -> str:
        note = f'<div style="color:#687987;font-size:12px">{escape(self.note)}</div>' if self.note else ""
        return f"<figure><figcaption><b>{escape(self.title)}</b></figcaption>{self.svg()}{note}</figure>"

    def _mark(self, row: str, column: str, tip: str, shape: str) -> str:
        ids = self.ids.get((row, column), [])
        tip = tip + (f" ({', '.join(ids)})" if ids else "")
        return (f'<g class="pt-mark" data-ids="{escape(" ".join(ids))}" tabindex="0">'
                f"<title>{escape(tip)}</title>{shape}</g>")

    @staticmethod
    def _label_width(labels) -> int:
        return min(300, 16 + 7 * max((len(str(v)) for v in labels), default=4))

    def _svg_bars(self) -> str:
        rows = list(self.frame.index)
        left, bar_h, width = self._label_width(rows), 26, 240
        top = max(self.frame["count"].max(), 1)
        parts = []
        for i, row in enumerate(rows):
            value = int(self.frame.loc[row, "count"])
            y, w = 8 + i * bar_h, width * value / top
            color = self.colors.get(row, PALETTE[0])
            parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(str(row))}</text>')
            parts.append(self._mark(row, "count", f"{row}: {value}",
                                    f'<rect x="{left}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h - 6}" fill="{color}"/>'))
            parts.append(f'<text x="{left + w + 5:.1f}" y="{y + 15}" font-size="12">{value}</text>')
        height = 16 + len(rows) * bar_h
        return self._svg_frame(left + width + 50, height, parts)

    def _svg_stacked(self) -> str:
        rows, series = list(self.frame.index), list(self.frame.columns)
        left, bar_h, width = self._label_width(rows), 20, 240
        top = max(self.frame.sum(axis=1).max(), 1)
        parts = []
        for i, row in enumerate(rows):
            y, x = 8 + i * bar_h, float(left)
            parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" font-size="11">{escape(str(row))}</text>')
            for col in series:
                value = int(self.frame.loc[row, col])
                if not value:
                    continue
                w = width * value / top
                parts.append(self._mark(row, col, f"{row} · {col}: {value}",
                                        f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h - 5}" '
                                        f'fill="{self.colors.get(col, PALETTE[0])}"/>'))
                x += w
            parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="11">{int(self.frame.loc[row].sum())}</text>')
        legend_y = 12 + len(rows) * bar_h
        shown = [col for col in series if self.frame[col].any()]
        for n, col in enumerate(shown):  # one legend line per status keeps the chart narrow
            y = legend_y + 16 * n
            parts.append(f'<rect x="{left}" y="{y}" width="10" height="10" fill="{self.colors.get(col, PALETTE[0])}"/>'
                         f'<text x="{left + 14}" y="{y + 9}" font-size="11">{escape(str(col))}</text>')
        return self._svg_frame(left + width + 40, legend_y + 16 * len(shown) + 6, parts)

    def _svg_heatmap(self) -> str:
        rows, cols = list(self.frame.index), list(self.frame.columns)
        short = [str(c) if len(str(c)) <= 32 else str(c)[:31] + "…" for c in cols]
        longest = max((len(c) for c in short), default=4)
        # a label rotated by 55° rises about 0.82 of its length (~7 px a character at 11 px)
        left, cell, head = self._label_width(rows), 22, 16 + int(5.9 * longest)
        top = max(int(self.frame.values.max()), 1)
        parts = []
        for j, col in enumerate(cols):
            x = left + j * cell + cell / 2
            parts.append(f'<text transform="translate({x + 4:.1f},{head - 4}) rotate(-55)" font-size="11">'
                         f'<title>{escape(str(col))}</title>{escape(short[j])}</text>')
        for i, row in enumerate(rows):
            y = head + i * cell
            parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" font-size="11">{escape(str(row))}</text>')
            for j, col in enumerate(cols):
                value = int(self.frame.loc[row, col])
                opacity = 0.08 if not value else 0.25 + 0.75 * value / top
                shape = (f'<rect x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{HEAT}" fill-opacity="{opacity:.2f}"/>')
                if value:
                    shape += (f'<text x="{left + j * cell + (cell - 2) / 2}" y="{y + 15}" text-anchor="middle" '
                              f'font-size="10" fill="{"#fff" if opacity > 0.6 else "#1d2b36"}">{value}</text>')
                parts.append(self._mark(row, col, f"{row} · {col}: {value}", shape))
        return self._svg_frame(left + len(cols) * cell + int(4.2 * longest), head + len(rows) * cell + 8, parts)

    def _timeline_axis(self):
        """Rows (recommendations, by first event), the events' dates, the axis start and its
        length in days."""
        import pandas as pd

        days = pd.to_datetime(self.frame["when"].str.slice(0, 10), errors="coerce")
        rows = list(dict.fromkeys(self.frame.loc[days.sort_values().index, "id"]))
        first, last = days.min(), days.max()
        if pd.isna(first):
            return rows, days, first, 1
        # a short stretch (often one day) is widened to a month, the changes in its middle
        pad = max(30 - (last - first).days, 0) // 2
        return rows, days, first - pd.Timedelta(days=pad), (last - first).days + 2 * pad or 1

    def _svg_timeline(self) -> str:
        import pandas as pd

        rows, days, first, span = self._timeline_axis()
        left, row_h, width = 50, 18, 400
        parts = []
        for i, rec in enumerate(rows):
            y = 20 + i * row_h
            parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" font-size="11">{escape(rec)}</text>'
                         f'<line x1="{left}" x2="{left + width}" y1="{y}" y2="{y}" stroke="#e3e8ee"/>')
        for (event, day) in zip(self.frame.itertuples(index=False), days):
            if day != day:  # no usable date: listed in the table, not placeable on the axis
                continue
            x = left + width * (day - first).days / span
            y = 20 + rows.index(event.id) * row_h
            parts.append(self._mark(event.id, str(event.when), f"{event.id} · {str(event.when)[:10]} · {event.status}",
                                    f'<circle cx="{x:.1f}" cy="{y}" r="6" fill="{self.colors.get(event.status, PALETTE[0])}"/>'))
        bottom = 20 + len(rows) * row_h
        for frac in (0, 0.5, 1) if pd.notna(first) else ():
            label = (first + pd.Timedelta(days=round(span * frac))).strftime("%Y-%m-%d")
            parts.append(f'<text x="{left + width * frac:.1f}" y="{bottom + 4}" text-anchor="middle" '
                         f'font-size="10" fill="#687987">{label}</text>')
        return self._svg_frame(left + width + 40, bottom + 12, parts)

    def _svg_frame(self, width: float, height: float, parts: list[str]) -> str:
        return (f'<svg class="pt-chart" data-chart="{self.name}" '
                f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
                f'aria-label="{escape(self.title)}" font-family="DejaVu Sans, Noto Sans, Arial, sans-serif">'
                + "".join(parts) + "</svg>")

    # --- PNG (brief, papers) --------------------------------------------------------------------

    def _size(self, width: float | None = None) -> tuple[float, float]:
        """Figure size in inches. With ``width`` (a page's text width), the chart is drawn
        that wide and as tall as its wrapped labels need (``_fitted_labels``)."""
        rows = self.frame["id"].nunique() if self.kind == "timeline" else len(self.frame.index)
        height = 1.2 + 0.32 * max(rows, 1)
        if self.kind == "heatmap" and width is not None:
            _, columns = self._fitted_labels()
            lines = max((c.count("\n") + 1 for c in columns), default=1)
            longest = max((len(line) for c in columns for line in c.split("\n")), default=4)
            # title, one row of cells per theme, and the slanted column labels below
            return width, 0.7 + 0.3 * max(rows, 1) + 0.045 * longest + 0.12 * lines
        if self.kind == "heatmap":
            return 2.5 + 0.32 * max(len(self.frame.columns), 1), height + 1.6
        return (width or 7.5), height

    def _fitted_labels(self) -> tuple[list[str], list[str]]:
        """Row and column labels of a heatmap wrapped to fit a page: rows on lines of 30
        characters, columns on at most three lines of 22, so no label takes half a page."""
        import textwrap

        def wrap(text: str, width: int, lines: int) -> str:
            return "\n".join(textwrap.wrap(str(text), width, max_lines=lines, placeholder="…")) or str(text)

        return ([wrap(r, 30, 2) for r in self.frame.index], [wrap(c, 22, 3) for c in self.frame.columns])

    def figure(self):
        """The chart as a matplotlib figure made through pyplot, so a notebook shows it."""
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=self._size())
        self._draw(fig)
        return fig

    def save_png(self, path: str | Path, dpi: int = 150, width: float | None = None) -> Path:
        """Write the chart as PNG, atomically. Drawn without pyplot: no window, no backend.
        ``width`` (inches) fits the chart to a page: labels wrapped, title kept whole."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=self._size(width))
        self._draw(fig, fitted=width is not None)
        self.png = atomic_save(Path(path), lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
        return self.png

    def _draw(self, fig, fitted: bool = False) -> None:
        import numpy as np
        from matplotlib.ticker import MaxNLocator

        frame = self.frame
        rows = [str(r) for r in frame.index]
        ax = fig.add_subplot()
        if frame.empty:
            ax.text(0.5, 0.5, self.note or "—", ha="center", va="center", wrap=True)
            ax.set_axis_off()
        elif self.kind == "bars":
            ax.barh(rows, frame["count"], color=[self.colors.get(r, PALETTE[0]) for r in frame.index])
            for i, value in enumerate(frame["count"]):
                ax.text(value, i, f" {int(value)}", va="center")
            ax.invert_yaxis()
        elif self.kind == "timeline":
            order, days, _, _ = self._timeline_axis()
            ax.scatter(days, [order.index(i) for i in frame["id"]], s=60, zorder=3,
                       c=[self.colors.get(st, PALETTE[0]) for st in frame["status"]])
            ax.set_yticks(range(len(order)), order, fontsize=8)
            ax.invert_yaxis()
            ax.grid(axis="y", color="#e3e8ee")
            fig.autofmt_xdate()
        elif self.kind == "stacked":
            left = [0] * len(rows)
            for col in frame.columns:
                if not frame[col].any():
                    continue
                ax.barh(rows, frame[col], left=left, color=self.colors.get(col, PALETTE[0]), label=str(col))
                left = [a + b for a, b in zip(left, frame[col])]
            ax.invert_yaxis()
            ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
        else:
            ax.imshow(frame.values, cmap="Blues", aspect="auto", vmin=0)
            row_labels, column_labels = self._fitted_labels() if fitted else (rows, [str(c) for c in frame.columns])
            ax.set_xticks(range(len(frame.columns)), column_labels, rotation=55, ha="right",
                          rotation_mode="anchor" if fitted else "default", fontsize=7 if fitted else 8)
            ax.set_yticks(range(len(rows)), row_labels, fontsize=7 if fitted else 8)
            top = max(int(frame.values.max()), 1)
            for (i, j), value in np.ndenumerate(frame.values):
                if value:
                    ax.text(j, i, int(value), ha="center", va="center", fontsize=7,
                            color="white" if value > top / 2 else "black")
        if fitted:  # over the whole figure, so a narrow plot area never cuts it
            fig.suptitle(self.title, fontsize=11)
        else:
            ax.set_title(self.title, fontsize=11)
        if self.kind in ("bars", "stacked"):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.spines[["top", "right"]].set_visible(False)
            ax.tick_params(axis="y", labelsize=8)
        fig.tight_layout()
