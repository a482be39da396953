"""References as records, tables and annotated HTML."""

from __future__ import annotations

import html

from .model import Reference

# --- outputs ---------------------------------------------------------------------------------


#: The fields of a record, in order (the CLI's ``refs --json`` and ``Corpus.references()``).
RECORD_FIELDS = [
    "file", "citing_document", "citing_provision", "start", "end", "text", "form", "document", "document_id",
    "article", "clause", "point", "chapter", "section", "annex", "relative", "implied", "relation",
    "resolved_id", "reason",
]


def records(ref: Reference) -> list[dict]:
    """One JSON-ready record per cited unit: where the citation stands (file, citing
    document and smallest citing provision, span), what it cites (the document as written
    and its id as resolved, the unit numbers, relative ones resolved), and the resolution.
    Values are strings, integers, booleans or ``None``: strict JSON."""
    return [
        {
            "file": ref.file, "citing_document": ref.document_id, "citing_provision": ref.provision_id,
            "start": ref.start, "end": ref.end, "text": ref.text, "form": ref.form,
            "document": t.document.label if t.document else None,
            "document_id": t.document_id,
            "article": t.article, "clause": t.clause, "point": t.point,
            "chapter": t.chapter, "section": t.section, "annex": t.annex,
            "relative": t.relative, "implied": bool(t.document and t.document.implied),
            "relation": ref.relation, "resolved_id": t.resolved_id, "reason": t.reason,
        }
        for t in ref.targets
    ]


def references_frame(references: list[Reference]):
    """One row per cited unit, with the fields of ``records`` (missing values are ``None``,
    never NaN, so ``frame.to_json()`` is strict JSON)."""
    import pandas as pd

    rows = [rec for ref in references for rec in records(ref)]
    return pd.DataFrame(rows, columns=RECORD_FIELDS, dtype=object)


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
