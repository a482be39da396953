"""Data files that people edit (vocabularies, taxonomies, settings): one way to read and
check them, one error.

Every loader of a file under ``policytrack/data`` (or a user's copy of one) reads it with
``read_yaml`` and checks it with the small helpers below, so a mistake always surfaces as
``DataFileError(file, entry, reason)``: which file, which entry, what is wrong.

>>> need_strings(["Luật", ""], "citations.yaml", "document_types")
Traceback (most recent call last):
...
policytrack.vocab.DataFileError: citations.yaml: document_types: must be a list of non-empty texts
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .model import PolicytrackError

__all__ = ["DataFileError", "DATA", "read_yaml", "digest", "need_mapping", "need_strings", "need_text", "need_bool",
           "BriefSettings", "BRIEF_SETTINGS", "load_brief_settings", "PLACEHOLDER"]

#: The folder of the packaged data files.
DATA = Path(__file__).with_name("data")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it


class DataFileError(PolicytrackError):
    """A data file is unreadable or one of its entries is wrong.

    ``file`` is the path, ``entry`` names the entry (``"types, entry 3 ('Nghị định')"``;
    ``""`` for the whole file), ``reason`` says what is wrong.
    """

    def __init__(self, file: object, entry: str, reason: str):
        self.file, self.entry, self.reason = str(file), entry, reason
        where = f"{self.file}: {entry}" if entry else self.file
        super().__init__(f"{where}: {reason}")


def read_yaml(path: str | Path) -> Any:
    """The parsed content of a YAML file; ``DataFileError`` when it cannot be read or parsed."""
    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise DataFileError(path, "", f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "", f"not UTF-8 text ({exc})") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, "", f"not valid YAML: {exc}") from exc


def digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (what cache keys use to notice an edited data file)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def need_mapping(value: Any, file: object, entry: str) -> dict:
    if not isinstance(value, dict):
        raise DataFileError(file, entry, "must be a mapping")
    return value


def need_strings(value: Any, file: object, entry: str, *, required: bool = False) -> tuple[str, ...]:
    """A list of non-empty texts (a missing entry is the empty list unless ``required``)."""
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(file, entry, "must be a list of non-empty texts")
    return tuple(v.strip() for v in value)


def need_text(mapping: dict, key: str, file: object, entry: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(file, entry, f"needs a non-empty '{key}'")
    return value


def need_bool(mapping: dict, key: str, file: object, entry: str, default: bool = False) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        raise DataFileError(file, entry, f"'{key}' must be true or false")
    return value


# --- the brief's settings ---------------------------------------------------------------------

#: The settings file of the consultation brief, looked for beside the register.
BRIEF_SETTINGS = "brief_settings.yaml"
#: A value still to be filled in: text in square brackets ("[Họ và tên]").
PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")


@dataclass(frozen=True)
class BriefSettings:
    """Who sends the consultation brief, to whom, and who signs it (``brief_settings.yaml``).

    The defaults are placeholders in square brackets, which the brief highlights, so a
    letter never goes out with an invented organisation."""

    organisation: str = "[TÊN TỔ CHỨC]"
    parent: str = "[TÊN CƠ QUAN CHỦ QUẢN]"
    number: str = "…/…"
    place: str = "Hà Nội"
    date: _dt.date | None = None  # None: the day the brief is written
    recipients: tuple[str, ...] = ("[Cơ quan chủ trì soạn thảo]",)
    on_behalf: str = ""
    position: str = "[CHỨC VỤ NGƯỜI KÝ]"
    signer: str = "[Họ và tên]"
    copies_to: tuple[str, ...] = ("Như trên;", "Lưu: VT.")

    def placeholders(self) -> list[str]:
        """The entries still holding a placeholder, as the file names them."""
        names = {"organisation": "organisation, name", "parent": "organisation, parent", "on_behalf":
                 "signature, on_behalf", "position": "signature, position", "signer": "signature, name"}
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            texts = value if isinstance(value, tuple) else (value if isinstance(value, str) else "",)
            if any(PLACEHOLDER.search(t) for t in texts):
                out.append(names.get(f.name, f.name))
        return out


_SETTINGS_KEYS = {"organisation": {"name", "parent"}, "signature": {"on_behalf", "position", "name"},
                  "number": None, "place": None, "date": None, "recipients": None, "copies_to": None}


def _settings_text(mapping: dict, key: str, file: object, entry: str, default: str, *, blank: bool = True) -> str:
    """A text entry: absent gives ``default``; empty is allowed only where ``blank``."""
    if key not in mapping:
        return default
    value = "" if mapping[key] is None else mapping[key]
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise DataFileError(file, entry, "must be a text")
    value = str(value).strip()
    if not value and not blank:
        raise DataFileError(file, entry, "must not be empty")
    return value


def _settings_date(value: Any, file: object) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):  # YAML reads 2025-03-01 as a date
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DataFileError(file, "date", f"{value!r} is not a date written YYYY-MM-DD (or leave it empty)") from None


def _settings_keys(data: dict, file: object) -> None:
    """A misspelt key would be silently ignored: name it instead."""
    for key, value in data.items():
        if key not in _SETTINGS_KEYS:
            raise DataFileError(file, str(key), f"unknown entry (known: {', '.join(_SETTINGS_KEYS)})")
        allowed = _SETTINGS_KEYS[key]
        if allowed is not None:
            for sub in need_mapping(value or {}, file, key):
                if sub not in allowed:
                    raise DataFileError(file, f"{key}, {sub}", f"unknown entry (known: {', '.join(sorted(allowed))})")


def load_brief_settings(path: str | Path) -> BriefSettings:
    """Read and check ``brief_settings.yaml``: every mistake is a ``DataFileError`` naming
    the entry (``signature, name: must not be empty``). Entries left out keep their
    placeholder defaults; ``parent`` and ``on_behalf`` may be empty (no parent body, a
    signer signing in their own name)."""
    path = Path(path)
    data = need_mapping(read_yaml(path) or {}, path, "")
    _settings_keys(data, path)
    default = BriefSettings()
    org = data.get("organisation") or {}
    sign = data.get("signature") or {}
    lists = {}
    for key in ("recipients", "copies_to"):
        lists[key] = need_strings(data.get(key), path, key) or getattr(default, key)
    return BriefSettings(
        organisation=_settings_text(org, "name", path, "organisation, name", default.organisation, blank=False),
        parent=_settings_text(org, "parent", path, "organisation, parent", default.parent),
        number=_settings_text(data, "number", path, "number", default.number, blank=False),
        place=_settings_text(data, "place", path, "place", default.place, blank=False),
        date=_settings_date(data.get("date"), path),
        recipients=lists["recipients"],
        on_behalf=_settings_text(sign, "on_behalf", path, "signature, on_behalf", default.on_behalf),
        position=_settings_text(sign, "position", path, "signature, position", default.position, blank=False),
        signer=_settings_text(sign, "name", path, "signature, name", default.signer, blank=False),
        copies_to=lists["copies_to"],
    )
