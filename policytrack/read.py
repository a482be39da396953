"""Readers: turn a file (or a string) into a ``Source``.

``read(path)`` dispatches on the file extension through ``_READERS``:

* ``.txt`` ``.md``: UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), the
  legacy Vietnamese encodings TCVN3 and VNI, Windows-1258, else Windows-1252 with a
  warning. Legacy mojibake inside a UTF-8 file is converted, with a warning.
* ``.docx`` (python-docx): body paragraphs and tables in document order, one
  paragraph per line, table cells separated by `` | ``, rows by newlines.
* ``.doc``: converted to .docx by LibreOffice (``soffice``), then read as .docx.
* ``.pdf`` (pdfplumber): see ``policytrack._pdf`` (headers/footers, line re-joining,
  OCR of pages without a text layer).
* ``.html`` ``.htm``: pages saved from the official portals; the main content
  container is preferred, scripts/styles/navigation dropped, blocks become lines.
* ``.png`` ``.jpg`` ``.jpeg`` ``.tif`` ``.tiff``: OCR with Tesseract (``vie``).

Every failure raises ``ReadError`` naming the file and the reason. Offsets of every
later result refer to ``Source.text``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from . import _pdf
from ._legacy import BinaryContent, decode_bytes, fix_mojibake
from .model import ReadError, Source

__all__ = ["read", "read_text", "SUPPORTED_EXTENSIONS"]

LIBREOFFICE_TIMEOUT = 300
LIBREOFFICE_PROGRAMS = ("soffice", "libreoffice")


def read(path: str | Path) -> Source:
    """Read one file into a ``Source``. Raises ``ReadError`` (file named, reason given)."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(
            path,
            f"unsupported file type '{path.suffix or '(none)'}' "
            f"(supported: {', '.join(SUPPORTED_EXTENSIONS)})",
        )
    if not path.exists():
        raise ReadError(path, "file not found")
    if path.is_dir():
        raise ReadError(path, "is a directory, not a file")
    try:
        if path.stat().st_size == 0:
            raise ReadError(path, "empty file")
        return reader(path)
    except PermissionError:
        raise ReadError(path, "permission denied") from None


def read_text(text: str, path: str | Path | None = None) -> Source:
    """A ``Source`` for a string (legacy TCVN3/VNI mojibake is converted, with a warning)."""
    fixed, variant = fix_mojibake(text)
    warnings = [] if variant is None else [_mojibake_warning(variant)]
    encoding = None if variant is None else variant.split()[0]
    return Source(None if path is None else str(path), fixed, format="text", encoding=encoding, warnings=warnings)


def _mojibake_warning(variant: str) -> str:
    name = variant.split()[0].upper()
    return f"the text is {name} mojibake (copied from a legacy font); converted to Unicode"


def _source(path: Path, text: str, fmt: str, encoding: str | None, warnings: list[str], **extra) -> Source:
    """Build the Source of a structured format, converting legacy mojibake first."""
    if not text.strip():
        raise ReadError(path, "no text found in the document")
    if fmt != "pdf":
        fixed, variant = fix_mojibake(text)
        if variant is not None:
            text, encoding = fixed, variant.split()[0]
            warnings = [*warnings, _mojibake_warning(variant)]
    return Source(str(path), text, format=fmt, encoding=encoding, warnings=list(warnings), **extra)


def _read_plain(path: Path) -> Source:
    """.txt/.md: detect the encoding (see ``policytrack._legacy.decode_bytes``)."""
    try:
        text, encoding, warnings = decode_bytes(path.read_bytes())
    except BinaryContent as exc:
        raise ReadError(path, str(exc)) from None
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return Source(str(path), text, format=fmt, encoding=encoding, warnings=warnings)


def _read_docx(path: Path, fmt: str = "docx") -> Source:
    """.docx: paragraphs and tables of the body in document order."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile/KeyError/lxml errors for bad files
        raise ReadError(path, f"not a valid .docx file ({type(exc).__name__}: {exc})") from None
    lines = list(_block_lines(document.element.body, document))
    return _source(path, "\n".join(lines), fmt, "utf-8", [])


def _block_lines(parent, document):
    """Lines of the block elements under ``parent``: paragraphs, tables, content controls."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document).text
        elif child.tag == qn("w:tbl"):
            yield from _table_lines(Table(child, document))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _block_lines(content, document)


def _table_lines(table) -> list[str]:
    """One line per table row, cells separated by `` | `` (merged cells once)."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        lines.append(" | ".join(cells))
    return lines


def _libreoffice() -> str | None:
    for name in LIBREOFFICE_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _read_doc(path: Path) -> Source:
    """.doc: convert to .docx with LibreOffice in a temporary folder, then read it."""
    program = _libreoffice()
    if program is None:
        raise ReadError(
            path,
            "this file needs LibreOffice (program 'soffice') to read .doc files; "
            "install it (Debian: apt-get install libreoffice-writer) or save the file as .docx",
        )
    with tempfile.TemporaryDirectory(prefix="policytrack-doc-") as tmp:
        command = [
            program,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            str(path.resolve()),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=LIBREOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ReadError(path, f"LibreOffice did not convert the file within {LIBREOFFICE_TIMEOUT} s") from None
        converted = Path(tmp) / (path.stem + ".docx")
        if not converted.exists():
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ReadError(path, f"LibreOffice could not convert the file ({detail[0]})")
        source = _read_docx(converted, fmt="doc")
    source.path = str(path)
    return source


def _read_pdf(path: Path) -> Source:
    """.pdf: see ``policytrack._pdf``."""
    pdf = _pdf.read_pdf(path)
    return _source(path, pdf.text, "pdf", pdf.encoding, pdf.warnings, page_starts=pdf.page_starts)


def _read_image(path: Path) -> Source:
    """Scanned page images: OCR with Tesseract."""
    reason = _pdf.ocr_missing_reason()
    if reason:
        raise ReadError(path, f"an image has no text layer; {reason}")
    try:
        text = _pdf.ocr_image(path)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        raise ReadError(path, f"OCR failed ({exc})") from None
    return _source(path, text, "image", None, ["text recognised by OCR (check diacritics)"])


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DROPPED_TAGS = ("script", "style", "nav", "noscript", "template", "iframe", "head", "form", "button", "select")
_CONTENT_KEYS = ("toanvancontent", "fulltext", "divcontentdoc", "vbpq", "noidung", "content")
_TRAILING_BAR = re.compile(r" ?\|$")
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main ol p pre section table tbody thead tfoot tr ul caption center".split()
)


def _decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """HTML bytes -> text: BOM, then ``<meta charset>``, then UTF-8, then legacy guessing."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(name), name, []
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)


def _read_html(path: Path) -> Source:
    """.html/.htm: main content as lines; tables as `` | ``-separated rows."""
    from bs4 import BeautifulSoup

    try:
        markup, encoding, warnings = _decode_html(path.read_bytes())
    except BinaryContent as exc:
        raise ReadError(path, str(exc)) from None
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    root = _main_container(soup) or soup.body or soup
    return _source(path, _html_text(root), "html", encoding, warnings)


def _main_container(soup):
    """The element holding the document on portal pages (by id/class), if any."""
    for key in _CONTENT_KEYS:
        candidates = [
            tag
            for tag in soup.find_all(True)
            if key in (tag.get("id") or "").lower() or any(key in c.lower() for c in tag.get("class") or [])
        ]
        candidates = [(len(tag.get_text(" ", strip=True)), tag) for tag in candidates]
        candidates = [(size, tag) for size, tag in candidates if size >= 200]
        if candidates:
            return max(candidates, key=lambda pair: pair[0])[1]
    return None


def _html_text(root) -> str:
    """Text of an element: one line per block or ``<br>``, table cells joined by `` | ``.

    Blank lines are dropped (as in .docx, one paragraph is one line); non-breaking
    spaces are kept in the text (``normalize`` turns them into spaces for matching).
    """
    parts: list[str] = []
    _walk_html(root, parts)
    lines = (_SPACE_RUN.sub(" ", line).strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(_TRAILING_BAR.sub("", line) for line in lines if line)


def _walk_html(node, parts: list[str]) -> None:
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

    for child in node.children:
        if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
            continue
        if isinstance(child, NavigableString):
            parts.append(re.sub(r"[ \t\r\n\f]+", " ", str(child)))
            continue
        name = child.name
        if name == "br":
            parts.append("\n")
        elif name in ("td", "th"):
            _walk_html(child, parts)
            parts.append(" | ")
        elif name in _BLOCK_TAGS:
            parts.append("\n")
            _walk_html(child, parts)
            parts.append("\n")
        else:
            _walk_html(child, parts)


_READERS: dict[str, Callable[[Path], Source]] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    ".docx": _read_docx,
    ".doc": _read_doc,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
    ".png": _read_image,
    ".jpg": _read_image,
    ".jpeg": _read_image,
    ".tif": _read_image,
    ".tiff": _read_image,
}

#: File extensions ``read`` accepts (lower case, with the dot).
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_READERS))
