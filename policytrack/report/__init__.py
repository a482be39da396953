"""The main job: everything a liaison, an advocate or a researcher takes away.

``build_report`` writes, into one folder: the corpus summary, the register with its links
(CSV and Excel), the charts (PNG), the adoption dashboard (one offline HTML file) and the
consultation brief (.docx). Each step that fails is recorded as a ``Problem``, shown in the
dashboard and in the terminal, and the other steps still run.

Every file is written atomically (a temporary file in the same folder, then a rename), so
an interrupted run never leaves half a report behind.

The package keeps computing apart from rendering: ``charts`` (the numbers of each chart)
and ``drawing`` (SVG and PNG); ``brief`` (what the brief says, ``plan_brief``) and
``brief_docx`` (the Word file); ``exports`` (tables as CSV, Excel, Markdown) and
``dashboard`` (the HTML page); ``folder`` (the report folder and a person's edits);
``problems``; ``build`` (``build_report``, the main job).
"""

from . import charts
from .brief import BriefEntry, BriefPlan, BriefProvision, plan_brief
from .brief_docx import write_brief
from .build import build_report
from .dashboard import write_dashboard
from .exports import register_table, write_corpus_summary, write_exports
from .folder import MANIFEST, keep_edited_copies, record_written
from .problems import Problem, ReportResult

__all__ = [
    "charts", "build_report", "plan_brief", "write_brief", "write_dashboard", "write_exports",
    "write_corpus_summary", "register_table", "keep_edited_copies", "record_written", "MANIFEST",
    "Problem", "ReportResult", "BriefPlan", "BriefEntry", "BriefProvision",
]
