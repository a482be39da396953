"""The register of recommendations: load, validate, track status with history, save safely.

>>> reg = Register.load("recommendations.csv")                      # doctest: +SKIP
>>> reg.set_status("R07", "in_draft", evidence="luat-...@du-thao-2:d14",
...                who="liaison", note="reuse article added")     # doctest: +SKIP
>>> reg.save()                                                      # doctest: +SKIP

Validation reports every bad row and column in one error and writes nothing. Every status
change is appended to a history file beside the register (``<name>_history.csv``); the
register's status is always the history's last word. Saves go through a temporary file and
a rename, keep the previous version (``<name>.csv.bak``) and refuse to overwrite a register
that changed on disk since it was loaded.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ._files import atomic_write
from .ids import is_iso_date
from .model import PolicytrackError
from .sources import FILE_NAME, SourceRegister
from .tagging import TOPICS
from .vocab import DATA, DataFileError, read_yaml

__all__ = ["Register", "RegisterError", "RecommendationRow", "StatusVocabulary", "load_statuses", "COLUMNS",
           "HISTORY_COLUMNS"]

STATUSES_PATH = DATA / "statuses.yaml"

COLUMNS = (
    "id", "title", "text_vi", "summary_en", "theme", "topics", "target_document", "target_provisions",
    "status", "status_date", "evidence", "responsible_body", "source", "provenance", "notes",
)
HISTORY_COLUMNS = ("when", "id", "document_version", "old_status", "new_status", "evidence", "who", "note")
_ID = re.compile(r"^R\d{2,3}$")


class RegisterError(PolicytrackError):
    """The register (or a change to it) is invalid; ``problems`` lists every one."""

    def __init__(self, path: object, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{path}: {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))


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


def _schema_problems(row: dict[str, str], where: str, statuses: StatusVocabulary) -> list[str]:
    try:
        RecommendationRow.model_validate(row, context={"statuses": statuses})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            column = ".".join(str(p) for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if not column and message.startswith("evidence: "):
                column, message = "evidence", message.removeprefix("evidence: ")
            problems.append(f"{where}, column {column or 'row'}: {message}")
        return problems
    return []


@dataclass
class Register:
    """The recommendations as rows (dicts of the CSV columns), with their status history."""

    rows: list[dict[str, str]]
    path: Path | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    statuses: StatusVocabulary = field(default_factory=load_statuses)
    warnings: list[str] = field(default_factory=list)
    #: The register of reference documents target documents are checked against.
    sources: SourceRegister | None = None
    _loaded_digest: str | None = None
    _pending: list[dict[str, str]] = field(default_factory=list)

    # --- loading and validation ------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, *, sources=None, statuses: StatusVocabulary | None = None) -> Register:
        """Read and validate a register CSV (and its history file, when present).

        ``sources`` is the ``SourceRegister`` target documents are checked against (default:
        ``corpus/sources.csv`` beside the register, else ``sources.csv`` beside it; with
        neither, target documents are not checked and a warning says so). The same
        register is used again by ``save()``. Raises ``RegisterError`` listing every problem.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RegisterError(path, [f"cannot read: {exc.strerror or exc}"]) from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RegisterError(path, [f"not UTF-8 (byte {exc.start}); save the file as CSV UTF-8"]) from exc
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegisterError(path, [f"missing column(s): {', '.join(missing)}"])
        rows = [{c: (row.get(c) or "").strip() for c in COLUMNS} for row in reader]
        if sources is None:
            sources = _sources_near(path)
        register = cls(rows, path, statuses=statuses or load_statuses(), sources=sources)
        if sources is None:
            register.warnings.append(f"{path}: no sources.csv found beside it (or in corpus/): "
                                     "target documents were not checked")
        register._loaded_digest = hashlib.sha256(raw).hexdigest()
        register.history = _read_history(register.history_path)
        register.validate()
        register._apply_history()
        return register

    @property
    def history_path(self) -> Path | None:
        return self.path.with_name(self.path.stem + "_history.csv") if self.path else None

    def validate(self) -> None:
        """Check every row; raise one ``RegisterError`` listing every bad row and column.
        Target documents are checked against ``self.sources`` (when there is one)."""
        from .citations import find_references

        known_docs = {e.doc_id for e in self.sources.entries} if self.sources is not None else None
        problems: list[str] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(self.rows, start=2):
            where = f"row {line} ({row['id'] or 'no id'})"
            problems.extend(_schema_problems(row, where, self.statuses))
            if _ID.match(row["id"]) and row["id"] in seen:
                problems.append(f"{where}, column id: {row['id']} repeats row {seen[row['id']]}")
            seen.setdefault(row["id"], line)
            if row["target_document"] and known_docs is not None and row["target_document"] not in known_docs:
                problems.append(f"{where}, column target_document: {row['target_document']!r} is not in "
                                f"{self.sources.path or 'the sources register'}")
            if row["target_provisions"]:
                for part in filter(None, (p.strip() for p in row["target_provisions"].split(";"))):
                    # "tại" in front, so a bare "Điều 9" reads as a citation, not a heading
                    refs = find_references(f"tại {part}")
                    covered = sum(r.end - r.start for r in refs)
                    if not refs or covered < len(part) * 0.6:
                        problems.append(f"{where}, column target_provisions: {part!r} is not a citation "
                                        "the grammar understands (e.g. 'khoản 3 Điều 8; Điều 9')")
        if problems:
            raise RegisterError(self.path or "register", problems)

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
        import pandas as pd

        return pd.DataFrame(self.rows, columns=list(COLUMNS))

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
        when = when or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        entry = {"when": when, "id": rec_id, "document_version": document_version, "old_status": row["status"],
                 "new_status": status, "evidence": evidence, "who": who, "note": note}
        row.update(status=status, evidence=evidence, status_date=when[:10])
        self.history.append(entry)
        self._pending.append(entry)
        return entry

    def save(self, path: str | Path | None = None, *, force: bool = False) -> Path:
        """Write the register atomically (previous version kept as ``.bak``) and append the
        pending history entries. Refuses when the file changed on disk since it was loaded
        (``force=True`` overrides), and writes nothing when the rows are invalid."""
        target = Path(path) if path else self.path
        if target is None:
            raise RegisterError("register", ["no path to save to"])
        self.validate()
        if target == self.path and target.exists() and not force and self._loaded_digest is not None:
            current = hashlib.sha256(target.read_bytes()).hexdigest()
            if current != self._loaded_digest:
                raise RegisterError(target, ["the file changed on disk since it was loaded; reload it, "
                                             "or save(force=True) to overwrite the other change"])
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        data = buffer.getvalue().encode("utf-8")
        if target.exists():
            atomic_write(target.with_name(target.name + ".bak"), target.read_bytes())
        atomic_write(target, data)
        if self._pending:
            _append_history(target.with_name(target.stem + "_history.csv"), self._pending)
            self._pending = []
        self.path = target
        self._loaded_digest = hashlib.sha256(data).hexdigest()
        return target


def _sources_near(path: Path) -> SourceRegister | None:
    """``corpus/sources.csv`` beside a register, else ``sources.csv`` beside it, else ``None``."""
    return SourceRegister.find(path.parent / "corpus" / FILE_NAME, path.parent / FILE_NAME)


def _read_history(path: Path | None) -> list[dict[str, str]]:
    if path is None or not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return [{c: (row.get(c) or "") for c in HISTORY_COLUMNS} for row in csv.DictReader(fh)]


def append_csv(path: Path, columns: tuple[str, ...], entries: list[dict[str, str]]) -> None:
    """Append rows to a CSV log, atomically: the existing lines are kept byte for byte."""
    old = path.read_bytes() if path.exists() else b""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    if not old:
        writer.writeheader()
    writer.writerows(entries)
    atomic_write(path, old + buffer.getvalue().encode("utf-8"))


def _append_history(path: Path, entries: list[dict[str, str]]) -> None:
    append_csv(path, HISTORY_COLUMNS, entries)
