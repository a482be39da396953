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
forms) lives in ``data/citations.yaml``.
"""

from __future__ import annotations

import html
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .model import Document, PolicytrackError, Provision, Source
from .parse import POINT_LETTERS, roman_to_int

__all__ = [
    "DocRef", "Target", "Reference", "find_references", "resolve", "annotate",
    "citation_graph", "cited_by", "rests_on", "references_frame", "canonical_number",
]

VOCABULARY = Path(__file__).with_name("data") / "citations.yaml"


class VocabularyError(PolicytrackError):
    """``citations.yaml`` is malformed; the message names the entry."""


@dataclass
class DocRef:
    """A cited document: by number, by name (and year), or relative (``Luật này``)."""

    kind: str  # "number" | "name" | "draft" | "this"
    text: str
    doc_type: str | None = None
    number: str | None = None
    number_form: str | None = None
    name: str | None = None
    year: int | None = None
    date: str | None = None  # ISO when the citation gives a full date
    issuer: str | None = None
    draft_number: str | None = None  # "Dự thảo 2"
    implied: bool = False  # not written in the citation: taken from its context (see find_references)

    @property
    def label(self) -> str | None:
        """What the JSON output calls ``document``: the number, else type + name (+ year)."""
        if self.kind == "this":
            return None
        if self.kind == "draft":
            return f"Dự thảo {self.draft_number}"
        if self.number:
            return self.number
        label = f"{self.doc_type or ''} {self.name or ''}".strip()
        return f"{label} năm {self.year}" if self.year else label


@dataclass
class Target:
    """One cited unit. ``document`` is ``None`` for the citing document itself. Unit
    fields hold the numbers as printed (``"IV"``, ``"đ"``); ``"này"`` means the unit that
    contains the citation (``khoản 2 Điều này``)."""

    document: DocRef | None = None
    part: str | None = None
    chapter: str | None = None
    section: str | None = None
    subsection: str | None = None
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    annex: str | None = None
    resolved_id: str | None = None
    reason: str | None = None

    def units(self) -> dict[str, str]:
        return {k: v for k in UNIT_ORDER if (v := getattr(self, k)) is not None}


@dataclass
class Reference:
    """A citation found in a text: its span in the original, what it says, what it cites."""

    start: int
    end: int
    text: str
    targets: list[Target]
    relation: str | None = None
    document_id: str | None = None  # the citing document, when known
    provision_id: str | None = None  # the innermost citing provision, when known

    @property
    def form(self) -> str:
        """A coarse label for benchmarks: relative, number form, name, or units only."""
        doc = self.targets[0].document if self.targets else None
        has_units = bool(self.targets and self.targets[0].units())
        if doc is None:
            return "units" if has_units else "empty"
        if doc.kind == "this":
            return "relative"
        return doc.number_form or "name" if doc.kind == "number" else "name"


UNIT_ORDER = ("point", "clause", "article", "subsection", "section", "chapter", "part", "annex")
_LEVEL = {k: i for i, k in enumerate(UNIT_ORDER)}
_KEYWORD_KIND = {
    "điểm": "point", "khoản": "clause", "điều": "article", "tiểu mục": "subsection",
    "mục": "section", "chương": "chapter", "phần": "part", "phụ lục": "annex",
}
_ORDINAL = {"nhất": "1", "hai": "2", "ba": "3", "tư": "4", "bốn": "4", "năm": "5", "sáu": "6",
            "bảy": "7", "tám": "8", "chín": "9", "mười": "10"}


# --- vocabulary and the master pattern -------------------------------------------------

@dataclass
class Vocabulary:
    document_types: list[str]
    relations: dict[str, str]
    law_names: list[str]
    issuers: list[str]
    number_forms: dict[str, str]
    charters: list[str] = field(default_factory=list)


def load_vocabulary(path: str | Path = VOCABULARY) -> Vocabulary:
    """Read and check ``citations.yaml``; a bad entry raises ``VocabularyError`` naming it."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path}: cannot read ({exc})") from exc
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a mapping at the top level")
    for key in ("document_types", "law_names", "issuers", "charters"):
        items = data.get(key)
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise VocabularyError(f"{path}: '{key}' must be a list of non-empty names")
    relations: dict[str, str] = {}
    for i, entry in enumerate(data.get("relations") or []):
        if not isinstance(entry, dict) or not entry.get("word") or not entry.get("relation"):
            raise VocabularyError(f"{path}: relations entry {i + 1} needs 'word' and 'relation'")
        relations[entry["word"].lower()] = entry["relation"]
    forms = data.get("number_forms") or {}
    for name, pattern in forms.items():
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise VocabularyError(f"{path}: number form '{name}' is not a valid pattern: {exc}") from exc
    return Vocabulary(data["document_types"], relations, data["law_names"], data["issuers"], dict(forms),
                      data["charters"])


def _alternation(words, flags: str = "") -> str:
    body = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


_L = r"[a-zđ]\d{0,2}(?!\w)"
_N = r"\d{1,3}[a-zđ]?(?!\w)"
_R = r"(?:[IVXLC]+|\d{1,2})(?!\w)"
_UNIT = (
    rf"(?:[Đđ]iểm\s+(?:{_L}|này)|[Kk]hoản\s+(?:{_N}|này)|[Đđ]iều\s+(?:{_N}|này(?!\w))"
    rf"|Tiểu mục\s+{_N}|Mục\s+(?:{_N}|này)|Chương\s+(?:{_R}|này)"
    r"|Phần\s+thứ\s+(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)(?!\w)"
    rf"|[Pp]hụ lục\s+(?:số\s+)?(?:{_R}|[A-Z](?!\w)|này))"
)
_UNIT_WORDS = ("điểm", "Điểm", "khoản", "Khoản", "Điều", "điều", "Tiểu mục", "Mục", "Chương", "Phần",
               "Phụ lục", "phụ lục")
_BARE = rf"(?:\d{{1,3}}[a-zđ]?(?!\w)|[IVXLC]+(?!\w)|{_L})"
# Separators are horizontal space only: a citation never runs over a line break, so a
# heading "Chương IV" above "Điều 39." is two headings, not "Điều 39 of Chương IV".
_S = r"[ \t]"
_LIST_SEP = rf"(?:{_S}*,{_S}*(?:và{_S}+|hoặc{_S}+)?|{_S}+(?:và|hoặc|đến|tới){_S}+|{_S}*-{_S}*)"
_LEVEL_SEP = rf"(?:{_S}+(?:của{_S}+|tại{_S}+|thuộc{_S}+)?)"
_CHAIN = rf"{_UNIT}(?:{_LIST_SEP}(?:các{_S}+)?(?:{_UNIT}|{_BARE})|{_LEVEL_SEP}{_UNIT})*"
_DATE = r"\d{1,2}\s*(?:/|-|\s+tháng\s+)\s*\d{1,2}\s*(?:/|-|\s+năm\s+)\s*(?:19|20)\d\d"


@lru_cache(maxsize=4)
def _patterns(path: str = str(VOCABULARY)) -> tuple[re.Pattern, re.Pattern, tuple, Vocabulary]:
    """The master pattern (a unit chain or a document), the pattern of a document right
    after a chain (``… Điều 3 Nghị định số …``), the trigger pattern of the places a
    citation can start, and the vocabulary they were built from."""
    vocab = load_vocabulary(path)
    types = _alternation(vocab.document_types)
    names = _alternation(vocab.law_names, "i")
    issuers = _alternation(vocab.issuers, "i")
    numbers = "|".join(f"(?P<nf_{name}>{pattern})" for name, pattern in vocab.number_forms.items())
    issuer = rf"(?:\s*,?\s+của\s+(?P<issuer>{issuers}(?:\s+(?:khóa\s+[IVXLC]+|[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)*))?))"
    def date(group: str) -> str:
        return rf"(?:\s*,?\s+(?:ban hành\s+)?ngày\s+(?P<{group}>{_DATE}))"

    this = rf"(?P<this_type>{types})\s+này(?!\w)"
    named = (
        rf"(?P<name_type>Bộ luật|Luật|Pháp lệnh)\s+(?P<name>{names})(?!\w)"
        rf"(?:\s+(?:số\s+)?(?P<name_number>\d{{1,5}}/(?:19|20)\d\d/[A-ZĐ][A-ZĐa-z0-9&-]*[A-Za-z0-9]))?"
        r"(?:\s+(?:năm\s+)?(?P<name_year>(?:19|20)\d\d)(?!\d))?"
    )
    numbered = rf"(?:(?P<num_type>{types})\s+)?(?:[Ss]ố\s*:?\s*)?(?:{numbers})(?![\w/])"
    charters = _alternation(vocab.charters, "i")
    charter = rf"(?P<charter>Điều lệ)(?!\w)(?:\s+(?:của\s+)?(?P<charter_of>{charters}))?"
    draft = rf"(?P<draft>[Dd]ự thảo)(?:{_S}+(?:lần{_S}+)?(?P<draft_n>\d{{1,2}}))(?!\w)"
    document = rf"(?:{this}|{named}{date('name_date')}?|{numbered}{date('num_date')}?{issuer}?|{charter}|{draft})"
    doc_sep = rf"(?:{_S}*,?{_S}+(?:của{_S}+|tại{_S}+|thuộc{_S}+|ban hành kèm theo{_S}+)?)"
    master = re.compile(rf"(?P<chain>{_CHAIN})|(?P<doc>{document})")
    after_chain = re.compile(rf"{doc_sep}(?P<doc>{document})")
    # Every match of ``master`` starts at one of these words or at a digit. Scanning for
    # them first and trying ``master`` only there is several times faster than letting
    # ``master.search`` attempt its whole alternation at every position.
    words = _alternation([*vocab.document_types, *_UNIT_WORDS, "số", "Số", "QCVN", "TCVN", "Dự thảo", "dự thảo"])
    # Two scans, merged: Python's ``re`` is fast on a pure literal alternation and on
    # ``\d+`` alone, and slow on both in one pattern.
    trigger = (re.compile(words), re.compile(r"\d+"))
    return master, after_chain, trigger, vocab


_TOKEN_RE = re.compile(
    r"(?P<kw>[Đđ]iểm|[Kk]hoản|[Đđ]iều|Tiểu mục|Mục|Chương|Phần|[Pp]hụ lục)"
    r"|(?P<this>này)(?!\w)"
    r"|thứ\s+(?P<ord>\w+)"
    r"|(?P<range>đến|tới|-)"
    r"|(?P<id>\d{1,3}[a-zđ]?(?!\w)|[IVXLC]+(?!\w)|[a-zđ]\d{0,2}(?!\w)|[A-Z](?!\w))"
)


# --- reading one match -------------------------------------------------------------------

def _expand(kind: str, first: str, last: str) -> list[str]:
    """``từ Điều 5 đến Điều 9`` → 5..9; letters in Vietnamese order; roman numerals."""
    if kind == "point" and first in POINT_LETTERS and last in POINT_LETTERS:
        a, b = POINT_LETTERS.index(first), POINT_LETTERS.index(last)
        return POINT_LETTERS[a : b + 1] if a < b else [first, last]
    if first.isdigit() and last.isdigit() and 0 < int(last) - int(first) < 300:
        return [str(n) for n in range(int(first), int(last) + 1)]
    a, b = roman_to_int(first), roman_to_int(last)
    if a and b and 0 < b - a < 50:
        return [_to_roman(n) for n in range(a, b + 1)]
    return [first, last]


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _read_chain(chain: str) -> list[dict[str, list[str]]]:
    """The unit groups of a chain, larger units shared backwards across groups."""
    groups: list[dict[str, list[str]]] = [{}]
    kind: str | None = None
    in_range = False
    for tok in _TOKEN_RE.finditer(chain):
        if tok.group("kw"):
            new_kind = _KEYWORD_KIND[tok.group("kw").lower()]
            group = groups[-1]
            top = max((_LEVEL[k] for k in group), default=-1)
            if not (in_range and new_kind == kind) and _LEVEL[new_kind] <= top:
                groups.append({})
            kind = new_kind
        elif kind is None:
            continue
        elif tok.group("range"):
            in_range = True
        elif tok.group("this") or tok.group("ord") or tok.group("id"):
            value = "này" if tok.group("this") else (_ORDINAL.get(tok.group("ord") or "", tok.group("ord")) if tok.group("ord") else tok.group("id"))
            values = groups[-1].setdefault(kind, [])
            if in_range and values:
                values[-1:] = _expand(kind, values[-1], value)
            else:
                values.append(value)
            in_range = False
    groups = [g for g in groups if g]
    for i in range(len(groups) - 2, -1, -1):
        top = max(_LEVEL[k] for k in groups[i])
        for k, v in groups[i + 1].items():
            if _LEVEL[k] > top and k not in groups[i]:
                groups[i][k] = v
    return groups


def _iso(date_text: str | None) -> str | None:
    if not date_text:
        return None
    nums = re.findall(r"\d+", date_text)
    if len(nums) != 3:
        return None
    d, m, y = (int(n) for n in nums)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= d <= 31 and 1 <= m <= 12 else None


def _doc_ref(m: re.Match, vocab: Vocabulary, text: str) -> DocRef | None:
    if m.group("this_type"):
        return DocRef("this", text, doc_type=m.group("this_type"))
    if m.group("draft"):
        return DocRef("draft", text, doc_type="Dự thảo", number=None, draft_number=m.group("draft_n"))
    if m.group("charter"):
        return DocRef("name", text, doc_type="Điều lệ", name=m.group("charter_of"))
    if m.group("name"):
        year = m.group("name_year")
        date = _iso(m.group("name_date"))
        if not year and date:
            year = date[:4]
        return DocRef(
            "name", text, doc_type=m.group("name_type"), name=m.group("name"),
            number=re.sub(r"\s+", "", m.group("name_number")) if m.group("name_number") else None,
            number_form="number_year_symbol" if m.group("name_number") else None,
            year=int(year) if year else None, date=date,
        )
    for form in vocab.number_forms:
        number = m.group(f"nf_{form}")
        if number:
            number = re.sub(r"\s*([/:])\s*", r"\1", number)
            date = _iso(m.group("num_date"))
            year = re.search(r"(?:/|:)((?:19|20)\d\d)(?:/|$)", number)
            return DocRef(
                "number", text, doc_type=m.group("num_type"), number=number, number_form=form,
                year=int(year.group(1)) if year else (int(date[:4]) if date else None),
                date=date, issuer=m.group("issuer"),
            )
    return None


_RELATION_WINDOW = 160
_SENTENCE_END = re.compile(r"[.;:\n](?=\s)|\n")


def _relation(text: str, start: int, vocab: Vocabulary, relation_re: re.Pattern) -> str | None:
    lo = max(0, start - _RELATION_WINDOW)
    window = text[lo:start]
    cut = 0
    for cut_m in _SENTENCE_END.finditer(window):
        cut = cut_m.end()
    hits = list(relation_re.finditer(window, cut))
    return vocab.relations[hits[-1].group(0).lower()] if hits else None


@lru_cache(maxsize=4)
def _relation_re(path: str = str(VOCABULARY)) -> re.Pattern:
    vocab = _patterns(path)[3]
    return re.compile(rf"(?<!\w){_alternation(vocab.relations, 'i')}(?!\w)")


# --- public API ----------------------------------------------------------------------------

def find_references(subject: str | Source | Document) -> list[Reference]:
    """Every citation in a text, a ``Source`` or a parsed ``Document``, in text order.

    Offsets are into the original text (``Source.text``; the string itself when given a
    string). Given a ``Document``, each reference also records the citing document and
    its innermost provision, which ``resolve`` needs for ``Điều này`` and ``khoản 2``.

    >>> [(t.article, t.clause, t.point) for t in find_references("điểm a, b khoản 2 Điều 5")[0].targets]
    [('5', '2', 'a'), ('5', '2', 'b')]
    """
    document = subject if isinstance(subject, Document) else None
    if isinstance(subject, str):
        source = Source(path=None, text=subject)
    elif isinstance(subject, Document):
        source = subject.source
    else:
        source = subject
    text = source.normalized
    lo, hi = 0, len(text)
    if document is not None:
        lo, hi = _normalised_span(source, document.start, document.end)
    master, after_chain, trigger, vocab = _patterns()
    relation_re = _relation_re()
    locate = _Locator(document) if document is not None else None
    own_number = document.meta.spans.get("number") if document is not None else None
    context = _Context(document) if document is not None else None
    refs: list[Reference] = []
    pos = lo
    for at in _candidates(text, lo, hi, trigger):
        if at < pos:
            continue
        # Only at a word start (a look-behind in the trigger would make it slow).
        if at > 0 and (text[at - 1].isalnum() or (text[at - 1] in "/.-_" and text[at].isdigit())):
            continue
        m = master.match(text, at, hi)
        if m is None:
            continue
        end = m.end()
        doc_match = m if m.group("doc") else None
        if m.group("chain"):
            tail = after_chain.match(text, end, hi)
            if tail is not None:
                doc_match, end = tail, tail.end()
        if doc_match is None and m.group("chain") and _is_heading(text, m, hi):
            pos = end
            continue
        pos = end
        doc = _doc_ref(doc_match, vocab, doc_match.group("doc")) if doc_match is not None else None
        if m.group("chain"):
            groups = _read_chain(m.group("chain"))
            if not groups:
                continue
            shared = doc if doc is not None and doc.kind != "this" else None
            targets = [
                Target(document=shared, **dict(zip(g.keys(), combo)))
                for g in groups
                for combo in itertools.product(*g.values())
            ]
        elif doc is None:
            continue
        else:
            targets = [Target(document=None if doc.kind == "this" else doc)]
        start, stop = source.to_original(m.start()), source.to_original(end)
        if own_number and start < own_number[1] and stop > own_number[0]:
            continue  # the document's own "Số: …" line is not a citation
        ref = Reference(start, stop, source.text[start:stop], targets, _relation(text, m.start(), vocab, relation_re))
        if locate is not None:
            ref.document_id = document.id
            ref.provision_id = locate(start)
            context.apply(ref, doc)
        refs.append(ref)
    return refs


_AMENDING = {"sửa đổi", "bổ sung", "sửa đổi, bổ sung", "bãi bỏ", "thay thế"}


_HEADING_UNIT = re.compile(r"(?:Điều|Chương|Mục|Tiểu mục|Phần|Phụ lục)\s+\S+$")


def _is_heading(text: str, m: re.Match, hi: int) -> bool:
    """``Điều 39.`` / ``Chương IV`` alone at a line start is a heading, not a citation."""
    at, end = m.start(), m.end()
    if not _HEADING_UNIT.match(m.group("chain")):
        return False
    line_start = text.rfind("\n", 0, at) + 1
    if text[line_start:at].strip():
        return False
    rest = end
    while rest < hi and text[rest] in " \t":
        rest += 1
    return rest >= hi or text[rest] in ".:\n"


class _Context:
    """The document a unit citation without one refers to, when it is not the citing one.

    Two rules, both marked ``implied`` on the target:
    - inside an article whose heading amends a document (``Điều 1. Sửa đổi, bổ sung một số
      điều của Nghị định số …``), it is the amended document;
    - in a text with no articles of its own (a letter), it is the last document the text
      cited before (``… Điều 5 Dự thảo 2 … khoản 2 Điều 5`` → Dự thảo 2).
    """

    def __init__(self, document: Document):
        self.document = document
        self.articles = document.provisions("article")
        self.starts = [a.start for a in self.articles]
        self.amended: dict[str, DocRef] = {}
        self.last: DocRef | None = None

    def _article(self, offset: int) -> Provision | None:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.articles[i].end:
            return self.articles[i]
        return None

    def apply(self, ref: Reference, doc: DocRef | None) -> None:
        article = self._article(ref.start)
        explicit = doc is not None and doc.kind != "this"
        if explicit:
            self.last = doc
            span = article.heading_span if article is not None else None
            if span and span[0] <= ref.start < span[1] and ref.relation in _AMENDING:
                self.amended[article.id] = doc
            return
        if doc is not None:
            return  # "… của Luật này": explicitly the citing document
        implied = self.amended.get(article.id) if article is not None else None
        if implied is None and not self.articles:
            implied = self.last
        if implied is None:
            return
        for t in ref.targets:
            if t.document is None and t.article != "này" and t.clause != "này":
                t.document = DocRef(**{**implied.__dict__, "implied": True})


def _candidates(text: str, lo: int, hi: int, trigger: tuple[re.Pattern, re.Pattern]) -> list[int]:
    """Sorted positions where a citation may start: a trigger word or a run of digits."""
    words, digits = trigger
    found = [m.start() for m in words.finditer(text, lo, hi)]
    found += [m.start() for m in digits.finditer(text, lo, hi)]
    found.sort()
    return found


def _normalised_span(source: Source, start: int, end: int) -> tuple[int, int]:
    if source.offsets is None:
        return start, end
    offsets = source.offsets
    return bisect_right(offsets, start - 1), bisect_right(offsets, end - 1)


class _Locator:
    """Finds the innermost provision containing an original offset."""

    def __init__(self, document: Document):
        self.root = document.root

    def __call__(self, offset: int) -> str:
        node = self.root
        while node.children:
            starts = [c.start for c in node.children]
            i = bisect_right(starts, offset) - 1
            if i < 0 or offset >= node.children[i].end:
                break
            node = node.children[i]
        return node.id


# --- resolution ------------------------------------------------------------------------------

_NUMBER_FIXES = (("ND-", "NĐ-"), ("QD-", "QĐ-"), ("-TTG", "-TTg"), ("/QD", "/QĐ"), ("/ND", "/NĐ"))


def canonical_number(number: str) -> str:
    """A comparison key for document numbers: no spaces, OCR/ASCII spellings unified,
    case ignored (``08/2022/ND-CP`` and ``08/2022/NĐ-CP`` compare equal)."""
    key = re.sub(r"\s+", "", number).upper()
    for ascii_form, proper in _NUMBER_FIXES:
        key = key.replace(ascii_form.upper(), proper.upper())
    return key


def _unit_path(t: Target, context: Provision | None, doc: Document | None) -> tuple[str | None, str | None]:
    """The id path of a target (``d9.k2``), or ``(None, reason)``."""
    def contained(kind: str) -> Provision | None:
        if context is None or doc is None:
            return None
        node: Provision | None = context
        while node is not None:
            if node.kind == kind:
                return node
            node = doc[node.parent] if node.parent else None
        return None

    article, clause = t.article, t.clause
    if article == "này" or (article is None and (clause or t.point) and t.document is None):
        holder = contained("article")
        if holder is None:
            return None, "relative reference outside any article"
        article = holder.number
    if clause == "này" or (clause is None and t.point and t.document is None and t.article is None):
        holder = contained("clause")
        if holder is None:
            return None, "relative reference outside any clause"
        clause = holder.number
    parts: list[str] = []
    if article:
        parts.append(f"d{article.replace('đ', 'dd')}")
        if clause:
            parts.append(f"k{clause}")
        if t.point and t.point != "này":
            parts.append(t.point.replace("đ", "dd"))
        return ".".join(parts), None
    if t.chapter:
        chapter = t.chapter
        if chapter == "này":
            holder = contained("chapter")
            chapter = holder.number if holder else None
        n = roman_to_int(chapter) if chapter and not chapter.isdigit() else (int(chapter) if chapter else None)
        if n is None:
            return None, "chapter number not understood"
        parts.append(f"c{n}")
        if t.section:
            parts.append(f"m{t.section}")
        return ".".join(parts), None
    if t.section:
        holder = contained("chapter")
        if holder is None:
            return None, "section cited without its chapter"
        return f"{holder.path}.m{t.section}", None
    if t.annex:
        n = roman_to_int(t.annex) if not t.annex.isdigit() else int(t.annex)
        return (f"pl{n}" if n else f"pl{t.annex.lower()}"), None
    if t.part:
        return f"p{t.part}", None
    return "", None


def _find_document(t: Target, ref: Reference, corpus) -> tuple[Document | None, str | None, str | None]:
    """The cited document in the corpus, its id (even when not loaded), or a reason."""
    if t.document is None:
        if ref.document_id and ref.document_id in corpus:
            return corpus[ref.document_id], ref.document_id, None
        return None, None, "citing document unknown"
    d = t.document
    register = getattr(corpus, "register", None)
    if d.kind == "draft":
        drafts = [doc for doc in corpus if doc.meta.is_draft and doc.meta.draft_number == d.draft_number]
        if len(drafts) == 1:
            return drafts[0], drafts[0].id, None
        return None, None, (f"{len(drafts)} drafts numbered {d.draft_number} in the corpus" if drafts
                            else f"no draft numbered {d.draft_number} in the corpus")
    if d.number:
        key = canonical_number(d.number)
        for doc in corpus:
            if key in (canonical_number(doc.id), canonical_number(doc.id.split("@")[0])) or (
                    doc.meta.number and canonical_number(doc.meta.number) == key):
                return doc, doc.id, None
        entry = next((e for e in register.entries if canonical_number(e.doc_id) == key), None) if register else None
        if entry:
            return None, entry.doc_id, f"document {entry.doc_id} is listed in sources.csv but its text is not in the corpus"
        return None, None, f"document {d.number} is neither in the corpus nor in sources.csv"
    entry = register.find_by_title(d.doc_type, d.name, d.year) if register else None
    if entry is None:
        return None, None, f"no single document named {d.label!r} in sources.csv"
    if entry.doc_id in corpus:
        return corpus[entry.doc_id], entry.doc_id, None
    return None, entry.doc_id, f"document {entry.doc_id} is listed in sources.csv but its text is not in the corpus"


def resolve(references: list[Reference], corpus) -> list[Reference]:
    """Fill ``resolved_id`` (or ``reason``) of every target, in place; returns the list.

    ``corpus`` is a ``Corpus`` (anything iterable over documents with ``in``/``[]`` by id
    and a ``register``). A document that is known but not loaded resolves to its document
    id with a reason, so the graph still links documents.
    """
    for ref in references:
        citing = corpus[ref.document_id] if ref.document_id and ref.document_id in corpus else None
        context = citing[ref.provision_id] if citing is not None and ref.provision_id else None
        for t in ref.targets:
            doc, doc_id, reason = _find_document(t, ref, corpus)
            path, path_reason = _unit_path(t, context if t.document is None else None, citing if t.document is None else doc)
            if path_reason:
                t.resolved_id, t.reason = None, path_reason
                continue
            if doc is None:
                t.resolved_id, t.reason = (doc_id if not path else None), reason
                continue
            wanted = f"{doc.id}:{path}" if path else doc.id
            if wanted in doc:
                t.resolved_id, t.reason = wanted, None
            else:
                t.resolved_id, t.reason = None, _missing_reason(doc, t, path)
    return references


def _missing_reason(doc: Document, t: Target, path: str) -> str:
    articles = [p for p in doc.provisions("article")]
    numbers = [int(re.match(r"\d+", p.number).group()) for p in articles if p.number and p.number[0].isdigit()]
    if t.article and t.article[0].isdigit() and numbers and int(re.match(r"\d+", t.article).group()) > max(numbers):
        return f"Điều {t.article} is beyond the document's last article (Điều {max(numbers)})"
    if t.article and f"d{t.article}" not in {p.path for p in articles}:
        return f"Điều {t.article} is not in the text the corpus holds for {doc.id} (an excerpt?)"
    return f"{path} not found in {doc.id}"


# --- outputs ---------------------------------------------------------------------------------

def records(ref: Reference) -> list[dict]:
    """One JSON-ready record per target (the CLI format)."""
    return [
        {
            "start": ref.start, "end": ref.end, "text": ref.text,
            "document": t.document.label if t.document else None,
            "article": t.article, "clause": t.clause, "point": t.point,
            "chapter": t.chapter, "section": t.section, "annex": t.annex,
            "relation": ref.relation, "resolved_id": t.resolved_id, "reason": t.reason,
        }
        for t in ref.targets
    ]


def references_frame(references: list[Reference]):
    """One row per target: citing document and provision, span, target fields, resolution."""
    import pandas as pd

    rows = []
    for ref in references:
        for rec in records(ref):
            rows.append({"document_id": ref.document_id, "provision_id": ref.provision_id, "form": ref.form, **rec})
    columns = ["document_id", "provision_id", "start", "end", "text", "form", "document", "article",
               "clause", "point", "chapter", "section", "annex", "relation", "resolved_id", "reason"]
    return pd.DataFrame(rows, columns=columns)


def annotate(text: str, references: list[Reference]) -> str:
    """``text`` as HTML with each reference in a ``<mark>`` whose title says what it cites.

    Offsets must be into ``text`` (references found on this same string or source).
    """
    out, pos = [], 0
    for ref in sorted(references, key=lambda r: r.start):
        if ref.start < pos:
            continue
        title = "; ".join(
            (t.resolved_id or " ".join(f"{k}={v}" for k, v in t.units().items()) or (t.document.label if t.document else ""))
            for t in ref.targets
        )
        if ref.relation:
            title = f"{ref.relation}: {title}"
        out.append(html.escape(text[pos:ref.start]))
        out.append(f'<mark class="pt-ref" title="{html.escape(title, quote=True)}">{html.escape(text[ref.start:ref.end])}</mark>')
        pos = ref.end
    out.append(html.escape(text[pos:]))
    return '<div class="pt-annotated" style="white-space: pre-wrap">' + "".join(out) + "</div>"


def citation_graph(corpus, references: list[Reference] | None = None):
    """A ``networkx.MultiDiGraph``: provisions citing provisions (edge ``cites``) and
    documents citing documents (edge ``relation``: the stated relation or ``cites``).

    Nodes carry ``kind`` (a provision kind, ``document`` or ``external``); provision nodes
    also ``document``. Unresolved targets of a known document link to that document.
    """
    import networkx as nx

    if references is None:
        references = resolve([r for d in corpus for r in find_references(d)], corpus)
    g = nx.MultiDiGraph()
    for doc in corpus:
        g.add_node(doc.id, kind="document", title=doc.meta.title or doc.meta.subject)
    for ref in references:
        src = ref.provision_id or ref.document_id
        if src is None:
            continue
        if src not in g:
            g.add_node(src, kind="provision", document=ref.document_id)
        for t in ref.targets:
            target = t.resolved_id
            if target is None and t.document is not None:
                target = _document_node(t, corpus)
            if target is None or target == src:
                continue
            if target not in g:
                kind = "provision" if ":" in target else ("document" if target in corpus else "external")
                g.add_node(target, kind=kind, document=target.split(":", 1)[0])
            g.add_edge(src, target, relation=ref.relation or "cites", text=ref.text, start=ref.start, end=ref.end)
            cited_doc = target.split(":", 1)[0]
            if ref.document_id and cited_doc != ref.document_id:
                g.add_edge(ref.document_id, cited_doc, relation=ref.relation or "cites", text=ref.text, start=ref.start, end=ref.end)
    return g


def _document_node(t: Target, corpus) -> str | None:
    _, doc_id, _ = _find_document(t, Reference(0, 0, "", []), corpus)
    return doc_id or (t.document.label if t.document else None)


def cited_by(graph, node_id: str):
    """Who cites this provision or document: one row per citing edge."""
    import pandas as pd

    rows = [
        {"citing": src, "relation": data["relation"], "text": data["text"]}
        for src, _, data in graph.in_edges(node_id, data=True)
        if ":" in src or ":" not in node_id
    ]
    return pd.DataFrame(rows, columns=["citing", "relation", "text"])


def rests_on(graph, doc_id: str):
    """What a document cites at document level: each cited document with its relations."""
    import pandas as pd

    rows: dict[str, dict] = {}
    for _, dst, data in graph.out_edges(doc_id, data=True):
        row = rows.setdefault(dst, {"document": dst, "relations": set(), "citations": 0,
                                    "kind": graph.nodes[dst].get("kind")})
        row["relations"].add(data["relation"])
        row["citations"] += 1
    out = [{**r, "relations": ", ".join(sorted(r["relations"]))} for r in rows.values()]
    return pd.DataFrame(out, columns=["document", "kind", "relations", "citations"]).sort_values(
        "citations", ascending=False, ignore_index=True)


# --- accuracy ----------------------------------------------------------------------------

def _target_key(doc: str | None, units: dict[str, str]) -> tuple:
    doc_key = re.sub(r"\s*([/:])\s*", r"\1", doc) if doc else None
    return (doc_key, tuple(sorted((k, str(v)) for k, v in units.items())))


def evaluate_references(cases: list[dict]):
    """Precision and recall of ``find_references`` per form, against gold cases.

    A case is ``{"form", "text", "refs": [{"span", "relation", "targets": [{...}]}]}`` (the
    format of ``tests/data/citations_gold.yaml``). A predicted target counts as correct
    when the same document and the same units are in the gold targets of that case;
    negatives (cases with no refs) only add false positives. Returns a DataFrame with one
    row per form and an ``all`` row; also span and relation agreement on matched targets.
    """
    import pandas as pd
    from collections import Counter

    stats: dict[str, Counter] = {}
    for case in cases:
        gold = Counter()
        gold_relations, gold_spans = {}, set()
        for ref in case.get("refs") or []:
            gold_spans.add(ref["span"])
            for t in ref["targets"]:
                units = {k: v for k, v in t.items() if k != "document"}
                key = _target_key(t.get("document"), units)
                gold[key] += 1
                gold_relations[key] = ref.get("relation")
        predicted = Counter()
        pred_relations, pred_spans = {}, set()
        for ref in find_references(case["text"]):
            pred_spans.add(ref.text)
            for t in ref.targets:
                key = _target_key(t.document.label if t.document else None, t.units())
                predicted[key] += 1
                pred_relations[key] = ref.relation
        matched = gold & predicted
        s = stats.setdefault(case["form"], Counter())
        s["gold"] += sum(gold.values())
        s["predicted"] += sum(predicted.values())
        s["correct"] += sum(matched.values())
        s["relation_ok"] += sum(n for k, n in matched.items() if gold_relations.get(k) == pred_relations.get(k))
        s["spans_gold"] += len(gold_spans)
        s["spans_ok"] += len(gold_spans & pred_spans)
    rows = []
    total = Counter()
    for form, s in sorted(stats.items()):
        total.update(s)
        rows.append({"form": form, **s})
    rows.append({"form": "all", **total})
    frame = pd.DataFrame(rows).fillna(0)
    frame["precision"] = frame["correct"] / frame["predicted"].where(frame["predicted"] > 0)
    frame["recall"] = frame["correct"] / frame["gold"].where(frame["gold"] > 0)
    frame["relation_accuracy"] = frame["relation_ok"] / frame["correct"].where(frame["correct"] > 0)
    frame["span_exact"] = frame["spans_ok"] / frame["spans_gold"].where(frame["spans_gold"] > 0)
    return frame[["form", "gold", "predicted", "correct", "precision", "recall", "relation_accuracy", "span_exact"]]
