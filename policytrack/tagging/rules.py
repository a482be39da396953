"""The rule tagger: taxonomy synonyms found as whole words in normalised, folded text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..model import Document
from ..text import fold, match_key
from .taxonomy import Taxonomy, load_taxonomy
from .texts import _normalised_bounds, own_spans


def _match_key(phrase: str) -> str:
    """How a phrase is compared: normalised (one tone convention), case-folded, single spaces."""
    return " ".join(match_key(phrase).split())


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
