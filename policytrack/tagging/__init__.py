"""Tag provisions with topics (discharge control, water resources) and their subtopics.

The tagger is the **rule tagger**: it finds the synonyms of ``data/topics.yaml`` in the
normalised, case-folded text (both tone-mark placements match, whole words only, so
``Nhà nước`` or ``nước ngoài`` never mean water), and the *cues* (general words such as
"quan trắc định kỳ") where the provision is on the cue's topic by its own text, its article
heading or a lead-in above it. Every match is kept as evidence (offsets in the source), and
topics are carried upwards: an article has a topic when it or any of its clauses has it.

A **learned model** (``TopicModel``: TF-IDF over syllable n-grams, one logistic regression
per label) was tried on real law labelled by people and removed from the default: it added
no recall at equal precision on the held-out part (BENCHMARKS.md). It stays available for
a user who trains one on their own labels: ``tag(doc, model=my_model)``.

``tag(document_or_corpus)`` returns one row per (provision, topic, subtopic) with score,
method, evidence, labeller and time. The package follows those parts: ``taxonomy``,
``texts`` (what a tagger reads of a provision), ``rules``, ``learned``, ``combine``
(``tag``), ``evaluate`` and ``gold`` (people's labels, read back for measuring).
"""

from .combine import TAG_COLUMNS, tag, tag_rows
from .evaluate import evaluate
from .learned import (
    THRESHOLD,
    TRAINING_PATH,
    ModelVersionError,
    TopicModel,
    default_model,
    load_training,
)
from .rules import RuleHit, RuleTagger
from .taxonomy import TAXONOMY_PATH, TOPICS, Subtopic, Taxonomy, load_taxonomy
from .texts import own_spans

__all__ = [
    "Taxonomy", "Subtopic", "TopicModel", "RuleTagger", "RuleHit", "ModelVersionError", "load_taxonomy",
    "load_training", "tag", "tag_rows", "evaluate", "default_model", "own_spans", "TOPICS", "THRESHOLD",
    "TAG_COLUMNS", "TAXONOMY_PATH", "TRAINING_PATH",
]
