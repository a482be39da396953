"""The consultation brief as a plan: which recommendations, which provisions, their wording and changes.

``plan_brief`` computes what the brief says; ``policytrack.report.brief_docx`` renders it.
Nothing here writes a file or formats a page: the plan holds texts (provision names in
words, document names, the changes of each targeted unit) ready to be laid out."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..ids import provision_words
from ..text import match_key

#: A recommendation that neither targets the brief's document nor is linked into it joins
#: the brief when its wording matches one of the document's articles or clauses at least
#: this well (cosine of the link index's TF-IDF vectors; ``policytrack.linking``). On the
#: shipped samples, 0.3 keeps the pairs a reader agrees with and drops the loose ones.
WORDING_MATCH = 0.3
#: Below this share of common words (``difflib`` ratio), a clause of the new version has no
#: counterpart in the old article: it is new.
SAME_UNIT = 0.4
#: Unchanged words kept on each side of a change, so a change reads in its sentence.
CONTEXT_WORDS = 8

_CHANGES = {"unchanged": "không thay đổi so với {previous}", "changed": "đã sửa so với {previous}",
            "new": "mới so với {previous}", "split": "tách từ một điều của {previous}",
            "merged": "gộp từ các điều của {previous}"}
_LABEL = re.compile(r"^\s*(?:Điều\s+\d+[a-zđ]?\s*[.:]?|\d+\s*[.)]|[a-zđư]\d*\s*\)|[-+•])\s*", re.I)


def _brief_document(register, links, corpus) -> str | None:
    """Default subject of the brief, preferring a document whose text the corpus holds:
    the most recent held draft a recommendation targets or is linked into; else the most
    recent held draft (its recommendations are then found by their wording); else the
    document the register targets most."""
    targeted = [row["target_document"] for row in register if row["target_document"]]
    linked = set(links["provision"].dropna().str.split(":").str[0]) if not links.empty else set()
    drafts = [d for d in corpus if d.meta.is_draft] if corpus is not None else []
    wanted = [d for d in drafts if d.id in targeted or d.id in linked] or drafts
    if wanted:
        return max(wanted, key=_date_key).id
    if not targeted:
        return None
    return max(sorted(set(targeted)), key=targeted.count)


def _date_key(doc) -> str:
    return (doc.meta.date.iso() or "") if doc.meta.date else ""


def _previous_version(corpus, doc):
    """The draft before ``doc`` in the corpus (same title, earlier date)."""
    if doc is None:
        return None
    same = [d for d in corpus if d is not doc and (d.meta.title or "") == (doc.meta.title or "") and _date_key(d)
            and _date_key(doc) and _date_key(d) < _date_key(doc)]
    return max(same, key=_date_key, default=None)


def document_name(doc, source) -> str:
    """A document as a letter names it: ``Dự thảo 2 Luật Tài nguyên nước (mẫu)``,
    ``Luật Bảo vệ môi trường số 72/2020/QH14``. The register of sources spells titles in
    their usual case; a header's capitals (``TÀI NGUYÊN NƯỚC``) are the fallback."""
    title = source.title if source is not None and source.title else ""
    if not title and doc is not None:
        heading = doc.meta.title or ""
        title = f"{doc.meta.doc_type or ''} {heading[:1].upper()}{heading[1:].lower()}".strip()
    title = title or (source.doc_id if source is not None else "văn bản")
    if doc is not None and doc.meta.is_draft:
        return f"Dự thảo {doc.meta.draft_number} {title}" if doc.meta.draft_number else f"Dự thảo {title}"
    number = source.number if source is not None else (doc.meta.number if doc is not None else "")
    return f"{title} số {number}" if number and number not in title else title


@dataclass
class BriefProvision:
    """A targeted unit as the brief quotes it, with its change since the previous draft."""

    id: str
    text: str
    change: str = ""          # "unchanged", "changed", "new", …; "" without a previous draft
    diff: list = field(default_factory=list)  # [(op, words)] of this unit, equal runs cut to their context
    name: str = ""            # "điểm b khoản 3 Điều 8"
    heading: str = ""         # the heading of its article
    change_note: str = ""     # "đã sửa so với Dự thảo 1"


@dataclass
class BriefEntry:
    """One recommendation in the brief: its ask, proposed wording, reason and targets.

    ``basis`` says why it is in the brief: ``target`` (it targets the document), ``link``
    (it is linked into it), ``wording`` (its wording matches the quoted provision; a
    person should check the match)."""

    recommendation: str
    title: str
    ask: str
    status: str
    status_label: str
    evidence: str
    target_provisions: str
    provisions: list[BriefProvision] = field(default_factory=list)
    proposed_text: str = ""
    rationale: str = ""
    basis: str = "target"
    #: amendments of its linked provisions since it was made, each a suggested status (not
    #: applied): "Điều 5 được sửa đổi, bổ sung theo khoản 3 Điều 1 Luật số …, có hiệu lực từ …"
    amendments: list[str] = field(default_factory=list)


@dataclass
class BriefPlan:
    """What the brief will say, before it is written: adjust ``entries`` (``select``) and
    pass the plan to ``write_brief``."""

    document: str | None
    title: str
    draft_number: str | None
    held: bool                     # the corpus holds the document's text
    source_note: str               # where to find the document when it is not held
    previous: str | None           # id of the previous draft the changes are counted from
    entries: list[BriefEntry]
    name: str = ""                 # the document in words: "Dự thảo 2 Luật Tài nguyên nước (mẫu)"
    previous_name: str = ""        # "Dự thảo 1"
    is_draft: bool = False

    @property
    def subject(self) -> str:
        """The V/v line (trích yếu) of the letter."""
        if self.is_draft:
            return f"V/v góp ý dự thảo {self.title}"
        return f"V/v kiến nghị sửa đổi, bổ sung {self.name}"

    @property
    def heading(self) -> str:
        """The document's title (core properties, the annex)."""
        return f"Góp ý dự thảo {self.title}" if self.is_draft else f"Kiến nghị đối với {self.name}"

    def frame(self):
        """One row per recommendation and quoted provision: what a person reviews."""
        import pandas as pd

        rows = [{"recommendation": e.recommendation, "title": e.title, "status": e.status_label, "basis": e.basis,
                 "provision": p.id if p else "", "name": p.name if p else e.target_provisions,
                 "change": p.change if p else "",
                 "wording": (p.text[:160] + "…" if p and len(p.text) > 160 else (p.text if p else ""))}
                for e in self.entries for p in (e.provisions or [None])]
        return pd.DataFrame(rows, columns=["recommendation", "title", "status", "basis", "provision", "name", "change",
                                           "wording"])

    def select(self, recommendations: list[str]) -> BriefPlan:
        """The same plan with only these recommendations, in this order."""
        by_id = {e.recommendation: e for e in self.entries}
        missing = [r for r in recommendations if r not in by_id]
        if missing:
            raise KeyError(f"not in this brief: {', '.join(missing)} (it has {', '.join(by_id) or 'none'})")
        return BriefPlan(**{**self.__dict__, "entries": [by_id[r] for r in recommendations]})

    @property
    def by_wording(self) -> list[str]:
        """The recommendations in the brief only because their wording matches the document."""
        return [e.recommendation for e in self.entries if e.basis == "wording"]


# --- changes of one unit ----------------------------------------------------------------------

def _unlabelled(text: str) -> str:
    """A unit's text without its label (``Điều 9.``, ``3.``, ``b)``), which renumbering changes."""
    return _LABEL.sub("", text, count=1)


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=match_key(a).split(), b=match_key(b).split(), autojunk=False).ratio()


def in_context(ops: list[tuple[str, str]], keep: int = CONTEXT_WORDS) -> list[tuple[str, str]]:
    """A word diff with each run of unchanged words cut to ``keep`` words beside a change
    (``…`` where words were left out), so a change reads in its sentence and a long
    unchanged passage does not bury it."""
    out = []
    for n, (op, words) in enumerate(ops):
        split = words.split()
        if op != "equal" or len(split) <= 2 * keep + 1:
            out.append((op, words))
            continue
        first, last = n == 0, n == len(ops) - 1
        head = [] if first else split[:keep]
        tail = [] if last else split[-keep:]
        out.append((op, " ".join([*head, "…", *tail])))
    return out


def _old_counterpart(comparison, alignment, unit):
    """The unit of the previous version that ``unit`` continues: the whole old article for
    an article; for a clause or point, the most alike unit of the same kind in the old
    article(s), or ``None`` when none is alike enough (a new clause)."""
    old_doc = comparison.old
    if unit.kind == "article":
        return old_doc[f"{old_doc.id}:{alignment.old[0]}"] if alignment.old else None
    candidates = [p for path in alignment.old for p in old_doc[f"{old_doc.id}:{path}"].walk() if p.kind == unit.kind]
    scored = [(_likeness(_unlabelled(p.text), _unlabelled(unit.text)), p) for p in candidates]
    best = max(scored, key=lambda s: s[0], default=(0.0, None))
    return best[1] if best[0] >= SAME_UNIT else None


def unit_change(comparison, unit) -> tuple[str, list[tuple[str, str]]]:
    """How ``unit`` (a provision of the new version) changed: its label (``unchanged``,
    ``changed``, ``new``; an article keeps ``split``/``merged``) and the word diff of this
    unit alone, in context. Only the targeted unit is compared, not its whole article."""
    from ..compare import word_diff

    article = unit.path.split(".")[0]
    alignment = next((a for a in comparison.alignments if article in a.new), None)
    if alignment is None:
        return "", []
    if alignment.label in ("new", "unchanged"):
        return alignment.label, []
    old = _old_counterpart(comparison, alignment, unit)
    if old is None:
        return "new", []
    ops = word_diff(_unlabelled(old.text), _unlabelled(unit.text))
    if all(op == "equal" for op, _ in ops):
        return ("unchanged" if alignment.label == "changed" or unit.kind != "article" else alignment.label), []
    label = alignment.label if unit.kind == "article" else "changed"
    return label, in_context(ops)


# --- which recommendations, which units -------------------------------------------------------

def _extra(row: dict, column: str) -> str:
    """An optional register column (``proposed_text``, ``rationale``): empty when absent."""
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _matcher(corpus, doc_id: str):
    """``match(row) -> (unit id, score) | None``: the unit of ``doc_id`` the wording of a
    recommendation is closest to (the link index of ``policytrack.linking``)."""
    from ..linking import LinkIndex, expand_query, load_concepts

    index, concepts = LinkIndex.cached(corpus), load_concepts()

    def match(row):
        found = index.search(expand_query(f"{row['title']} {row['text_vi']}", concepts), 1, None, doc_id)
        return (found[0][2], found[0][1]) if found else None

    return match


def _chosen_units(row, mine, target, match) -> tuple[list[str], str]:
    """The units of the brief's document quoted for one recommendation, and the basis:
    its explicit and confirmed links; else the unit its wording matches best."""
    firm = [p for p in mine[mine["method"].isin(["explicit", "confirmed"])]["provision"] if p in target] \
        if not mine.empty else []
    if firm:
        return list(dict.fromkeys(firm)), "target" if row["target_document"] == target.id else "link"
    found = match(row) if match is not None else None
    basis = "target" if row["target_document"] == target.id else ("link" if not mine.empty else "wording")
    if found is None or (basis == "wording" and found[1] < WORDING_MATCH):
        return [], basis
    return [found[0]], basis


def _quoted(target, pid: str, comparison, previous_name: str) -> BriefProvision:
    unit = target[pid]
    article = target.enclosing(unit, "article") if unit.kind != "article" else unit
    prov = BriefProvision(pid, unit.text, name=provision_words(unit.path),
                          heading=(article.heading or "") if article is not None else "")
    if comparison is not None:
        prov.change, prov.diff = unit_change(comparison, unit)
        if prov.change:
            prov.change_note = _CHANGES[prov.change].format(previous=previous_name)
    return prov


def _in_document_order(entries: list[BriefEntry], target) -> list[BriefEntry]:
    """Entries in the document's order (a committee reads article by article); those
    quoting nothing keep their register order, after the others."""
    position = {p.id: n for n, p in enumerate(target.root.walk())} if target is not None else {}
    return sorted(entries, key=lambda e: (0, position.get(e.provisions[0].id, 0)) if e.provisions else (1, 0))


_OPERATION_VI = {"amended": "được sửa đổi, bổ sung", "supplemented": "được bổ sung", "repealed": "bị bãi bỏ",
                 "replaced_phrase": "được thay thế cụm từ"}


def _amendment_notes(suggestions, rec_id: str, register, lang: str) -> list[str]:
    """The amendments since the recommendation, in Vietnamese (the brief's language)."""
    if suggestions is None or suggestions.empty:
        return []
    from ..ids import provision_words

    out = []
    for r in suggestions[suggestions["recommendation"] == rec_id].itertuples():
        path = r.evidence.split(":", 1)[1] if ":" in r.evidence else ""
        unit = provision_words(path) if path else r.evidence
        source = r.source_provision or r.source_document or "[văn bản sửa đổi]"
        out.append(f"{unit[:1].upper()}{unit[1:]} ({r.evidence.split(':', 1)[0]}) {_OPERATION_VI.get(r.operation, r.operation)} "
                   f"theo {source}, có hiệu lực từ {_vi_date(r.effective_date)}"
                   + (f" (sau ngày khuyến nghị {_vi_date(r.since)})" if isinstance(r.since, str) else " (chưa rõ ngày khuyến nghị)") + "; "
                   f"trạng thái gợi ý: {register.statuses.label(r.suggested, 'vi')} [cần người theo dõi xác nhận]")
    return out


def _vi_date(iso: str) -> str:
    y, m, d = (str(iso) + "--").split("-")[:3]
    return f"{d}/{m}/{y}" if d else str(iso)


def plan_brief(register, links, corpus, document: str | None = None, lang: str = "vi", suggestions=None) -> BriefPlan:
    """Gather what the brief on ``document`` says (default: see ``_brief_document``).

    Each recommendation that targets the document, is linked into it, or (when the corpus
    holds its text) whose wording matches one of its units at least ``WORDING_MATCH``;
    for each, the targeted units (explicit and confirmed links, else the best match), their
    wording and how each unit changed since the previous draft in the corpus; and the
    amendments of its linked provisions since it was made (``suggestions``, from
    ``compare.suggest_from_amendments``), said as facts with the status they suggest for a
    person to confirm. Entries follow the document's order."""
    from ..compare import compare

    doc_id = document or _brief_document(register, links, corpus)
    target = corpus[doc_id] if corpus is not None and doc_id and doc_id in corpus else None
    previous = _previous_version(corpus, target)
    comparison = compare(previous, target) if previous is not None else None
    source = corpus.sources.get(doc_id) if corpus is not None and doc_id else None
    previous_name = (f"Dự thảo {previous.meta.draft_number}" if previous is not None and previous.meta.draft_number
                     else document_name(previous, corpus.sources.get(previous.id)) if previous is not None else "")
    match = _matcher(corpus, doc_id) if target is not None else None
    into = links["provision"].fillna("").str.startswith(f"{doc_id}:") if not links.empty else links["provision"]
    entries = []
    for row in register:
        mine = links[(links["recommendation"] == row["id"]) & into] if not links.empty else links
        units, basis = _chosen_units(row, mine, target, match) if target is not None else ([], "target")
        if row["target_document"] != doc_id and mine.empty and not units:
            continue
        entries.append(BriefEntry(
            row["id"], row["title"], row["text_vi"], row["status"], register.statuses.label(row["status"], lang),
            row["evidence"], row["target_provisions"],
            [_quoted(target, pid, comparison, previous_name) for pid in units],
            _extra(row, "proposed_text"), _extra(row, "rationale"), basis,
            _amendment_notes(suggestions, row["id"], register, lang)))
    entries = _in_document_order(entries, target)
    name = document_name(target, source) if (target is not None or source is not None) else (doc_id or "văn bản")
    is_draft = bool(target is not None and target.meta.is_draft)
    return BriefPlan(
        document=doc_id,
        title=name.removeprefix(f"Dự thảo {target.meta.draft_number} " if is_draft and target.meta.draft_number
                                else "Dự thảo ") if is_draft else name,
        draft_number=target.meta.draft_number if is_draft else None,
        held=target is not None,
        source_note=(f"{source.title}, {source.validity or 'hiệu lực chưa rõ'}, "
                     f"{source.official_url or 'chưa có địa chỉ chính thức'}" if source else ""),
        previous=previous.id if previous is not None else None,
        entries=entries,
        name=name,
        previous_name=previous_name,
        is_draft=is_draft,
    )
