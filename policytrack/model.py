"""The core data model: a read ``Source``, a parsed ``Document`` and its ``Provision`` tree.

Every offset in this module is a character offset into ``Source.text``, the decoded text of
the file as read (before any normalisation). That is the lossless invariant the rest of
policytrack relies on::

    prov.text == doc.source.text[prov.start:prov.end]

Matching (parsing, citations, tagging) runs on ``Source.normalized`` and maps its offsets
back with ``Source.to_original``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterator

#: Provision kinds, outermost first. ``document`` is the root of every tree.
KINDS = (
    "document",
    "part",
    "chapter",
    "section",
    "subsection",
    "article",
    "clause",
    "point",
    "subpoint",
    "annex",
)


class PolicytrackError(Exception):
    """Base class of every error policytrack raises on bad input."""


#: Views of documents and provisions computed by stages above this module, which registers
#: them on import (``model`` may import none of them): ``document_history``,
#: ``provision_history`` and ``as_of`` come from ``policytrack.amendments``.
_VIEWS: dict[str, Callable] = {}


def register_view(name: str, func: Callable) -> None:
    """Let ``Document``/``Provision`` methods call ``func`` as the view ``name``."""
    _VIEWS[name] = func


def _view(name: str) -> Callable:
    func = _VIEWS.get(name)
    if func is None:  # only when policytrack.model is used without the package (import policytrack)
        raise PolicytrackError(f"{name}: the stage that computes it is not loaded (import policytrack)")
    return func


class ReadError(PolicytrackError):
    """A file could not be read. The message names the file and the reason."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass
class Note:
    """A footnote or endnote kept out of the body text, with where its mark stands.

    ``anchor`` is an offset in ``Source.text``: in Word files the reference mark is not
    text, so it is where the mark stood (just after the text the mark follows); in saved
    portal pages the visible mark stays in the body written ``[n]``, as in a consolidated
    text's .txt, and ``anchor`` is the offset of its ``[``. ``label`` is the mark as shown
    ("1", "*", "iv"; "" for a tooltip over ordinary words).
    """

    label: str
    text: str
    anchor: int
    kind: str = "footnote"


@dataclass
class Source:
    """The text of one file, as read, with its normalised form for matching.

    ``text`` is the decoded original. ``normalized`` is what matchers see (NFC, one
    tone-mark convention, plain spaces and quotes; see ``policytrack.text``).
    ``offsets`` maps every normalised index ``i`` (and ``len(normalized)``) to an index of
    ``text``; ``None`` means the two are the same length and aligned index by index.
    """

    path: str | None
    text: str
    format: str = "txt"
    encoding: str | None = None
    normalized: str = ""
    offsets: array | None = None
    page_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Footnotes and endnotes of formats that keep them apart from the body (.docx, HTML).
    notes: list[Note] = field(default_factory=list)
    #: Per page, the mean OCR word confidence (0–100) of pages read by OCR, else ``None``.
    ocr_confidence: list[float | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.normalized and self.text:
            from .text import normalize

            self.normalized, self.offsets = normalize(self.text)
        if self.offsets is None and self.normalized == self.text:
            self.normalized = self.text  # one string, not two equal copies (memory, cache size)

    def to_original(self, i: int) -> int:
        """The offset in ``text`` of normalised offset ``i``."""
        if self.offsets is None:
            return i
        return self.offsets[i]

    def page_of(self, offset: int) -> int | None:
        """1-based page number of an original offset, for paged formats (PDF)."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset)


@dataclass
class PartialDate:
    """A date as written, possibly incomplete (``ngày 25 tháng`` has no month or year)."""

    text: str
    day: int | None = None
    month: int | None = None
    year: int | None = None

    @property
    def complete(self) -> bool:
        return None not in (self.day, self.month, self.year)

    def iso(self) -> str | None:
        """``YYYY-MM-DD`` when complete, else ``None`` (never guessed)."""
        if not self.complete:
            return None
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass
class DocumentMeta:
    """What the header block says about a document. Missing fields are ``None`` / empty.

    ``spans`` maps a field name (``"number"``, ``"date"``, ``"subject"``...) to its
    ``(start, end)`` in ``Source.text`` so every value can be traced to the page.
    """

    doc_type: str | None = None  # Vietnamese name: "Luật", "Nghị định", "Công văn", ...
    number: str | None = None  # number/symbol as printed, spaces squeezed: "7344/BTNMT-KH&CN"
    issuer: str | None = None
    place: str | None = None
    date: PartialDate | None = None
    title: str | None = None
    subject: str | None = None  # the V/v line of letters
    recipients: list[str] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    signer_title: str | None = None
    signer_name: str | None = None
    noi_nhan: list[str] = field(default_factory=list)
    is_draft: bool = False
    draft_number: str | None = None
    draft_date: PartialDate | None = None
    #: a consolidated text (VBHN): the number of the document it restates, as printed in the
    #: line "<base> … được sửa đổi, bổ sung bởi:" of its preamble
    consolidates: str | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseWarning:
    """Something the parser tolerated: where it is and what was done with it."""

    message: str
    start: int
    end: int
    provision_id: str | None = None


@dataclass(slots=True)
class Provision:
    """One node of a document's tree: the document itself, a chapter, an article, a point...

    ``start``/``end`` delimit the whole node (heading and children included) in
    ``Source.text``; ``text`` is exactly that slice. ``id`` is ``"<document id>:<path>"``,
    for example ``72/2020/QH14:d8.k3.a`` (see README, "Provision ids").
    """

    kind: str
    number: str | None
    heading: str | None
    start: int
    end: int
    id: str
    parent: str | None = None
    children: list[Provision] = field(default_factory=list)
    heading_span: tuple[int, int] | None = None
    source: Source | None = field(default=None, repr=False, compare=False)

    def __reduce__(self):
        # Positional reconstruction: several times faster to unpickle than the default for
        # slotted dataclasses, which matters for warm corpus loads.
        return (Provision, (self.kind, self.number, self.heading, self.start, self.end, self.id,
                            self.parent, self.children, self.heading_span, self.source))

    @property
    def text(self) -> str:
        """Exactly ``source.text[start:end]`` (computed, so a tree holds no copies)."""
        return self.source.text[self.start : self.end] if self.source is not None else ""

    @property
    def path(self) -> str:
        """The part of the id after the document id (``"d8.k3.a"``; ``""`` for the root)."""
        return self.id.split(":", 1)[1] if ":" in self.id else ""

    def walk(self) -> Iterator[Provision]:
        """This node and all its descendants, in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def own_text_span(self) -> tuple[int, int]:
        """The span of this node's text before its first child (heading and lead-in)."""
        return (self.start, self.children[0].start if self.children else self.end)

    def history(self, descendants: bool = True):
        """The amendment events of this unit (and, by default, of the units inside it), read
        from the footnotes of its consolidated text, as a DataFrame
        (``policytrack.amendments.provision_history``)."""
        return _view("provision_history")(self, descendants)


@dataclass
class Document:
    """A parsed document: header metadata, its source, and the provision tree.

    A file can hold several documents; ``start``/``end`` delimit this one in the source.
    """

    id: str
    meta: DocumentMeta
    source: Source
    start: int
    end: int
    root: Provision
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def provisions(self, kind: str | None = None) -> list[Provision]:
        """All provisions in document order, optionally only those of one kind."""
        return [p for p in self.root.walk() if kind is None or p.kind == kind]

    def _index(self) -> dict[str, Provision]:
        index = self.__dict__.get("_by_id")
        if index is None or self.root.id not in index:
            index = {p.id: p for p in self.root.walk()}
            self.__dict__["_by_id"] = index
        return index

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_by_id"}

    def __getitem__(self, provision_id: str) -> Provision:
        """Look a provision up by full id or by path: ``doc["d8.k3"]``."""
        if provision_id != self.id and not provision_id.startswith(self.id + ":"):
            provision_id = f"{self.id}:{provision_id}" if provision_id else self.id
        return self._index()[provision_id]

    def __contains__(self, provision_id: object) -> bool:
        return provision_id in self._index()

    def ancestors(self, prov: Provision, include_self: bool = False) -> Iterator[Provision]:
        """The provisions containing ``prov``, innermost first, the document root excluded."""
        index = self._index()
        node: Provision | None = prov if include_self else index.get(prov.parent) if prov.parent else None
        while node is not None and node.kind != "document":
            yield node
            node = index.get(node.parent) if node.parent else None

    def enclosing(self, prov: Provision, kind: str) -> Provision | None:
        """The innermost provision of ``kind`` containing ``prov`` (``prov`` itself included)."""
        return next((node for node in self.ancestors(prov, include_self=True) if node.kind == kind), None)

    def outline(self, max_depth: int | None = None) -> str:
        """A readable, indented tree: ``Điều 8. Heading  (d8)`` per line, warnings last."""
        labels = {"part": "Phần", "chapter": "Chương", "section": "Mục", "subsection": "Tiểu mục",
                  "article": "Điều", "clause": "khoản", "point": "điểm", "subpoint": "", "annex": "Phụ lục"}
        m = self.meta
        lines = [f"{self.id}  [{m.doc_type or '?'}] {m.title or m.subject or ''}".rstrip()]
        if m.date:
            lines.append(f"  {m.place + ', ' if m.place else ''}{m.date.text}")

        def visit(node: Provision, depth: int) -> None:
            for child in node.children:
                if max_depth is not None and depth > max_depth:
                    return
                heading = f". {child.heading}" if child.heading else ""
                label = f"{labels.get(child.kind, '')} {child.number or ''}".strip()
                lines.append(f"{'  ' * depth}{label}{heading}  ({child.path})")
                visit(child, depth + 1)

        visit(self.root, 1)
        lines.extend(f"  ! {w.message} (offset {w.start})" for w in self.warnings)
        return "\n".join(lines)

    def history(self):
        """One row per footnote of a consolidated text: the unit it is anchored to, the
        operation, the source document and provision, the effective date
        (``policytrack.amendments``)."""
        return _view("document_history")(self)

    def relations(self):
        """The relations this document states to others (căn cứ, sửa đổi bổ sung, thay thế,
        bãi bỏ, hợp nhất…), each with the words that state it, as a DataFrame
        (``policytrack.relations``)."""
        return _view("document_relations")(self)

    def as_of(self, date: str) -> Document:
        """This consolidated text as it stood on ``date`` (``YYYY-MM-DD``): units not yet or
        no longer in force left out, earlier wording put back where the footnotes give it,
        marked unknown where they do not (``policytrack.amendments.as_of``)."""
        return _view("as_of")(self, date)

    def to_frame(self):
        """One row per provision (root excluded) with its path columns, as a DataFrame."""
        from .frames import provisions_frame

        return provisions_frame(self)
