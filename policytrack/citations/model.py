"""The typed results of the citation reader: cited documents, cited units, references."""

from __future__ import annotations

from dataclasses import dataclass


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
    year_from_date: bool = False  # ``year`` read from the date of issue, not written with the name

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
        return f"{label} năm {self.year}" if self.year and not self.year_from_date else label


@dataclass
class Target:
    """One cited unit. ``document`` is ``None`` for the citing document itself. Unit
    fields hold the numbers as printed (``"IV"``, ``"đ"``). Found in a parsed ``Document``,
    relative units carry the numbers they stand for (``khoản 2 Điều này`` inside Điều 7 has
    article ``"7"``, ``relative=True``); found in a bare string, ``"này"`` is kept."""

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
    #: True when a unit number was not written but taken from where the citation stands
    #: (``khoản 2 Điều này`` inside Điều 7 → article ``"7"``).
    relative: bool = False
    #: The cited document's id as resolved (``resolve``), or ``None``.
    document_id: str | None = None

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
    file: str | None = None  # the citing file

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
