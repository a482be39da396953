"""The rule tagger: taxonomy synonyms found as whole words in normalised, folded text."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..model import Document
from ..text import fold, match_key
from .taxonomy import Taxonomy, load_taxonomy
from .texts import _normalised_bounds, own_spans


# head nouns that items of a list of sectors repeat before each item (folded text)
_LIST_HEADS = r"(?:hạ\s+tầng|công\s+trình|kết\s+cấu\s+hạ\s+tầng|lĩnh\s+vực|ngành)"


def _match_key(phrase: str) -> str:
    """How a phrase is compared: normalised (one tone convention), case-folded, single spaces."""
    return " ".join(match_key(phrase).split())


@dataclass
class RuleHit:
    label: str  # topic or topic.subtopic
    start: int  # offsets in the source text
    end: int
    phrase: str
    cue: bool = False  # a cue phrase: counts only where the provision is on the label's topic


def _alternation(phrases) -> str:
    """One regular expression for many phrases, factored by their common prefixes (a trie),
    longest match first; spaces match any run of whitespace. Python's ``re`` tries the
    branches of a flat alternation one by one at every word start; the factored form
    decides on each character once, several times faster on hundreds of phrases."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    ends = "" in node
    branches = [(r"\s+" if ch == " " else re.escape(ch)) + _trie_pattern(child)
                for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # greedy: the longer phrase is tried first, the shorter one ending here if it fails
    return f"(?:{body})?" if ends else body


class RuleTagger:
    """Finds taxonomy synonyms and cues as whole words in normalised, case-folded text.

    A synonym gives its label wherever it occurs. A cue gives its subtopic only in a
    provision already on the subtopic's topic, by its own text or by the heading or lead-in
    of a unit above it: "quan trắc định kỳ" under "Điều 59. Xử lý nước thải …" is wastewater
    monitoring, the same words under an article on air are not.

    >>> RuleTagger().find("Nhà nước khuyến khích tái sử dụng nước thải.")   # doctest: +SKIP
    [RuleHit(label='water_resources.reuse_circular', ...)]
    """

    def __init__(self, taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy or load_taxonomy()
        self.labels_of: dict[str, list[str]] = {}
        self.cue_labels_of: dict[str, list[str]] = {}
        self.heading_cues: set[tuple[str, str]] = set()  # (phrase key, subtopic)
        excludes: set[str] = set()
        self.list_neighbours: dict[str, re.Pattern] = {}
        for name, topic in self.taxonomy.topics.items():
            for phrase in topic["synonyms"]:
                self.labels_of.setdefault(_match_key(phrase), []).append(name)
            excludes.update(_match_key(p) for p in topic["exclude"])
            if topic.get("not_in_lists_with"):
                words = _alternation(_match_key(p) for p in topic["not_in_lists_with"])
                # an item of the same list: the words next to the match across one separator;
                # the items may share a head noun ("hạ tầng giao thông, hạ tầng thủy lợi")
                self.list_neighbours[name] = re.compile(
                    rf"(?:(?<!\w)(?:{words})(?!\w)[^,;:.\n]{{0,25}}(?:[,;]|\s+và)\s*(?:{_LIST_HEADS}\s+)?$)|"
                    rf"(?:^\s*(?:[,;]|và\s)\s*(?:[^,;:.\n]{{0,12}}?)(?<!\w)(?:{words})(?!\w))")
        for key, sub in self.taxonomy.subtopics.items():
            for phrase in sub.synonyms:
                labels = self.labels_of.setdefault(_match_key(phrase), [])
                labels.extend(label for label in (key, sub.topic) if label not in labels)
            for phrase in (*sub.cues, *sub.heading_cues):
                cues = self.cue_labels_of.setdefault(_match_key(phrase), [])
                if key not in cues:
                    cues.append(key)
            self.heading_cues.update((_match_key(phrase), key) for phrase in sub.heading_cues)
            excludes.update(_match_key(p) for p in sub.exclude)
        # One pass over the text for synonyms and cues alike. A look-ahead finds overlapping
        # phrases too: "môi trường nước dưới đất" holds "môi trường nước" and "nước dưới đất".
        words = set(self.labels_of) | set(self.cue_labels_of)
        self.pattern = re.compile(r"(?<!\w)(?=(" + _alternation(words) + r")(?!\w))")
        self.exclude = re.compile(r"(?<!\w)(?:" + _alternation(excludes) + r")(?!\w)") if excludes else None

    def find(self, text: str, offsets=None, *, cues: bool = False) -> list[RuleHit]:
        """Matches in an already normalised text; ``offsets`` maps them to the original.
        Cue matches (``cue=True``) only when asked: alone they prove nothing."""
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
            labels = self.labels_of.get(key, ())
            if labels and self._in_resource_list(folded, s, e, labels):
                labels = ()
            hits.extend(RuleHit(label, os_, oe, text[s:e]) for label in labels)
            if cues:
                hits.extend(RuleHit(label, os_, oe, text[s:e], True) for label in self.cue_labels_of.get(key, ()))
        return hits

    def _in_resource_list(self, folded: str, s: int, e: int, labels) -> bool:
        """A top-topic synonym that is one item of a list of every resource or condition
        ("đất đai, tài nguyên nước, tài nguyên khoáng sản", "khí hậu, nguồn nước") names
        water among all the rest: it does not make the provision about water."""
        if len(labels) != 1 or labels[0] not in self.list_neighbours:
            return False
        near = self.list_neighbours[labels[0]]
        return bool(near.search(folded[max(0, s - 45):s]) or near.search(folded[e:e + 45]))

    def tag_document(self, doc: Document) -> dict[str, dict[str, list[tuple[int, int]]]]:
        """``{provision id: {label: [evidence spans]}}``, evidence carried up to ancestors."""
        own = self._own_hits(doc)
        self._apply_cues(doc, own)
        result: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for pid, labels in own.items():
            for node in doc.ancestors(doc[pid], include_self=True):
                mine = result.setdefault(node.id, {})
                for label, spans in labels.items():
                    if label.startswith("cue:"):
                        continue
                    mine.setdefault(label.removeprefix("ctx:"), []).extend(spans)
        self._inherit_headings(doc, result, own)
        return result

    def _own_hits(self, doc: Document) -> dict[str, dict[str, list[tuple[int, int]]]]:
        """Each provision's matches in its own text (heading or lead-in, or a leaf's whole
        text); cue matches are kept under ``cue:<label>`` until their context is known, and
        become ``ctx:<label>`` where it is."""
        source = doc.source
        lo, hi = _normalised_bounds(doc)
        spans = own_spans(doc)
        starts = [s for _, s, _ in spans]
        own: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for hit in self.find(source.normalized[lo:hi], cues=True):
            start = source.to_original(hit.start + lo)
            end = source.to_original(hit.end + lo)
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue  # in the header, before any provision
            prov, s, e = spans[i]
            if not (s <= start < e):
                # past a node's own text: in the text of a unit above it (a lead-in between
                # children), or after the body (signature, notes), which is no provision's
                prov = next((a for a in doc.ancestors(prov) if a.kind != "document" and a.start <= start < a.end), None)
                if prov is None:
                    continue
            label = f"cue:{hit.label}" if hit.cue else hit.label
            own.setdefault(prov.id, {}).setdefault(label, []).append((start, end))
        return own

    def _apply_cues(self, doc: Document, own: dict) -> None:
        """A cue in a provision's own text gives its subtopic where the provision, or a unit
        above it, has the topic from a synonym; a heading cue does so from a heading or
        lead-in above too. The evidence is the cue's span and the topic's."""
        for prov in doc.root.walk():
            if prov.kind == "document":
                continue
            chain = [prov, *doc.ancestors(prov)]
            context: dict[str, list[tuple[int, int]]] = {}
            for node in chain:
                for label, spans in own.get(node.id, {}).items():
                    if label in self.taxonomy.topics and spans:  # found by a synonym, not by a cue
                        context.setdefault(label, spans)
            if not context:
                continue
            cues: dict[str, list[tuple[int, int]]] = {}
            for depth, node in enumerate(chain):
                for label, spans in own.get(node.id, {}).items():
                    if not label.startswith("cue:"):
                        continue
                    sub = label[4:]
                    if depth == 0:
                        cues.setdefault(sub, []).extend(spans)
                    elif self._heading_cue(doc, sub, spans):
                        cues.setdefault(sub, []).extend(spans)
            labels = own.setdefault(prov.id, {})
            for sub, spans in cues.items():
                topic = sub.split(".")[0]
                if topic in context:
                    # kept apart from the synonyms' labels: a cue in a heading does not
                    # speak for every clause below it ("… tước quyền sử dụng, thu hồi giấy phép")
                    # evidence: the cue and the words that put the provision on the topic
                    labels.setdefault(f"ctx:{sub}", []).extend([*spans, *context[topic]])
                    if topic not in labels:
                        labels[f"ctx:{topic}"] = list(context[topic])

    def _heading_cue(self, doc: Document, sub: str, spans) -> bool:
        text = doc.source.text
        return any((_match_key(text[s:e]), sub) in self.heading_cues for s, e in spans)

    @staticmethod
    def _inherit_headings(doc: Document, result: dict, own: dict) -> None:
        """An article heading (``Điều 43. Hồ sơ, trình tự, thủ tục cấp giấy phép môi
        trường``) or a lead-in ending in a colon (``2. Việc xử lý nước thải chăn nuôi được
        quy định như sau:``) names the subject of everything under it: its labels, with
        the heading or lead-in as evidence, go down to every unit below."""
        for parent in doc.root.walk():
            if parent.kind == "document" or not parent.children:
                continue
            if parent.kind == "article":
                if parent.heading_span is None:
                    continue
                hs, he = parent.heading_span
            elif parent.kind in ("clause", "point"):
                hs, he = parent.own_text_span()
                if not doc.source.text[hs:he].rstrip().endswith(":"):
                    continue
            else:
                continue
            inherited = {
                label: [span for span in spans if hs <= span[0] < he]
                for label, spans in own.get(parent.id, {}).items() if ":" not in label
            }
            inherited = {label: spans for label, spans in inherited.items() if spans}
            if not inherited:
                continue
            for node in parent.walk():
                if node is parent:
                    continue
                mine = result.setdefault(node.id, {})
                for label, spans in inherited.items():
                    mine.setdefault(label, []).extend(spans)
