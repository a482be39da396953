"""The document-type vocabulary (``data/doc_types.yaml``): load, check, compile."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..vocab import DATA, DataFileError, read_yaml
from .patterns import _MD, SYMBOL_RE, _loose

DEFAULT_DOC_TYPES = DATA / "doc_types.yaml"


@dataclass(frozen=True)
class DocType:
    """One entry of ``doc_types.yaml``."""

    name: str
    headings: tuple[str, ...]
    symbols: tuple[str, ...]
    letter: bool = False
    restates: bool = False
    cited: bool = True


@dataclass
class DocTypes:
    """The loaded vocabulary with its compiled matchers."""

    types: list[DocType]
    heading_re: re.Pattern = field(repr=False)
    heading_types: dict[str, DocType] = field(repr=False)
    symbol_res: list[tuple[re.Pattern, DocType]] = field(repr=False)
    #: A type word ending the text before "Số" on a line (``Luật số: …`` is body text).
    type_word_tail_re: re.Pattern = field(repr=False)

    def cited_names(self) -> list[str]:
        """The names by which citations name a document type (``Nghị định số …``)."""
        return [t.name for t in self.types if t.cited]

    def by_symbol(self, number: str | None) -> DocType | None:
        """The type a number's symbol names: ``"08/2022/ND-CP"`` -> Nghị định."""
        if not number:
            return None
        m = SYMBOL_RE.match(number)
        if not m:
            return None
        sym = m.group("sym")
        for pattern, doc_type in self.symbol_res:
            if pattern.fullmatch(sym):
                return doc_type
        return None

    def restating_type(self) -> DocType | None:
        """The type of a consolidated text whose own number is not printed (the first
        ``restates`` entry)."""
        return next((t for t in self.types if t.restates), None)

    def letter_type(self) -> DocType | None:
        """The type of an untitled document with a V/v line (the first ``letter`` entry)."""
        return next((t for t in self.types if t.letter), None)


_ENTRY_KEYS = {"name", "headings", "symbols", "letter", "restates", "cited"}
_SYMBOL_CHARS_RE = re.compile(r"[\w&./*#\-]+")


def _symbol_regex(pattern: str) -> re.Pattern:
    """``"NĐ-*"`` -> a case-insensitive regex: ``*`` any symbol text, ``#`` digits."""
    parts = {"*": r"[\w&.\-/]*", "#": r"\d+"}
    return re.compile("".join(parts.get(ch) or re.escape(ch) for ch in pattern), re.I)


def _check_entry(entry: object) -> DocType:
    """Validate one vocabulary entry; raises ``ValueError`` with the problem."""
    if not isinstance(entry, dict):
        raise ValueError("must be a mapping with 'name', 'headings', 'symbols'")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ValueError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("'name' must be a non-empty text")
    lists = {}
    for key in ("headings", "symbols"):
        value = entry.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"'{key}' must be a list of non-empty texts")
        lists[key] = tuple(unicodedata.normalize("NFC", v.strip()) for v in value)
    for h in lists["headings"]:
        if h != h.upper():
            raise ValueError(f"heading {h!r} must be written in capitals")
    for s in lists["symbols"]:
        if not _SYMBOL_CHARS_RE.fullmatch(s):
            raise ValueError(f"symbol pattern {s!r} may hold only letters, digits, & . / - * #")
    for key in ("letter", "restates", "cited"):
        if not isinstance(entry.get(key, False), bool):
            raise ValueError(f"'{key}' must be true or false")
    return DocType(
        name=unicodedata.normalize("NFC", name.strip()),
        headings=lists["headings"],
        symbols=lists["symbols"],
        letter=entry.get("letter", False),
        restates=entry.get("restates", False),
        cited=entry.get("cited", True),
    )


def _compile_vocabulary(types: list[DocType]) -> DocTypes:
    """Build the heading regex (longest heading first) and the symbol matchers."""
    pairs = sorted(((h, t) for t in types for h in t.headings), key=lambda p: -len(p[0]))
    heading_types = {f"h{i}": t for i, (_, t) in enumerate(pairs)}
    alternation = "|".join(f"(?P<h{i}>{_loose(h)})" for i, (h, _) in enumerate(pairs)) or "(?!)"
    heading_re = re.compile(
        rf"^{_MD}(?:{alternation})(?:[ \t]+(?P<rest>[^\n]*?))?[ \t*_]*$", re.M
    )
    symbol_res = [(_symbol_regex(s), t) for t in types for s in t.symbols]
    cited = sorted((t.name for t in types if t.cited), key=len, reverse=True)
    # case-blind: a title in capitals names documents too ("… TRIỂN KHAI NGHỊ QUYẾT SỐ …")
    tail_re = re.compile("(?:" + "|".join(re.escape(n) for n in cited) + r")[ \t]*$", re.I) if cited else re.compile("(?!)")
    return DocTypes(types, heading_re, heading_types, symbol_res, tail_re)


def load_doc_types(path: str | Path | None = None) -> DocTypes:
    """Load and validate the type vocabulary (default: the packaged ``doc_types.yaml``).

    Raises ``DataFileError`` naming the file and the bad entry, e.g.
    ``.../doc_types.yaml: entry 3 ('Nghị định'): heading 'Nghị định' must be written in
    capitals``.
    """
    if path is None:
        return _default_doc_types()
    return _load_doc_types(Path(path))


@lru_cache(maxsize=1)
def _default_doc_types() -> DocTypes:
    return _load_doc_types(DEFAULT_DOC_TYPES)


def _load_doc_types(path: Path) -> DocTypes:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("types"), list):
        raise DataFileError(path, "", "must hold a mapping with a list under 'types'")
    types: list[DocType] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(data["types"], start=1):
        label = f"entry {i}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label += f" ({entry['name']!r})"
        try:
            doc_type = _check_entry(entry)
        except ValueError as exc:
            raise DataFileError(path, label, str(exc)) from None
        for key in (f"name {doc_type.name}",) + tuple(f"heading {h}" for h in doc_type.headings):
            if key in seen:
                raise DataFileError(path, label, f"{key} already given by {seen[key]}")
            seen[key] = label
        types.append(doc_type)
    return _compile_vocabulary(types)
