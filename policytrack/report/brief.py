"""The consultation brief as a plan: which recommendations, which provisions, their wording and changes.

``plan_brief`` computes what the brief says; ``policytrack.report.brief_docx`` renders it."""

from __future__ import annotations

from dataclasses import dataclass, field


def _brief_document(register, corpus) -> str | None:
    """Default subject of the brief: the most recent draft in the corpus that a
    recommendation targets, else the document the register targets most."""
    targeted = [row["target_document"] for row in register if row["target_document"]]
    drafts = [d for d in corpus if d.meta.is_draft and d.id in targeted]
    if drafts:
        return max(drafts, key=lambda d: (d.meta.date.iso() or "") if d.meta.date else "").id
    if not targeted:
        return None
    return max(sorted(set(targeted)), key=targeted.count)


def _previous_version(corpus, doc):
    """The draft before ``doc`` in the corpus (same title, earlier draft number or date)."""
    if doc is None:
        return None
    same = [d for d in corpus if d is not doc and (d.meta.title or "") == (doc.meta.title or "") and d.meta.date
            and doc.meta.date and (d.meta.date.iso() or "") < (doc.meta.date.iso() or "")]
    return max(same, key=lambda d: d.meta.date.iso() or "", default=None)


_CHANGES = {"unchanged": "không thay đổi so với bản trước", "changed": "đã sửa so với bản trước",
            "new": "điều mới so với bản trước", "split": "tách từ một điều của bản trước",
            "merged": "gộp từ các điều của bản trước"}


@dataclass
class BriefProvision:
    """A targeted provision as the brief quotes it, with its change since the previous draft."""

    id: str
    text: str
    change: str = ""          # an alignment label of ``compare`` ("changed", "new", …), "" without a previous draft
    diff: list = field(default_factory=list)  # [(op, words)] of that alignment


@dataclass
class BriefEntry:
    """One recommendation in the brief: its ask, status and the provisions it targets."""

    recommendation: str
    title: str
    ask: str
    status: str
    status_label: str
    evidence: str
    target_provisions: str
    provisions: list[BriefProvision] = field(default_factory=list)


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

    def frame(self):
        """One row per recommendation and quoted provision: what a person reviews."""
        import pandas as pd

        rows = [{"recommendation": e.recommendation, "title": e.title, "status": e.status_label,
                 "provision": p.id if p else "", "change": p.change if p else "",
                 "wording": (p.text[:160] + "…" if p and len(p.text) > 160 else (p.text if p else ""))}
                for e in self.entries for p in (e.provisions or [None])]
        return pd.DataFrame(rows, columns=["recommendation", "title", "status", "provision", "change", "wording"])

    def select(self, recommendations: list[str]) -> BriefPlan:
        """The same plan with only these recommendations, in this order."""
        by_id = {e.recommendation: e for e in self.entries}
        missing = [r for r in recommendations if r not in by_id]
        if missing:
            raise KeyError(f"not in this brief: {', '.join(missing)} (it has {', '.join(by_id) or 'none'})")
        return BriefPlan(**{**self.__dict__, "entries": [by_id[r] for r in recommendations]})


def plan_brief(register, links, corpus, document: str | None = None, lang: str = "vi") -> BriefPlan:
    """Gather what the brief on ``document`` says (default: see ``_brief_document``): each
    recommendation that targets it or is linked into it, the wording of its linked
    provisions (explicit and confirmed links; else the best retrieved article) and how each
    changed since the previous draft in the corpus."""
    from ..compare import compare

    doc_id = document or _brief_document(register, corpus)
    target = corpus[doc_id] if doc_id and doc_id in corpus else None
    previous = _previous_version(corpus, target)
    comparison = compare(previous, target) if previous is not None else None
    source = corpus.sources.get(doc_id) if doc_id else None
    into = links["provision"].fillna("").str.startswith(f"{doc_id}:") if not links.empty else links["provision"]
    entries = []
    for row in register:
        mine = links[(links["recommendation"] == row["id"]) & into] if not links.empty else links
        if row["target_document"] != doc_id and mine.empty:
            continue
        chosen = mine[mine["method"].isin(["explicit", "confirmed"])] if (mine["method"] != "retrieved").any() else mine.head(1)
        provisions = []
        for pid in chosen["provision"]:
            if target is None or pid not in target:
                continue
            prov = BriefProvision(pid, target[pid].text)
            if comparison is not None:
                article = pid.split(":", 1)[1].split(".")[0]
                alignment = next((a for a in comparison.alignments if article in a.new), None)
                if alignment is not None:
                    prov.change, prov.diff = alignment.label, list(alignment.diff)
            provisions.append(prov)
        entries.append(BriefEntry(row["id"], row["title"], row["text_vi"], row["status"],
                                  register.statuses.label(row["status"], lang), row["evidence"],
                                  row["target_provisions"], provisions))
    return BriefPlan(
        document=doc_id,
        title=(target.meta.title if target is not None else (source.title if source else doc_id)) or "văn bản",
        draft_number=target.meta.draft_number if target is not None and target.meta.is_draft else None,
        held=target is not None,
        source_note=(f"{source.title}, {source.validity or 'hiệu lực chưa rõ'}, "
                     f"{source.official_url or 'chưa có địa chỉ chính thức'}" if source else ""),
        previous=previous.id if previous is not None else None,
        entries=entries,
    )
