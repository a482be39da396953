"""HTML internals of ``policytrack.read``: pages saved from the official portals.

The main content container is preferred, scripts/styles/navigation dropped, blocks
become lines, table cells are joined by `` | ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ._legacy import BinaryContent, decode_bytes
from .model import Note, ReadError


@dataclass
class HtmlText:
    """The text of a saved page as read, with its warnings and its footnotes."""

    text: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


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


def read_html(path: Path) -> HtmlText:
    """Read a saved page: the main content as lines; tables as `` | ``-separated rows."""
    from bs4 import BeautifulSoup

    try:
        markup, encoding, warnings = _decode_html(path.read_bytes())
    except BinaryContent as exc:
        raise ReadError(path, str(exc)) from None
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    root = _main_container(soup) or soup.body or soup
    return HtmlText(_html_text(root), encoding, list(warnings))


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
