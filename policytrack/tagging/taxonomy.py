"""The topics and subtopics of ``data/topics.yaml``: labels, definitions, synonyms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..vocab import (
    DATA,
    DataFileError,
    digest,
    need_mapping,
    need_strings,
    need_text,
    read_yaml,
)

TAXONOMY_PATH = DATA / "topics.yaml"
TOPICS = ("discharge_control", "water_resources")


@dataclass(frozen=True)
class Subtopic:
    topic: str
    key: str  # "discharge_control.permits"
    label_vi: str
    label_en: str
    definition: str
    synonyms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    #: phrases that mean the subtopic only where the provision is already on the topic (its
    #: own text, its article heading or a lead-in above it): "quy chuẩn kỹ thuật" is the
    #: standards subtopic under an article on wastewater, nothing under one on food safety.
    cues: tuple[str, ...] = ()
    #: cues that also count from a heading or lead-in above the provision: "Tội …",
    #: "Các hành vi bị nghiêm cấm" make every discharge clause below an offence.
    heading_cues: tuple[str, ...] = ()
    #: why the subtopic cannot be measured on the real corpus, with its count (issue 15)
    rare_in_corpus: str | None = None


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
            "not_in_lists_with": need_strings(entry.get("not_in_lists_with"), path, f"{where}: not_in_lists_with"),
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
                need_strings(s.get("cues"), path, f"{swhere}: cues"),
                need_strings(s.get("heading_cues"), path, f"{swhere}: heading_cues"),
                _optional_text(s, "rare_in_corpus", path, swhere),
            )
    return Taxonomy(str(data.get("version", "1")), topics, subtopics, str(path), digest(path)[:12])


def _labels(entry, path: Path, where: str) -> dict[str, str]:
    """A topic or subtopic is a mapping with a Vietnamese and an English label and a definition."""
    need_mapping(entry, path, where)
    return {key: need_text(entry, key, path, where) for key in ("label_vi", "label_en", "definition")}


def _optional_text(entry: dict, key: str, path: Path, where: str) -> str | None:
    if entry.get(key) is None:
        return None
    return need_text(entry, key, path, where)
