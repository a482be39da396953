"""References as records, tables and annotated HTML."""

from __future__ import annotations

import html

from .model import Reference

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
