"""Tag provisions with topics (discharge control, water resources) and their subtopics.

Two taggers, one output:

- the **rule tagger** finds the synonyms of ``data/topics.yaml`` in the normalised,
  case-folded text (both tone-mark placements match, whole words only, so ``Nhà nước`` or
  ``nước ngoài`` never mean water) and keeps every match as evidence (offsets in the source);
- the **learned tagger** (``TopicModel``) is a scikit-learn pipeline (TF-IDF over syllable
  n-grams, one logistic regression per label) trained on passages the team wrote
  (``data/topics_train.yaml``), saved with the library version and checked on load.

Both read each provision's *own* text (heading and lead-in for a node with children, the
whole text for a leaf; the model also sees its ancestors' headings and lead-ins as
context) and carry topics upwards: an article has a topic when it or any of its
clauses has it. ``tag(document_or_corpus)`` returns one row per (provision, topic,
subtopic) with score, method (``rule``, ``model``, ``both``), evidence, labeller and time.

The package follows those parts: ``taxonomy``, ``texts`` (what a tagger reads of a
provision), ``rules``, ``learned``, ``combine`` (``tag``) and ``evaluate``.
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
