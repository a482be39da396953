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

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from . import _docx, _html, _pdf
from ._legacy import BinaryContent, decode_bytes, fix_mojibake
from .model import ReadError, Source

__all__ = ["read", "read_text", "SUPPORTED_EXTENSIONS"]

LIBREOFFICE_TIMEOUT = 300
LIBREOFFICE_PROGRAMS = ("soffice", "libreoffice")


def read(path: str | Path, *, revisions: str = "accepted") -> Source:
    """Read one file into a ``Source``. Raises ``ReadError`` (file named, reason given).

    ``revisions`` applies to Word files with tracked changes: ``"accepted"`` (default) reads
    the text as it would stand with every change accepted, ``"original"`` as it stood
    before them.
    """
    path = Path(path)
    if revisions not in _docx.REVISIONS:
        raise ValueError(f"revisions must be one of {', '.join(_docx.REVISIONS)}, not {revisions!r}")
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
        if reader in (_read_docx, _read_doc):
            return reader(path, revisions=revisions)
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


def _read_docx(path: Path, fmt: str = "docx", revisions: str = "accepted") -> Source:
    """.docx: see ``policytrack._docx``. It converts legacy-font runs and mojibake itself
    (moving note anchors with the text), so ``_source``'s whole-text repair is not run again."""
    doc = _docx.read_docx(path, revisions=revisions, from_doc=fmt == "doc")
    if not doc.text.strip():
        raise ReadError(path, "no text found in the document")
    return Source(str(path), doc.text, format=fmt, encoding=doc.encoding, warnings=list(doc.warnings), notes=doc.notes)


def _libreoffice() -> str | None:
    for name in LIBREOFFICE_PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _read_doc(path: Path, revisions: str = "accepted") -> Source:
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
        source = _read_docx(converted, fmt="doc", revisions=revisions)
    source.path = str(path)
    return source


def _read_pdf(path: Path) -> Source:
    """.pdf: see ``policytrack._pdf``."""
    pdf = _pdf.read_pdf(path)
    return _source(path, pdf.text, "pdf", pdf.encoding, pdf.warnings, page_starts=pdf.page_starts,
                   ocr_confidence=pdf.ocr_confidence)


def _read_image(path: Path) -> Source:
    """Scanned page images: OCR with Tesseract, one page with its word confidence."""
    reason = _pdf.ocr_missing_reason()
    if reason:
        raise ReadError(path, f"an image has no text layer; {reason}")
    try:
        result = _pdf.recognise(path)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        raise ReadError(path, f"OCR failed ({exc})") from None
    warnings = ["text recognised by OCR (check diacritics)"]
    low = _pdf.low_confidence_warning(1, result.confidence)
    return _source(path, result.text, "image", None, warnings + ([low] if low else []),
                   ocr_confidence=[result.confidence])


def _read_html(path: Path) -> Source:
    """.html/.htm: see ``policytrack._html``."""
    page = _html.read_html(path)
    return _source(path, page.text, "html", page.encoding, page.warnings, notes=page.notes)


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
