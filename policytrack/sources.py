"""The register of reference documents (``corpus/sources.csv``): load, validate, look up.

The register is what lets a text with no ``Số:`` line (an excerpt, a copy pasted from a
portal) still receive its real id: ``LUẬT / BẢO VỆ MÔI TRƯỜNG`` is found in the register as
``72/2020/QH14``. Later layers resolve citations by number or by name against it.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .ids import is_iso_date, number_key
from .model import PolicytrackError

#: The file name of a sources register inside a corpus folder.
FILE_NAME = "sources.csv"

COLUMNS = (
    "doc_id", "number", "type", "title", "issuer", "issued", "in_force", "validity",
    "validity_as_of", "official_url", "in_corpus", "notes",
)

#: The validity vocabulary of the national legal database.
VALIDITY = (
    "Còn hiệu lực",
    "Hết hiệu lực một phần",
    "Hết hiệu lực toàn bộ",
    "Chưa có hiệu lực",
    "Ngưng hiệu lực",
    "Ngưng hiệu lực một phần",
    "Không còn phù hợp",
)


class SourcesError(PolicytrackError):
    """``sources.csv`` is malformed; the message lists every bad row and column."""


@dataclass(frozen=True)
class SourceEntry:
    doc_id: str
    number: str
    type: str
    title: str
    issuer: str
    issued: str
    in_force: str
    validity: str
    validity_as_of: str
    official_url: str
    in_corpus: str
    notes: str

    @property
    def year(self) -> int | None:
        m = re.search(r"/((?:19|20)\d\d)/", self.number) or re.match(r"((?:19|20)\d\d)", self.issued)
        return int(m.group(1)) if m else None


def _key(text: str) -> str:
    """Comparison key for titles: NFC, lower case, single spaces, no trailing year."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"\bnăm\s+\d{4}\b|\(\s*mẫu\s*\)", " ", text)
    return " ".join(text.split())


class SourceRegister:
    """The rows of ``sources.csv``, validated on load, with look-ups by id, number and name.

    >>> reg = SourceRegister.load()                          # doctest: +SKIP
    >>> reg.find_by_title("Luật", "BẢO VỆ MÔI TRƯỜNG").doc_id  # doctest: +SKIP
    '72/2020/QH14'
    """

    def __init__(self, entries: list[SourceEntry], path: str | None = None, digest: str = ""):
        self.entries = entries
        self.path = path
        #: SHA-256 of the file's bytes: cache keys of anything the register affects use it.
        self.digest = digest or hashlib.sha256(repr([tuple(e.__dict__.values()) for e in entries]).encode()).hexdigest()
        self._by_id = {e.doc_id: e for e in entries}
        self._by_number: dict[str, SourceEntry] | None = None

    @classmethod
    def load(cls, path: str | Path) -> SourceRegister:
        """Read and validate a ``sources.csv``; a missing file is an empty register.
        Raises ``SourcesError`` listing every bad row and column."""
        path = Path(path)
        if not path.exists():
            return cls([], str(path))
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise SourcesError(f"{path}: missing columns {', '.join(missing)}")
                rows = list(reader)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except UnicodeDecodeError as exc:
            raise SourcesError(f"{path}: not UTF-8 ({exc})") from exc
        problems, entries, seen = [], [], set()
        for line, row in enumerate(rows, start=2):
            values = {c: (row.get(c) or "").strip() for c in COLUMNS}
            if not values["doc_id"]:
                problems.append(f"row {line}: doc_id is empty")
            elif values["doc_id"] in seen:
                problems.append(f"row {line}: doc_id {values['doc_id']!r} repeated")
            seen.add(values["doc_id"])
            for col in ("issued", "in_force", "validity_as_of"):
                if values[col] and not is_iso_date(values[col]):
                    problems.append(f"row {line}, column {col}: {values[col]!r} is not a YYYY-MM-DD date")
            if values["validity"] and values["validity"] not in VALIDITY:
                problems.append(f"row {line}, column validity: {values['validity']!r} is not one of {', '.join(VALIDITY)}")
            entries.append(SourceEntry(**values))
        if problems:
            raise SourcesError(f"{path}: " + "; ".join(problems))
        return cls(entries, str(path), digest)

    @classmethod
    def find(cls, *candidates: str | Path) -> SourceRegister | None:
        """The register of the first candidate file that exists (``None`` when none does)."""
        for candidate in candidates:
            if Path(candidate).is_file():
                return cls.load(candidate)
        return None

    @classmethod
    def beside(cls, path: str | Path | None) -> SourceRegister:
        """The register in the same folder as ``path`` (a document file), or an empty one.
        An invalid register is reported as a warning and ignored: a document still parses."""
        if path is None:
            return _EMPTY
        folder = Path(path).parent
        return _beside(str(folder / FILE_NAME))

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, doc_id: str) -> SourceEntry | None:
        return self._by_id.get(doc_id)

    def by_number(self, number: str) -> SourceEntry | None:
        """The entry whose id is this number in any spelling (``ND-CP`` = ``NĐ-CP``)."""
        if self._by_number is None:
            self._by_number = {}
            for e in self.entries:
                self._by_number.setdefault(number_key(e.doc_id), e)
        return self._by_number.get(number_key(number))

    def find_by_title(self, doc_type: str | None, title: str | None, year: int | None = None) -> SourceEntry | None:
        """The one entry of this type whose title is ``<type> <title>``; ``None`` if none or
        several match (an ambiguous name is never guessed)."""
        if not title:
            return None
        wanted = {_key(title), _key(f"{doc_type or ''} {title}")}
        hits = [
            e for e in self.entries
            if _key(e.title) in wanted and (not doc_type or e.type.lower() == doc_type.lower())
        ]
        if year is not None:
            hits = [e for e in hits if e.year == year] or hits
        return hits[0] if len(hits) == 1 else None

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.entries], columns=list(COLUMNS))


_EMPTY = SourceRegister([], None)


def _beside(path: str) -> SourceRegister:
    """``SourceRegister.load(path)`` remembered while the file is unchanged (size and time)."""
    try:
        st = os.stat(path)
    except OSError:
        return _EMPTY
    stamp = (st.st_size, st.st_mtime_ns)
    known = _BESIDE.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        register = SourceRegister.load(path)
    except SourcesError as exc:
        logging.getLogger(__name__).warning("ignoring the sources register: %s", exc)
        register = _EMPTY
    _BESIDE[path] = (stamp, register)
    return register


_BESIDE: dict[str, tuple[tuple[int, int], SourceRegister]] = {}
