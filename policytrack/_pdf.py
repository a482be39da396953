"""PDF and OCR internals of ``policytrack.read``.

Text comes from pdfplumber page by page. Pages without a text layer (scans) go to
Tesseract (``tesseract`` program, language ``vie``) when it is installed; each OCR'd page
gets the mean confidence of its words (``PdfText.ocr_confidence``), and a page below
``OCR_LOW_CONFIDENCE`` a warning, since a poor scan loses words and markers. Then running
headers and footers (lines repeated at the top or bottom of most pages, page numbers
allowed to vary) and bare page-number lines are dropped, and lines broken by the
layout are joined again.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import units
from ._legacy import convert_mojibake, fix_mojibake
from .model import ReadError

OCR_LANGUAGE = "vie"
OCR_PACKAGES = "tesseract-ocr tesseract-ocr-vie"
OCR_TIMEOUT = 300
#: Mean word confidence (0–100) under which an OCR'd page is worth checking by eye.
OCR_LOW_CONFIDENCE = 60.0
EDGE_LINES = 2

_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?"
    r"|(?:trang|page)\s*\d{1,4}(?:\s*(?:/|of|trên)\s*\d{1,4})?"
    r"|\d{1,4}\s*/\s*\d{1,4}",
    re.IGNORECASE,
)
#: A line that starts a unit (a heading word of ``data/units.yaml``, a clause or point
#: number, a dash item) is never joined to the line above it.
_MARKER = re.compile(
    rf"{units.alternation(units.heading_words())}\s"
    r"|\d+(?:\.\d+)*\s*[.)]"
    rf"|{units.letter_class()}\d?\s?\)"
    r"|[-–—+•*]",
)
_SENTENCE_END = tuple(".:;!?")
_HEADING = re.compile(rf"{units.alternation(units.heading_words())}\s+[\dIVXLC]+\w?\s*[.:]")


@dataclass
class PdfText:
    """The text of a PDF as read: text, page start offsets, warnings, encoding, and per
    page the mean OCR word confidence (``None`` for a page with a text layer)."""

    text: str
    page_starts: list[int]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    ocr_confidence: list[float | None] = field(default_factory=list)


def read_pdf(path: Path) -> PdfText:
    """Read a PDF: per-page text (OCR where needed), cleaned and re-joined."""
    pages, warnings, confidence = _extract_pages(path)
    pages, encoding = _fix_legacy_fonts(pages, warnings)
    pages = remove_running_lines(pages)
    _mark_wraps(pages)
    text, starts = join_pages(pages)
    return PdfText(text, starts, warnings, encoding, confidence)


def _open(path: Path):
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types for bad files
        raise ReadError(path, f"cannot open PDF: {_describe(exc)}") from None


def _describe(exc: Exception) -> str:
    """A readable reason for a pdfplumber/pdfminer failure."""
    chain = [exc, getattr(exc, "__cause__", None), getattr(exc, "__context__", None)]
    names = " ".join(type(e).__name__ for e in chain if e is not None)
    if "Password" in names or "Encrypt" in names:
        return "the PDF is encrypted (password required)"
    message = str(exc).strip() or type(exc).__name__
    return f"corrupt or unsupported PDF ({message})"


def _extract_pages(path: Path) -> tuple[list[list[str]], list[str], list[float | None]]:
    """Lines of every page, warnings, and each page's OCR confidence (``None`` where not
    OCR'd); OCR for pages with no text layer. Raises when no text."""
    warnings: list[str] = []
    pages: list[list[str]] = []
    confidence: list[float | None] = []
    missing: list[int] = []
    with _open(path) as pdf:
        try:
            for number, page in enumerate(pdf.pages, start=1):
                text = page.extract_text() or ""
                confidence.append(None)
                if not text.strip():
                    text, confidence[-1] = _ocr_page(page, number, missing, warnings)
                    pages.append(text.splitlines())
                else:
                    pages.append(_with_wraps(page, text.splitlines()))
        except ReadError:
            raise
        except Exception as exc:
            raise ReadError(path, f"cannot read PDF: {_describe(exc)}") from None
    if not pages:
        raise ReadError(path, "the PDF has no pages")
    if missing and len(missing) == len(pages):
        raise ReadError(path, f"no page has a text layer ({_pages(missing)}) and {ocr_missing_reason()}")
    for number in missing:
        warnings.append(f"page {number} has no text layer and was skipped: {ocr_missing_reason()}")
    return pages, warnings, confidence


class Line(str):
    """A line of a page with what its geometry says: ``wrapped`` is True when the first
    word of the next line (on this page or the next) would not have fitted at its end, so
    the layout broke the paragraph; False when it would have (the author's break); None
    when unknown (OCR, or pdfplumber's positioned lines differ from the text)."""

    wrapped: bool | None = None
    #: Whether the line is set in bold (most of its characters), None when unknown.
    bold: bool | None = None
    #: Where the line ends, the page's right text edge, a space's width, and the width of
    #: the line's first word (points); None without geometry.
    end: float | None = None
    right: float | None = None
    space: float = 3.0
    first_word: float | None = None


#: Points of slack at the right margin when deciding whether a word would have fitted.
_WRAP_SLACK = 2.0


def _with_wraps(page, lines: list[str]) -> list[str]:
    """``lines`` as ``Line`` objects carrying the page's geometry, when pdfplumber's
    positioned lines are the same lines (else as they are)."""
    try:
        boxes = page.extract_text_lines()
    except Exception:  # geometry is a help, never a reason to lose the text
        return lines
    if [b["text"].strip() for b in boxes] != [line.strip() for line in lines] or not boxes:
        return lines
    right = max(b["x1"] for b in boxes)
    weights = [_is_bold(box) for box in boxes]
    out = []
    for line, box, bold in zip(lines, boxes, weights):
        tagged = Line(line)
        tagged.bold = bold if any(weights) else None
        tagged.end, tagged.right, tagged.space = box["x1"], right, _space(box)
        tagged.first_word = _first_word_width(box)
        out.append(tagged)
    return out


def _mark_wraps(pages: list[list[str]]) -> None:
    """Set ``Line.wrapped`` from each line and the line after it, across page breaks."""
    flat = [line for lines in pages for line in lines]
    for line, after in zip(flat, flat[1:]):
        if isinstance(line, Line) and isinstance(after, Line) and line.end is not None and after.first_word is not None:
            line.wrapped = line.end + line.space + after.first_word > line.right - _WRAP_SLACK


def _is_bold(box: dict) -> bool:
    chars = [c for c in box.get("chars") or [] if not c["text"].isspace()]
    return bool(chars) and sum("bold" in (c.get("fontname") or "").lower() for c in chars) > len(chars) / 2


def _space(box: dict) -> float:
    chars = box.get("chars") or []
    sizes = [c.get("size", 0) for c in chars if c.get("size")]
    return 0.25 * (sum(sizes) / len(sizes)) if sizes else 3.0


def _first_word_width(box: dict) -> float:
    """Width of a line's first word: its characters up to the first space or gap (PDFs
    often draw no space character, only a jump in position)."""
    chars = box.get("chars") or []
    end = box["x0"]
    for c in chars:
        gap = c["x0"] - end
        if c["text"].isspace() or (end > box["x0"] and gap > 0.15 * (c.get("size") or 10)):
            break
        end = c["x1"]
    return end - box["x0"]


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))


def _ocr_page(page, number: int, missing: list[int], warnings: list[str]) -> tuple[str, float | None]:
    """OCR text of an image-only page and its mean word confidence, or ``("", None)``
    (page number added to ``missing``) when OCR cannot run."""
    if ocr_missing_reason():
        missing.append(number)
        return "", None
    image = page.to_image(resolution=300).original
    result = recognise(image)
    warnings.append(f"page {number} has no text layer: text recognised by OCR (check diacritics)")
    low = low_confidence_warning(number, result.confidence)
    if low:
        warnings.append(low)
    return result.text, result.confidence


def ocr_missing_reason() -> str | None:
    """Why OCR cannot run here (naming the Debian packages), or ``None`` if it can."""
    program = shutil.which("tesseract")
    if program is None:
        return f"OCR needs the program 'tesseract' with Vietnamese data (Debian: apt-get install {OCR_PACKAGES})"
    if OCR_LANGUAGE not in _tesseract_languages(program):
        return f"OCR needs Tesseract's Vietnamese data '{OCR_LANGUAGE}' (Debian: apt-get install tesseract-ocr-vie)"
    return None


def _tesseract_languages(program: str) -> set[str]:
    try:
        result = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {line.strip() for line in (result.stdout + result.stderr).splitlines()}


@dataclass
class OcrResult:
    """What Tesseract read on one page: the text and the mean confidence (0–100) of its
    words (0.0 when it recognised no word)."""

    text: str
    confidence: float


def ocr_image(image) -> str:
    """Recognise Vietnamese text in a PIL image (or an image file path) with Tesseract."""
    return recognise(image).text


def recognise(image) -> OcrResult:
    """Recognise a PIL image (or an image file path) once, with Tesseract's plain text and
    its word table (``txt tsv`` outputs of one run) for the confidence."""
    program = shutil.which("tesseract") or "tesseract"
    with tempfile.TemporaryDirectory(prefix="policytrack-ocr-") as tmp:
        if isinstance(image, (str, Path)):
            source = str(image)
        else:
            source = str(Path(tmp) / "page.png")
            image.save(source)
        base = Path(tmp) / "out"
        result = subprocess.run(
            [program, source, str(base), "-l", OCR_LANGUAGE, "txt", "tsv"],
            capture_output=True,
            timeout=OCR_TIMEOUT,
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr.decode("utf-8", "replace").strip() or "tesseract failed")
        text = base.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        table = base.with_suffix(".tsv").read_text(encoding="utf-8", errors="replace")
    return OcrResult(text, mean_word_confidence(table))


def mean_word_confidence(tsv: str) -> float:
    """The mean confidence of the words in Tesseract's TSV output (rows of level 5 with
    text; blocks, lines and empty boxes carry -1 or no text), 0.0 when there is none."""
    rows = tsv.splitlines()
    if not rows:
        return 0.0
    header = rows[0].split("\t")
    level, conf, text = header.index("level"), header.index("conf"), header.index("text")
    values = []
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) > text and cells[level] == "5" and cells[text].strip() and float(cells[conf]) >= 0:
            values.append(float(cells[conf]))
    return round(sum(values) / len(values), 1) if values else 0.0


def low_confidence_warning(page: int, confidence: float | None) -> str | None:
    """The warning for an OCR'd page whose words were recognised with low confidence."""
    if confidence is None or confidence >= OCR_LOW_CONFIDENCE:
        return None
    return (f"page {page}: OCR confidence {confidence:.0f} is below {OCR_LOW_CONFIDENCE:.0f} "
            f"(a poor scan: words, article and clause numbers may be lost; check it against the page)")


def _fix_legacy_fonts(pages: list[list[str]], warnings: list[str]) -> tuple[list[list[str]], str | None]:
    """Convert TCVN3/VNI mojibake (PDFs made from legacy fonts), page by page."""
    _, variant = fix_mojibake("\n".join(line for page in pages for line in page))
    if variant is None:
        return pages, None
    warnings.append(f"the PDF's text uses the legacy {variant.split()[0].upper()} font encoding; converted to Unicode")
    return [[convert_mojibake(line, variant) for line in page] for page in pages], variant.split()[0]


def _signature(line: str) -> str:
    """A line with digits generalised, for comparing running headers across pages."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _edges(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indices of the first and last ``EDGE_LINES`` non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return filled[:EDGE_LINES], filled[-EDGE_LINES:]


def remove_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers and bare page numbers at page edges."""
    repeated = _repeated_signatures(pages)
    cleaned = []
    for lines in pages:
        top, bottom = _edges(lines)
        drop = {
            i
            for i in set(top) | set(bottom)
            if _PAGE_NUMBER.fullmatch(lines[i].strip())
            or (i in top and _signature(lines[i]) in repeated[0])
            or (i in bottom and _signature(lines[i]) in repeated[1])
        }
        cleaned.append([line for i, line in enumerate(lines) if i not in drop])
    return cleaned


def _repeated_signatures(pages: list[list[str]]) -> tuple[set[str], set[str]]:
    """Signatures found at the top (and at the bottom) of most pages."""
    if len(pages) < 2:
        return set(), set()
    needed = max(2, math.ceil(0.6 * len(pages)))
    result: list[set[str]] = []
    for side in (0, 1):
        counts: dict[str, int] = {}
        for lines in pages:
            for sig in {_signature(lines[i]) for i in _edges(lines)[side]}:
                counts[sig] = counts.get(sig, 0) + 1
        result.append({sig for sig, n in counts.items() if n >= needed and sig.strip("# ")})
    return result[0], result[1]


#: A line that opens a clause, a point or a dash item: never a continuation.
_LABEL = re.compile(rf"\d+(?:\.\d+)*\s*[.)](?:\s|$)|{units.letter_class()}\d?\)(?:\s|$)|[-–—+•*]\s")


def should_join(previous: str, line: str, wrapped: bool | None = None, same_weight: bool | None = None) -> bool:
    """Is ``line`` the continuation of ``previous`` (a line broken by the layout)?

    ``wrapped`` is what the page geometry says of ``previous`` (see ``Line``): a line the
    layout broke goes on with the next one whatever that starts with ("… khoản 3" /
    "Điều 38 Luật …", a title in capitals over two lines), unless that opens a clause,
    a point or a dash item. ``same_weight`` (both lines bold or both not; None when the
    page has no bold) tells a heading's second line from the article's first sentence.
    Without geometry, only a lower-case line continues.
    """
    previous, line = previous.rstrip(), line.lstrip()
    if not previous or not line:
        return False
    if wrapped and _continues_by_layout(previous, line, same_weight):
        return True
    if not line[0].islower():
        return False
    if previous.endswith(_SENTENCE_END) or _is_upper_heading(previous):
        return False
    return _MARKER.match(line) is None


def _continues_by_layout(previous: str, line: str, same_weight: bool | None) -> bool:
    """Where the layout broke ``previous``, does ``line`` go on with it? Not after a
    sentence end, not a label; a title in capitals goes on only in capitals; a heading
    ("Điều 3. …") goes on in the same weight (bold), or, where the page shows no weight,
    with a lower-case word or a number (a capital after a heading is most often the
    article's first sentence)."""
    if previous.endswith(_SENTENCE_END) or _LABEL.match(line) or _HEADING.match(line) or same_weight is False:
        return False
    if _is_upper_heading(previous):
        return _is_upper_heading(line) and _MARKER.match(line) is None
    if _HEADING.match(previous) and same_weight is None:
        return line[0].islower() or line[0].isdigit()
    return True


def _is_upper_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def join_pages(pages: list[list[str]]) -> tuple[str, list[int]]:
    """Join page lines into one text, re-joining broken lines; return it and page starts."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    wrapped: bool | None = None
    bold: bool | None = None
    for lines in pages:
        mark: tuple[int, int] | None = None
        for line in lines:
            flag, weight = getattr(line, "wrapped", None), getattr(line, "bold", None)
            same = None if bold is None or weight is None else bold == weight
            line = line.rstrip()
            if out and should_join(out[-1], line, wrapped, same):
                column = len(out[-1]) + 1
                out[-1] += " " + line.lstrip()
            else:
                column = 0
                out.append(line)
            wrapped, bold = flag, weight
            if mark is None:
                mark = (len(out) - 1, column)
        marks.append(mark if mark is not None else (len(out), 0))
    text = "\n".join(out)
    line_starts = [0]
    for line in out:
        line_starts.append(line_starts[-1] + len(line) + 1)
    return text, [min(line_starts[k] + column, len(text)) for k, column in marks]
