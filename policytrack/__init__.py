"""policytrack: read, parse and track Vietnamese water and discharge-control law.

The public API, one verb per module::

    read(path) -> Source                 policytrack.read
    parse(source) -> [Document]          policytrack.parse
    Corpus.load(folder)                  policytrack.corpus (Corpus(documents, sources) for any documents)
    find_references(doc) -> [Reference]  policytrack.citations (resolve, annotate, citation_graph)
    read_history(doc) -> History         policytrack.amendments (doc.history(), doc.as_of(date))
    tag(doc | corpus) -> DataFrame       policytrack.tagging (TopicModel, evaluate)
    Register.load(csv)                   policytrack.register (validation, status history, safe saves)
    link(register, corpus) -> DataFrame  policytrack.linking (confirm_link)
    compare(old, new) -> Comparison      policytrack.compare (suggest_statuses)
    build_report(register, corpus, out)  policytrack.report (dashboard, brief, exports; plan_brief)
    adoption_funnel(register) -> Chart   policytrack.report.charts (status_by_theme, topic_heatmap), as pt.charts
"""

from ._version import __version__

from .corpus import Corpus, LoadError
from .vocab import DataFileError
from .model import (
    Document,
    DocumentMeta,
    ParseWarning,
    PartialDate,
    PolicytrackError,
    Provision,
    ReadError,
    Source,
)
from .parse import parse, parse_text
from .read import read
from .citations import DocRef, Reference, Target, annotate, citation_graph, find_references, resolve
from .amendments import as_of, read_history
from .sources import SourceRegister
from .tagging import TopicModel, evaluate, tag
from .register import Register, RegisterError
from .linking import confirm_link, link
from .compare import compare, suggest_statuses
from .report import charts
from .report import build_report, plan_brief, write_brief

__all__ = [
    "__version__",
    "Corpus",
    "Document",
    "DocumentMeta",
    "LoadError",
    "DataFileError",
    "ParseWarning",
    "PartialDate",
    "PolicytrackError",
    "Provision",
    "ReadError",
    "Source",
    "SourceRegister",
    "parse",
    "parse_text",
    "read",
    "DocRef",
    "Reference",
    "Target",
    "annotate",
    "citation_graph",
    "find_references",
    "resolve",
    "as_of",
    "read_history",
    "TopicModel",
    "evaluate",
    "tag",
    "Register",
    "RegisterError",
    "confirm_link",
    "link",
    "compare",
    "suggest_statuses",
    "charts",
    "build_report",
    "plan_brief",
    "write_brief",
]
