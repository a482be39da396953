"""Compare two versions of a document: align articles, label changes, diff words, and
suggest what the changes mean for each recommendation.

Alignment follows the idea of the Law Factory: articles are matched by the similarity of
their text, not by their number, so renumbering does not break it. One old article whose
clauses went to two new articles is a *split*; two old articles whose text now sits in one
new article are a *merge*.

>>> result = compare(draft1, draft2)                      # doctest: +SKIP
>>> result.pairs[["old", "new", "label", "similarity"]]     # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field

from .model import Document, Provision
from .text import match_key

__all__ = ["compare", "Comparison", "Alignment", "suggest_statuses", "suggest_from_amendments", "recommendation_date",
           "word_diff"]

MATCH = 0.5  # similarity from which two articles are the same article
CONTAIN = 0.6  # share of a text found in another, for splits and merges
HEADING_MATCH = 0.6  # heading overlap from which a heavily rewritten article is still the same
REWRITE_FLOOR = 0.05  # ...provided the bodies still share some text
_HEADING = re.compile(r"^\s*Điều\s+\d+[a-zđ]?\s*[.:]?\s*", re.I)


@dataclass
class Alignment:
    """One aligned unit: old article path(s) → new article path(s), with its label."""

    old: list[str]
    new: list[str]
    label: str  # unchanged | changed | new | deleted | split | merged
    similarity: float
    diff: list[tuple[str, str]] = field(default_factory=list)  # (op, words): equal/insert/delete


@dataclass
class Comparison:
    old: Document
    new: Document
    alignments: list[Alignment]

    @property
    def pairs(self):
        """One row per alignment: old, new (comma-joined paths), label, similarity."""
        import pandas as pd

        return pd.DataFrame([
            {"old": ", ".join(a.old) or None, "new": ", ".join(a.new) or None, "label": a.label,
             "similarity": round(a.similarity, 3),
             "old_heading": "; ".join(filter(None, (self.old[p].heading for p in a.old))) or None,
             "new_heading": "; ".join(filter(None, (self.new[p].heading for p in a.new))) or None}
            for a in self.alignments
        ])

    def counterpart(self, old_path: str) -> Alignment | None:
        return next((a for a in self.alignments if old_path in a.old), None)

    def diff_html(self, alignment: Alignment) -> str:
        """A word-level diff as HTML (``<del>``/``<ins>``)."""
        parts = []
        for op, words in alignment.diff:
            text = html.escape(words)
            parts.append({"equal": text, "delete": f"<del>{text}</del>", "insert": f"<ins>{text}</ins>"}[op])
        return '<div style="white-space: pre-wrap">' + " ".join(parts) + "</div>"


def _body(prov: Provision) -> str:
    """The article's text without its "Điều N." number, which renumbering changes."""
    return _HEADING.sub("", prov.text, count=1)


def _words(text: str) -> list[str]:
    return match_key(text).split()


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + n]) for i in range(max(1, len(w) - n + 1))}


def _containment(part: set, whole: set) -> float:
    return len(part & whole) / len(part) if part else 0.0


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level operations turning ``old`` into ``new`` (equal, delete, insert)."""
    a, b = old.split(), new.split()
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", " ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(b[j1:j2])))
    return ops


def compare(old: Document, new: Document) -> Comparison:
    """Align the articles of ``old`` and ``new`` (by text similarity, surviving renumbering,
    splits and merges) and label each alignment. Two versions of one consolidated text as
    of two dates (``Document.as_of``, which sets ``version_of``) keep the text's article
    paths, so they are aligned by path."""
    if getattr(old, "version_of", None) and getattr(old, "version_of", None) == getattr(new, "version_of", None):
        return _compare_by_path(old, new)
    olds, news = old.provisions("article"), new.provisions("article")
    old_sh = {p.path: _shingles(_body(p)) for p in olds}
    new_sh = {p.path: _shingles(_body(p)) for p in news}
    sim = {(o.path, n.path): _jaccard(old_sh[o.path], new_sh[n.path]) for o in olds for n in news}
    matched_old: dict[str, str] = {}
    matched_new: dict[str, str] = {}
    for (o, n), s in sorted(sim.items(), key=lambda kv: (-kv[1], kv[0])):
        if s < MATCH * 0.6:
            break
        if o in matched_old or n in matched_new:
            continue
        # a pair is the same article when similar enough, or each mostly contains the other
        if s >= MATCH or min(_containment(old_sh[o], new_sh[n]), _containment(new_sh[n], old_sh[o])) >= CONTAIN:
            matched_old[o], matched_new[n] = n, o
    # A heavy rewrite keeps its subject: same (or nearly the same) heading, some shared text.
    heading_words = {p.path: set(_words(p.heading or "")) for p in [*olds, *news]}
    for o in (p.path for p in olds):
        if o in matched_old:
            continue
        candidates = [
            (_jaccard(heading_words[o], heading_words[n]), sim[(o, n)], n) for n in (p.path for p in news)
            if n not in matched_new and heading_words[o] and heading_words[n]
        ]
        candidates = [c for c in candidates if c[0] >= HEADING_MATCH and c[1] >= REWRITE_FLOOR]
        if candidates:
            _, _, n = max(candidates)
            matched_old[o], matched_new[n] = n, o
    alignments: list[Alignment] = []
    # splits: an unmatched new article mostly contained in an old one
    split_of: dict[str, list[str]] = {}
    for n in (p.path for p in news):
        if n in matched_new:
            continue
        best = max(((o, _containment(new_sh[n], old_sh[o])) for o in old_sh), key=lambda x: x[1], default=(None, 0))
        if best[0] and best[1] >= CONTAIN:
            split_of.setdefault(best[0], []).append(n)
    # merges: an unmatched old article mostly contained in a new one
    merged_into: dict[str, list[str]] = {}
    for o in (p.path for p in olds):
        if o in matched_old or o in split_of:
            continue
        best = max(((n, _containment(old_sh[o], new_sh[n])) for n in new_sh), key=lambda x: x[1], default=(None, 0))
        if best[0] and best[1] >= CONTAIN:
            merged_into.setdefault(best[0], []).append(o)
    used_new: set[str] = set()
    for o in (p.path for p in olds):
        if any(o in group for group in merged_into.values()):
            continue
        if o in split_of:
            parts = ([matched_old[o]] if o in matched_old else []) + split_of[o]
            parts = sorted(set(parts), key=_number)
            used_new.update(parts)
            alignments.append(Alignment([o], parts, "split", max(sim.get((o, n), 0) for n in parts)))
            continue
        n = matched_old.get(o)
        if n is None:
            alignments.append(Alignment([o], [], "deleted", 0.0))
            continue
        if n in merged_into:
            group = sorted([o, *merged_into[n]], key=_number)
            used_new.add(n)
            alignments.append(Alignment(group, [n], "merged", sim[(o, n)]))
            continue
        used_new.add(n)
        same = " ".join(_words(_body(old[o]))) == " ".join(_words(_body(new[n])))
        alignment = Alignment([o], [n], "unchanged" if same else "changed", sim[(o, n)])
        if not same:
            alignment.diff = word_diff(_body(old[o]), _body(new[n]))
        alignments.append(alignment)
    for n, group in merged_into.items():
        if n not in used_new:
            used_new.add(n)
            alignments.append(Alignment(sorted(group, key=_number), [n], "merged", 0.0))
    for p in news:
        if p.path not in used_new:
            alignments.append(Alignment([], [p.path], "new", 0.0))
    alignments.sort(key=lambda a: _number(a.new[0]) if a.new else _number(a.old[0]) - 0.5)
    return Comparison(old, new, alignments)


def _compare_by_path(old: Document, new: Document) -> Comparison:
    """Articles of two versions of one text paired by path: unchanged, changed (with the
    diff), new or deleted."""
    olds = {p.path: p for p in old.provisions("article")}
    news = {p.path: p for p in new.provisions("article")}
    alignments = []
    for path in [*olds, *(p for p in news if p not in olds)]:
        o, n = olds.get(path), news.get(path)
        if o is None or n is None:
            alignments.append(Alignment([path] if o else [], [path] if n else [], "new" if o is None else "deleted", 0.0))
            continue
        a, b = _body(o), _body(n)
        same = " ".join(_words(a)) == " ".join(_words(b))
        alignment = Alignment([path], [path], "unchanged" if same else "changed", _jaccard(_shingles(a), _shingles(b)))
        if not same:
            alignment.diff = word_diff(a, b)
        alignments.append(alignment)
    return Comparison(old, new, alignments)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _number(path: str) -> float:
    m = re.search(r"d(\d+)", path)
    return float(m.group(1)) if m else 0.0


# --- status suggestions --------------------------------------------------------------------------

#: What a change to a targeted article suggests, and how sure the suggestion is.
SUGGESTIONS = {
    "deleted": ("dropped_from_draft", 0.7, "the targeted article is no longer in the new version"),
    "changed": ("in_draft", 0.5, "the targeted article was reworded: read the diff to judge"),
    "split": ("in_draft", 0.4, "the targeted article was split"),
    "merged": ("in_draft", 0.4, "the targeted article was merged with another"),
}
#: The same, when the new version is the enacted text (not a draft).
ENACTED_SUGGESTIONS = {
    "deleted": ("not_adopted", 0.4, "the targeted article is not in the enacted text"),
    "changed": ("partially_adopted", 0.4, "the targeted article changed in the enacted text: read the diff "
                "to judge whether the change is the one recommended"),
    "split": ("partially_adopted", 0.3, "the targeted article was split in the enacted text"),
    "merged": ("partially_adopted", 0.3, "the targeted article was merged in the enacted text"),
    "unchanged": ("not_adopted", 0.3, "the enacted text keeps the targeted article as it was"),
}


def suggest_statuses(comparison: Comparison, links, register):
    """For each recommendation linked to an article of the old version, the status its
    change suggests, with evidence (the new provision, or the old one when deleted) and a
    confidence. A person accepts a suggestion with ``register.set_status``; nothing is
    changed here. ``links`` is the output of ``policytrack.link``."""
    import pandas as pd

    old_id = comparison.old.id
    rows = []
    for link_row in links.itertuples():
        if not isinstance(link_row.provision, str) or not link_row.provision.startswith(old_id + ":"):
            continue
        path = link_row.provision.split(":", 1)[1].split(".")[0]
        alignment = comparison.counterpart(path)
        table = SUGGESTIONS if comparison.new.meta.is_draft else ENACTED_SUGGESTIONS
        if alignment is None or alignment.label not in table:
            continue
        status, confidence, why = table[alignment.label]
        if link_row.method == "retrieved":
            confidence *= 0.6
        rec = register[link_row.recommendation]
        if not register.statuses.allowed(rec["status"], status):
            continue
        evidence = ", ".join(f"{comparison.new.id}:{p}" for p in alignment.new) or f"{old_id}:{path}"
        rows.append({"recommendation": link_row.recommendation, "current": rec["status"], "suggested": status,
                     "confidence": round(confidence, 2), "evidence": evidence,
                     "reason": f"{why} ({', '.join(alignment.old)} → {', '.join(alignment.new) or '—'}; "
                               f"link {link_row.method})"})
    frame = pd.DataFrame(rows, columns=["recommendation", "current", "suggested", "confidence", "evidence", "reason"])
    return frame.sort_values("confidence", ascending=False).drop_duplicates("recommendation").reset_index(drop=True)


#: What an amendment of a targeted unit, after the recommendation was made, suggests:
#: (status, confidence, why). A repeal makes the recommendation moot as written; an
#: amendment may or may not take it up, which only a person reading both can say.
AMENDMENT_SUGGESTIONS = {
    "repealed": ("superseded", 0.6, "the targeted unit was repealed"),
    "amended": ("partially_adopted", 0.3, "the targeted unit was amended: check whether the new wording takes the "
                                          "recommendation up"),
    "supplemented": ("partially_adopted", 0.3, "a unit was added to the targeted provision: check whether it takes the "
                                               "recommendation up"),
    "replaced_phrase": ("partially_adopted", 0.2, "wording of the targeted unit was replaced: check whether it takes "
                                                  "the recommendation up"),
}
AMENDMENT_SUGGESTION_COLUMNS = ["recommendation", "current", "suggested", "confidence", "evidence", "reason",
                                "linked_provision", "operation", "effective_date", "source_document",
                                "source_provision", "footnote", "since"]


def recommendation_date(register, rec_id: str) -> str | None:
    """The day a recommendation was made: its first status change in the history, else the
    register's ``status_date`` (``YYYY-MM-DD``), else ``None``."""
    days = [str(e.get("when") or "")[:10] for e in register.history if e.get("id") == rec_id]
    days = [d for d in days if d]
    if days:
        return min(days)
    status_date = str(register[rec_id].get("status_date") or "")[:10]
    return status_date or None


def suggest_from_amendments(links, register, events):
    """For each recommendation, the amendment events (``Corpus.amendments()``) on its linked
    provisions (the unit itself, a unit inside it, or the unit holding it) that took effect
    after the recommendation was made (``recommendation_date``; every event when that date is
    not known, at half the confidence), each a *suggested* status
    change with the event as evidence. Nothing is changed: a person accepts one with
    ``register.set_status`` (its evidence, the event's provision id, goes into the history).
    A suggestion the status vocabulary does not allow after the current status is left out."""
    import pandas as pd

    rows = []
    if links is None or links.empty or events is None or events.empty:
        return pd.DataFrame(rows, columns=AMENDMENT_SUGGESTION_COLUMNS)
    events = events[events["operation"].isin(list(AMENDMENT_SUGGESTIONS)) & events["provision_id"].str.contains(":")]
    by_doc: dict[str, list] = {}
    for ev in events.itertuples():
        by_doc.setdefault(ev.provision_id.split(":", 1)[0], []).append(ev)
    seen = set()
    for link_row in links.itertuples():
        pid = link_row.provision
        if not isinstance(pid, str) or ":" not in pid:
            continue
        rec_id = link_row.recommendation
        since = recommendation_date(register, rec_id)  # None: not known, every event is shown
        current = register[rec_id]["status"]
        for ev in by_doc.get(pid.split(":", 1)[0], []):
            inside = ev.provision_id == pid or ev.provision_id.startswith(pid + ".") or pid.startswith(ev.provision_id + ".")
            when = ev.effective_date if isinstance(ev.effective_date, str) else None
            if not inside or when is None or (since is not None and when <= since) \
                    or (rec_id, ev.provision_id, ev.footnote) in seen:
                continue
            status, confidence, why = AMENDMENT_SUGGESTIONS[ev.operation]
            if not register.statuses.allowed(current, status):
                continue
            seen.add((rec_id, ev.provision_id, ev.footnote))
            if link_row.method == "retrieved":
                confidence *= 0.6
            if since is None:
                confidence *= 0.5
            source = ev.source_provision if isinstance(ev.source_provision, str) else (
                ev.source_document if isinstance(ev.source_document, str) else "")
            rows.append({"recommendation": rec_id, "current": current, "suggested": status,
                         "confidence": round(confidence, 2), "evidence": ev.provision_id,
                         "reason": f"{why}: {ev.operation} by {source or '?'} from {when} (footnote [{ev.footnote}]; "
                                   f"recommendation of {since or 'an unknown date'}; link {link_row.method})",
                         "linked_provision": pid, "operation": ev.operation, "effective_date": when,
                         "source_document": ev.source_document if isinstance(ev.source_document, str) else None,
                         "source_provision": source or None, "footnote": int(ev.footnote), "since": since})
    frame = pd.DataFrame(rows, columns=AMENDMENT_SUGGESTION_COLUMNS)
    return frame.sort_values(["recommendation", "effective_date", "evidence"]).reset_index(drop=True)
