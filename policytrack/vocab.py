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

import hashlib
from pathlib import Path
from typing import Any

import yaml

from .model import PolicytrackError

__all__ = ["DataFileError", "DATA", "read_yaml", "digest", "need_mapping", "need_strings", "need_text", "need_bool"]

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
