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
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .cache import Cache, default_dir
from .model import Document, PolicytrackError, Provision
from .text import fold, match_key
from .vocab import DATA, DataFileError, digest, need_mapping, need_strings, need_text, read_yaml

__all__ = [
    "Taxonomy", "TopicModel", "RuleTagger", "load_taxonomy", "tag", "evaluate", "default_model",
    "TOPICS",
]

TAXONOMY_PATH = DATA / "topics.yaml"
TRAINING_PATH = DATA / "topics_train.yaml"
TOPICS = ("discharge_control", "water_resources")
#: Model probability from which the model alone assigns a label. The model is trained on
#: short passages the team wrote; on real law text it over-predicts below this (see
#: BENCHMARKS.md, where the choice and its effect are measured).
THRESHOLD = 0.8
CONTEXT_CHARS = 300


class ModelVersionError(PolicytrackError):
    """A saved model was made by another version of policytrack or scikit-learn."""


@dataclass(frozen=True)
class Subtopic:
    topic: str
    key: str  # "discharge_control.permits"
    label_vi: str
    label_en: str
    definition: str
    synonyms: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    """The topics and subtopics with their labels, definitions and synonyms."""

    version: str
    topics: dict[str, dict]  # topic -> {"label_vi", "label_en", "definition", "synonyms", "exclude"}
    subtopics: dict[str, Subtopic]
    path: str
    digest: str = ""

    def labels(self) -> list[str]:
        """Every label a tagger predicts: the top topics, then ``topic.subtopic`` keys."""
        return [*self.topics, *self.subtopics]

    def label_vi(self, key: str) -> str:
        if key in self.subtopics:
            return self.subtopics[key].label_vi
        return self.topics[key]["label_vi"]


def load_taxonomy(path: str | Path = TAXONOMY_PATH) -> Taxonomy:
    """Read and check ``topics.yaml``: the two top topics, labels, definitions, synonyms.
    A mistake raises ``DataFileError`` naming the topic or subtopic."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict):
        raise DataFileError(path, "", "expected a 'topics' mapping at the top level")
    missing = [t for t in TOPICS if t not in data["topics"]]
    if missing:
        raise DataFileError(path, "topics", f"missing top topic(s) {', '.join(missing)}")
    topics, subtopics = {}, {}
    for name, entry in data["topics"].items():
        where = f"topic '{name}'"
        labels = _labels(entry, path, where)
        topics[name] = {
            **labels,
            "synonyms": need_strings(entry.get("synonyms"), path, f"{where}: synonyms"),
            "exclude": need_strings(entry.get("exclude"), path, f"{where}: exclude"),
        }
        subs = entry.get("subtopics") or {}
        if not isinstance(subs, dict) or not subs:
            raise DataFileError(path, where, "needs 'subtopics'")
        for sub, s in subs.items():
            swhere = f"subtopic '{name}.{sub}'"
            sl = _labels(s, path, swhere)
            synonyms = need_strings(s.get("synonyms"), path, f"{swhere}: synonyms")
            if not synonyms:
                raise DataFileError(path, swhere, "needs at least one synonym")
            subtopics[f"{name}.{sub}"] = Subtopic(
                name, f"{name}.{sub}", sl["label_vi"], sl["label_en"], sl["definition"], synonyms,
                need_strings(s.get("exclude"), path, f"{swhere}: exclude"),
            )
    return Taxonomy(str(data.get("version", "1")), topics, subtopics, str(path), digest(path)[:12])


def _labels(entry, path: Path, where: str) -> dict[str, str]:
    """A topic or subtopic is a mapping with a Vietnamese and an English label and a definition."""
    need_mapping(entry, path, where)
    return {key: need_text(entry, key, path, where) for key in ("label_vi", "label_en", "definition")}


def _match_key(phrase: str) -> str:
    """How a phrase is compared: normalised (one tone convention), case-folded, single spaces."""
    return " ".join(match_key(phrase).split())


# --- own texts -----------------------------------------------------------------------------

def own_spans(doc: Document) -> list[tuple[Provision, int, int]]:
    """Each provision (root excluded) with the span of its own text, in document order."""
    return [(p, *p.own_text_span()) for p in doc.root.walk() if p.kind != "document"]


def _ancestors(doc: Document, prov: Provision) -> list[Provision]:
    """The provisions containing ``prov``, outermost first."""
    return list(doc.ancestors(prov))[::-1]


# --- the rule tagger ---------------------------------------------------------------------------

@dataclass
class RuleHit:
    label: str  # topic or topic.subtopic
    start: int  # offsets in the source text
    end: int
    phrase: str


class RuleTagger:
    """Finds taxonomy synonyms as whole words in normalised, case-folded text.

    >>> RuleTagger().find("Nhà nước khuyến khích tái sử dụng nước thải.")   # doctest: +SKIP
    [RuleHit(label='water_resources.reuse_circular', ...)]
    """

    def __init__(self, taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy or load_taxonomy()
        self.labels_of: dict[str, list[str]] = {}
        excludes: set[str] = set()
        for name, topic in self.taxonomy.topics.items():
            for phrase in topic["synonyms"]:
                self.labels_of.setdefault(_match_key(phrase), []).append(name)
            excludes.update(_match_key(p) for p in topic["exclude"])
        for key, sub in self.taxonomy.subtopics.items():
            for phrase in sub.synonyms:
                labels = self.labels_of.setdefault(_match_key(phrase), [])
                labels.extend(label for label in (key, sub.topic) if label not in labels)
            excludes.update(_match_key(p) for p in sub.exclude)
        words = sorted(self.labels_of, key=len, reverse=True)
        # A look-ahead finds overlapping phrases too: "môi trường nước dưới đất" holds both
        # "môi trường nước" and "nước dưới đất".
        self.pattern = re.compile(r"(?<!\w)(?=(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?!\w))")
        self.exclude = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(excludes, key=len, reverse=True)) + r")(?!\w)")
            if excludes else None
        )

    def find(self, text: str, offsets=None) -> list[RuleHit]:
        """Matches in an already normalised text; ``offsets`` maps them to the original."""
        folded = fold(text)
        blocked: list[tuple[int, int]] = []
        if self.exclude is not None:
            blocked = [m.span() for m in self.exclude.finditer(folded)]
        hits = []
        for m in self.pattern.finditer(folded):
            s, e = m.span(1)
            if any(bs <= s and e <= be for bs, be in blocked):
                continue
            key = " ".join(m.group(1).split())
            os_, oe = (offsets[s], offsets[e]) if offsets is not None else (s, e)
            hits.extend(RuleHit(label, os_, oe, text[s:e]) for label in self.labels_of.get(key, ()))
        return hits

    def tag_document(self, doc: Document) -> dict[str, dict[str, list[tuple[int, int]]]]:
        """``{provision id: {label: [evidence spans]}}``, evidence carried up to ancestors."""
        source = doc.source
        lo, hi = _normalised_bounds(doc)
        hits = self.find(source.normalized[lo:hi])
        shift = lo
        spans = own_spans(doc)
        starts = [s for _, s, _ in spans]
        result: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for hit in hits:
            start = source.to_original(hit.start + shift)
            end = source.to_original(hit.end + shift)
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue  # in the header, before any provision
            prov, s, e = spans[i]
            if not (s <= start < e):
                # between a node's lead-in and its first child: belongs to the parent's own text
                prov = doc[prov.parent] if prov.parent and prov.parent != doc.id else None
                if prov is None:
                    continue
            for node in doc.ancestors(prov, include_self=True):
                result.setdefault(node.id, {}).setdefault(hit.label, []).append((start, end))
        self._inherit_article_headings(doc, result)
        return result

    @staticmethod
    def _inherit_article_headings(doc: Document, result: dict) -> None:
        """An article's heading names the subject of all its clauses (``Điều 43. Hồ sơ,
        trình tự, thủ tục cấp giấy phép môi trường``): its labels, with the heading as
        evidence, go down to every clause and point of the article."""
        for article in doc.provisions("article"):
            if article.heading_span is None:
                continue
            hs, he = article.heading_span
            inherited = {
                label: [span for span in spans if hs <= span[0] < he]
                for label, spans in result.get(article.id, {}).items()
            }
            inherited = {label: spans for label, spans in inherited.items() if spans}
            if not inherited:
                continue
            for node in article.walk():
                if node is article:
                    continue
                mine = result.setdefault(node.id, {})
                for label, spans in inherited.items():
                    mine.setdefault(label, []).extend(spans)


def _normalised_bounds(doc: Document) -> tuple[int, int]:
    src = doc.source
    if src.offsets is None:
        return doc.start, doc.end
    return bisect_right(src.offsets, doc.start - 1), bisect_right(src.offsets, doc.end - 1)


# --- the learned tagger ----------------------------------------------------------------------

def _analyzer_text(text: str) -> str:
    return match_key(text)


class TopicModel:
    """TF-IDF over syllable 1–3-grams of normalised, folded text, and one logistic
    regression per label (top topics and subtopics). ``fit`` / ``predict`` /
    ``predict_proba`` / ``save`` / ``load``."""

    def __init__(self, labels: list[str] | None = None, taxonomy_digest: str = ""):
        self.labels = list(labels or load_taxonomy().labels())
        self.taxonomy_digest = taxonomy_digest
        self.pipeline = None
        self.trained_on = 0

    def _build(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline

        vectorizer = TfidfVectorizer(
            preprocessor=_analyzer_text, token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 3),
            min_df=1, sublinear_tf=True,
        )
        classifier = OneVsRestClassifier(LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced"))
        return make_pipeline(vectorizer, classifier)

    def _matrix(self, label_sets: list[set[str]]):
        import numpy as np

        y = np.zeros((len(label_sets), len(self.labels)), dtype=int)
        index = {label: i for i, label in enumerate(self.labels)}
        for row, labels in enumerate(label_sets):
            for label in labels:
                if label in index:
                    y[row, index[label]] = 1
        return y

    def fit(self, texts: list[str], label_sets: list[set[str]]) -> TopicModel:
        y = self._matrix(label_sets)
        keep = [i for i in range(len(self.labels)) if 0 < y[:, i].sum() < len(texts)]
        if len(keep) < len(self.labels):
            dropped = [self.labels[i] for i in range(len(self.labels)) if i not in keep]
            raise PolicytrackError(f"training data has no positive (or no negative) example for: {', '.join(dropped)}")
        self.pipeline = self._build().fit(texts, y)
        self.trained_on = len(texts)
        return self

    def predict_proba(self, texts: list[str]):
        """An array ``(len(texts), len(labels))`` of probabilities."""
        if self.pipeline is None:
            raise PolicytrackError("the topic model is not trained: call fit() or load()")
        return self.pipeline.predict_proba(texts)

    def predict(self, texts: list[str], threshold: float = THRESHOLD) -> list[set[str]]:
        proba = self.predict_proba(texts)
        return [{self.labels[j] for j in range(len(self.labels)) if row[j] >= threshold} for row in proba]

    def save(self, path: str | Path) -> Path:
        import joblib
        import sklearn

        from ._version import __version__

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump({"policytrack": __version__, "sklearn": sklearn.__version__, "labels": self.labels,
                     "taxonomy": self.taxonomy_digest, "trained_on": self.trained_on,
                     "pipeline": self.pipeline}, tmp)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        import joblib
        import sklearn

        from ._version import __version__

        data = joblib.load(path)
        if data.get("policytrack") != __version__ or data.get("sklearn") != sklearn.__version__:
            raise ModelVersionError(
                f"{path}: saved by policytrack {data.get('policytrack')} / scikit-learn {data.get('sklearn')}, "
                f"this is policytrack {__version__} / scikit-learn {sklearn.__version__}: retrain it "
                "(policytrack.tagging.default_model(retrain=True))"
            )
        model = cls(data["labels"], data.get("taxonomy", ""))
        model.pipeline = data["pipeline"]
        model.trained_on = data.get("trained_on", 0)
        return model

    @property
    def labeller(self) -> str:
        return f"policytrack.model(tfidf+logreg, {self.trained_on} passages, taxonomy {self.taxonomy_digest})"


def load_training(path: str | Path = TRAINING_PATH) -> tuple[list[str], list[set[str]]]:
    """The labelled passages: texts and their label sets (topics and ``topic.subtopic``)."""
    rows = read_yaml(path)
    if not isinstance(rows, list):
        raise DataFileError(path, "", "must be a list of passages")
    texts, labels = [], []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise DataFileError(path, f"passage {i}", "has no text")
        texts.append(row["text"])
        labels.append(set(row.get("topics") or []) | set(row.get("subtopics") or []))
    return texts, labels


def default_model(retrain: bool = False, cache: Cache | None = None) -> TopicModel:
    """The model trained on the shipped passages, trained once: kept for this process and
    in the cache (default: ``policytrack.cache.default_dir()``; signed, under a key of the
    taxonomy, the passages, the code and the scikit-learn version). A missing or stale
    entry is retrained, never trusted."""
    import sklearn

    taxonomy = load_taxonomy()
    cache = cache if cache is not None else Cache(default_dir())
    key = cache.key(taxonomy.digest, digest(TRAINING_PATH), sklearn.__version__)
    model = None if retrain else _MODELS.get(key) or cache.get("topic-model", key)
    if not isinstance(model, TopicModel):
        model = TopicModel(taxonomy.labels(), taxonomy.digest).fit(*load_training())
        cache.put("topic-model", key, model)
    _MODELS[key] = model
    return model


_MODELS: dict[str, TopicModel] = {}


# --- combining and output ----------------------------------------------------------------------

def _model_texts(doc: Document) -> tuple[list[Provision], list[str]]:
    """Own text of each provision with its ancestors' headings and lead-ins as context."""
    text = doc.source.text
    provs, texts = [], []
    own = {p.id: text[s:e][:CONTEXT_CHARS] for p, s, e in own_spans(doc)}
    for prov, s, e in own_spans(doc):
        context = " ".join(own[a.id] for a in _ancestors(doc, prov) if a.id in own)
        provs.append(prov)
        texts.append(f"{context} {text[s:e]}".strip())
    return provs, texts


def _model_tags(doc: Document, model: TopicModel) -> dict[str, dict[str, float]]:
    provs, texts = _model_texts(doc)
    if not provs:
        return {}
    proba = model.predict_proba(texts)
    out: dict[str, dict[str, float]] = {}
    for prov, row in zip(provs, proba):
        scores = {label: float(p) for label, p in zip(model.labels, row)}
        for node in doc.ancestors(prov, include_self=True):
            current = out.setdefault(node.id, {})
            for label, p in scores.items():
                if p > current.get(label, 0.0):
                    current[label] = p
    return out


def tag(subject: Document | Iterable[Document], *, model: TopicModel | None = None,
        rules: RuleTagger | None = None, use_model: bool = True, threshold: float | None = None,
        cache: Cache | None = None):
    """Topic tags of every provision of a document or of documents, as a DataFrame.

    Columns: ``provision_id, document_id, topic, subtopic, score, method, evidence,
    labeller, tagged_at``. ``subtopic`` is empty for a top-topic row. ``method`` is
    ``rule`` (a synonym was found), ``model`` (probability ≥ ``threshold``) or ``both``;
    ``score`` is the model probability, raised to at least 0.9 when the rule agrees and
    to 0.75 for a rule alone. ``evidence`` lists ``(start, end)`` spans in the source.

    With a ``cache`` (``Corpus.tags()`` passes the corpus's), each document's rows are
    kept under a key of its id and text, the taxonomy, the training data and the
    threshold, so a warm run reads them instead of tagging again; only the default
    taggers are cached.
    """
    import pandas as pd

    threshold = THRESHOLD if threshold is None else threshold
    docs = [subject] if isinstance(subject, Document) else list(subject)
    cache = cache if cache is not None and model is None and rules is None and use_model else Cache(None)
    salt = cache.key("tags", load_taxonomy().digest, digest(TRAINING_PATH), repr(threshold)) if cache else ""
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    rows: list[dict] = []
    for doc in docs:
        key = hashlib.sha256(f"{salt}:{doc.id}\0{doc.text}".encode("utf-8")).hexdigest() if cache else ""
        cached = cache.get("tags", key) if cache else None
        if cached is None:
            rules = rules or RuleTagger()
            model = model or (default_model(cache=cache or None) if use_model else None)
            cached = tag_rows(doc, rules, model, threshold, now)
            cache.put("tags", key, cached)
        rows.extend(cached)
    return pd.DataFrame(rows, columns=TAG_COLUMNS)


TAG_COLUMNS = ["provision_id", "document_id", "topic", "subtopic", "score", "method", "evidence",
               "labeller", "tagged_at"]


def tag_rows(doc: Document, rules: RuleTagger, model: TopicModel | None, threshold: float, now: str) -> list[dict]:
    """The tag rows of one document (see ``tag``)."""
    rule_tags = rules.tag_document(doc)
    model_tags = _model_tags(doc, model) if model is not None else {}
    rule_labeller = f"policytrack.rules(topics.yaml {rules.taxonomy.digest})"
    rows = []
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        found = rule_tags.get(prov.id, {})
        probs = model_tags.get(prov.id, {})
        labels = set(found) | {label for label, p in probs.items() if p >= threshold}
        for label in sorted(labels):
            by_rule = label in found
            p = probs.get(label)
            by_model = p is not None and p >= threshold
            method = "both" if by_rule and by_model else ("rule" if by_rule else "model")
            score = max(p or 0.0, 0.9 if by_model else 0.75) if by_rule else p
            topic, _, sub = label.partition(".")
            labeller = {"rule": rule_labeller, "model": model.labeller if model else "",
                        "both": f"{rule_labeller} + {model.labeller if model else ''}"}[method]
            rows.append({
                "provision_id": prov.id, "document_id": doc.id, "topic": topic, "subtopic": sub or None,
                "score": round(float(score), 4), "method": method, "evidence": sorted(set(found.get(label, []))),
                "labeller": labeller, "tagged_at": now,
            })
    return rows


# --- evaluation ----------------------------------------------------------------------------------

def evaluate(tags, gold: dict[str, set[str]]):
    """Per-label precision, recall and F1 of a tag table against gold labels, and the
    agreement (Cohen's kappa) of the rule and model taggers on each top topic.

    ``gold`` maps provision id → set of labels (``discharge_control``,
    ``water_resources.groundwater``...); only provisions in ``gold`` are scored.
    Returns a DataFrame with one row per label (``method`` ``combined``, ``rule``, ``model``).
    """
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    tags = tags[tags["provision_id"].isin(list(gold))]
    ids = sorted(gold)
    predicted = {m: {} for m in ("combined", "rule", "model")}
    for row in tags.itertuples():
        label = row.topic if pd.isna(row.subtopic) or not row.subtopic else f"{row.topic}.{row.subtopic}"
        predicted["combined"].setdefault(row.provision_id, set()).add(label)
        if row.method in ("rule", "both"):
            predicted["rule"].setdefault(row.provision_id, set()).add(label)
        if row.method in ("model", "both"):
            predicted["model"].setdefault(row.provision_id, set()).add(label)
    labels = sorted({label for labels in gold.values() for label in labels} | set(TOPICS))
    out = []
    for method, pred in predicted.items():
        for label in labels:
            tp = sum(1 for i in ids if label in gold[i] and label in pred.get(i, ()))
            fp = sum(1 for i in ids if label not in gold[i] and label in pred.get(i, ()))
            fn = sum(1 for i in ids if label in gold[i] and label not in pred.get(i, ()))
            precision = tp / (tp + fp) if tp + fp else float("nan")
            recall = tp / (tp + fn) if tp + fn else float("nan")
            f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if fp + fn else float("nan"))
            kappa = float("nan")
            if method == "combined" and label in TOPICS:
                a = [label in predicted["rule"].get(i, ()) for i in ids]
                b = [label in predicted["model"].get(i, ()) for i in ids]
                kappa = cohen_kappa_score(a, b) if len(set(a)) > 1 or len(set(b)) > 1 else 1.0
            out.append({"method": method, "label": label, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn,
                        "precision": precision, "recall": recall, "f1": f1, "kappa_rule_model": kappa})
    return pd.DataFrame(out)

