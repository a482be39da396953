"""The register of recommendations: load, validate, track status with history, save safely.

>>> reg = Register.load("recommendations.csv")                      # doctest: +SKIP
>>> reg.set_status("R07", "in_draft", evidence="luat-...@du-thao-2:d14",
...                who="liaison", note="reuse article added")     # doctest: +SKIP
>>> reg.save()                                                      # doctest: +SKIP

Validation reports every bad row and column in one error and writes nothing. Every status
change is appended to a history file beside the register (``<name>_history.csv``); the
register's status is always the history's last word.

A save is one transaction, serialised with other processes by a lock file beside the
register (``<name>.csv.lock``): under the lock it checks that neither file changed on disk
since the load, writes a journal (``<name>.csv.journal``: what both files become), then the
history, then the register (the previous version kept as ``<name>.csv.bak``), then removes
the journal. A save interrupted after its journal was written is finished by the next load
or save, which says so in ``warnings``; one interrupted before changed nothing, and its
temporary files are removed. See docs/RELIABILITY.md, "The register".

Hand-edited files are read with care: extra columns are kept, in order; a row csv cannot
read, a row with the wrong number of values and a value that swallowed the next rows (a
stray quote) are reported by line (``RegisterProblem``), never dropped silently. A workbook
edited in Excel (``Register.load("reports/register.xlsx")``) is read back by its headers,
checked the same way by row, and applied to the register CSV it was exported from; its
status changes go through the history (``Register._load_workbook``).
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
import unicodedata
import uuid
import warnings as _warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ._files import atomic_write, fsync_folder, temporary_files
from .ids import is_iso_date
from .model import PolicytrackError
from .sources import FILE_NAME, SourceRegister
from .tagging import TOPICS
from .vocab import DATA, DataFileError, read_yaml

__all__ = [
    "COLUMNS",
    "DERIVED_COLUMNS",
    "HISTORY_COLUMNS",
    "REGISTER_PROPERTY",
    "LOCK_TIMEOUT",
    "RecommendationRow",
    "Register",
    "RegisterError",
    "RegisterProblem",
    "RegisterRecovered",
    "StatusVocabulary",
    "append_csv",
    "load_statuses",
]

STATUSES_PATH = DATA / "statuses.yaml"

COLUMNS = (
    "id", "title", "text_vi", "summary_en", "theme", "topics", "target_document", "target_provisions",
    "status", "status_date", "evidence", "responsible_body", "source", "provenance", "notes",
)
HISTORY_COLUMNS = ("when", "id", "document_version", "old_status", "new_status", "evidence", "who", "note")
#: Columns an export computes (``policytrack.report.exports``); a workbook read back leaves them out.
DERIVED_COLUMNS = ("status_label", "last_change", "linked_provisions", "suggested_provisions")
#: The workbook property naming the register CSV an Excel export was made from.
REGISTER_PROPERTY = "policytrack register"
#: Files ``Register.load`` reads as an Excel workbook.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Seconds a save (or a load that must finish an interrupted save) waits for the lock.
LOCK_TIMEOUT = 60.0
_ID = re.compile(r"^R\d{2,3}$")
_BOM = "\ufeff"


@dataclass(frozen=True)
class RegisterProblem:
    """One thing wrong in the register or its history, and where: the file, the line its row
    starts on (0: the file as a whole), the column ('' for the whole row) and the reason.
    ``row`` is the recommendation id of a register row ('' when it has none), ``None`` for a
    line that is not read as a register row."""

    file: str
    line: int
    column: str
    reason: str
    row: str | None = None

    def describe(self, within: str | None = None) -> str:
        """One line; the file is left out when it is ``within`` (the file an error names)."""
        parts = [] if within == self.file else [self.file]
        if self.line and self.row is not None:
            parts.append(f"row {self.line} ({self.row or 'no id'})")
        elif self.line:
            parts.append(f"line {self.line}")
        where = " ".join(parts)
        if self.column:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        return f"{where}: {self.reason}" if where else self.reason

    def __str__(self) -> str:
        return self.describe()


class RegisterError(PolicytrackError):
    """The register (or a change to it) is invalid; ``problems`` lists every one as text,
    ``records`` as ``RegisterProblem`` (file, line, column, reason)."""

    def __init__(self, path: object, problems: list[str | RegisterProblem]):
        self.path = str(path)
        self.records = [p if isinstance(p, RegisterProblem) else RegisterProblem(self.path, 0, "", p)
                        for p in problems]
        self.problems = [p.describe(within=self.path) for p in self.records]
        super().__init__(f"{path}: {len(problems)} problem(s):\n  - " + "\n  - ".join(self.problems))


class RegisterRecovered(UserWarning):
    """A load or save found an interrupted save and finished it (or cleaned up after it)."""


@dataclass
class StatusVocabulary:
    """Statuses with labels, definitions and the transitions allowed between them."""

    statuses: dict[str, dict]
    funnel: list[dict] = field(default_factory=list)  # stages of the adoption funnel chart

    def __contains__(self, status: object) -> bool:
        return status in self.statuses

    def allowed(self, old: str, new: str) -> bool:
        return old == new or new in self.statuses.get(old, {}).get("next", [])

    def requires_evidence(self, status: str) -> bool:
        return bool(self.statuses.get(status, {}).get("requires_evidence", status != "proposed"))

    def label(self, status: str, lang: str = "vi") -> str:
        return self.statuses.get(status, {}).get(f"label_{lang}", status)


def load_statuses(path: str | Path = STATUSES_PATH) -> StatusVocabulary:
    """Read and check ``statuses.yaml`` (labels, definitions, transitions to known statuses)."""
    data = read_yaml(path)
    statuses = data.get("statuses") if isinstance(data, dict) else None
    if not isinstance(statuses, dict) or not statuses:
        raise DataFileError(path, "", "expected a 'statuses' mapping")
    problems = []
    for name, entry in statuses.items():
        if not isinstance(entry, dict):
            problems.append(f"status '{name}' must be a mapping")
            continue
        for key in ("label_vi", "label_en", "definition"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"status '{name}' needs a non-empty '{key}'")
        for nxt in entry.get("next") or []:
            if nxt not in statuses:
                problems.append(f"status '{name}': next status '{nxt}' is not defined")
    if "proposed" not in statuses:
        problems.append("the vocabulary needs the status 'proposed'")
    funnel = data.get("funnel") or []
    if not isinstance(funnel, list):
        problems.append("'funnel' must be a list of stages")
        funnel = []
    for n, stage in enumerate(funnel, 1):
        if not isinstance(stage, dict):
            problems.append(f"funnel stage {n} must be a mapping")
            continue
        for key in ("label_vi", "label_en"):
            if not isinstance(stage.get(key), str) or not stage[key].strip():
                problems.append(f"funnel stage {n} needs a non-empty '{key}'")
        members = stage.get("statuses")
        if not isinstance(members, list) or not members:
            problems.append(f"funnel stage {n} needs a list of 'statuses'")
        else:
            problems.extend(f"funnel stage {n}: status '{s}' is not defined" for s in members if s not in statuses)
    if problems:
        raise DataFileError(path, "", "; ".join(problems))
    return StatusVocabulary(statuses, funnel)


class RecommendationRow(BaseModel):
    """The schema of one register row (pydantic). Cross-row and cross-file checks (unique
    ids, target documents in ``sources.csv``, citations the grammar reads) are in
    ``Register.validate``. The status vocabulary comes in through the validation context."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^R\d{2,3}$")
    title: str = Field(min_length=1)
    text_vi: str = Field(min_length=1)
    summary_en: str = ""
    theme: str = ""
    topics: str = ""
    target_document: str = ""
    target_provisions: str = ""
    status: str
    status_date: str = ""
    evidence: str = ""
    responsible_body: str = ""
    source: str = Field(min_length=1)
    provenance: Literal["documented", "illustrative"]
    notes: str = ""

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: str) -> str:
        for topic in filter(None, (t.strip() for t in value.split(";"))):
            if topic not in TOPICS:
                raise ValueError(f"{topic!r} is not one of {', '.join(TOPICS)}")
        return value

    @field_validator("status_date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        if value and not is_iso_date(value):
            raise ValueError(f"{value!r} is not a YYYY-MM-DD date")
        return value

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str, info: ValidationInfo) -> str:
        vocab = (info.context or {}).get("statuses")
        if vocab is not None and value not in vocab:
            raise ValueError(f"{value!r} is not a known status ({', '.join(vocab.statuses)})")
        return value

    @model_validator(mode="after")
    def _evidence_for_status(self, info: ValidationInfo) -> RecommendationRow:
        vocab = (info.context or {}).get("statuses")
        if vocab is not None and self.status in vocab and vocab.requires_evidence(self.status) and not self.evidence:
            raise ValueError(f"evidence: status {self.status} needs evidence (a provision id or a dated source)")
        return self


#: pydantic's own messages, said the project's way (and so translated for the dashboard by
#: ``data/dashboard_labels.yaml``); our validators' messages pass through as written.
_SCHEMA_MESSAGES = {
    "string_too_short": "is empty, a value is required",
    "missing": "is missing, a value is required",
    "string_pattern_mismatch": "{value} is not an id of the form R01 (R and two or three digits)",
    "literal_error": "{value} is neither documented nor illustrative",
    "string_type": "{value} is not text",
    "extra_forbidden": "is not a column of the register",
}


def _schema_problems(row: dict[str, str], file: str, line: int, statuses: StatusVocabulary) -> list[RegisterProblem]:
    try:
        RecommendationRow.model_validate({c: row.get(c, "") for c in COLUMNS}, context={"statuses": statuses})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            column = ".".join(str(p) for p in err["loc"])
            known = _SCHEMA_MESSAGES.get(err["type"])
            message = known.format(value=repr(err.get("input"))) if known else err["msg"]
            message = message.removeprefix("Value error, ")
            if not column and message.startswith("evidence: "):
                column, message = "evidence", message.removeprefix("evidence: ")
            problems.append(RegisterProblem(file, line, column or "row", message, row.get("id", "")))
        return problems
    return []


@dataclass
class Register:
    """The recommendations as rows (dicts of the CSV columns, extra columns included), with
    their status history."""

    rows: list[dict[str, str]]
    path: Path | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    statuses: StatusVocabulary = field(default_factory=load_statuses)
    warnings: list[str] = field(default_factory=list)
    #: The register of reference documents target documents are checked against.
    sources: SourceRegister | None = None
    #: The columns in the file's order (extra columns a person added included).
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))
    #: What loading noticed and read around (history lines not applied, a legacy encoding…).
    problems: list[RegisterProblem] = field(default_factory=list)
    _loaded_digest: str | None = None
    _history_digest: str | None = None
    _pending: list[dict[str, str]] = field(default_factory=list)
    _lines: list[int] = field(default_factory=list)  # the line each row starts on in the file
    _bom: bool = False
    _unfinished: _Journal | None = None  # a save that failed after its journal was written

    # --- loading and validation ------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, *, sources=None, statuses: StatusVocabulary | None = None,
             save_to: str | Path | None = None, who: str | None = None) -> Register:
        """Read and validate a register CSV (and its history file, when present), or a
        workbook edited in Excel (``.xlsx``: see ``_load_workbook``; ``save_to`` and ``who``
        apply to a workbook only).

        ``sources`` is the ``SourceRegister`` target documents are checked against (default:
        ``corpus/sources.csv`` beside the register, else ``sources.csv`` beside it; with
        neither, target documents are not checked and a warning says so). The same
        register is used again by ``save()``. An interrupted save found beside it is first
        finished (a ``RegisterRecovered`` warning and an entry in ``warnings`` say what).
        Raises ``RegisterError`` listing every problem, each with its line.
        """
        path = Path(path)
        statuses = statuses or load_statuses()
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            return cls._load_workbook(path, sources=sources, statuses=statuses, save_to=save_to, who=who)
        snapshot = _Store(path).read()
        text, bom = _register_text(path, snapshot.register)
        table = _read_table(text, str(path))
        missing = [c for c in COLUMNS if c not in table.columns]
        if missing and not table.header_problems:
            table.header_problems.append(RegisterProblem(str(path), 0, "", f"missing column(s): {', '.join(missing)}"))
        if table.header_problems:
            raise RegisterError(path, table.header_problems)
        rows = [{c: (rec[c].strip() if c in COLUMNS else rec[c]) for c in table.columns} for _, rec in table.records]
        if sources is None:
            sources = _sources_near(path)
        register = cls(rows, path, statuses=statuses, sources=sources, columns=table.columns,
                       _lines=[line for line, _ in table.records], _bom=bom)
        history = _parse_history(_Store(path).history, snapshot.history, statuses)
        problems = table.problems + history.fatal + register._problems()
        if problems:
            raise RegisterError(path, problems)
        if sources is None:
            register.warnings.append(f"{path}: no sources.csv found beside it (or in corpus/): "
                                     "target documents were not checked")
        register._loaded_digest = _digest(snapshot.register)
        register._history_digest = _digest(snapshot.history or b"")
        register.history = history.entries
        register.problems = table.notes + history.notes
        register.warnings.extend(snapshot.recovered)
        register.warnings.extend(p.describe() for p in register.problems)
        register._apply_history()
        for message in snapshot.recovered:
            _warnings.warn(message, RegisterRecovered, stacklevel=2)
        return register

    @classmethod
    def _load_workbook(cls, path: Path, *, sources, statuses: StatusVocabulary, save_to: str | Path | None,
                       who: str | None) -> Register:
        """The register as edited in Excel: the sheet "register" (else the first), read by
        its headers (Vietnamese, English or the column names), dates and numbers turned back
        into the register's text, and checked exactly like the CSV, every problem named by
        the workbook's row. The result is the register CSV the workbook applies to (its
        target: ``save_to``, else the register the export names, else ``<name>.csv`` beside
        the workbook) with the edits made: a changed status goes through ``set_status`` (so
        ``save()`` appends it to the history), every other column is taken as it is, a new
        id is a new row, and a row left out of the workbook is kept (with a warning). The
        workbook itself is never written."""
        sheet = _read_workbook(path)
        target = _workbook_target(path, save_to, sheet.register)
        sources = sources if sources is not None else _sources_near(target)
        base = cls.load(target, sources=sources, statuses=statuses) if target.exists() else None
        before = {row["id"]: row["status"] for row in base.rows} if base is not None else {}
        problems = list(sheet.problems)
        for line, record in sheet.records:
            why = _reconcile_status(record, before.get(record["id"]), statuses)
            if why:
                problems.append(RegisterProblem(str(path), line, "status", why, record["id"]))
        records = [(line, {c: v for c, v in r.items() if c not in DERIVED_COLUMNS}) for line, r in sheet.records]
        rows = [record for _, record in records]
        edited = cls(rows, path, statuses=statuses, sources=sources, columns=sheet.columns,
                     _lines=[line for line, _ in records])
        problems += edited._problems()
        changes = _status_changes(records, base, str(path), statuses) if base is not None else []
        if problems or any(isinstance(c, RegisterProblem) for c in changes):
            raise RegisterError(path, problems + [c for c in changes if isinstance(c, RegisterProblem)])
        if base is None:
            edited.path, edited._lines = target, []
            edited.warnings.append(f"{target} does not exist: the workbook's rows are the register, with no history")
            return edited
        base._take_edits(rows, sheet.columns, changes, who or sheet.author or f"Excel ({path.name})",
                         f"edited in {path.name}")
        return base

    def _take_edits(self, rows: list[dict[str, str]], columns: list[str], changes: list[tuple[str, str, str]],
                    who: str, note: str) -> None:
        """Put a workbook's rows (already checked) into this register: columns as they are,
        each status change ``(id, status, when)`` through ``set_status``."""
        self.columns += [c for c in columns if c not in self.columns]
        known = {row["id"]: row for row in self.rows}
        for row in rows:
            if row["id"] not in known:
                self.rows.append(dict(row))
                continue
            current = known[row["id"]]
            current.update({c: v for c, v in row.items() if c != "status"})
        for rec_id, status, when in changes:
            self.set_status(rec_id, status, evidence=known[rec_id]["evidence"], who=who, note=note, when=when)
        missing = sorted(set(known) - {row["id"] for row in rows})
        if missing:
            self.warnings.append(f"not in the workbook, kept as they are: {', '.join(missing)}")

    @property
    def history_path(self) -> Path | None:
        return _Store(self.path).history if self.path else None

    def validate(self) -> None:
        """Check every row; raise one ``RegisterError`` listing every bad row and column.
        Target documents are checked against ``self.sources`` (when there is one)."""
        problems = self._problems()
        if problems:
            raise RegisterError(self.path or "register", problems)

    def _problems(self) -> list[RegisterProblem]:
        """Every problem of every row (schema, repeated ids, target documents, citations)."""
        known_docs = {e.doc_id for e in self.sources.entries} if self.sources is not None else None
        problems: list[RegisterProblem] = []
        seen: dict[str, int] = {}
        for n, row in enumerate(self.rows):
            line = self._lines[n] if n < len(self._lines) else n + 2
            problems.extend(_schema_problems(row, str(self.path or "register"), line, self.statuses))
            problems.extend(self._cross_problems(row, line, seen, known_docs))
            seen.setdefault(row.get("id", ""), line)
        return problems

    def _cross_problems(self, row: dict[str, str], line: int, seen: dict[str, int],
                        known_docs: set[str] | None) -> list[RegisterProblem]:
        """What one row's schema cannot say: a repeated id, an unknown target document, target
        provisions the citation grammar does not read."""
        from .citations import find_references

        found: list[tuple[str, str]] = []
        rec_id = row.get("id", "")
        if _ID.match(rec_id) and rec_id in seen:
            found.append(("id", f"{rec_id} repeats row {seen[rec_id]}"))
        target = row.get("target_document", "")
        if target and known_docs is not None and target not in known_docs:
            found.append(("target_document", f"{target!r} is not in {self.sources.path or 'the sources register'}"))
        for part in filter(None, (p.strip() for p in row.get("target_provisions", "").split(";"))):
            # "tại" in front, so a bare "Điều 9" reads as a citation, not a heading
            refs = find_references(f"tại {part}")
            covered = sum(r.end - r.start for r in refs)
            if not refs or covered < len(part) * 0.6:
                found.append(("target_provisions", (f"{part!r} is not a citation the grammar understands "
                                                   "(e.g. 'khoản 3 Điều 8; Điều 9')")))
        file = str(self.path or "register")
        return [RegisterProblem(file, line, column, reason, rec_id) for column, reason in found]

    def _apply_history(self) -> None:
        """The current status is the history's last word; the CSV is corrected (with a
        warning) when someone edited the status column by hand."""
        last: dict[str, dict[str, str]] = {}
        for entry in self.history:
            last[entry["id"]] = entry
        for row in self.rows:
            entry = last.get(row["id"])
            if entry and row["status"] != entry["new_status"]:
                self.warnings.append(
                    f"{row['id']}: the register says {row['status']!r} but its history's last word is "
                    f"{entry['new_status']!r} ({entry['when']}); using the history")
                row["status"], row["evidence"] = entry["new_status"], entry["evidence"]
                row["status_date"] = entry["when"][:10]

    # --- access ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, rec_id: str) -> dict[str, str]:
        for row in self.rows:
            if row["id"] == rec_id:
                return row
        raise KeyError(rec_id)

    def to_frame(self):
        """The rows as a DataFrame: the standard columns, then the extra ones in file order."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(COLUMNS) + [c for c in self._columns() if c not in COLUMNS])

    def history_frame(self):
        import pandas as pd

        return pd.DataFrame(self.history, columns=list(HISTORY_COLUMNS))

    # --- changes -----------------------------------------------------------------------------
    def set_status(self, rec_id: str, status: str, *, evidence: str = "", who: str, note: str = "",
                   document_version: str = "", when: str | None = None) -> dict[str, str]:
        """Change a recommendation's status, checked against the vocabulary's transitions;
        the change is appended to the history on the next ``save()``."""
        row = self[rec_id]
        problems = []
        if status not in self.statuses:
            problems.append(f"{rec_id}: {status!r} is not a known status")
        elif not self.statuses.allowed(row["status"], status):
            allowed = ", ".join(self.statuses.statuses[row["status"]].get("next", [])) or "none"
            problems.append(f"{rec_id}: {row['status']} → {status} is not an allowed transition (allowed: {allowed})")
        if status in self.statuses and self.statuses.requires_evidence(status) and not evidence:
            problems.append(f"{rec_id}: status {status} needs evidence (a provision id or a dated source)")
        if not who:
            problems.append(f"{rec_id}: say who made the change")
        if problems:
            raise RegisterError(self.path or "register", problems)
        when = when or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        entry = {"when": when, "id": rec_id, "document_version": document_version, "old_status": row["status"],
                 "new_status": status, "evidence": evidence, "who": who, "note": note}
        row.update(status=status, evidence=evidence, status_date=when[:10])
        self.history.append(entry)
        self._pending.append(entry)
        return entry

    def save(self, path: str | Path | None = None, *, force: bool = False, timeout: float = LOCK_TIMEOUT) -> Path:
        """Write the pending history entries and the register as one transaction (see the
        module's docstring), under the lock beside the register (waiting up to ``timeout``
        seconds for another save). Refuses when the register or its history changed on disk
        since it was loaded (``force=True`` overrides: the other history entries are kept),
        and writes nothing when the rows are invalid. After a failed save (a full disk),
        calling ``save()`` again is safe: nothing is lost or written twice."""
        target = Path(path) if path else self.path
        if target is None:
            raise RegisterError("register", ["no path to save to"])
        if target.suffix.lower() in WORKBOOK_SUFFIXES:
            raise RegisterError(target, ["a register is saved as CSV, never over a workbook: give a .csv path"])
        self.validate()
        store = _Store(target)
        with store.locked(timeout):
            try:
                recovered = store.recover()
            except OSError as exc:
                raise RegisterError(target, [(f"could not finish an interrupted save ({_reason(exc)}); nothing of this "
                                              "save was written: free the space or fix the cause, then save again")]) from exc
            self._adopt_unfinished(store)
            if target == self.path and not force:
                self._check_unchanged(store)
            journal = self._journal(store)
            try:
                store.commit(journal)
            except _NotCommitted as exc:
                raise RegisterError(target, [(f"could not save ({_reason(exc.__cause__)}); nothing was changed: "
                                              "free the space or fix the cause, then save again")]) from exc.__cause__
            except OSError as exc:
                self._unfinished = journal
                raise RegisterError(target, [(f"could not finish saving ({_reason(exc)}); the change is kept in "
                                              f"{store.journal.name} and is finished by the next save() or load")]) from exc
        self._saved(target, journal)
        for message in recovered:
            self.warnings.append(message)
            _warnings.warn(message, RegisterRecovered, stacklevel=2)
        return target

    # --- saving, step by step ----------------------------------------------------------------
    def _columns(self) -> list[str]:
        """The file's columns, then any standard one it lacks, then keys a caller added to rows."""
        columns = list(self.columns) + [c for c in COLUMNS if c not in self.columns]
        for row in self.rows:
            columns.extend(k for k in row if k not in columns)
        return columns

    def _csv_text(self) -> str:
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=self._columns(), restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return (_BOM if self._bom else "") + buffer.getvalue()

    def _adopt_unfinished(self, store: _Store) -> None:
        """A save of ours that failed after its journal was written has since been finished
        (by ``recover``, here or in another process): its entries are no longer pending."""
        journal, self._unfinished = self._unfinished, None
        if journal is None:
            return
        if (_digest(store.read_register()) == _digest(journal.register_new.encode("utf-8"))
                and _digest(store.read_history() or b"") == journal.history_digest()):
            self._loaded_digest, self._history_digest = _digest(journal.register_new.encode("utf-8")), journal.history_digest()
            self._pending = self._pending[len(journal.entries):]

    def _check_unchanged(self, store: _Store) -> None:
        register = store.read_register()
        history = store.read_history()
        changed = []
        if register is not None and self._loaded_digest is not None and _digest(register) != self._loaded_digest:
            changed.append(store.path.name)
        if self._history_digest is not None and _digest(history or b"") != self._history_digest:
            changed.append(store.history.name)
        if changed:
            raise RegisterError(store.path, [(f"{' and '.join(changed)} changed on disk since it was loaded (another "
                                              "save?); reload it and make the change again, or save(force=True) to "
                                              "overwrite the other change")])

    def _journal(self, store: _Store) -> _Journal:
        old_register = store.read_register()
        old_history = store.read_history()
        history_new, legacy = (_history_text(old_history, self._pending) if self._pending
                               else (None, False))
        return _Journal(txn=uuid.uuid4().hex, started=_now(), pid=os.getpid(),
                        register_old=_digest(old_register) if old_register is not None else "",
                        register_new=self._csv_text(),
                        history_old=_digest(old_history or b""), history_new=history_new,
                        entries=list(self._pending), keep_old_history=legacy)

    def _saved(self, target: Path, journal: _Journal) -> None:
        self._pending = []
        self.path = target
        self._loaded_digest = _digest(journal.register_new.encode("utf-8"))
        self._history_digest = journal.history_digest()
        self._lines = []  # the file was rewritten: rows are numbered by position from now on


# --- the files of one register -------------------------------------------------------------------

class _NotCommitted(Exception):
    """The journal could not be written: nothing of the save reached the register or history."""


@dataclass
class _Journal:
    """A save in progress: what the history and the register become. It is written (atomically)
    before either file is touched; once it is on disk the save is committed, and whoever finds
    it finishes it. ``history_new`` is ``None`` when the history does not change."""

    txn: str
    started: str
    pid: int
    register_old: str  # sha256 of the register before the save ('' when there was none)
    register_new: str
    history_old: str  # sha256 of the history before the save (of b'' when there was none)
    history_new: str | None
    entries: list[dict[str, str]]
    keep_old_history: bool = False  # a legacy-encoded history, rewritten in UTF-8: keep the original

    def history_digest(self) -> str:
        return self.history_old if self.history_new is None else _digest(self.history_new.encode("utf-8"))

    @classmethod
    def parse(cls, data: bytes) -> _Journal:
        return cls(**json.loads(data.decode("utf-8")))


@dataclass
class _Snapshot:
    """The register's and the history's bytes as read together (``None``: no history file),
    and what was recovered first."""

    register: bytes
    history: bytes | None
    recovered: list[str]


@dataclass
class _Store:
    """The files of one register: the CSV, its history, the journal of a save in progress,
    the previous version and the lock that serialises saves."""

    path: Path

    @property
    def history(self) -> Path:
        return self.path.with_name(self.path.stem + "_history.csv")

    @property
    def journal(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    @property
    def backup(self) -> Path:
        return self.path.with_name(self.path.name + ".bak")

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the lock file beside the register; a clear error when it cannot be had."""
        with _file_lock(self.lock_path, timeout, self.path):
            yield

    def read_register(self) -> bytes | None:
        return self.path.read_bytes() if self.path.is_file() else None

    def read_history(self) -> bytes | None:
        if self.history.is_dir():
            raise RegisterError(self.history, [("is a folder, not a file: the history must be a CSV file; "
                                                "rename or move the folder")])
        return self.history.read_bytes() if self.history.exists() else None

    def leftovers(self) -> list[Path]:
        """Temporary files of interrupted writes of the register, its history, backup or journal."""
        files = (self.path, self.history, self.backup, self.journal, self._legacy_copy())
        return [t for p in files for t in temporary_files(p)]

    def read(self) -> _Snapshot:
        """Both files, consistent with each other. Without the lock when no save is in
        progress or interrupted (a load never waits, and a read-only folder can be read);
        with it, after finishing what an interrupted save left, otherwise."""
        for _ in range(3):
            if self.journal.exists() or self.leftovers():
                break
            snapshot = self._read_files([])
            # A save writes the journal before the history, and the register last: if the
            # journal is still absent and the register unchanged, both were read from one state.
            if not self.journal.exists() and _digest(self.read_register() or b"") == _digest(snapshot.register):
                return snapshot
        with self.locked():
            try:
                recovered = self.recover()
            except OSError as exc:
                raise RegisterError(self.path, [(f"could not finish an interrupted save ({_reason(exc)}); free the "
                                                 "space or fix the cause, then load again")]) from exc
            return self._read_files(recovered)

    def _read_files(self, recovered: list[str]) -> _Snapshot:
        try:
            register = self.path.read_bytes()
        except OSError as exc:
            raise RegisterError(self.path, [f"cannot read: {exc.strerror or exc}"]) from exc
        try:
            history = self.read_history()
        except OSError as exc:
            raise RegisterError(self.history, [f"cannot read: {exc.strerror or exc}"]) from exc
        return _Snapshot(register, history, recovered)

    def recover(self) -> list[str]:
        """Finish an interrupted save and remove what interrupted writes left; under the lock.
        Returns what was done, in words."""
        messages = []
        if self.journal.exists():
            try:
                journal = _Journal.parse(self.journal.read_bytes())
            except (ValueError, TypeError, UnicodeDecodeError) as exc:
                # written atomically, so only a hand edit makes it unreadable: nothing of it was applied
                self.journal.unlink()
                messages.append(f"{self.path}: removed an unreadable journal {self.journal.name} ({exc}); "
                                "the register and history were not touched by it")
            else:
                notes = self.apply(journal)
                fsync_folder(self.path.parent)
                self.journal.unlink()
                ids = ", ".join(sorted({e["id"] for e in journal.entries})) or "no status change"
                messages.append(f"{self.path}: finished a save interrupted on {journal.started} (process "
                                f"{journal.pid}): {len(journal.entries)} history entr{'y' if len(journal.entries) == 1 else 'ies'} "
                                f"({ids}) and the register written" + "".join(f"; {n}" for n in notes))
        leftovers = self.leftovers()
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        if leftovers:
            messages.append(f"{self.path}: removed {len(leftovers)} temporary file(s) left by an interrupted save "
                            f"({', '.join(p.name for p in leftovers)}); nothing of them had been written in place")
        return messages

    def commit(self, journal: _Journal) -> None:
        """Write the journal (the commit point), then the history, then the register."""
        try:
            atomic_write(self.journal, json.dumps(asdict(journal), ensure_ascii=False))
            fsync_folder(self.path.parent)
        except OSError as exc:
            raise _NotCommitted() from exc
        self.apply(journal)
        fsync_folder(self.path.parent)
        self.journal.unlink()

    def apply(self, journal: _Journal) -> list[str]:
        """Bring the history, then the register, to what the journal says; each step is
        skipped when already done, so applying twice is applying once. Returns notes on
        files someone edited meanwhile (kept, never overwritten)."""
        notes = []
        history = self.read_history()
        if journal.history_new is not None and _digest(history or b"") != journal.history_digest():
            if _digest(history or b"") == journal.history_old:
                if journal.keep_old_history and history is not None:
                    atomic_write(self._legacy_copy(), history)
                atomic_write(self.history, journal.history_new)
            else:  # edited after the journal was written: its entries go after what is there now
                atomic_write(self.history, _history_text(history, journal.entries)[0])
                notes.append(f"{self.history.name} had changed meanwhile: the entries were added after its last line")
        register = self.read_register()
        new = journal.register_new.encode("utf-8")
        if register != new:
            if register is None or _digest(register) == journal.register_old:
                if register is not None:
                    atomic_write(self.backup, register)
                atomic_write(self.path, new)
            else:
                kept = self.path.with_name(f"{self.path.stem}.recovered{self.path.suffix}")
                atomic_write(kept, new)
                notes.append(f"{self.path.name} had been edited meanwhile and is kept as it is; the interrupted "
                             f"save's version is in {kept.name}")
        return notes

    def _legacy_copy(self) -> Path:
        return self.history.with_name(self.history.name + ".legacy.bak")


@contextmanager
def _file_lock(lock_path: Path, timeout: float, owner: Path) -> Iterator[None]:
    """``filelock`` on ``lock_path``, its failures as ``RegisterError`` naming ``owner``."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise RegisterError(owner, [(f"another save has held {lock_path.name} for over {timeout:g} s; try again, or "
                                     "delete the lock file if no policytrack process is running")]) from exc
    except OSError as exc:
        raise RegisterError(owner, [(f"cannot create the lock file {lock_path.name} ({_reason(exc)}): the folder "
                                     "must be writable to save or to finish an interrupted save")]) from exc
    try:
        yield
    finally:
        lock.release()


# --- reading a workbook edited in Excel ----------------------------------------------------------

@dataclass
class _Sheet:
    """The register sheet of a workbook as read: columns, records by row number, problems,
    the register CSV the export names (``None``: none) and who last saved the workbook."""

    columns: list[str]
    records: list[tuple[int, dict[str, str]]]
    problems: list[RegisterProblem]
    register: str | None
    author: str


def _open_workbook(path: Path):
    """The workbook with the values Excel computed (a formula cell reads as its result)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=True)
    except OSError as exc:
        raise RegisterError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise RegisterError(path, [f"not an Excel workbook that can be read ({exc}); save it as .xlsx"]) from exc


def _read_workbook(path: Path) -> _Sheet:
    """Read the sheet "register" (else the first) by its headers; see ``Register._load_workbook``."""
    from .vocab import load_column_labels

    book = _open_workbook(path)
    ws = book["register"] if "register" in book.sheetnames else book.worksheets[0]
    labels, file = load_column_labels(), str(path)
    values = ws.iter_rows(values_only=True)
    header = [labels.column("register", _cell_text(v)) if _cell_text(v) else "" for v in next(values, ())]
    problems = _header_problems(header, file, 1)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        problems.append(RegisterProblem(file, 1, "", f"missing column(s): {', '.join(missing)} (sheet {ws.title!r})"))
    records = []
    if not problems:
        for line, cells in enumerate(values, start=2):
            texts = [_cell_text(v, name == "status_date") for name, v in zip(header + [""] * len(cells), cells)]
            if not any(t.strip() for t in texts):
                continue  # an empty (formatted) row
            if any(t.strip() for name, t in zip(header + [""] * len(cells), texts) if not name):
                problems.append(RegisterProblem(file, line, "", "a value in a column without a header: name the column"))
                continue
            record = {name: text for name, text in zip(header, texts) if name}
            record.update({c: record.get(c, "").strip() for c in COLUMNS})
            records.append((line, record))
    columns = [c for c in header if c and c not in DERIVED_COLUMNS]
    prop = book.custom_doc_props[REGISTER_PROPERTY] if REGISTER_PROPERTY in book.custom_doc_props.names else None
    return _Sheet(columns, records, problems, str(prop.value) if prop is not None else None,
                  (book.properties.lastModifiedBy or "").strip())


def _cell_text(value: object, is_date: bool = False) -> str:
    """A cell's value as the register writes it: a date as YYYY-MM-DD (with its time when it
    has one), a whole number without ``.0``; in a date column, a text ``dd/mm/yyyy`` (how
    dates are written in Vietnam) as YYYY-MM-DD too."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(timespec="seconds")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if is_date:
        match = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            candidate = f"{year:04d}-{month:02d}-{day:02d}"
            return candidate if is_iso_date(candidate) else text
    return text


def _status_code(text: str, statuses: StatusVocabulary) -> str:
    """A status as a person may write it in Excel, its key or its label in either
    language, as its key; anything else as it is (validation names it)."""
    from .vocab import header_key

    if text in statuses:
        return text
    for name, entry in statuses.statuses.items():
        if header_key(text) in {header_key(entry.get("label_vi", "")), header_key(entry.get("label_en", "")),
                                header_key(name)}:
            return name
    return text


def _reconcile_status(record: dict[str, str], before: str | None, statuses: StatusVocabulary) -> str | None:
    """Settle the status of a workbook row from its status column and its label column
    (the one a person sees first): the one changed since the export (``before``: the
    register's status) wins; both changed to different statuses is a problem."""
    code = record["status"] = _status_code(record["status"], statuses)
    label = (record.get("status_label") or "").strip()
    shown = _status_code(label, statuses) if label else code
    if shown == code:
        return None
    if shown not in statuses:
        return f"the status label {label!r} is not a known status"
    if code == before:  # only the label was changed
        record["status"] = shown
        return None
    if shown == before:  # only the status column was changed; the label is as exported
        return None
    return f"the status column says {code!r} but the label column says {label!r}: change one so they agree"


def _workbook_target(path: Path, save_to: str | Path | None, recorded: str | None) -> Path:
    """Where a workbook's register is saved (a CSV, never the workbook)."""
    if save_to is not None:
        target = Path(save_to)
    elif recorded and Path(recorded).is_file():
        target = Path(recorded)
    else:
        target = path.with_suffix(".csv")
    if target.suffix.lower() in WORKBOOK_SUFFIXES:
        raise RegisterError(path, [f"save_to {target} is a workbook: a register is saved as CSV"])
    return target


def _status_changes(records: list[tuple[int, dict[str, str]]], base: Register, file: str,
                    statuses: StatusVocabulary) -> list[tuple[str, str, str | None] | RegisterProblem]:
    """Each status the workbook changes, as (id, new status, when: the status date typed
    with it, else ``None`` for now), or the problem of a transition the vocabulary refuses."""
    known = {row["id"]: row for row in base.rows}
    out: list[tuple[str, str, str | None] | RegisterProblem] = []
    for line, record in records:
        old = known.get(record["id"])
        if old is None or record["status"] == old["status"]:
            continue
        if not statuses.allowed(old["status"], record["status"]):
            allowed = ", ".join(statuses.statuses[old["status"]].get("next", [])) or "none"
            out.append(RegisterProblem(file, line, "status", f"{old['status']} → {record['status']} is not an "
                                                             f"allowed transition (allowed: {allowed})", record["id"]))
            continue
        date = record["status_date"]
        out.append((record["id"], record["status"], date if date and date != old["status_date"] else None))
    return out


# --- reading CSV files people edit -----------------------------------------------------------------

@dataclass
class _Table:
    """A CSV file as read: its columns in order, each record with the line it starts on, the
    rows that could not be read (reported, left out), the header's own problems (nothing can
    be read by column then) and notes."""

    columns: list[str]
    records: list[tuple[int, dict[str, str]]]
    problems: list[RegisterProblem] = field(default_factory=list)
    header_problems: list[RegisterProblem] = field(default_factory=list)
    notes: list[RegisterProblem] = field(default_factory=list)


_PHYSICAL_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """csv refuses values over 131,072 characters by default; no value is longer than its file."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(size + 1, 2**31 - 1)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records(lines: list[str], check: Callable[[list[str], int, int], tuple[str, str] | None]
             ) -> Iterator[tuple[int, list[str] | None, tuple[str, str]]]:
    """Each record as (first line, values, ('', '')), or (first line, None, (column, why)) for
    one csv cannot read or ``check(values, first, last)`` rejects; reading then resumes on the
    line after that record's first line, so what a stray quote swallowed is read on its own."""
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], strict=True)
        consumed = 0
        try:
            for values in reader:
                first, consumed = start + consumed + 1, reader.line_num
                why = check(values, first, start + consumed) if values else None
                if why:
                    yield first, None, why
                    start = first
                    break
                if values:
                    yield first, values, ("", "")
            else:
                return
        except csv.Error as exc:
            first = start + consumed + 1
            yield first, None, ("", f"csv cannot read it ({exc}): a stray or unclosed quote?")
            start = first


def _row_like(text: str, columns: int) -> bool:
    """Whether one line of a value reads as a whole row of the file (a swallowed row)."""
    if columns < 3 or text.count(",") < columns - 2:
        return False
    try:
        return len(next(csv.reader([text]), [])) >= columns - 1
    except csv.Error:
        return False


def _read_table(text: str, file: str) -> _Table:
    """Read a CSV text by its header's names; see ``_Table``."""
    lines = _PHYSICAL_LINE.findall(text.removeprefix(_BOM))
    header: list[str] | None = None
    table = _Table([], [])

    def check(values: list[str], first: int, last: int) -> tuple[str, str] | None:
        if header is None:
            return None
        if len(values) != len(header):
            spans = f" (it runs from line {first} to {last}: a stray quote?)" if last > first else ""
            return "", f"{len(values)} values, but the header has {len(header)} columns{spans}"
        for name, value in zip(header, values):
            swallowed = [n for n, part in enumerate(value.split("\n")[1:], first + 1) if _row_like(part, len(header))]
            if swallowed:
                return name, (f"a stray quote? The value runs to line {last} and holds what reads as a whole row "
                              f"(line {swallowed[0]}); the lines after this one are read on their own")
        return None

    with _field_limit(len(text)):
        for line, values, (column, why) in _records(lines, check):
            if header is None:
                if values is None:
                    table.header_problems.append(RegisterProblem(file, line, "", f"the header: {why}"))
                    return table
                header = [v.strip().removeprefix(_BOM) for v in values]
                table.header_problems.extend(_header_problems(header, file, line))
                if table.header_problems:
                    return table
                continue
            if values is None:
                table.problems.append(RegisterProblem(file, line, column, why))
                continue
            record = dict(zip(header, values))
            record.pop("", None)
            if any(v.strip() for n, v in zip(header, values) if not n):
                table.problems.append(RegisterProblem(file, line, "", "a value in a column without a name in the "
                                                                      "header: name the column"))
                continue
            table.records.append((line, record))
    table.columns = [c for c in (header or []) if c]
    unnamed = [str(n) for n, c in enumerate(header or [], 1) if not c]
    if unnamed:
        table.notes.append(RegisterProblem(file, 1, "", f"column(s) {', '.join(unnamed)} have no name and no values: "
                                                        "left out"))
    return table


def _header_problems(header: list[str], file: str, line: int) -> list[RegisterProblem]:
    """A name used twice: which value is meant cannot be known, so the file is not read."""
    problems = []
    first_at: dict[str, int] = {}
    for n, name in enumerate(header, 1):
        if name and name in first_at:
            problems.append(RegisterProblem(file, line, name, f"the header names column {name!r} twice (columns "
                                                              f"{first_at[name]} and {n}): keep one"))
        first_at.setdefault(name, n)
    return problems


def _register_text(path: Path, data: bytes) -> tuple[str, bool]:
    """The register's text and whether it starts with a BOM (kept on save, for Excel)."""
    try:
        return data.decode("utf-8-sig"), data.startswith(b"\xef\xbb\xbf")
    except UnicodeDecodeError as exc:
        raise RegisterError(path, [f"not UTF-8 (byte {exc.start}); save the file as CSV UTF-8"]) from exc


@dataclass
class _History:
    """The history as read: the entries applied, what was read around, what stops the load."""

    entries: list[dict[str, str]] = field(default_factory=list)
    notes: list[RegisterProblem] = field(default_factory=list)
    fatal: list[RegisterProblem] = field(default_factory=list)


def _decode_history(data: bytes) -> tuple[str, str | None]:
    """The history's text, and the encoding it was in when not UTF-8 (``None``: UTF-8).
    Raises ``BinaryContent`` for a file that is not text."""
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:  # NUL bytes: UTF-16 (Excel's "Unicode text") or not text at all
            return text, None
    except UnicodeDecodeError:
        pass
    from ._legacy import decode_bytes

    text, label, _ = decode_bytes(data)
    return unicodedata.normalize("NFC", text), label


def _parse_history(path: Path, data: bytes | None, statuses: StatusVocabulary) -> _History:
    """Read the history by column name; an entry that cannot be read, or names an unknown
    status, is reported with its line and not applied."""
    from ._legacy import BinaryContent

    result = _History()
    if data is None:
        return result
    file = str(path)
    try:
        text, legacy = _decode_history(data)
    except BinaryContent as exc:
        result.fatal.append(RegisterProblem(file, 0, "", f"not a text file ({exc})"))
        return result
    if legacy:
        what = ("UTF-8 with damaged bytes: they were replaced by U+FFFD" if legacy.startswith("utf-8")
                else f"not UTF-8: read as {legacy}; check the accents")
        result.notes.append(RegisterProblem(file, 0, "", f"{what}; the next save rewrites it in UTF-8 and keeps "
                                                         f"the original as {path.name}.legacy.bak"))
    table = _read_table(text, file)
    result.fatal.extend(table.header_problems)
    missing = [c for c in ("when", "id", "new_status") if table.columns and c not in table.columns]
    if missing:
        result.fatal.append(RegisterProblem(file, 1, "", f"missing column(s): {', '.join(missing)}"))
    if result.fatal:
        return result
    absent = [c for c in HISTORY_COLUMNS if table.columns and c not in table.columns]
    if absent:
        result.notes.append(RegisterProblem(file, 1, "", f"no column(s) {', '.join(absent)}: read as empty"))
    result.notes.extend(RegisterProblem(p.file, p.line, p.column, f"{p.reason} (entry not applied)")
                        for p in table.problems)
    result.notes.extend(table.notes)
    for line, record in table.records:
        entry = {c: (record.get(c) or "").strip() for c in HISTORY_COLUMNS}
        problem = _entry_problem(entry, statuses)
        if problem:
            result.notes.append(RegisterProblem(file, line, problem[0], f"{problem[1]} (entry not applied)"))
        else:
            result.entries.append(entry)
    return result


def _entry_problem(entry: dict[str, str], statuses: StatusVocabulary) -> tuple[str, str] | None:
    if not entry["id"]:
        return "id", "no recommendation id"
    if not entry["new_status"]:
        return "new_status", "no new status"
    for column in ("new_status", "old_status"):
        if entry[column] and entry[column] not in statuses:
            return column, f"{entry[column]!r} is not a known status"
    return None


def _history_text(old: bytes | None, entries: list[dict[str, str]]) -> tuple[str, bool]:
    """The history's new text: the old text as it was (converted to UTF-8 if it was in a
    legacy encoding: the second value says so), then one line per entry in the file's own
    column order, starting on a line of its own."""
    text, legacy = _decode_history(old) if old else ("", None)
    columns, newline = list(HISTORY_COLUMNS), "\n"
    if text.strip():
        first = _PHYSICAL_LINE.match(text.removeprefix(_BOM))
        header = next(csv.reader([first.group(0)]), []) if first else []
        names = [h.strip() for h in header]
        if "id" in names and "new_status" in names:
            columns = names
        newline = "\r\n" if first and first.group(0).endswith("\r\n") else "\n"
        if not text.endswith("\n"):
            text += newline
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", extrasaction="ignore", lineterminator=newline)
    if not text.strip():
        text = ""
        writer.writeheader()
    writer.writerows(entries)
    return text + buffer.getvalue(), legacy is not None


def _digest(data: bytes | None) -> str:
    return hashlib.sha256(data or b"").hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def _reason(exc: BaseException | None) -> str:
    return (getattr(exc, "strerror", None) or str(exc)) if exc is not None else "unknown error"


def _sources_near(path: Path) -> SourceRegister | None:
    """``corpus/sources.csv`` beside a register, else ``sources.csv`` beside it, else ``None``."""
    return SourceRegister.find(path.parent / "corpus" / FILE_NAME, path.parent / FILE_NAME)


def _read_history(path: Path | None) -> list[dict[str, str]]:
    """The history entries a file holds (by column name), without the register's checks."""
    if path is None or not path.exists():
        return []
    return _parse_history(path, path.read_bytes(), load_statuses()).entries


def append_csv(path: Path, columns: tuple[str, ...], entries: list[dict[str, str]], *,
               timeout: float = LOCK_TIMEOUT) -> None:
    """Append rows to a CSV log, atomically and under a lock file beside it (``<name>.lock``),
    so concurrent appends all land: the existing lines are kept byte for byte, the new ones
    start on a line of their own, in the file's own column order."""
    path = Path(path)
    with _file_lock(path.with_name(path.name + ".lock"), timeout, path):
        old = path.read_bytes() if path.exists() else b""
        text = old.decode("utf-8", errors="surrogateescape")
        buffer = io.StringIO(newline="")
        header = next(csv.reader([text.removeprefix(_BOM).partition("\n")[0]]), []) if text.strip() else []
        names = [h.strip() for h in header] or list(columns)
        writer = csv.DictWriter(buffer, fieldnames=names, restval="", extrasaction="ignore", lineterminator="\n")
        if not text.strip():
            writer.writeheader()
        elif not text.endswith("\n"):
            buffer.write("\n")
        writer.writerows(entries)
        atomic_write(path, old + buffer.getvalue().encode("utf-8"))
