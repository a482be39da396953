"""Find, resolve and graph what Vietnamese legal texts cite.

Vietnamese cites the smallest unit first and shares the larger units across a list::

    các điểm a, b và c khoản 1 Điều 5 của Luật này   → three targets: 5.1.a, 5.1.b, 5.1.c
    điểm a khoản 1 và điểm b khoản 2 Điều 5           → 5.1.a and 5.2.b
    từ Điều 5 đến Điều 9                              → Điều 5, 6, 7, 8, 9
    Điều 3 Nghị định số 08/2022/NĐ-CP ngày 10 tháng 01 năm 2022 của Chính phủ

``find_references`` runs one compiled regex over the normalised raw text (before any word
segmentation, which would split ``72/2020/QH14``), then reads each match's tokens with a
small state machine into typed ``Reference`` objects whose ``start``/``end`` point into the
original text. ``resolve`` maps each target to a provision id of a ``Corpus``, or says why
it cannot. The vocabulary (document types, relation words, law names, issuers, number
forms) lives in ``data/citations.yaml``; document types come from ``data/doc_types.yaml``
and unit words from ``data/units.yaml``.

The package reads as the stage does: ``grammar`` (vocabulary and patterns), ``reading``
(``find_references``), ``resolve`` (``resolve``, ``corpus_references``), ``graph``
(``citation_graph``, ``cited_by``, ``rests_on``), ``output`` (records, tables, HTML) and
``evaluate`` (accuracy against gold cases); ``model`` holds the typed results.
"""

from .evaluate import evaluate_gold, evaluate_references, evaluate_structure
from .grammar import Vocabulary, load_vocabulary
from .graph import citation_graph, cited_by, rests_on
from .model import UNIT_ORDER, DocRef, Reference, Target
from .output import annotate, records, references_frame
from .reading import find_references
from .resolve import corpus_references, resolve

__all__ = [
    "DocRef", "Target", "Reference", "UNIT_ORDER", "Vocabulary", "load_vocabulary", "find_references",
    "resolve", "corpus_references", "annotate", "records", "references_frame", "citation_graph", "cited_by",
    "rests_on", "evaluate_references", "evaluate_gold", "evaluate_structure",
]
