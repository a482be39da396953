"""What changed each provision, when, and by which document: the footnotes of a
consolidated text (văn bản hợp nhất, VBHN) read into amendment events.

A VBHN restates a document with every amendment worked in. Its preamble names the base
document and the amending documents (number, date, effective date); a footnote mark
``[n]`` after a unit points to a note that says what happened to it::

    3.[5] Nội dung …                      (the body: the mark follows the unit's label)
    [5] Khoản này được sửa đổi, bổ sung theo quy định tại khoản 4 Điều 1 của Luật số
        136/2025/QH15 …, có hiệu lực kể từ ngày 01 tháng 7 năm 2026.

``read_history(document)`` gives a ``History``: the base, the amending documents and one
``AmendmentEvent`` per footnote (anchor provision, operation, old and new wording of a
phrase replacement, the source document and provision read by the citation grammar, the
effective date), plus the footnotes it could not read and why. The phrasings are data:
``data/amendments.yaml``, checked on load. Footnotes come from the text (a .txt VBHN:
marks in the body, notes after it, or notes printed inline ``[[n] …][n]``) or from
``Source.notes`` (Word footnotes, portal-page popups), with the offsets of mark and note.

``as_of(document, "2024-07-01")`` is the text as it stood on a date, as far as the
footnotes tell: units not yet added or already repealed are left out, a phrase
replacement is undone, and a unit rewritten since whose earlier wording the VBHN does not
give is marked as such (``unknown_wording`` in the data file), never guessed.

``Document.history()``, ``Document.as_of()``, ``Provision.history()`` and
``Corpus.amendments()`` are the same functions (``model`` holds hooks this module fills,
as ``model`` may import no stage above it).
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import ids
from .citations import find_references
from .model import KINDS, Document, DocumentMeta, PolicytrackError, Provision, Source, register_view
from .parse import INLINE_FOOTNOTE as _INLINE_NOTE
from .parse import footnotes_start
from .text import normalize
from .vocab import DATA, DataFileError, need_mapping, need_strings, need_text, read_yaml

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = ["OPERATIONS", "STATES", "AmendmentEvent", "AmendingDocument", "Footnote", "History", "DocumentAsOf",
           "Rules", "load_rules", "read_footnotes", "read_history", "history_frame", "provision_history",
           "as_of", "corpus_amendments", "EVENT_COLUMNS", "RECORD_KEYS", "event_record"]

OPERATIONS = ("amended", "supplemented", "repealed", "replaced_phrase", "effective_date_changed", "other")
#: What a unit is on a date (``DocumentAsOf.states``).
STATES = ("in_force", "reconstructed", "wording_unknown", "not_yet", "no_longer")
RULES_FILE = DATA / "amendments.yaml"
#: The keys of ``policytrack amendments --json``, one record per event (issue 17).
RECORD_KEYS = ("file", "document", "provision_id", "operation", "old_text", "new_text", "source_document",
               "source_provision", "effective_date", "footnote")


# --- the data file ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    operation: str
    name: str
    pattern: re.Pattern


@dataclass(frozen=True)
class Rules:
    """The phrasings of ``data/amendments.yaml``: unit words (and the kind each names),
    the rules in order, and the wording that marks an unknown earlier text."""

    units: dict[str, str]
    rules: tuple[Rule, ...]
    unknown_wording: str

    def match(self, text: str) -> tuple[Rule, re.Match] | None:
        for rule in self.rules:
            m = rule.pattern.match(text)
            if m is not None:
                return rule, m
        return None


def _words(words: Iterable[str]) -> str:
    """An alternation of words, longest first, any spacing between their words."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_RULES_CACHE: dict[str, Rules] = {}


def load_rules(path: str | Path = RULES_FILE) -> Rules:
    """Read and check ``data/amendments.yaml`` (or a copy); ``DataFileError`` naming the
    entry on any mistake: an unknown operation, a pattern that does not compile, an unknown
    placeholder, a unit word naming no provision kind."""
    key = str(path)
    if key in _RULES_CACHE:
        return _RULES_CACHE[key]
    data = need_mapping(read_yaml(path), path, "")
    units = need_mapping(data.get("units"), path, "units")
    for word, kind in units.items():
        if not isinstance(word, str) or not word.strip():
            raise DataFileError(path, "units", "every unit word must be a non-empty text")
        if kind not in ("", None) and kind not in KINDS:
            raise DataFileError(path, f"units, {word!r}", f"names no provision kind ({', '.join(KINDS[1:])} or empty)")
    phrases = need_strings(data.get("phrases"), path, "phrases", required=True)
    heading_words = need_strings(data.get("heading_words"), path, "heading_words")
    unknown = need_text(data, "unknown_wording", path, "unknown_wording")
    try:
        unknown.format(since="", until="")
    except (KeyError, IndexError, ValueError) as exc:
        raise DataFileError(path, "unknown_wording", f"may use only {{since}} and {{until}} ({exc})") from exc
    heading = rf"(?:(?:{_words(heading_words)})\s+)?" if heading_words else ""
    holes = {
        "unit": rf"{heading}(?P<unit>{_words(units)})(?:\s+này)+",
        "phrase": rf"(?i:{_words(phrases)})",
        "old": r'"(?P<old>[^"]*)"',
        "new": r'"(?P<new>[^"]*)"',
    }
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DataFileError(path, "rules", "must be a non-empty list")
    rules = []
    for i, entry in enumerate(raw_rules, 1):
        where = f"rules, entry {i}"
        entry = need_mapping(entry, path, where)
        operation = need_text(entry, "operation", path, where)
        if operation not in OPERATIONS:
            raise DataFileError(path, where, f"unknown operation {operation!r} (one of {', '.join(OPERATIONS)})")
        pattern = need_text(entry, "pattern", path, where)
        unknown_holes = set(re.findall(r"\{(\w+)\}", pattern)) - set(holes)
        if unknown_holes:
            raise DataFileError(path, where, f"unknown placeholder {{{sorted(unknown_holes)[0]}}} "
                                f"(known: {', '.join('{' + h + '}' for h in holes)})")
        filled = re.sub(r"\{(\w+)\}", lambda m: holes[m.group(1)], pattern)
        try:
            compiled = re.compile(filled)
        except re.error as exc:
            raise DataFileError(path, where, f"pattern does not compile: {exc}") from exc
        rules.append(Rule(operation, str(entry.get("name") or operation), compiled))
    result = Rules({" ".join(w.split()): (k or "") for w, k in units.items()}, tuple(rules), unknown)
    _RULES_CACHE[key] = result
    return result


# --- the typed results ----------------------------------------------------------------------------

@dataclass
class Footnote:
    """One footnote: its number, its text, the offset of its mark in the body and of the
    note itself (``None`` when the note is not in ``Source.text``, as in Word files)."""

    number: int
    text: str
    mark: int | None
    note: int | None


@dataclass
class AmendingDocument:
    """A document the preamble of a VBHN names: the base (``role="base"``) or one that
    amended it (``role="amending"``), with the line that names it."""

    number: str | None
    date: str | None
    effective_date: str | None
    role: str
    text: str
    start: int
    end: int


@dataclass
class AmendmentEvent:
    """What one footnote says happened to one unit.

    ``provision_id`` is the unit carrying the mark (the document's root for a mark in the
    preamble); ``source_provision`` the provision of the amending document that did it
    (``136/2025/QH15:d1.k4``; its resolved id in a corpus that holds that document) and
    ``source_units`` every unit the footnote cites there. Offsets are into ``Source.text``.
    """

    file: str | None
    document: str
    provision_id: str
    operation: str
    footnote: int
    footnote_text: str
    mark: int | None
    note: int | None
    rule: str
    unit: str | None = None  # the kind of unit the footnote names ("clause"), when it names one
    old_text: str | None = None
    new_text: str | None = None
    source_document: str | None = None
    source_provision: str | None = None
    source_units: tuple[str, ...] = ()
    effective_date: str | None = None
    effective_from: str | None = None  # where the date came from: "footnote", "preamble" or None

    @property
    def path(self) -> str:
        return self.provision_id.split(":", 1)[1] if ":" in self.provision_id else ""


@dataclass
class History:
    """The amendment history of one document: what its preamble lists, one event per
    footnote read, and the footnotes not read with the reason (``(Footnote, reason)``)."""

    document: str
    base: AmendingDocument | None
    amending: list[AmendingDocument]
    events: list[AmendmentEvent]
    unread: list[tuple[Footnote, str]] = field(default_factory=list)
    footnotes: int = 0


# --- footnotes out of the text ------------------------------------------------------------------

_LINE_NOTE = re.compile(r"(?m)^[ \t]*\[(\d{1,4})\][ \t]*")
_MARK = re.compile(r"\[(\d{1,4})\]")


def _notes_start(text: str, start: int, end: int) -> int | None:
    """Where the notes after the body begin: the parser's rule (``[1] …`` after a body
    marked ``[1]``), else the first line ``[n] …`` whose mark ``[n]`` stands in the body
    before it (a VBHN whose first note is not numbered 1)."""
    at = footnotes_start(text, start, end)
    if at is not None:
        return at
    for m in _LINE_NOTE.finditer(text, start, end):
        mark = f"[{m.group(1)}]"
        i = text.find(mark, start, m.start())
        while i >= 0:
            if i > 0 and text[i - 1] != "\n" and text[i - 1] != "[":
                return m.start()
            i = text.find(mark, i + 1, m.start())
    return None


def read_footnotes(document: Document) -> list[Footnote]:
    """The footnotes of a document in the order of their notes: ``Source.notes`` when the
    reader kept them apart (Word, portal pages), else those printed in the text: the block
    of notes after the body, notes printed inline ``[[n] …][n]``, and notes printed inside
    the body after the unit they explain (the forms of an annex), whose numbers can repeat
    a number of the block. Each note is paired with the nearest mark ``[n]`` before it
    that no other note took."""
    source = document.source
    if source.notes:
        out = []
        for i, note in enumerate(n for n in source.notes if n.kind == "footnote"):
            number = int(note.label) if note.label.isdigit() else i + 1
            out.append(Footnote(number, note.text.strip(), note.anchor, None))
        return out
    text, start, end = source.text, document.start, document.end
    inline: list[Footnote] = []
    inline_spans = []
    for m in _INLINE_NOTE.finditer(text, start, end):
        inline_spans.append(m.span())
        inline.append(Footnote(int(m.group(1)), " ".join(m.group(2).split()), m.start(), m.start() + 1))
    marks: dict[int, list[int]] = {}
    for m in _MARK.finditer(text, start, end):
        at = m.start()
        if (at > 0 and text[at - 1] != "\n") and not any(s <= at < e for s, e in inline_spans):
            marks.setdefault(int(m.group(1)), []).append(at)
    # a line "[n] …" is a note when a mark [n] stands before it
    lines = [m for m in _LINE_NOTE.finditer(text, start, end)
             if any(at < m.start() for at in marks.get(int(m.group(1)), ()))]
    block = _notes_start(text, start, end)
    if lines:
        lowest = min(int(m.group(1)) for m in lines)
        last_lowest = max(m.start() for m in lines if int(m.group(1)) == lowest)
        block = last_lowest if block is None or last_lowest > block else block
    taken: set[int] = set()
    out = []
    for i, m in enumerate(lines):
        number = int(m.group(1))
        if block is not None and m.start() >= block:
            stop = lines[i + 1].start() if i + 1 < len(lines) else end
        else:  # a note inside the body: its own line
            stop = text.find("\n", m.end())
            stop = end if stop < 0 else stop
        limit = m.start() if block is None or m.start() < block else block
        free = [at for at in marks.get(number, ()) if at < limit and at not in taken]
        mark = free[-1] if free else None
        if mark is not None:
            taken.add(mark)
        out.append(Footnote(number, text[m.end():stop].strip(), mark, m.start()))
    known = {f.number for f in out}
    out.extend(f for f in inline if f.number not in known)
    return out


# --- the preamble -------------------------------------------------------------------------------

_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_DATE_SLASH = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_EFFECTIVE = re.compile(r"(?:có|hết)\s+hiệu\s+lực(?:\s+thi\s+hành)?(?:\s+(?:kể\s+)?(?:từ|tử))?\s+(?=ngày)")
_NUMBER = re.compile(r"(?<![\w/])(?:số\s+)?(\d{1,4}/(?:\d{4}/)?[A-ZĐ][\w&Đđ]*(?:[-–][\w&Đđ]+)*)")
_PREAMBLE_MAX = 20_000  # characters: a preamble is never longer
_AMENDED_BY = re.compile(r"được\s+(?:sửa\s+đổi|bổ\s+sung|sửa\s+đổi,\s+bổ\s+sung|hợp\s+nhất)[^\n:]{0,60}?(?:bởi|theo)\s*:")


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return _date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _first_date(text: str, start: int = 0) -> tuple[str | None, int]:
    """The first date written at or after ``start`` and where it ends."""
    best = None
    for pattern in (_DATE_WORDS, _DATE_SLASH):
        m = pattern.search(text, start)
        if m is not None and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None, -1
    return _iso(*best.groups()), best.end()


def _effective_dates(text: str) -> list[tuple[int, str]]:
    """Every ``có hiệu lực (kể) từ ngày …`` of a text, as (offset, ISO date)."""
    out = []
    for m in _EFFECTIVE.finditer(text):
        iso, _ = _first_date(text, m.end())
        if iso is not None and re.match(r"ngày", text[m.end():]):
            out.append((m.start(), iso))
    return out


def _listed(line: str, role: str, start: int) -> AmendingDocument:
    norm, _ = normalize(line)
    number = _NUMBER.search(norm)
    after = number.end() if number else 0
    issued, _ = _first_date(norm, after)
    effective = _effective_dates(norm)
    return AmendingDocument(ids.canonical_number(number.group(1)) if number else None, issued,
                            effective[0][1] if effective else None, role, line.strip(), start, start + len(line))


def read_preamble(document: Document) -> tuple[AmendingDocument | None, list[AmendingDocument]]:
    """The base document and the amending documents a VBHN's preamble lists: the line
    ``<base> …, có hiệu lực …, được sửa đổi, bổ sung bởi:`` and the lines after it up to the
    legal bases (``Căn cứ …``) or the first provision."""
    text = document.source.text
    first = min((p.start for p in document.root.children), default=document.end)
    head = text[document.start:min(first, document.start + _PREAMBLE_MAX)]
    norm, _ = normalize(head)
    m = _AMENDED_BY.search(norm)
    if m is None:
        return None, []
    line_start = head.rfind("\n", 0, m.start()) + 1
    line_end = head.find("\n", m.start())
    line_end = len(head) if line_end < 0 else line_end
    base = _listed(head[line_start:line_end], "base", document.start + line_start)
    amending = []
    pos = line_end + 1
    while pos < len(head):
        stop = head.find("\n", pos)
        stop = len(head) if stop < 0 else stop
        line = head[pos:stop]
        stripped = line.strip()
        if stripped:
            if re.match(r"(?:Căn cứ|Theo đề nghị|Xét đề nghị|Quốc hội|Chính phủ|Bộ trưởng|Ủy ban)", stripped):
                break
            if not _NUMBER.search(normalize(stripped)[0]):
                break
            amending.append(_listed(line, "amending", document.start + pos))
        pos = stop + 1
    return base, amending


# --- one footnote into an event -----------------------------------------------------------------

_DOUBLED_SO = re.compile(r"\bsố\s+số\b")
_QUOTED = re.compile(r'"[^"\n]*"')


def _blank_quotes(text: str) -> str:
    """Quoted wording replaced by spaces (offsets kept): what it cites is not the source."""
    return _QUOTED.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)


def _target_path(t) -> str:
    if t.article and t.article != "này":
        path = ids.segment("article", t.article)
        if t.clause and t.clause != "này":
            path = ids.join(path, ids.segment("clause", t.clause))
            if t.point and t.point != "này":
                path = ids.join(path, ids.segment("point", t.point))
        return path
    if t.chapter and t.chapter != "này":
        path = ids.segment("chapter", t.chapter)
        return ids.join(path, ids.segment("section", t.section)) if t.section else path
    if t.annex and t.annex != "này":
        return ids.segment("annex", t.annex)
    if t.part and t.part != "này":
        return ids.segment("part", t.part)
    return ""


def _source(first_line: str, after: int):
    """The citation naming the document that made the change: the first one after the
    operation's words (``… theo quy định tại khoản 4 Điều 1 của Luật số …``), else the first
    one; quoted wording is never the source."""
    refs = [r for r in find_references(_blank_quotes(first_line))
            if r.targets and r.targets[0].document is not None and r.targets[0].document.kind in ("number", "name")]
    if not refs:
        return None
    later = [r for r in refs if r.start >= after]
    return (later or refs)[0]


def _anchor(root: Provision, offset: int) -> list[Provision]:
    """The path from ``root`` down to the innermost provision holding ``offset``."""
    path = [root]
    node = root
    while True:
        children = node.children
        i = bisect_right([c.start for c in children], offset) - 1
        if i < 0 or not (children[i].start <= offset < children[i].end):
            return path
        node = children[i]
        path.append(node)


#: A footnote that names no document: a note of the text itself, not an amendment.
_NOTE_RULE = Rule("other", "a note of the text itself (names no document)", re.compile(""))


class _Reader:
    """Reads the footnotes of one document into events."""

    def __init__(self, document: Document, rules: Rules):
        self.document, self.rules = document, rules
        self.base, self.amending = read_preamble(document)
        self.effective_of = {number_key(d.number): d.effective_date for d in self.amending if d.number}

    def event(self, note: Footnote, root: Provision) -> AmendmentEvent | str:
        """The event of one footnote, or the reason it is not one."""
        if note.mark is None:
            return "its mark [n] is not in the body"
        raw_first = note.text.split("\n", 1)[0]
        raw_first = _DOUBLED_SO.sub(lambda m: " " * (len(m.group(0)) - 2) + "số", raw_first)  # "Luật số số 118/…"
        first, offsets = normalize(raw_first)
        hit = self.rules.match(first)
        ref = _source(first, hit[1].end() if hit else 0)
        if hit is None and ref is not None:
            return "phrasing not in data/amendments.yaml"
        if hit is None:  # names no document: a note of the text itself ("Đánh dấu vào ô …")
            hit = _NOTE_RULE, _NOTE_RULE.pattern.match(first)
        rule, m = hit
        unit_word = m.groupdict().get("unit")
        kind = self.rules.units.get(" ".join(unit_word.split())) if unit_word else None
        anchor = _anchor(root, note.mark)[-1]  # the mark's unit, whatever unit word the note uses
        doc_id = self.document.id
        ev = AmendmentEvent(file=self.document.source.path, document=doc_id, provision_id=anchor.id,
                            operation=rule.operation, footnote=note.number, footnote_text=note.text, mark=note.mark,
                            note=note.note, rule=rule.name, unit=kind or None)

        def original(group: str) -> str | None:
            if m.groupdict().get(group) is None:
                return None
            s, e = m.span(group)
            if offsets is not None:
                s, e = offsets[s], offsets[e]
            return raw_first[s:e]

        ev.old_text, ev.new_text = original("old"), original("new")
        if ref is not None:
            doc = ref.targets[0].document
            ev.source_document = ids.canonical_number(doc.number) if doc.number else doc.label
            units = []
            for t in ref.targets:
                p = _target_path(t)
                if p and p not in units:
                    units.append(p)
            ev.source_units = tuple(units)
            ev.source_provision = f"{ev.source_document}:{units[0]}" if units else ev.source_document
        dates = _effective_dates(first)
        if rule.operation == "effective_date_changed":
            dates = [d for d in dates if d[0] < m.end() + 40] or dates
            chosen = dates[0][1] if dates else None
        else:
            start = ref.start if ref is not None else 0
            later = [iso for at, iso in dates if at >= start]
            chosen = later[0] if later else (dates[-1][1] if dates else None)
        if chosen is not None:
            ev.effective_date, ev.effective_from = chosen, "footnote"
        elif ev.source_document and self.effective_of.get(number_key(ev.source_document)):
            ev.effective_date, ev.effective_from = self.effective_of[number_key(ev.source_document)], "preamble"
        return ev


def number_key(number: str) -> str:
    return ids.number_key(number)


def read_history(document: Document, rules: Rules | None = None, root: Provision | None = None) -> History:
    """The amendment history of ``document`` (see the module docstring): every footnote
    whose mark lies in ``root`` (default: the whole document) read into an event, or listed
    in ``unread`` with its reason."""
    rules = rules or load_rules()
    reader = _Reader(document, rules)
    scoped = root is not None
    root = root or document.root
    events, unread, total = [], [], 0
    for note in read_footnotes(document):
        if scoped and (note.mark is None or not root.start <= note.mark < root.end):
            continue
        total += 1
        result = reader.event(note, root)
        if isinstance(result, str):
            unread.append((note, result))
        else:
            events.append(result)
    return History(document.id, reader.base, reader.amending, events, unread, total)


# --- tables ---------------------------------------------------------------------------------------

EVENT_COLUMNS = ["file", "document", "provision_id", "path", "unit", "operation", "old_text", "new_text",
                 "source_document", "source_provision", "source_units", "effective_date", "effective_from",
                 "footnote", "footnote_text", "mark", "note", "rule"]


def history_frame(events: Iterable[AmendmentEvent]):
    """One row per event (``EVENT_COLUMNS``)."""
    import pandas as pd

    rows = [{**{k: getattr(e, k) for k in EVENT_COLUMNS if k != "path"}, "path": e.path} for e in events]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def event_record(event: AmendmentEvent) -> dict:
    """The record ``policytrack amendments --json`` prints (``RECORD_KEYS``)."""
    return {k: getattr(event, k) for k in RECORD_KEYS}


_HISTORIES: dict[int, tuple[weakref.ref, History]] = {}


def _history(document: Document) -> History:
    """The document's history, read once per document object (not pickled with it)."""
    known = _HISTORIES.get(id(document))
    if known is not None and known[0]() is document:
        return known[1]
    hist = read_history(document)
    _HISTORIES[id(document)] = (weakref.ref(document, lambda _r, k=id(document): _HISTORIES.pop(k, None)), hist)
    return hist


def document_history(document: Document):
    """``Document.history()``: one row per footnote event of the document."""
    return history_frame(_history(document).events)


def provision_history(prov: Provision, descendants: bool = True):
    """``Provision.history()``: the events of one unit (and, by default, of the units
    inside it), read from the unit's source; no back-reference to the document is needed,
    so trees pickle and cache as before."""
    if prov.source is None:
        return history_frame([])
    doc_id = prov.id.split(":", 1)[0]
    source = prov.source
    holder = Document(doc_id, DocumentMeta(), source, 0, len(source.text), Provision(
        "document", None, None, 0, len(source.text), doc_id, None, [prov], None, source))
    events = read_history(holder, root=prov).events
    if not descendants:
        events = [e for e in events if e.provision_id == prov.id]
    return history_frame(events)


def corpus_amendments(corpus: Corpus):
    """``Corpus.amendments()``: the events of every document, with each source provision
    resolved against the corpus where it holds the amending document (``source_resolved``)."""
    import pandas as pd

    frames = []
    for doc in corpus:
        frame = document_history(doc)
        if not frame.empty:
            frames.append(frame)
    if not frames:
        return history_frame([]).assign(source_resolved=pd.Series(dtype=object))
    frame = pd.concat(frames, ignore_index=True)

    def resolved(row):
        if not isinstance(row.source_document, str):
            return None
        doc = corpus.by_number(row.source_document)
        if doc is None:
            return None
        units = row.source_units
        path = units[0] if units else ""
        pid = f"{doc.id}:{path}" if path else doc.id
        return pid if pid in doc else None

    frame["source_resolved"] = [resolved(r) for r in frame.itertuples()]
    return frame


# --- as of a date ---------------------------------------------------------------------------------

@dataclass
class DocumentAsOf(Document):
    """A document as it stood on ``date``, rebuilt from a consolidated text and its
    footnotes. ``states`` gives every unit of the consolidated text (provision id → one of
    ``STATES``); units ``not_yet`` or ``no_longer`` in force are not in the tree.
    ``version_of`` is the consolidated text's id: versions of one text keep its article
    paths, which ``compare`` aligns them by."""

    date: str = ""
    version_of: str = ""
    states: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def states_frame(self):
        """One row per unit of the consolidated text: id, kind, state, why."""
        import pandas as pd

        return pd.DataFrame([{"provision_id": pid, "state": state, "why": self.notes.get(pid)}
                             for pid, state in self.states.items()], columns=["provision_id", "state", "why"])


_UNIT_CHANGES = ("amended", "supplemented", "repealed", "effective_date_changed")
_LABEL = re.compile(r"[ \t]*(?:\S+[ \t]+)?\S*?(?:\[\d+\])*[.):]?(?:\[\d+\])*")
_ARTICLE_LABEL = re.compile(r"[ \t]*\S+[ \t]+[^\s.:\[]+[.:]?(?:\[\d+\])*")


def _label_end(prov: Provision) -> int:
    """Where the label of a unit ends (``Điều 5.``, ``3.``, ``b)``, their marks included)."""
    text = prov.text
    if prov.kind in ("article", "chapter", "section", "subsection", "part", "annex"):
        m = _ARTICLE_LABEL.match(text)
    else:
        m = re.match(r"[ \t]*[\w]{1,4}[.)](?:\d{0,3}\[\d+\])*", text)
    return prov.start + (m.end() if m else 0)


def _check_date(value: str) -> str:
    if not isinstance(value, str) or not ids.is_iso_date(value):
        raise PolicytrackError(f"as_of: {value!r} is not a date YYYY-MM-DD")
    return value


def as_of(document: Document, when: str, rules: Rules | None = None) -> DocumentAsOf:
    """``document`` (a consolidated text) as it stood on ``when`` (``YYYY-MM-DD``).

    For each unit, its events are taken in date order: a unit added (``supplemented``) or
    given its own effective date after ``when`` is not yet in force, one repealed on or
    before ``when`` is no longer; a phrase replaced after ``when`` is put back (``old_text``
    for ``new_text`` where the new wording stands at the mark, else the unit's wording is
    unknown); a unit rewritten after ``when`` keeps its label and says that its wording
    then is not in the text (``unknown_wording``, with the dates the unknown wording was in
    force). Before the base document's own effective date nothing is in force."""
    when = _check_date(when)
    rules = rules or load_rules()
    hist = _history(document) if rules is load_rules() else read_history(document, rules)
    text = document.source.text
    by_unit: dict[str, list[AmendmentEvent]] = {}
    for ev in hist.events:
        if ev.operation != "other":
            by_unit.setdefault(ev.provision_id, []).append(ev)
    base_from = hist.base.effective_date if hist.base else None
    states: dict[str, str] = {}
    notes: dict[str, str] = {}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), original offsets
    dropped: set[str] = set()  # provisions not in the tree (removed, or inside a placeholder)
    collapsed: set[str] = set()  # provisions whose text is a placeholder (children dropped)

    def after(ev: AmendmentEvent) -> bool:
        return ev.effective_date is not None and ev.effective_date > when

    def visit(prov: Provision, hidden: str | None) -> None:
        if prov.kind != "document":
            if hidden is not None:
                states[prov.id] = hidden
                dropped.add(prov.id)
                for child in prov.children:
                    visit(child, hidden)
                return
            state, why = _state(prov, by_unit.get(prov.id, []), when, base_from, after)
            states[prov.id] = state
            if why:
                notes[prov.id] = why
            if state in ("not_yet", "no_longer"):
                dropped.add(prov.id)
                edits.append((prov.start, prov.end, ""))
                for child in prov.children:
                    visit(child, state)
                return
            if state == "wording_unknown":
                collapsed.add(prov.id)
                since, until = _unknown_period(by_unit.get(prov.id, []), when, base_from)
                label_end = _label_end(prov)
                ending = "\n" if text[prov.start:prov.end].endswith("\n") else ""
                edits.append((label_end, prov.end, " " + rules.unknown_wording.format(since=since, until=until) + ending))
                for child in prov.children:
                    visit(child, "wording_unknown")
                    dropped.add(child.id)
                return
            undone = _undo_phrases(prov, by_unit.get(prov.id, []), when, text, after)
            if undone is None:
                state = "wording_unknown"
                states[prov.id] = state
                notes[prov.id] = "a phrase replaced after the date could not be found at its mark"
                collapsed.add(prov.id)
                since, until = _unknown_period(by_unit.get(prov.id, []), when, base_from)
                ending = "\n" if text[prov.start:prov.end].endswith("\n") else ""
                edits.append((_label_end(prov), prov.end,
                              " " + rules.unknown_wording.format(since=since, until=until) + ending))
                for child in prov.children:
                    visit(child, "wording_unknown")
                    dropped.add(child.id)
                return
            if undone:
                states[prov.id] = "reconstructed"
                edits.extend(undone)
        for child in prov.children:
            visit(child, None)

    visit(document.root, None)
    new_text, shift = _apply(text, edits)
    source = Source(path=document.source.path, text=new_text, format=document.source.format,
                    encoding=document.source.encoding)
    root = _copy_tree(document.root, source, shift, dropped, collapsed)
    return DocumentAsOf(id=document.id, meta=document.meta, source=source, start=shift(document.start),
                        end=shift(document.end), root=root, warnings=[], date=when, version_of=document.id,
                        states=states, notes=notes)


def _state(prov, events, when, base_from, after) -> tuple[str, str | None]:
    if base_from is not None and when < base_from:
        return "not_yet", f"the base document is in force from {base_from}"
    dated = sorted((e for e in events if e.operation in _UNIT_CHANGES), key=lambda e: e.effective_date or "")
    for ev in dated:
        if ev.operation == "repealed" and not after(ev) and (ev.unit or not ev.old_text):
            return "no_longer", f"repealed from {ev.effective_date} (footnote {ev.footnote})"
    for ev in dated:
        if ev.operation in ("supplemented", "effective_date_changed") and after(ev) and ev.unit is not None:
            return "not_yet", f"in force from {ev.effective_date} (footnote {ev.footnote})"
    for ev in dated:
        if ev.operation in ("amended", "repealed") and after(ev):
            return "wording_unknown", (f"rewritten from {ev.effective_date} (footnote {ev.footnote}); the earlier "
                                       "wording is not in the consolidated text")
        if ev.operation == "supplemented" and after(ev):  # a part of the unit added ("Đoạn này được bổ sung")
            return "wording_unknown", (f"supplemented from {ev.effective_date} (footnote {ev.footnote}); the earlier "
                                       "wording is not in the consolidated text")
    return "in_force", None


def _unknown_period(events, when, base_from) -> tuple[str, str]:
    dates = sorted({e.effective_date for e in events if e.effective_date})
    since = max([d for d in dates if d <= when], default=base_from or "…")
    until = min([d for d in dates if d > when], default="…")
    return since, until


def _undo_phrases(prov, events, when, text, after) -> list[tuple[int, int, str]] | None:
    """The edits that put back the phrases replaced after ``when`` in ``prov`` (each at its
    mark), ``[]`` when there are none, ``None`` when one cannot be placed."""
    edits = []
    for ev in sorted((e for e in events if e.operation == "replaced_phrase" and after(e)),
                     key=lambda e: e.effective_date or "", reverse=True):
        mark = ev.mark
        if mark is None:
            return None
        old, new = ev.old_text or "", ev.new_text or ""
        if new:
            at = _find_before(text, new, prov.start, mark)
            if at is None:
                return None
            edits.append((at, at + len(new), old))
        elif old:
            sep = "" if mark == prov.start or text[mark - 1].isspace() else " "
            edits.append((mark, mark, sep + old))
        else:
            return None
    return edits


def _find_before(text: str, phrase: str, lo: int, mark: int) -> int | None:
    """The occurrence of ``phrase`` ending nearest before ``mark`` (compared normalised)."""
    window = text[lo:mark]
    at = window.rfind(phrase)
    if at < 0:
        key = normalize(phrase)[0].casefold()
        norm, offsets = normalize(window)
        i = norm.casefold().rfind(key)
        if i < 0:
            return None
        at = offsets[i] if offsets is not None else i
    return lo + at


def _apply(text: str, edits: list[tuple[int, int, str]]):
    """``text`` with the edits made (an edit inside a larger one is dropped: the unit is
    already removed or collapsed), and the map of an original offset to the new text (an
    offset inside an edited span goes to the end of its replacement)."""
    kept: list[tuple[int, int, str]] = []
    for s, e, r in sorted(edits, key=lambda x: (x[0], -(x[1] - x[0]))):
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e, r))
    parts, pos, starts, before, delta = [], 0, [], [], 0
    for s, e, r in kept:
        parts += [text[pos:s], r]
        pos = e
        starts.append(s)
        before.append(delta)
        delta += len(r) - (e - s)
    parts.append(text[pos:])

    def shift(offset: int) -> int:
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        s, e, r = kept[i]
        if offset < e:
            return s + before[i] + len(r)
        return offset + before[i] + len(r) - (e - s)

    return "".join(parts), shift


def _copy_tree(node: Provision, source: Source, shift, dropped: set[str], collapsed: set[str]) -> Provision:
    start = shift(node.start)
    end = shift(node.end)
    copy = Provision(node.kind, node.number, None if node.id in collapsed else node.heading, start, end, node.id,
                     node.parent, [],
                     None if node.id in collapsed else _shift_span(node.heading_span, shift), source)
    if node.id not in collapsed:
        copy.children = [_copy_tree(c, source, shift, dropped, collapsed) for c in node.children
                         if c.id not in dropped]
    return copy


def _shift_span(span, shift):
    return None if span is None else (shift(span[0]), shift(span[1]))


register_view("document_history", document_history)
register_view("provision_history", provision_history)
register_view("as_of", as_of)
