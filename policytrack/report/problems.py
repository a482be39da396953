"""What went wrong while building a report, and what was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """Something the report could not do or read: which step, which file (and row), what.
    ``severity`` is ``error``, or ``note`` for what the user should know but is not wrong
    (an edited copy of a report file that was kept)."""

    step: str
    where: str
    what: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {"step": self.step, "where": self.where, "what": self.what, "severity": self.severity}

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class ReportResult:
    """What ``build_report`` wrote and what went wrong on the way."""

    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]
