"""Word (.docx) internals of ``policytrack.read``: the body as Word displays it.

The package is read with lxml straight from the zip (python-docx renders neither numbers
nor tracked changes). The body is read in document order: paragraphs one per line, tables
one row per line with cells separated by `` | `` (a merged cell once), content controls,
hyperlinks, simple fields and custom XML opened.

* **Automatic numbering** (``word/numbering.xml``) is rendered at the start of the line,
  as Word shows it, followed by one space (``suff`` tab or space; nothing for
  ``nothing``): the label of ``lvlText`` (``%1.``, ``%1)``, ``%1.%2.``) with each level in
  its own format (``isLgl``: all decimal). Bullets become ``- `` so they stay dash items.
  Counters are kept per abstract list and level, continue across paragraphs and across
  the ``w:num`` instances that share an abstract list, restart the lower levels when a
  higher one advances (``lvlRestart`` may say otherwise) and show unused levels as
  ``start - 1`` (Word's "0.1"). A ``w:num`` with ``lvlOverride`` (``startOverride`` or a
  level of its own) is a list instance with counters of its own (ECMA-376 §17.9). In a
  .doc converted by LibreOffice, a restarted list comes split in two (its first item in a
  list of its own); the two are read as one (see ``_Story._split_from``).
  *Decision of the project:* a ``lowerLetter``/``upperLetter`` level counts with the
  Vietnamese point letters of ``policytrack.units`` (a b c d đ e g …, no f j w z) when the
  paragraph's language is Vietnamese (``w:lang w:val="vi-…"`` on the paragraph mark, its
  style chain or the document defaults), so ``đ)`` follows ``d)`` as in the law;
  otherwise with the Latin a–z as Word shows them.
* **Tracked changes**: ``revisions="accepted"`` reads the text with every change accepted
  (insertions and moves kept where they went, deletions dropped, a deleted paragraph mark
  joins the paragraph to the next, deleted table rows dropped); ``"original"`` the text
  before them. Formatting changes (``w:pPrChange``, ``w:rPrChange``…) change no text and
  are ignored in both views: the current formatting, numbering included, is used. One
  warning names how many changes were resolved. Numbering follows the chosen view.
* **Notes**: comments contribute nothing; footnote and endnote marks are not in the body
  text: each note is a ``Note`` whose ``anchor`` is where its mark stood, labelled as
  Word numbers it (or with its custom mark).
* **Legacy fonts**: runs whose effective font is a TCVN3 font (``.VnTime``; names
  starting ``.Vn``; those ending in ``H`` are the capital fonts) or a VNI font (names
  starting ``VNI-``) hold 8-bit code points shown through the font; they are decoded run
  by run with the tables of ``policytrack._legacy``. Without such runs, legacy mojibake in
  the whole text is converted instead (note anchors moved with it), so nothing is ever
  converted twice and ``read`` does not repeat the repair.
* Complex fields keep their result and drop their instruction; ``w:tab`` is a tab,
  ``w:br`` a newline inside the line, a non-breaking hyphen ``-``; symbols, drawings and
  text boxes are skipped.

A bad package (not a zip, no main document, body not XML) raises ``ReadError``; a missing
or unreadable numbering, style or notes part only gives a warning.
"""

from __future__ import annotations

import posixpath
import re
import string
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from . import units
from ._legacy import (
    _UNVIEW,
    convert_mojibake,
    decode_legacy,
    fix_mojibake,
    vietnamese_score,
)
from .model import Note, ReadError

#: How tracked changes are read: as the text would stand with every change accepted, or
#: as it stood before any of them.
REVISIONS = ("accepted", "original")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ON = frozenset({"1", "true", "on"})

#: Parts besides the body, by the last segment of their relationship type.
_PARTS = {"styles": "word/styles.xml", "numbering": "word/numbering.xml", "footnotes": "word/footnotes.xml",
          "endnotes": "word/endnotes.xml", "settings": "word/settings.xml"}
_NOTE_PART = {"footnote": "footnotes", "endnote": "endnotes"}
_LEVELS = 9


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute (``w:p``)."""
    return _W + name


@dataclass
class DocxText:
    """The text of a .docx as read, with its warnings and its foot/endnotes."""

    text: str
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    encoding: str | None = "utf-8"


def read_docx(path: Path, revisions: str = "accepted", *, from_doc: bool = False) -> DocxText:
    """Read the body of a .docx (``revisions``: one of ``REVISIONS``; ``from_doc``: the file
    is LibreOffice's conversion of a .doc, whose split lists are joined back)."""
    if revisions not in REVISIONS:
        raise ValueError(f"revisions must be one of {', '.join(REVISIONS)}, not {revisions!r}")
    package = _Package(path)
    try:
        context = _Context(package, accepted=revisions == "accepted", from_doc=from_doc)
        body = package.document.find(w("body"))
        lines = _Story(context).blocks(body) if body is not None else []
        whole = _Text.join("\n", lines)
        notes = context.notes(whole.marks)
    finally:
        package.close()
    text = whole.value()
    warnings = [*package.warnings, *context.warnings()]
    encoding = context.legacy.encoding()
    if encoding is None:
        text, notes, encoding, warnings = _repair_mojibake(text, notes, warnings)
    return DocxText(text, warnings, notes, encoding)


def _repair_mojibake(text: str, notes: list[Note], warnings: list[str]) -> tuple[str, list[Note], str, list[str]]:
    """Convert legacy mojibake typed in Unicode fonts, moving the note anchors with it."""
    fixed, variant = fix_mojibake(text)
    if variant is None:
        return text, notes, "utf-8", warnings
    moved = [replace(n, text=convert_mojibake(n.text, variant), anchor=len(convert_mojibake(text[: n.anchor], variant)))
             for n in notes]
    name = variant.split()[0]
    warning = f"the text is {name.upper()} mojibake (copied from a legacy font); converted to Unicode"
    return fixed, moved, name, [*warnings, warning]


# --- the package ----------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


class _Package:
    """The zip: the main document (required) and the parts it relates to (optional)."""

    def __init__(self, path: Path):
        self.path = path
        self.warnings: list[str] = []
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ReadError(path, f"not a valid .docx file ({_not_zip_reason(path)})") from None
        try:
            self.document = self._main_document()
            self.targets = self._relationships(self.main)
        except ReadError:
            self.close()
            raise

    def close(self) -> None:
        """Release the file (kept open while notes and other parts may still be read)."""
        self.zip.close()

    def _main_document(self) -> etree._Element:
        self.main = main = self._main_part()
        data = self._read(main)
        if data is None:
            raise ReadError(self.path, f"not a valid .docx file (no main document {main} in the package)")
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            raise ReadError(self.path, f"not a valid .docx file ({main} is not well-formed XML: {exc})") from None

    def _read(self, name: str) -> bytes | None:
        try:
            return self.zip.read(name)
        except KeyError:
            return None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise ReadError(self.path, f"not a valid .docx file ({name} is damaged: {exc})") from None

    def _main_part(self) -> str:
        for rel_type, target in self._relations("_rels/.rels", ""):
            if rel_type == "officeDocument":
                return target
        return "word/document.xml"

    def _relations(self, rels_name: str, folder: str) -> Iterator[tuple[str, str]]:
        """(last segment of the type, part name) of each internal relationship."""
        data = self._read(rels_name)
        if data is None:
            return
        try:
            root = etree.fromstring(data, _parser())
        except etree.XMLSyntaxError:
            return
        for rel in root.iter(_REL + "Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            yield (rel.get("Type") or "").rsplit("/", 1)[-1], name

    def _relationships(self, main: str) -> dict[str, str]:
        folder, base = posixpath.split(main)
        found = dict(_PARTS)
        for rel_type, name in self._relations(posixpath.join(folder, "_rels", base + ".rels"), folder):
            if rel_type in found:
                found[rel_type] = name
        return found

    def part(self, kind: str) -> etree._Element | None:
        """The root of an optional part; ``None`` (with a warning if unreadable) when absent."""
        name = self.targets[kind]
        try:
            data = self._read(name)
        except ReadError as exc:
            self.warnings.append(f"{exc.reason}; read without it")
            return None
        if data is None:
            return None
        try:
            return etree.fromstring(data, _parser())
        except etree.XMLSyntaxError as exc:
            self.warnings.append(f"{name} could not be read (not well-formed XML: {exc}); {_WITHOUT[kind]}")
            return None


_WITHOUT = {"styles": "styles ignored", "numbering": "automatic numbers not rendered",
            "footnotes": "footnote texts missing", "endnotes": "endnote texts missing",
            "settings": "settings ignored"}


def _not_zip_reason(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        head = b""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Word .doc or a password-protected file, not a zip package; save it as .docx"
    return "not a zip package"


def _val(parent: etree._Element | None, child: str, attr: str = "val") -> str | None:
    """``parent/w:child/@w:attr``, or ``None``."""
    if parent is None:
        return None
    element = parent.find(w(child))
    return None if element is None else element.get(w(attr))


def _flag(parent: etree._Element | None, child: str) -> bool:
    """An on/off property (``<w:isLgl/>``, ``<w:isLgl w:val="0"/>``)."""
    element = parent.find(w(child)) if parent is not None else None
    return element is not None and (element.get(w("val")) or "1").lower() in _ON


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- styles ---------------------------------------------------------------------------


class _Styles:
    """Style chains (``basedOn``) and document defaults: fonts, language, numbering."""

    def __init__(self, root: etree._Element | None):
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self.defaults: etree._Element | None = None
        self._chains: dict[str | None, tuple[etree._Element, ...]] = {}
        if root is None:
            return
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"))
            if style_id is None:
                continue
            self.by_id.setdefault(style_id, style)
            if style.get(w("type")) == "paragraph" and (style.get(w("default")) or "").lower() in _ON:
                self.default_paragraph = style_id
        defaults = root.find(w("docDefaults"))
        if defaults is not None:
            self.defaults = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")

    def chain(self, style_id: str | None) -> tuple[etree._Element, ...]:
        """The style and those it is based on, nearest first (cycles cut)."""
        cached = self._chains.get(style_id)
        if cached is None:
            found: list[etree._Element] = []
            current, seen = style_id, set()
            while current is not None and current not in seen and current in self.by_id:
                seen.add(current)
                found.append(self.by_id[current])
                current = _val(self.by_id[current], "basedOn")
            cached = self._chains[style_id] = tuple(found)
        return cached

    def paragraph_chain(self, ppr: etree._Element | None) -> tuple[etree._Element, ...]:
        """The paragraph's style chain (the default paragraph style when it names none)."""
        return self.chain(_val(ppr, "pStyle") or self.default_paragraph)

    def run_properties(self, ppr: etree._Element | None) -> list[etree._Element]:
        """Run properties a paragraph's runs inherit: its style chain, then the defaults."""
        found = [rpr for style in self.paragraph_chain(ppr) if (rpr := style.find(w("rPr"))) is not None]
        return found + ([self.defaults] if self.defaults is not None else [])

    def character_properties(self, rstyle: str | None) -> list[etree._Element]:
        return [rpr for style in self.chain(rstyle) if (rpr := style.find(w("rPr"))) is not None]

    def is_vietnamese(self, ppr: etree._Element | None) -> bool:
        """Is the paragraph (its mark, style chain or the defaults) in Vietnamese?"""
        mark = ppr.find(w("rPr")) if ppr is not None else None
        for rpr in ([mark] if mark is not None else []) + self.run_properties(ppr):
            lang = _val(rpr, "lang")
            if lang:
                return lang.lower().replace("_", "-").split("-")[0] == "vi"
        return False


def _font(rprs: Iterable[etree._Element]) -> tuple[str | None, str | None]:
    """(ascii, hAnsi) font of the first properties naming each (a theme font is ``"theme"``)."""
    found: dict[str, str | None] = {"ascii": None, "hAnsi": None}
    for rpr in rprs:
        fonts = rpr.find(w("rFonts"))
        if fonts is None:
            continue
        for slot, value in found.items():
            if value is None:
                found[slot] = "theme" if fonts.get(w(slot + "Theme")) else fonts.get(w(slot))
        if all(found.values()):
            break
    return found["ascii"], found["hAnsi"]


def legacy_encoding(font: str | None) -> str | None:
    """``"tcvn3"`` for ``.Vn…`` fonts, ``"vni"`` for ``VNI-…`` fonts, else ``None``."""
    name = (font or "").strip()
    if name.lower().startswith(".vn"):
        return "tcvn3"
    if re.match(r"vni[-_ ]", name, re.IGNORECASE):
        return "vni"
    return None


# --- numbering ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """One level of a list definition (``w:lvl``)."""

    start: int = 0
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _level(lvl: etree._Element) -> _Level:
    text_el = lvl.find(w("lvlText"))
    text = "" if text_el is None or (text_el.get(w("null")) or "").lower() in _ON else text_el.get(w("val")) or ""
    restart = _val(lvl, "lvlRestart")
    return _Level(
        start=_int(_val(lvl, "start"), 0),
        fmt=_val(lvl, "numFmt") or _val(lvl.find(f"{_MC}AlternateContent/{_MC}Fallback"), "numFmt") or "decimal",
        text=text,
        restart=None if restart is None else _int(restart, 0),
        legal=_flag(lvl, "isLgl"),
        suffix=_val(lvl, "suff") or "tab",
        style=_val(lvl, "pStyle"),
    )


def _levels(parent: etree._Element) -> dict[int, _Level]:
    return {_int(lvl.get(w("ilvl")), 0): _level(lvl) for lvl in parent.findall(w("lvl"))}


@dataclass(frozen=True)
class _List:
    """A list instance as numbered: its counter key and its levels."""

    key: tuple[str, str]
    levels: dict[int, _Level]


class _Numbering:
    """The list definitions of ``word/numbering.xml``."""

    def __init__(self, root: etree._Element | None, styles: _Styles):
        self.present = root is not None
        self.styles = styles
        self.abstracts: dict[str, etree._Element] = {}
        self.nums: dict[str, etree._Element] = {}
        self._lists: dict[str, _List | None] = {}
        if root is None:
            return
        for abstract in root.findall(w("abstractNum")):
            self.abstracts.setdefault(abstract.get(w("abstractNumId")) or "", abstract)
        for num in root.findall(w("num")):
            self.nums.setdefault(num.get(w("numId")) or "", num)

    def list(self, num_id: str) -> _List | None:
        """The list a ``numId`` numbers with, or ``None`` when it is not defined."""
        if num_id not in self._lists:
            self._lists[num_id] = self._resolve(num_id)
        return self._lists[num_id]

    def _abstract(self, num: etree._Element, depth: int = 0) -> tuple[str, etree._Element] | None:
        abstract_id = _val(num, "abstractNumId")
        abstract = self.abstracts.get(abstract_id or "")
        if abstract is None:
            return None
        link = _val(abstract, "numStyleLink")
        if link and depth < 3:  # the definition lives with the numbering style it links to
            style = self.styles.by_id.get(link)
            target = _val(style.find(f"{w('pPr')}/{w('numPr')}") if style is not None else None, "numId")
            linked = self.nums.get(target or "")
            if linked is not None:
                return self._abstract(linked, depth + 1)
        return abstract_id or "", abstract

    def _resolve(self, num_id: str) -> _List | None:
        num = self.nums.get(num_id)
        found = self._abstract(num) if num is not None else None
        if found is None:
            return None
        abstract_id, abstract = found
        levels = _levels(abstract)
        overridden = False
        for override in num.findall(w("lvlOverride")):
            ilvl = _int(override.get(w("ilvl")), 0)
            own = override.find(w("lvl"))
            if own is not None:
                levels[ilvl], overridden = _level(own), True
            start = _val(override, "startOverride")
            if start is not None:
                levels[ilvl], overridden = replace(levels.get(ilvl, _Level()), start=_int(start, 0)), True
        key = ("num", num_id) if overridden else ("abstract", abstract_id)
        return _List(key, levels)

    def level_of_style(self, lst: _List, chain: tuple[etree._Element, ...]) -> int:
        """The level whose ``w:pStyle`` is the paragraph's style (else 0)."""
        names = [style.get(w("styleId")) for style in chain]
        for name in names:
            for ilvl, level in sorted(lst.levels.items()):
                if level.style == name:
                    return ilvl
        return 0


def _restarts(level: _Level | None, ilvl: int, used: int) -> bool:
    """Does using level ``used`` restart level ``ilvl`` (> ``used``)?"""
    restart = level.restart if level is not None else None
    if restart == 0:
        return False
    if restart is None or restart - 1 >= ilvl:
        return True  # by default any higher level restarts it; a lvlRestart below it is ignored
    return used <= restart - 1


class _Counters:
    """Current values per list instance and level (an unused level stands at start - 1)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], list[int]] = {}
        self.uses: dict[tuple[str, str], int] = {}

    def advance(self, lst: _List, ilvl: int, continues: _List | None = None) -> list[int]:
        """Count a paragraph at ``ilvl``; a new list may take over the counters of ``continues``."""
        values = self.values.get(lst.key)
        if values is None:
            inherited = self.values.get(continues.key) if continues is not None else None
            values = list(inherited) if inherited else [self._start(lst, i) - 1 for i in range(_LEVELS)]
            self.values[lst.key] = values
        self.uses[lst.key] = self.uses.get(lst.key, 0) + 1
        values[ilvl] += 1
        for lower in range(ilvl + 1, _LEVELS):
            if _restarts(lst.levels.get(lower), lower, ilvl):
                values[lower] = self._start(lst, lower) - 1
        return list(values)

    @staticmethod
    def _start(lst: _List, ilvl: int) -> int:
        level = lst.levels.get(ilvl)
        return level.start if level is not None else 0


_LATIN = tuple(string.ascii_lowercase)


def format_number(value: int, fmt: str, vietnamese: bool = False) -> str:
    """One number in a Word numbering format (unknown formats as decimal)."""
    if fmt in ("none", "bullet"):
        return ""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letters = units.POINT_LETTERS if vietnamese else _LATIN
        letter = letters[(value - 1) % len(letters)] * ((value - 1) // len(letters) + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        roman = units.to_roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}" if value >= 0 else str(value)
    return str(value)


_PLACEHOLDER = re.compile(r"%([1-9])")


def render_label(levels: dict[int, _Level], values: list[int], ilvl: int, vietnamese: bool = False) -> str:
    """The label Word shows for a paragraph at ``ilvl`` with the counters ``values``,
    followed by its separator (one space for a tab or a space)."""
    level = levels.get(ilvl)
    if level is None:
        return ""
    if level.fmt == "bullet":
        return "- "

    def number(match: re.Match[str]) -> str:
        n = int(match.group(1)) - 1
        fmt = "decimal" if level.legal else (levels[n].fmt if n in levels else "decimal")
        return format_number(values[n], fmt, vietnamese)

    label = _PLACEHOLDER.sub(number, level.text)
    if not label:
        return ""
    return label + ("" if level.suffix == "nothing" else " ")


# --- text with note marks -------------------------------------------------------------


@dataclass
class _NoteRef:
    """A footnote/endnote mark met in the body (its label may follow in the run)."""

    kind: str
    id: str
    label: str = ""


@dataclass
class _Text:
    """Text being built, with note marks at offsets into it."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    marks: list[tuple[int, _NoteRef]] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def mark(self, ref: _NoteRef) -> None:
        self.marks.append((self.length, ref))

    def extend(self, other: _Text) -> None:
        self.marks.extend((offset + self.length, ref) for offset, ref in other.marks)
        self.parts.extend(other.parts)
        self.length += other.length

    def value(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def strip(self) -> _Text:
        text = self.value()
        body = text.strip()
        lead = len(text) - len(text.lstrip())
        marks = [(min(max(offset - lead, 0), len(body)), ref) for offset, ref in self.marks]
        return _Text([body] if body else [], len(body), marks)

    @staticmethod
    def join(separator: str, texts: list[_Text]) -> _Text:
        out = _Text()
        for i, text in enumerate(texts):
            if i:
                out.add(separator)
            out.extend(text)
        return out


# --- legacy fonts ---------------------------------------------------------------------


class _Legacy:
    """Decodes runs typed in TCVN3/VNI fonts and counts them for the warning."""

    def __init__(self) -> None:
        self.runs = 0
        self.fonts: dict[str, list[str]] = {}

    def decode(self, text: str, font: str) -> str:
        encoding = legacy_encoding(font)
        capitals = encoding == "tcvn3" and font.strip().endswith("H")  # .VnTimeH: capitals at lower-case codes
        if encoding is None or (text.isascii() and not capitals) or not all(ch in _UNVIEW for ch in text):
            return text  # characters outside the 8-bit view: already Unicode
        if encoding == "tcvn3":
            plain = decode_legacy(text, "tcvn3", c1_letters=False)
            letters = decode_legacy(text, "tcvn3", c1_letters=True)
            decoded = letters if letters != plain and vietnamese_score(letters) > vietnamese_score(plain) else plain
            decoded = decoded.upper() if capitals else decoded
        else:
            decoded = decode_legacy(text, "vni")
        if decoded != text:
            names = self.fonts.setdefault(encoding, [])
            if font.strip() not in names:
                names.append(font.strip())
        return decoded

    def count(self) -> None:
        self.runs += 1

    def encoding(self) -> str | None:
        return "+".join(sorted(self.fonts)) or None

    def warning(self) -> str | None:
        if not self.runs:
            return None
        fonts = "; ".join(f"{name.upper()}: {', '.join(self.fonts[name])}" for name in sorted(self.fonts))
        return f"{self.runs} run{'s' if self.runs != 1 else ''} in legacy Vietnamese fonts ({fonts}) converted to Unicode"


# --- reading --------------------------------------------------------------------------


class _Context:
    """What every story of one package shares: styles, lists, notes, counts."""

    def __init__(self, package: _Package, accepted: bool, from_doc: bool = False):
        self.package = package
        self.accepted = accepted
        self.from_doc = from_doc
        self.styles = _Styles(package.part("styles"))
        self.numbering = _Numbering(package.part("numbering"), self.styles)
        self.legacy = _Legacy()
        self.changes = 0
        self.unnumbered = 0  # numbered paragraphs whose list is not defined
        self._note_parts: dict[str, dict[str, etree._Element] | None] = {}
        self._note_formats = _note_formats(package)
        self._note_next = {kind: start for kind, (_, start) in self._note_formats.items()}
        self._missing_notes: dict[str, int] = {}

    def next_note_label(self, kind: str) -> str:
        fmt = self._note_formats[kind][0]
        label = format_number(self._note_next[kind], fmt)
        self._note_next[kind] += 1
        return label

    def _notes_of(self, kind: str) -> dict[str, etree._Element] | None:
        if kind not in self._note_parts:
            root = self.package.part(_NOTE_PART[kind])
            self._note_parts[kind] = None if root is None else {
                note.get(w("id")) or "": note for note in root.findall(w(kind))
                if note.get(w("type")) in (None, "normal")
            }
        return self._note_parts[kind]

    def notes(self, marks: list[tuple[int, _NoteRef]]) -> list[Note]:
        """The notes of the marks, in the order of their anchors."""
        notes = []
        for anchor, ref in marks:
            element = (self._notes_of(ref.kind) or {}).get(ref.id)
            if element is None:
                self._missing_notes[ref.kind] = self._missing_notes.get(ref.kind, 0) + 1
                continue
            lines = _Story(self).blocks(element)
            text = _Text.join("\n", [line.strip() for line in lines if line.value().strip()]).value()
            notes.append(Note(ref.label, text, anchor, ref.kind))
        return notes

    def warnings(self) -> list[str]:
        out = []
        if self.changes:
            if self.accepted:
                out.append(f"{self.changes} tracked change{'s' if self.changes != 1 else ''} accepted "
                           "(read with revisions='original' for the text before them)")
            else:
                out.append(f"{self.changes} tracked change{'s' if self.changes != 1 else ''} not applied: "
                           "the text as it stood before them (read with revisions='accepted' for the text with them)")
        if self.unnumbered:
            where = ("word/numbering.xml is missing" if not self.numbering.present
                     else "their lists are not defined in word/numbering.xml")
            out.append(f"automatic numbers of {self.unnumbered} paragraph{'s' if self.unnumbered != 1 else ''} "
                       f"not rendered ({where})")
        for kind, count in sorted(self._missing_notes.items()):
            out.append(f"{count} {kind}{'s' if count != 1 else ''} marked in the body but not found in "
                       f"{self.package.targets[_NOTE_PART[kind]]}; left out")
        legacy = self.legacy.warning()
        if legacy:
            out.append(legacy)
        return out


def _note_formats(package: _Package) -> dict[str, tuple[str, int]]:
    """(numFmt, numStart) of footnotes and endnotes: the final section, then the settings."""
    formats = {"footnote": ("decimal", 1), "endnote": ("lowerRoman", 1)}
    body = package.document.find(w("body"))
    sections = [body.find(w("sectPr")) if body is not None else None, package.part("settings")]
    for kind in formats:
        fmt = start = None
        for holder in sections:
            pr = holder.find(w(kind + "Pr")) if holder is not None else None
            fmt = fmt or _val(pr, "numFmt")
            start = start or _val(pr, "numStart")
        formats[kind] = (fmt or formats[kind][0], _int(start, 1))
    return formats


class _Story:
    """One flow of text (the body, or one note): its lists' counters and open fields."""

    def __init__(self, context: _Context):
        self.context = context
        self.styles = context.styles
        self.accepted = context.accepted
        self.counters = _Counters()
        self.fields: list[str] = []  # per open complex field: "code" or "result"
        self._previous: _List | None = None  # the list of the previous line, if numbered
        self._para_fonts: tuple[str | None, str | None] = (None, None)

    # blocks

    def blocks(self, parent: etree._Element) -> list[_Text]:
        """The lines of the paragraphs and tables under ``parent``, in order."""
        lines: list[_Text] = []
        pending: tuple[_Text, etree._Element | None] | None = None  # text whose mark is gone
        for child in self._block_children(parent):
            if child.tag == w("p"):
                content, ppr, kept = self._paragraph(child)
                if pending is not None:
                    pending[0].extend(content)
                    content = pending[0]
                    pending = None
                if kept:
                    lines.append(self._numbered(content, ppr))
                else:
                    pending = (content, ppr)
            else:
                if pending is not None and pending[0].length:
                    lines.append(self._numbered(*pending))
                pending = None
                lines.extend(self._table(child))
                self._previous = None
        if pending is not None and pending[0].length:
            lines.append(self._numbered(*pending))
        return lines

    def _block_children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Paragraphs and tables, content controls, custom XML and block-level changes opened."""
        for child in parent:
            tag = child.tag
            if tag in (w("p"), w("tbl")):
                yield child
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    yield from self._block_children(content)
            elif tag == w("customXml"):
                yield from self._block_children(child)
            elif tag in (w("ins"), w("moveTo"), w("del"), w("moveFrom")):
                if self._change_kept(tag):
                    yield from self._block_children(child)
            elif tag == _MC + "AlternateContent":
                branch = _alternate(child)
                if branch is not None:
                    yield from self._block_children(branch)

    def _change_kept(self, tag: str) -> bool:
        """Count a tracked change; is its content part of the chosen view?"""
        self.context.changes += 1
        inserted = tag in (w("ins"), w("moveTo"))
        return inserted == self.accepted

    def _mark_kept(self, ppr: etree._Element | None) -> bool:
        """Does the paragraph mark stand in the chosen view (else the next paragraph joins)?"""
        mark = ppr.find(w("rPr")) if ppr is not None else None
        if mark is None:
            return True
        kept = True
        for tag in (w("ins"), w("moveTo"), w("del"), w("moveFrom")):
            if mark.find(tag) is not None:
                kept = self._change_kept(tag) and kept
        return kept

    def _paragraph(self, p: etree._Element) -> tuple[_Text, etree._Element | None, bool]:
        ppr = p.find(w("pPr"))
        self._para_fonts = _font(self.styles.run_properties(ppr))
        content = _Text()
        for child in p:
            if child is not ppr:
                self._inline(child, content)
        return content, ppr, self._mark_kept(ppr)

    def _numbered(self, content: _Text, ppr: etree._Element | None) -> _Text:
        """The line: the paragraph's automatic number (if any), then its text."""
        label = self._label(ppr)
        if not label:
            if _HEADING.match(content.value()):
                self._previous = None  # no list continues across "Điều 8." (see _split_from)
            return content
        line = _Text()
        line.add(label)
        line.extend(content)
        return line

    def _label(self, ppr: etree._Element | None) -> str:
        chain = self.styles.paragraph_chain(ppr)
        found = _numbering_of(ppr, chain)
        if found is None:
            return ""
        num_id, ilvl = found
        lst = self.context.numbering.list(num_id)
        if lst is None:
            self.context.unnumbered += 1
            self._previous = None
            return ""
        if ilvl is None:
            ilvl = self.context.numbering.level_of_style(lst, chain)
        ilvl = min(max(ilvl, 0), _LEVELS - 1)
        values = self.counters.advance(lst, ilvl, self._split_from(lst))
        self._previous = lst
        return render_label(lst.levels, values, ilvl, self.styles.is_vietnamese(ppr))

    def _split_from(self, lst: _List) -> _List | None:
        """In LibreOffice's conversion of a .doc, the list a new list continues, if any.

        LibreOffice converts a restarted list of a .doc into a one-paragraph list holding
        its first item followed by a fresh copy of the list for the rest ("1." "1." "2."
        where Word shows "1." "2." "3."). A list first used after the only paragraph of an
        identical list continues it, unless a table or a unit heading ("Điều 8.") stands
        between them.
        """
        previous = self._previous
        if (not self.context.from_doc or previous is None or lst.key in self.counters.values
                or self.counters.uses.get(previous.key) != 1 or previous.levels != lst.levels):
            return None
        return previous

    # tables

    def _table(self, table: etree._Element) -> list[_Text]:
        """One line per row in the chosen view, cells joined by `` | ``."""
        lines = []
        for row in _children(table, "tr"):
            trpr = row.find(w("trPr"))
            if not self._row_kept(trpr):
                continue
            cells = []
            for cell in _children(row, "tc"):
                merge = cell.find(f"{w('tcPr')}/{w('vMerge')}")
                if merge is not None and merge.get(w("val"), "continue") == "continue":
                    continue  # the merged cell's text stands in the row where it starts
                cell_lines = [line.strip() for line in self.blocks(cell) if line.value().strip()]
                cells.append(_Text.join(" ", cell_lines))
            lines.append(_Text.join(" | ", cells))
        return lines

    def _row_kept(self, trpr: etree._Element | None) -> bool:
        if trpr is None:
            return True
        kept = True
        for tag in (w("ins"), w("del")):
            if trpr.find(tag) is not None:
                kept = self._change_kept(tag) and kept
        return kept

    # inline content

    def _inline(self, element: etree._Element, out: _Text) -> None:
        tag = element.tag
        if tag == w("r"):
            self._run(element, out)
        elif tag in _OPENED:
            for child in element:
                self._inline(child, out)
        elif tag == w("sdt"):
            content = element.find(w("sdtContent"))
            for child in content if content is not None else ():
                self._inline(child, out)
        elif tag in (w("ins"), w("moveTo"), w("del"), w("moveFrom")):
            if self._change_kept(tag):
                for child in element:
                    self._inline(child, out)
        elif tag == _MC + "AlternateContent":
            branch = _alternate(element)
            for child in branch if branch is not None else ():
                self._inline(child, out)
        elif tag in (_M + "oMath", _M + "oMathPara") and not self._in_code():
            out.add("".join(t.text or "" for t in element.iter(_M + "t")))

    def _in_code(self) -> bool:
        return "code" in self.fields

    def _run(self, run: etree._Element, out: _Text) -> None:
        rpr = run.find(w("rPr"))
        font = self._run_font(rpr)
        buffer: list[str] = []
        custom: _NoteRef | None = None  # a note whose custom mark is this run's text
        converted = False

        def flush() -> None:
            nonlocal converted
            if buffer:
                raw = "".join(buffer)
                text = self.context.legacy.decode(raw, font) if font else raw
                converted = converted or text != raw
                out.add(text)
                buffer.clear()

        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                flush()
                self._field_char(child.get(w("fldCharType")))
            elif self._in_code() or tag == w("rPr"):
                continue
            elif tag in (w("t"), w("delText")):
                if custom is not None:
                    custom.label += child.text or ""
                else:
                    buffer.append(child.text or "")
            elif tag in _CHARACTERS:
                buffer.append(_CHARACTERS[tag])
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                flush()
                custom = self._note_mark(child, out)
            elif tag == w("sym") and custom is not None:
                custom.label += _symbol(child.get(w("char")))
        flush()
        if converted:
            self.context.legacy.count()

    def _note_mark(self, reference: etree._Element, out: _Text) -> _NoteRef | None:
        """Place a note mark; return it when a custom mark (its label) follows in the run."""
        kind = "footnote" if reference.tag == w("footnoteReference") else "endnote"
        custom = (reference.get(w("customMarkFollows")) or "").lower() in _ON
        ref = _NoteRef(kind, reference.get(w("id")) or "", "" if custom else self.context.next_note_label(kind))
        out.mark(ref)
        return ref if custom else None

    def _field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self.fields.append("code")
        elif kind == "separate" and self.fields:
            self.fields[-1] = "result"
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _run_font(self, rpr: etree._Element | None) -> str | None:
        """The run's legacy font (direct, run style, paragraph style, defaults), if any."""
        own = [rpr] if rpr is not None else []
        ascii_font, hansi = _font(own + self.styles.character_properties(_val(rpr, "rStyle")))
        ascii_font = ascii_font or self._para_fonts[0]
        hansi = hansi or self._para_fonts[1]
        for font in (hansi, ascii_font):  # letters above 0x7F show through the hAnsi font
            if legacy_encoding(font):
                return font
        return None


_HEADING = re.compile(rf"\s*{units.alternation(units.heading_words())}\b")
_OPENED = frozenset(w(name) for name in ("hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo"))
_CHARACTERS = {w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n",
               w("noBreakHyphen"): "-", w("softHyphen"): "\u00ad"}


def _children(parent: etree._Element, name: str) -> Iterator[etree._Element]:
    """The ``w:name`` children of a table or row, content controls and custom XML opened."""
    for child in parent:
        if child.tag == w(name):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _children(content, name)
        elif child.tag == w("customXml"):
            yield from _children(child, name)


def _alternate(element: etree._Element) -> etree._Element | None:
    """The branch of ``mc:AlternateContent`` read: the fallback, else the first choice."""
    fallback = element.find(_MC + "Fallback")
    return fallback if fallback is not None else element.find(_MC + "Choice")


def _symbol(code: str | None) -> str:
    """The character of ``w:sym`` (symbol fonts use the U+F0xx private range)."""
    try:
        value = int(code or "", 16)
    except ValueError:
        return ""
    if value >= 0xF000:
        value -= 0xF000
    return chr(value) if 0 < value < 0x110000 else ""


def _numbering_of(ppr: etree._Element | None, chain: tuple[etree._Element, ...]) -> tuple[str, int | None] | None:
    """(numId, ilvl or None) of a paragraph: its own ``w:numPr``, else its style chain's."""
    holders = [ppr] + [style.find(w("pPr")) for style in chain]
    num_id: str | None = None
    ilvl: str | None = None
    for holder in holders:
        numpr = holder.find(w("numPr")) if holder is not None else None
        if numpr is None:
            continue
        num_id = num_id if num_id is not None else _val(numpr, "numId")
        ilvl = ilvl if ilvl is not None else _val(numpr, "ilvl")
        if num_id is not None and ilvl is not None:
            break
    if num_id is None or num_id == "0":
        return None
    return num_id, None if ilvl is None else _int(ilvl, 0)
