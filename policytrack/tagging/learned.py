"""The learned tagger: TF-IDF over syllable n-grams and one logistic regression per label."""

from __future__ import annotations

from pathlib import Path

from ..cache import Cache, default_dir
from ..model import PolicytrackError
from ..text import match_key
from ..vocab import DATA, DataFileError, digest, read_yaml
from .taxonomy import load_taxonomy

TRAINING_PATH = DATA / "topics_train.yaml"
#: Model probability from which the model alone assigns a label. The model is trained on
#: short passages the team wrote; on real law text it over-predicts below this (see
#: BENCHMARKS.md, where the choice and its effect are measured).
THRESHOLD = 0.8


class ModelVersionError(PolicytrackError):
    """A saved model was made by another version of policytrack or scikit-learn."""


def _analyzer_text(text: str) -> str:
    return match_key(text)


class TopicModel:
    """TF-IDF over syllable 1–3-grams of normalised, folded text, and one logistic
    regression per label (top topics and subtopics). ``fit`` / ``predict`` /
    ``predict_proba`` / ``save`` / ``load``."""

    def __init__(self, labels: list[str] | None = None, taxonomy_digest: str = "", *, C: float = 8.0,
                 ngram_range: tuple[int, int] = (1, 3), calibrate: bool = True):
        self.labels = list(labels or load_taxonomy().labels())
        self.taxonomy_digest = taxonomy_digest
        self.C, self.ngram_range, self.calibrate = C, tuple(ngram_range), calibrate
        self.pipeline = None
        self.trained_on = 0

    def _build(self, folds: int = 0):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline

        vectorizer = TfidfVectorizer(
            preprocessor=_analyzer_text, token_pattern=r"(?u)\b\w+\b", ngram_range=self.ngram_range,
            min_df=1, sublinear_tf=True,
        )
        base = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced")
        # Balanced class weights push probabilities up on rare labels; a sigmoid fitted on
        # held-out folds maps them back to frequencies (the reliability curve of notebook 03).
        classifier = OneVsRestClassifier(CalibratedClassifierCV(base, method="sigmoid", cv=folds) if folds >= 2 else base)
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
        folds = min(3, int(min(y[:, keep].sum(axis=0).min(), (1 - y[:, keep]).sum(axis=0).min()))) if self.calibrate else 0
        self.pipeline = self._build(folds).fit(texts, y)
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

        from .._version import __version__

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

        from .._version import __version__

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
