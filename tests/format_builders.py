"""Build the files users really have from a plain-text law, the way the tools that make
them do, for the round-trip tests and ``bench/bench_formats.py``:

* ``docx_numbered``: a .docx whose clauses ("1.") and points ("a)") are Word automatic
  numbering (``w:numPr`` + ``numbering.xml``, one list instance per article restarted by
  ``w:startOverride``), the labels gone from the text as in a draft typed in Word;
* ``docx_tracked``: a .docx whose every paragraph carries tracked changes (a deletion and
  an insertion) and deleted paragraphs between them, so only the accepted view is the law;
* ``docx_plain``: labels typed, one paragraph per line (the source of the PDF);
* ``doc_from_docx``, ``pdf_from_docx``: LibreOffice conversions;
* ``scanned_pdf``: the PDF rasterised (``pdftoppm``, 200 dpi, greyscale) and saved back as
  an image-only PDF, as a scanner produces.

Each builder writes ``<folder>/<stem>.<ext>`` and returns its path, so the document id a
parse falls back to (the file name) is the one of the .txt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from policytrack import units

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CLAUSE = re.compile(r"(\d{1,3})\.[ \t]+(\S.*)")
_POINT = re.compile(rf"({units.letter_class()})\)[ \t]+(\S.*)")
_ARTICLE = re.compile(r"(?:Điều|ĐIỀU)[ \t]+\d")
_HEADING = re.compile(r"(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)[ \t]+[\dIVXLC]")
_QUOTES = "“”\""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>"""
#: Vietnamese as the document's language: Word numbering of points then runs a b c d đ e g …
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults><w:rPrDefault><w:rPr>
<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>
<w:sz w:val="26"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
</w:styles>"""


def _numbering(instances: int, separate: bool = False) -> str:
    """A two-level list (clauses ``%1.``, points ``%2)``) and one instance per article,
    each restarting both levels, as Word writes "Restart numbering"; or, ``separate``, one
    list definition per article (LibreOffice saves ``w:startOverride`` restarts to .doc as
    lists that continue, so the .doc is built from this form)."""
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:suff w:val="space"/><w:lvlJc w:val="left"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>'
        '<w:suff w:val="space"/><w:lvlJc w:val="left"/></w:lvl>'
    )
    if separate:
        abstract = "".join(f'<w:abstractNum w:abstractNumId="{i}"><w:multiLevelType w:val="multilevel"/>'
                           f"{levels}</w:abstractNum>" for i in range(1, instances + 1))
        nums = "".join(f'<w:num w:numId="{i}"><w:abstractNumId w:val="{i}"/></w:num>' for i in range(1, instances + 1))
    else:
        abstract = f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        nums = "".join(
            f'<w:num w:numId="{i}"><w:abstractNumId w:val="0"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
            '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            for i in range(1, instances + 1)
        )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W_NS}">'
            f"{abstract}{nums}</w:numbering>")


def _run(text: str, tag: str = "w:t", bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


def _paragraph(body: str, num: tuple[int, int] | None = None, mark: str = "") -> str:
    props = ""
    if num is not None:
        props = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if mark:
        props += f"<w:rPr>{mark}</w:rPr>"
    return f"<w:p>{'<w:pPr>' + props + '</w:pPr>' if props else ''}{body}</w:p>"


def _write_docx(path: Path, paragraphs: list[str], instances: int, separate: bool = False) -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
                f"<w:body>{''.join(paragraphs)}<w:sectPr/></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", _STYLES)
        z.writestr("word/numbering.xml", _numbering(max(instances, 1), separate))
    return path


def _articles(lines: list[str]) -> list[tuple[int, int]]:
    """``(first, end)`` line ranges of the articles (from an ``Điều N`` line to the next)."""
    starts = [i for i, line in enumerate(lines) if _ARTICLE.match(line)]
    return list(zip(starts, starts[1:] + [len(lines)]))


def _numberable(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Line index → (level, text without label) for the lines of the articles whose
    clauses run 1, 2, 3 … and whose points run in the Vietnamese letter order with no
    quotation inside (a quoted amendment's own numbering is not the article's)."""
    letters = list(units.POINT_LETTERS)
    out: dict[int, tuple[int, str]] = {}
    for first, end in _articles(lines):
        body = lines[first + 1 : end]
        if any(q in line for line in body for q in _QUOTES) or any(line.startswith("[") for line in body):
            continue
        found: dict[int, tuple[int, str]] = {}
        clause, point, regular = 0, 0, True
        for offset, line in enumerate(body, start=first + 1):
            if m := _CLAUSE.match(line):
                regular &= int(m.group(1)) == clause + 1
                clause, point = int(m.group(1)), 0
                found[offset] = (0, m.group(2))
            elif m := _POINT.match(line):
                regular &= point < len(letters) and m.group(1) == letters[point]
                point += 1
                found[offset] = (1, m.group(2))
        if regular:
            out.update(found)
    return out


def docx_numbered(text: str, folder: Path, stem: str, separate: bool = False) -> tuple[Path, int]:
    """The law as a .docx numbered by Word (``separate``: one list per article, see
    ``_numbering``). Returns the path and how many clause and point labels were turned into
    automatic numbering."""
    lines = text.split("\n")
    numbered = _numberable(lines)
    article_of = {}
    for index, (first, end) in enumerate(_articles(lines), start=1):
        for i in range(first, end):
            article_of[i] = index
    paragraphs = []
    for i, line in enumerate(lines):
        if i in numbered:
            level, rest = numbered[i]
            paragraphs.append(_paragraph(_run(rest), num=(article_of[i], level)))
        else:
            paragraphs.append(_paragraph(_run(line) if line else ""))
    path = _write_docx(Path(folder) / f"{stem}.docx", paragraphs, len(_articles(lines)), separate)
    return path, len(numbered)


def docx_plain(text: str, folder: Path, stem: str) -> Path:
    """The law as a .docx with its labels typed, one paragraph per line (what LibreOffice
    prints to PDF: its own numbering knows no Vietnamese letters)."""
    lines = text.split("\n")
    paragraphs = [_paragraph(_run(line, bold=_is_heading(lines, i)) if line else "") for i, line in enumerate(lines)]
    return _write_docx(Path(folder) / f"{stem}.docx", paragraphs, 0)


def _is_heading(lines: list[str], i: int) -> bool:
    """Headings are set in bold, as in the Official Gazette: ``Điều 5. …``, ``Chương II``,
    ``Mục 1. …`` and the line in capitals under a chapter or section word."""
    if _HEADING.match(lines[i]):
        return True
    return i > 0 and lines[i].isupper() and _HEADING.match(lines[i - 1]) is not None


def docx_tracked(text: str, folder: Path, stem: str) -> tuple[Path, int]:
    """The law as a .docx with tracked changes: in every paragraph of more than three words
    the second half is an insertion after a deleted word, and after every tenth paragraph
    a deleted paragraph (text and mark). Accepted, it is the law. Returns the path and the
    number of changes."""
    paragraphs, changes = [], 0
    author = 'w:author="Ban soạn thảo" w:date="2026-11-30T09:00:00Z"'
    for i, line in enumerate(text.split("\n")):
        words = line.split(" ")
        if len(words) > 3:
            half = len(words) // 2
            body = (_run(" ".join(words[:half]) + " ")
                    + f'<w:del w:id="{changes}" {author}>{_run("bỏ ", "w:delText")}</w:del>'
                    + f'<w:ins w:id="{changes + 1}" {author}>{_run(" ".join(words[half:]))}</w:ins>')
            changes += 2
        else:
            body = _run(line) if line else ""
        paragraphs.append(_paragraph(body))
        if i % 10 == 9:
            mark = f'<w:del w:id="{changes}" {author}/>'
            deleted = f'<w:del w:id="{changes + 1}" {author}>{_run("Đoạn đã xóa trong dự thảo.", "w:delText")}</w:del>'
            paragraphs.append(_paragraph(deleted, mark=mark))
            changes += 2
    return _write_docx(Path(folder) / f"{stem}.docx", paragraphs, 0), changes


def soffice_program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(source: Path, target_ext: str, folder: Path, stem: str) -> Path:
    program = soffice_program()
    if program is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="pt-convert-") as tmp:
        command = [program, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                   "--convert-to", target_ext, "--outdir", tmp, str(source)]
        subprocess.run(command, capture_output=True, timeout=300, check=False)
        produced = Path(tmp) / f"{source.stem}.{target_ext}"
        if not produced.exists():
            raise RuntimeError(f"LibreOffice did not convert {source.name} to .{target_ext}")
        target = Path(folder) / f"{stem}.{target_ext}"
        shutil.move(str(produced), target)
    return target


def doc_from_docx(docx: Path, folder: Path, stem: str) -> Path:
    """The .docx saved as a Word 97–2003 .doc by LibreOffice (numbering kept as lists)."""
    return _convert(docx, "doc", folder, stem)


def pdf_from_docx(docx: Path, folder: Path, stem: str) -> Path:
    """The .docx printed to PDF by LibreOffice (A4 pages, a text layer)."""
    return _convert(docx, "pdf", folder, stem)


def scanned_pdf(pdf: Path, folder: Path, stem: str, dpi: int = 200) -> Path:
    """The PDF as a scanner gives it: pages rasterised at ``dpi`` in grey, no text layer."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="pt-scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/page"],
                       capture_output=True, timeout=600, check=True)
        pages = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("page*.png"))]
        target = Path(folder) / f"{stem}.pdf"
        pages[0].save(target, save_all=True, append_images=pages[1:], resolution=dpi)
    return target


def tree(documents) -> list[tuple[str, str]]:
    """What a round trip must keep: every unit's path and heading (spaces folded), in order,
    for the units of the structure (not sub-points)."""
    kinds = {"part", "chapter", "section", "subsection", "article", "clause", "point", "annex"}
    out = []
    for doc in documents:
        for prov in doc.root.walk():
            if prov.kind in kinds:
                out.append((prov.path, " ".join((prov.heading or "").split())))
    return out
