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


# --- labels of the register's themes and of the dashboard -------------------------------------

LANGS = ("vi", "en")
THEMES_PATH = DATA / "themes.yaml"
DASHBOARD_LABELS_PATH = DATA / "dashboard_labels.yaml"
__all__ += ["Themes", "load_themes", "DashboardLabels", "load_dashboard_labels"]


@dataclass(frozen=True)
class Themes:
    """The names of the register's themes (``data/themes.yaml``), per language."""

    labels: dict[str, dict[str, str]]

    def label(self, theme: str, lang: str = "vi") -> str:
        """The theme's name in ``lang``; a theme the file does not list keeps its own spelling."""
        entry = self.labels.get(theme)
        return entry[lang] if entry else theme


def load_themes(path: str | Path = THEMES_PATH) -> Themes:
    """The theme names of ``themes.yaml``, checked: every theme needs ``label_vi`` and ``label_en``."""
    data = need_mapping(read_yaml(path), path, "")
    themes = need_mapping(data.get("themes"), path, "themes")
    labels = {}
    for key, entry in themes.items():
        where = f"themes: {key!r}"
        entry = need_mapping(entry, path, where)
        labels[str(key)] = {lang: need_text(entry, f"label_{lang}", path, where).strip() for lang in LANGS}
    return Themes(labels)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Message:
    """One English sentence policytrack writes, as a pattern, and its Vietnamese."""

    pattern: re.Pattern
    vi: str


def _message(entry: Any, path: object, where: str) -> Message:
    entry = need_mapping(entry, path, where)
    en, vi = need_text(entry, "en", path, where), need_text(entry, "vi", path, where)
    names = _PLACEHOLDER.findall(en)
    if sorted(set(names)) != sorted(set(_PLACEHOLDER.findall(vi))) or len(set(names)) != len(names):
        raise DataFileError(path, where, "the {names} in braces must be the same in 'en' and 'vi', each once")
    pieces, last = [], 0
    for m in _PLACEHOLDER.finditer(en):
        body = r"\d{4}-\d{2}-\d{2}" if m.group(1).startswith("date") else ".+"
        pieces += [re.escape(en[last:m.start()]), f"(?P<{m.group(1)}>{body})"]
        last = m.end()
    return Message(re.compile("".join(pieces) + re.escape(en[last:]), re.S), vi)


@dataclass(frozen=True)
class DashboardLabels:
    """The words of the dashboard (``data/dashboard_labels.yaml``): ``groups[group][key][lang]``
    and the English messages with their Vietnamese."""

    groups: dict[str, dict[str, dict[str, str]]]
    messages: tuple[Message, ...]

    def page(self, lang: str) -> dict[str, str]:
        """Every word of the page in ``lang``."""
        return {key: entry[lang] for key, entry in self.groups["page"].items()}

    def word(self, group: str, key: str, lang: str) -> str:
        """``key`` of ``group`` in ``lang``; a key the file does not list is shown as it is."""
        entry = self.groups[group].get(key)
        return entry[lang] if entry else key

    def translate(self, message: str, lang: str, depth: int = 4) -> str:
        """``message`` in ``lang``: for Vietnamese, the first sentence that fits the whole of
        it, with the texts in its braces translated in turn (``depth`` levels)."""
        if lang == "en" or not message or depth == 0:
            return message
        for entry in self.messages:
            m = entry.pattern.fullmatch(message)
            if m:
                parts = {name: self.translate(value, lang, depth - 1) for name, value in m.groupdict().items()}
                return _PLACEHOLDER.sub(lambda p: parts[p.group(1)], entry.vi)
        return message


DASHBOARD_GROUPS = ("page", "link_methods", "provenance", "steps")


def load_dashboard_labels(path: str | Path = DASHBOARD_LABELS_PATH) -> DashboardLabels:
    """The dashboard's words, checked: every entry of every group needs a non-empty ``vi``
    and ``en``; every message the same {names} in both languages."""
    data = need_mapping(read_yaml(path), path, "")
    groups = {}
    for group in DASHBOARD_GROUPS:
        entries = need_mapping(data.get(group), path, group)
        groups[group] = {str(key): {lang: need_text(need_mapping(entry, path, f"{group}: {key}"), lang, path,
                                                    f"{group}: {key}") for lang in LANGS}
                         for key, entry in entries.items()}
    raw = data.get("messages") or []
    if not isinstance(raw, list):
        raise DataFileError(path, "messages", "must be a list")
    messages = tuple(_message(entry, path, f"messages, entry {i}") for i, entry in enumerate(raw, start=1))
    return DashboardLabels(groups, messages)


# --- column headers of the Excel register ------------------------------------------------------

SHEETS = ("register", "links", "history")
__all__ += ["ColumnLabels", "load_column_labels", "SHEETS"]


def header_key(text: str) -> str:
    """How a header is compared when a workbook is read back: NFC, case and spacing folded."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


@dataclass(frozen=True)
class ColumnLabels:
    """The headers of the Excel register (``columns`` in ``data/dashboard_labels.yaml``):
    ``sheets[sheet][column][lang]``."""

    sheets: dict[str, dict[str, dict[str, str]]]

    def header(self, sheet: str, column: str, lang: str = "vi") -> str:
        """The header of ``column`` in ``lang``; a column the file does not list keeps its name."""
        entry = self.sheets[sheet].get(column)
        return entry[lang] if entry else column

    def column(self, sheet: str, header: str) -> str:
        """The column a header names: its label in either language or the column's own name
        (case and spacing aside); any other header is returned as it is (a person's column)."""
        for column, entry in self.sheets[sheet].items():
            if header_key(header) in {header_key(column), *(header_key(t) for t in entry.values())}:
                return column
        return header.strip()


def load_column_labels(path: str | Path = DASHBOARD_LABELS_PATH) -> ColumnLabels:
    """The workbook's headers, checked: every column of every sheet needs a non-empty ``vi``
    and ``en``, and within a sheet no header (in either language, or a column's own name)
    may name two columns, since a workbook is read back by its headers."""
    data = need_mapping(read_yaml(path), path, "")
    groups = need_mapping(data.get("columns"), path, "columns")
    sheets: dict[str, dict[str, dict[str, str]]] = {}
    for sheet in SHEETS:
        entries = need_mapping(groups.get(sheet), path, f"columns: {sheet}")
        sheets[sheet], owner = {}, {}
        for column, entry in entries.items():
            where = f"columns: {sheet}: {column}"
            entry = need_mapping(entry, path, where)
            sheets[sheet][str(column)] = {lang: need_text(entry, lang, path, where).strip() for lang in LANGS}
            for text in (str(column), *sheets[sheet][str(column)].values()):
                other = owner.setdefault(header_key(text), str(column))
                if other != str(column):
                    raise DataFileError(path, where, f"the header {text!r} also names column {other!r}: "
                                                     "headers must be unique within a sheet")
    return ColumnLabels(sheets)
