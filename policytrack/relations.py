"""Relations between documents, in the vocabulary of the national legal database, and the
validity of a document on a date derived from them.

A document states its relations to others in a few places, and each relation is kept with
the words that state it (offsets into ``Source.text``):

* its **legal bases** ("Căn cứ Luật Tài nguyên nước số 28/2023/QH15;"): *căn cứ*;
* its **title** ("Nghị định sửa đổi, bổ sung một số điều của Nghị định số 01/…",
  "Thông tư quy định chi tiết … Luật …"): *sửa đổi, bổ sung*, *quy định chi tiết*, *hướng dẫn*;
* the **heading and lead-in of its provisions**: an amending article ("Điều 1. Sửa đổi, bổ
  sung một số điều của Nghị định số …"), a repeal ("Bãi bỏ điểm c khoản 1 Điều 8"), the final
  provisions ("Nghị định số 80/2014/NĐ-CP hết hiệu lực kể từ ngày …", "Luật này thay thế …");
* the **list of a consolidated text** (VBHN): the text *hợp nhất* its base and each amending
  document, and states that each amending document *sửa đổi, bổ sung* the base.

The phrasings are data (``data/relations.yaml``, checked on load). The related documents are
the citations the citation reader finds in the stated span (``policytrack.citations``): a
document is named as the text names it, never invented; in a corpus each is resolved to the
document it holds (``target_id``).

``validity(corpus, doc_id, date)`` gives the status in the database's vocabulary (Còn hiệu
lực, Hết hiệu lực một phần, Hết hiệu lực toàn bộ, Chưa có hiệu lực) with its evidence: the
entry-into-force date (``sources.csv``, else the document's own "… này có hiệu lực từ ngày
…"), the relations of the corpus that repeal, replace or amend it, and the status the
sources register records (``validity``, ``validity_as_of``).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from . import ids
from .amendments import read_preamble
from .citations import find_references
from .header import load_doc_types
from .model import Document, PolicytrackError, register_view
from .text import normalize
from .vocab import DATA, DataFileError, need_mapping, need_strings, need_text, read_yaml

if TYPE_CHECKING:
    from .citations import Reference
    from .corpus import Corpus

__all__ = ["RELATIONS_FILE", "RELATION_COLUMNS", "VALIDITY_EFFECTS", "Relation", "RelationKind", "RelationRules",
           "Validity", "load_relation_rules", "document_relations", "relations_frame", "corpus_relations",
           "in_force_date", "validity"]

RELATIONS_FILE = DATA / "relations.yaml"
VALIDITY_EFFECTS = ("ends", "amends", "none")
_WHERE = ("title", "bases", "provisions")


# --- the data file ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RelationKind:
    code: str
    vi: str
    vi_passive: str
    en: str
    validity: str


@dataclass(frozen=True)
class _Rule:
    relation: str
    where: frozenset[str]
    pattern: re.Pattern
    cited: str  # "after" | "before"
    index: int


@dataclass(frozen=True)
class RelationRules:
    relations: dict[str, RelationKind]
    rules: tuple[_Rule, ...]
    in_force: re.Pattern


_RULES_CACHE: dict[str, RelationRules] = {}


def load_relation_rules(path: str | Path = RELATIONS_FILE) -> RelationRules:
    """Read and check ``data/relations.yaml`` (or a copy): ``DataFileError`` naming the entry
    on an unknown relation, a ``where`` or ``cited`` value that is not known, a pattern that
    does not compile or uses an unknown placeholder."""
    key = str(path)
    if key in _RULES_CACHE:
        return _RULES_CACHE[key]
    data = need_mapping(read_yaml(path), path, "")
    kinds: dict[str, RelationKind] = {}
    for code, entry in need_mapping(data.get("relations"), path, "relations").items():
        where = f"relations, {code}"
        entry = need_mapping(entry, path, where)
        effect = need_text(entry, "validity", path, where)
        if effect not in VALIDITY_EFFECTS:
            raise DataFileError(path, where, f"validity must be one of {', '.join(VALIDITY_EFFECTS)}, not {effect!r}")
        kinds[str(code)] = RelationKind(str(code), need_text(entry, "vi", path, where),
                                        need_text(entry, "vi_passive", path, where), need_text(entry, "en", path, where),
                                        effect)
    if not kinds:
        raise DataFileError(path, "relations", "must name at least one relation")
    for needed in ("hop_nhat", "sua_doi_bo_sung"):
        if needed not in kinds:
            raise DataFileError(path, "relations", f"must define {needed} (the lists of consolidated texts use it)")
    this_words = need_strings(data.get("this_words"), path, "this_words")
    names = list(load_doc_types().cited_names())
    this = "|".join(sorted({re.escape(f"{n} này").replace(r"\ ", r"\s+") for n in names}
                           | {re.escape(w).replace(r"\ ", r"\s+") for w in this_words}, key=len, reverse=True))
    holes = {"this": f"(?:{this})"}

    def compile_(pattern: str, where: str) -> re.Pattern:
        unknown = set(re.findall(r"\{(\w+)\}", pattern)) - set(holes)
        if unknown:
            raise DataFileError(path, where, f"unknown placeholder {{{sorted(unknown)[0]}}} (known: {{this}})")
        try:
            return re.compile(re.sub(r"\{(\w+)\}", lambda m: holes[m.group(1)], pattern), re.I)
        except re.error as exc:
            raise DataFileError(path, where, f"pattern does not compile: {exc}") from exc

    raw = data.get("rules")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(path, "rules", "must be a non-empty list")
    rules = []
    for i, entry in enumerate(raw, 1):
        where = f"rules, entry {i}"
        entry = need_mapping(entry, path, where)
        relation = need_text(entry, "relation", path, where)
        if relation not in kinds:
            raise DataFileError(path, where, f"unknown relation {relation!r} (one of {', '.join(kinds)})")
        places = need_strings(entry.get("where"), path, f"{where}, where", required=True)
        bad = [p for p in places if p not in _WHERE]
        if bad:
            raise DataFileError(path, f"{where}, where", f"unknown place {bad[0]!r} (one of {', '.join(_WHERE)})")
        cited = str(entry.get("cited") or "after")
        if cited not in ("after", "before"):
            raise DataFileError(path, f"{where}, cited", f"must be after or before, not {cited!r}")
        rules.append(_Rule(relation, frozenset(places), compile_(need_text(entry, "pattern", path, where), where),
                           cited, i))
    result = RelationRules(kinds, tuple(rules), compile_(need_text(data, "in_force", path, "in_force"), "in_force"))
    _RULES_CACHE[key] = result
    return result


# --- the typed result -----------------------------------------------------------------------------

@dataclass
class Relation:
    """One relation a document states. ``subject`` does ``relation`` to ``target``:
    usually the stating document itself; in a consolidated text's list, an amending document
    (``subject`` is then its number as the list cites it). ``target`` is the related document
    as the text cites it (its number, else its type and name); ``target_id`` its id (the
    document the corpus holds, or the canonical number). ``start``/``end`` are the words
    that state it in ``Source.text``; ``provision_id`` the provision holding them (the
    document's own id for the title, the legal bases and a VBHN's list)."""

    document: str
    subject: str
    relation: str
    relation_vi: str
    target: str
    target_id: str | None
    target_units: tuple[str, ...]
    implied: bool
    effective_date: str | None
    stated_in: str  # "title", "bases", "provision", "consolidation"
    provision_id: str
    start: int
    end: int
    evidence: str
    rule: str
    file: str | None = None


RELATION_COLUMNS = ["document", "subject", "relation", "relation_vi", "target", "target_id", "target_units",
                    "implied", "effective_date", "stated_in", "provision_id", "start", "end", "evidence", "rule",
                    "file"]


def relations_frame(relations: Iterable[Relation]):
    import pandas as pd

    return pd.DataFrame([{k: getattr(r, k) for k in RELATION_COLUMNS} for r in relations], columns=RELATION_COLUMNS)


# --- reading one document -----------------------------------------------------------------------

_LABEL = re.compile(r"[ \t]*(?:(?:Điều|Ðiều|Chương|Mục|Phần|Phụ\s+lục)\s+[\w.]+[.:]?|\d+[a-zđ]?[.)]|[a-zđư]\d?\)|[-+])"
                    r"(?:\[\d+\])*[ \t]*", re.I)
_SENTENCE_END = re.compile(r"[.;:](?=\s|$)|\n")
_DATE_AFTER = re.compile(r"từ\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|từ\s+ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_SINCE_THIS = re.compile(r"(?:kể\s+)?từ\s+ngày\s+\S+\s+này\s+có\s+hiệu\s+lực", re.I)


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return _date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _date_after(text: str) -> str | None:
    m = _DATE_AFTER.search(text)
    if m is None:
        return None
    g = m.groups()
    return _iso(*g[:3]) if g[0] else _iso(*g[3:])


def _at(offsets, i: int) -> int:
    """The offset in the original of position ``i`` of the normalised text."""
    return i if offsets is None else offsets[i]


def _mask_quotes(norm: str) -> str:
    """Quoted wording blanked (offsets kept); a quote never closed runs to the end."""
    out, inside = [], False
    for ch in norm:
        if ch == '"':
            inside = not inside
            out.append(ch)
        else:
            out.append(" " if inside and ch != "\n" else ch)
    return "".join(out)


def _sentences(norm: str, start: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for m in _SENTENCE_END.finditer(norm, start):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(norm):
        spans.append((pos, len(norm)))
    return spans


def _segments(doc: Document) -> list[tuple[str, str, int, int, str]]:
    """``(where, stated_in, start, end, provision_id)`` of every span a relation may be
    stated in: the title, each legal basis, each provision's heading and lead-in."""
    m = doc.meta
    out = []
    if m.spans.get("title"):
        out.append(("title", "title", *m.spans["title"], doc.id))
    for k, span in m.spans.items():
        if k.startswith("bases."):
            out.append(("bases", "bases", *span, doc.id))
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        s, e = prov.own_text_span()
        out.append(("provisions", "provision", s, e, prov.id))
    return out


def _documents_of(refs: list[Reference], lo: int, hi: int, self_keys: set[str]):
    """The documents cited by the references inside ``[lo, hi)``, in text order, each with
    its cited units and whether it was implied by context: ``[(DocRef, target, units, implied)]``."""
    found: dict[tuple, list] = {}
    for ref in refs:
        if ref.start < lo or ref.end > hi:
            continue
        for t in ref.targets:
            d = t.document
            if d is None or d.kind not in ("number", "name"):
                continue
            if d.number and ids.number_key(d.number) in self_keys:
                continue
            key = (d.kind, d.number and ids.number_key(d.number), d.doc_type, d.name, d.year)
            entry = found.setdefault(key, [d, t, [], d.implied])
            path = _unit_path(t)
            if path and path not in entry[2]:
                entry[2].append(path)
    return list(found.values())


def _unit_path(t) -> str:
    parts = []
    for kind in ("part", "chapter", "section", "annex", "article", "clause", "point"):
        v = getattr(t, kind)
        if v and v != "này":
            parts.append(ids.segment(kind, v))
    return ".".join(parts)


def _target_id(d, t) -> str | None:
    if t.document_id:
        return t.document_id
    return ids.safe_id(ids.canonical_number(d.number)) if d.number else None


def in_force_date(doc: Document, rules: RelationRules | None = None) -> tuple[str | None, tuple[int, int] | None]:
    """The date the document says it enters into force ("Nghị định này có hiệu lực thi hành
    từ ngày 01 tháng 01 năm 2100") and the span that says it; for a consolidated text, the
    date its list gives for the base document."""
    rules = rules or load_relation_rules()
    text = doc.source.text
    if doc.meta.consolidates:
        base, _ = read_preamble(doc)
        if base is not None and base.effective_date:
            return base.effective_date, (base.start, base.end)
    for prov in doc.root.walk():
        if prov.kind == "document":
            continue
        s, e = prov.own_text_span()
        norm, offsets = normalize(text[s:e])
        for m in rules.in_force.finditer(norm):
            when = _date_after(norm[m.start():m.end() + 40])
            if when:
                end = min(len(norm), m.end() + 40)
                return when, (s + _at(offsets, m.start()), s + _at(offsets, end))
    return None, None


def document_relations(doc: Document, refs: list[Reference] | None = None,
                       rules: RelationRules | None = None) -> list[Relation]:
    """Every relation ``doc`` states (see the module docstring). ``refs`` are its citations
    (``find_references(doc)``, resolved when a corpus is at hand)."""
    rules = rules or load_relation_rules()
    refs = find_references(doc) if refs is None else refs
    text = doc.source.text
    self_keys = {ids.number_key(n) for n in (doc.meta.number, doc.id.split("@")[0]) if n}
    own_date, _ = in_force_date(doc, rules)
    out: list[Relation] = []
    for where, stated_in, s, e, pid in _segments(doc):
        raw = text[s:e]
        norm, offsets = normalize(raw)
        masked = _mask_quotes(norm)
        label = _LABEL.match(masked) if where == "provisions" else None
        first = label.end() if label else 0
        for ss, se in _sentences(masked, first):
            while ss < se and masked[ss] in " \t*_\"(":
                ss += 1
            if ss >= se:
                continue
            sentence = masked[ss:se]
            for rule in rules.rules:
                if where not in rule.where:
                    continue
                m = rule.pattern.match(sentence)
                if m is None:
                    continue
                lo, hi = (ss + m.end(), se) if rule.cited == "after" else (ss, ss + m.end())
                raw_lo, raw_hi = s + _at(offsets, lo), s + _at(offsets, hi)
                docs = _documents_of(refs, raw_lo, raw_hi, self_keys)
                if not docs:
                    continue  # the phrasing fits but names no other document: try the next rule
                kind = rules.relations[rule.relation]
                when = None
                if kind.validity != "none":
                    when = _date_after(sentence) or own_date
                    if rule.cited == "before" and _SINCE_THIS.search(sentence):
                        when = own_date
                ev_s, ev_e = s + _at(offsets, ss), s + _at(offsets, se)
                for d, t, units, implied in docs:
                    out.append(Relation(doc.id, doc.id, rule.relation, kind.vi, d.label or d.text,
                                        _target_id(d, t), tuple(units), bool(implied), when, stated_in, pid,
                                        ev_s, ev_e, text[ev_s:ev_e].strip(), f"rule {rule.index}", doc.source.path))
                break
    out.extend(_consolidation(doc, refs, rules))
    return out


def _consolidation(doc: Document, refs: list[Reference], rules: RelationRules) -> list[Relation]:
    """A consolidated text's list: it consolidates the base and each amending document, and
    states that each amending document amended the base."""
    if not doc.meta.consolidates:
        return []
    base, amending = read_preamble(doc)
    if base is None:
        return []
    self_keys = {ids.number_key(doc.id.split("@")[0])} if not doc.id.endswith(ids.CONSOLIDATED_MARK) else set()
    hop, sua = rules.relations["hop_nhat"], rules.relations["sua_doi_bo_sung"]
    base_docs = _documents_of(refs, base.start, base.end, self_keys)
    out = []
    if base_docs:
        d, t, units, _ = base_docs[0]
        base_label, base_id = d.label or d.text, _target_id(d, t)
        out.append(Relation(doc.id, doc.id, "hop_nhat", hop.vi, base_label, base_id, (), False, None,
                            "consolidation", doc.id, base.start, base.end, base.text, "list", doc.source.path))
    for item in amending:
        docs = _documents_of(refs, item.start, item.end, self_keys)
        if not docs:
            continue
        d, t, _, _ = docs[0]
        label, target_id = d.label or d.text, _target_id(d, t)
        out.append(Relation(doc.id, doc.id, "hop_nhat", hop.vi, label, target_id, (), False, None,
                            "consolidation", doc.id, item.start, item.end, item.text, "list", doc.source.path))
        if base_docs:
            out.append(Relation(doc.id, target_id or label, "sua_doi_bo_sung", sua.vi, base_label, base_id, (), False,
                                item.effective_date, "consolidation", doc.id, item.start, item.end, item.text, "list",
                                doc.source.path))
    return out


_CACHE: dict[int, tuple[weakref.ref, list[Relation]]] = {}


def _document_view(doc: Document):
    """``Document.relations()``: the relations the document states, as a DataFrame."""
    known = _CACHE.get(id(doc))
    if known is None or known[0]() is not doc:
        rels = document_relations(doc)
        _CACHE[id(doc)] = (weakref.ref(doc, lambda _r, k=id(doc): _CACHE.pop(k, None)), rels)
        known = _CACHE[id(doc)]
    return relations_frame(known[1])


def corpus_relations(corpus: Corpus) -> list[Relation]:
    """The relations every document of the corpus states, the related documents resolved in
    the corpus (``target_id`` is the id of the document it holds, else the id the sources
    register gives, else the canonical number)."""
    from .citations import resolve

    out: list[Relation] = []
    for doc in corpus:
        refs = resolve(find_references(doc), corpus)
        rels = document_relations(doc, refs)
        for r in rels:
            if r.stated_in == "consolidation" and r.subject != doc.id:
                hit = corpus.by_number(r.subject)
                if hit is not None:
                    r.subject = hit.id
        out.extend(rels)
    return out


# --- validity on a date ---------------------------------------------------------------------------

@dataclass
class Validity:
    """The status of ``document`` on ``date`` in the database's vocabulary (``None`` when
    nothing in the corpus or the sources register says), and the evidence: one row per fact
    used (``kind``: in_force, relation, register), each with where it is stated."""

    document: str
    date: str
    status: str | None
    reason: str
    evidence: list[dict] = field(default_factory=list)

    def frame(self):
        import pandas as pd

        return pd.DataFrame(self.evidence, columns=["kind", "date", "what", "stated_by", "provision_id", "start", "end",
                                                    "evidence"])


def _check_date(value: str) -> str:
    if not ids.is_iso_date(str(value)):
        raise PolicytrackError(f"not a date (YYYY-MM-DD): {value!r}")
    return str(value)


def validity(corpus: Corpus, doc_id: str, when: str, relations: list[Relation] | None = None) -> Validity:
    """The validity of ``doc_id`` (a document of the corpus, or one the sources register or
    a citation names) on ``when``, derived from the relations the corpus states about it and
    from ``sources.csv``; see the module docstring."""
    when = _check_date(when)
    rules = load_relation_rules()
    doc = corpus[doc_id] if doc_id in corpus else corpus.by_number(doc_id)
    sources = corpus.sources
    entry = sources.get(doc_id) if hasattr(sources, "get") else None
    if entry is None and doc is not None:
        entry = sources.get(doc.id) if hasattr(sources, "get") else None
        if entry is None and doc.meta.number:
            entry = sources.by_number(doc.meta.number)
    if entry is None:
        entry = sources.by_number(doc_id)
    if doc is None and entry is None:
        raise PolicytrackError(f"{doc_id}: neither in the corpus nor in its sources register")
    # the document a consolidated text restates is the one whose validity counts
    keys = {ids.number_key(doc_id)}
    if doc is not None:
        keys |= {ids.number_key(n) for n in (doc.id, doc.id.split("@")[0], doc.meta.number, doc.meta.consolidates) if n}
    if entry is not None:
        keys |= {ids.number_key(entry.doc_id), ids.number_key(entry.number)}
    evidence: list[dict] = []
    start = None
    if entry is not None and entry.in_force:
        start = entry.in_force
        evidence.append({"kind": "in_force", "date": start, "what": "in force from (sources.csv, in_force)",
                         "stated_by": "sources.csv", "provision_id": None, "start": None, "end": None,
                         "evidence": f"{entry.doc_id}: in_force {entry.in_force}"})
    elif doc is not None:
        start, span = in_force_date(doc, rules)
        if start:
            evidence.append({"kind": "in_force", "date": start, "what": "in force from (its own text)",
                             "stated_by": doc.id, "provision_id": None, "start": span[0], "end": span[1],
                             "evidence": doc.source.text[span[0]:span[1]]})
    rels = corpus_relations(corpus) if relations is None else relations
    about = [r for r in rels if r.target_id and ids.number_key(r.target_id) in keys
             or ids.number_key(r.target) in keys]
    about = [r for r in about if r.document not in (doc.id if doc else None,)]
    ended_all, ended_part, amended = [], [], []
    for r in about:
        effect = rules.relations[r.relation].validity
        if effect == "none":
            continue
        row = {"kind": "relation", "date": r.effective_date, "what": f"{r.relation_vi} ({r.relation})"
               + (f": {', '.join(r.target_units)}" if r.target_units else ""),
               "stated_by": r.document, "provision_id": r.provision_id, "start": r.start, "end": r.end,
               "evidence": r.evidence}
        evidence.append(row)
        if r.effective_date is not None and r.effective_date > when:
            row["what"] += " (not yet in effect on that date)"
            continue
        if effect == "ends":
            (ended_part if r.target_units else ended_all).append(r)
        else:
            amended.append(r)
    status, reason = None, ""
    if doc is not None and doc.meta.is_draft:
        return Validity(doc.id, when, None, "a draft: never in force", evidence)
    if start and when < start:
        status, reason = "Chưa có hiệu lực", f"enters into force on {start}"
    elif ended_all:
        status, reason = "Hết hiệu lực toàn bộ", f"{ended_all[0].relation_vi} by {ended_all[0].document}"
    elif ended_part:
        status, reason = "Hết hiệu lực một phần", f"units {ended_part[0].relation_vi} by {ended_part[0].document}"
    elif start:
        status = "Còn hiệu lực"
        reason = f"in force since {start}; no repeal or replacement in effect that the corpus states"
        if amended:
            reason += f"; amended by {', '.join(sorted({r.subject for r in amended}))}"
    if entry is not None and entry.validity:
        evidence.append({"kind": "register", "date": entry.validity_as_of or None,
                         "what": f"sources.csv: {entry.validity}" + (f" as of {entry.validity_as_of}" if entry.validity_as_of else ""),
                         "stated_by": "sources.csv", "provision_id": None, "start": None, "end": None,
                         "evidence": entry.notes})
        final = entry.validity == "Hết hiệu lực toàn bộ"
        if entry.validity_as_of and (when == entry.validity_as_of or (final and when >= entry.validity_as_of)):
            if status != entry.validity:
                reason = (f"sources.csv records {entry.validity} on {entry.validity_as_of}"
                          + (f" (the corpus alone says {status})" if status else ""))
                status = entry.validity
        elif status is None and entry.validity_as_of and when >= entry.validity_as_of and not final:
            status, reason = entry.validity, f"as sources.csv records on {entry.validity_as_of}; nothing later in the corpus"
    if status is None:
        reason = "no entry-into-force date and no relation that ends it: not known"
    return Validity(doc.id if doc is not None else entry.doc_id, when, status, reason, evidence)


register_view("document_relations", _document_view)
