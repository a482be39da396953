"""HTML internals of ``policytrack.read``: pages saved from the legal portals.

Pages come from the national database (vbpl.vn: ``div#toanvancontent``, ``div.fulltext``;
older pages hold the whole text in a ``<pre>``) and the commercial portals
(thuvienphapluat.vn: ``div.content1``, ``div#divContentDoc``; luatvietnam.vn), saved by a
browser ("Save page as…, HTML only") with their menus, sidebars and footers. How a page
is read, in order:

1. **Not text**: scripts, styles, form controls, embedded objects (``NON_TEXT_TAGS``).
2. **Footnotes** of consolidated texts (VBHN) are taken out of the body and returned as
   ``Note(label, text, anchor, kind="footnote")``: popups and tooltips (an element named
   ``TOOLTIP_NAMES`` or a label-only mark with a ``title``; the text from one of
   ``TOOLTIP_ATTRS`` or from a popup child named ``POPUP_NAMES``), marks that point at
   their note (``<sup><a href="#fn1">[1]</a></sup>``, Word's ``_ftn1``, ``onclick``/``data-*``
   targets: ``MARK_TARGET_ATTRS``), and notes without a linked mark inside the main
   container (elements named ``FOOTNOTE_NAMES``, split at their ``[n]`` labels).
   *The mark stays in the body, always written ``[n]``*, as consolidated texts print it
   and as our .txt files carry it (the parser reads marks fused to labels: ``1.[15]``,
   ``b)[53]``); a bare superscript ``1`` becomes ``[1]`` so it never fuses into a number.
   ``anchor`` is the offset of the mark's ``[`` in the final text (``text[anchor:]``
   starts with ``[n]``); a tooltip over ordinary words has no mark (label ``""``) and
   anchors just after those words; a note with no mark element stands at the first
   ``[n]`` of the text, else at its end; a note whose mark lies outside what is read (a
   sidebar) is dropped. A plain paragraph ``[1] …`` with no footnote markup stays text, as in
   a .txt (``parse`` finds where such footnotes begin).
3. **Chrome**: ``nav``/``header``/``footer``/``aside`` elements (``CHROME_TAGS``), ARIA
   landmark roles (``CHROME_ROLES``), and elements whose id/class names a menu,
   breadcrumb, sidebar, share bar, related list, comments, login, banner, footer or
   advertisement (``CHROME_NAMES``, case-insensitive substrings; an id/class word that
   also names content, ``main-content``, is not chrome). An element that holds at least
   half of the page's text is a layout wrapper whatever its name and is never chrome.
   Hidden elements (``display:none``, ``visibility:hidden``, ``hidden``,
   ``aria-hidden="true"``, ``HIDDEN_CLASSES``) are not text anywhere.
4. **The main container**: the elements whose id/class holds one of ``CONTENT_KEYS``,
   not inside chrome, with at least ``MIN_CONTAINER_CHARS`` characters of visible text;
   the largest wins, and a candidate inside it that holds ``NESTED_SHARE`` of its text
   replaces it (the wrapper's title bar, tabs and toolbar stay out). Inside the
   container nothing is dropped by name (a document's own ``<header>`` is its text), only
   hidden elements. A page without a container is read from its body minus chrome, with
   a warning when no article heading (``Điều …``) is found either.
5. **Lines**: each block element and each ``<br>`` ends a line; inline elements (``<b>``,
   ``<span>``, empty ``<a name>`` anchors) never do, so ``<b>Điều</b> <b>1.</b>`` and
   ``<span>1</span>.`` stay whole. Runs of spaces become one space and lines are trimmed;
   ``&nbsp;`` inside a line is kept (``normalize`` makes it a space for matching);
   zero-width characters and soft hyphens are removed. Inside ``<pre>`` every line break
   is a line and spacing inside a line is kept as written.
6. **Tables**: a table is *layout* when no row has two non-empty cells (one column), or
   when at least half of its non-empty cells are block-like: several lines (paragraphs,
   ``<br>``) or at least ``PROSE_CHARS`` characters. A layout table is read as blocks,
   cell after cell, each cell's lines its own (a cell holding only a label, ``1.``,
   ``a)``, ``Điều 5.``, runs into the next cell). Any other table is *data*: one line per
   row, cells joined by `` | ``, a cell's own lines joined by spaces. The two-column
   header block "QUỐC HỘI | CỘNG HÒA …" (several lines per cell) is layout; a grid of
   short values is data.

A page with no text raises ``ReadError``; legacy-font mojibake (TCVN3/VNI) is converted
here, before the note anchors are placed, so they hold in the final text.
"""

from __future__ import annotations

import re
import unicodedata
import warnings as _warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import units
from ._legacy import BinaryContent, decode_bytes, fix_mojibake
from .model import Note, ReadError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag


@dataclass
class HtmlText:
    """The text of a saved page as read, with its warnings and its footnotes."""

    text: str
    encoding: str | None
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


#: Elements that never hold document text.
NON_TEXT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "head", "title", "meta", "link", "svg", "canvas",
    "object", "embed", "input", "button", "select", "option", "textarea", "datalist",
)
#: Elements that are page chrome by their tag, and by their ARIA ``role``.
CHROME_TAGS = ("nav", "header", "footer", "aside", "menu", "dialog")
CHROME_ROLES = ("navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar",
                "toolbar", "dialog")
#: Substrings of an id/class word that make an element page chrome.
CHROME_NAMES = (
    "menu", "breadcrumb", "sidebar", "share", "social", "related", "comment", "login", "signin", "banner",
    "footer", "advert", "adsbygoogle", "quangcao", "toolbar", "navbar", "navigation", "search", "cookie",
    "lienquan", "binhluan", "dangnhap", "chiase", "timkiem",
)
#: Substrings of an id/class word naming the container of the document text (the largest wins).
CONTENT_KEYS = ("toanvancontent", "fulltext", "divcontentdoc", "vbpq", "noidung", "content")
#: Class words of hidden elements (CSS framework conventions).
HIDDEN_CLASSES = ("hidden", "d-none", "hide", "sr-only", "visually-hidden", "invisible")
#: Substrings of an id/class word naming a footnote (or a block of footnotes).
FOOTNOTE_NAMES = ("footnote", "endnote", "chuthich", "chu-thich", "chu_thich")
#: Substrings of an id/class word naming a tooltip/popup host, and its popup child.
TOOLTIP_NAMES = ("tooltip", "popover")
POPUP_NAMES = ("tooltiptext", "tooltip-text", "tooltip-content", "tooltip-inner", "popuptext",
               "popup-text", "popover-content", "popover-body")
#: Attributes holding a tooltip's text, in order of preference.
TOOLTIP_ATTRS = ("data-tooltip", "data-original-title", "data-bs-original-title", "data-content",
                 "data-bs-content", "data-title", "title")
#: Attributes of a mark naming its note's id (``#fn1``, ``show('fn1')``).
MARK_TARGET_ATTRS = ("href", "data-target", "data-bs-target", "data-footnote", "data-fn", "data-note",
                     "aria-describedby", "onclick")

MIN_CONTAINER_CHARS = 200
NESTED_SHARE = 0.8
CHROME_MAX_SHARE = 0.5
PROSE_CHARS = 200
#: Characters of script code above which an empty page is said to be filled in by scripts.
_SCRIPTED_CHARS = 200

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
#: Elements that start and end a line.
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "caption", "center", "fieldset",
    "legend", "details", "summary",
))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.IGNORECASE)
_FOOTNOTE_STYLE = re.compile(r"mso-element\s*:\s*(?:footnote|endnote)\b", re.IGNORECASE)
_FOOTNOTE_ID = re.compile(r"_?(?:ftn|edn|fn|note|footnote)[-_:]?\d+", re.IGNORECASE)
#: The visible text of a note mark: ``[1]``, ``(1)``, ``1``, ``*``; a back-link arrow.
_NOTE_LABEL = re.compile(r"\s*(?:\[\s*(\d{1,4}|\*{1,3})\s*\]|\(\s*(\d{1,4}|\*{1,3})\s*\)|(\d{1,4}|\*{1,3}))\s*")
_BACK_LINK = re.compile(r"\s*[↩↑^]\s*")
#: A note's text starting with its own label: ``[3] …``, ``3. …``, ``(3) …``.
_LEADING_LABEL = re.compile(r"\s*(?:\[\s*(\d{1,4}|\*{1,3})\s*\]|\(\s*(\d{1,4})\s*\)|(\d{1,4})[.)]?(?=\s))\s*")
_PROVISION_ANCHOR = re.compile(r"(?:^|\s)(?:dieu|khoan|diem|chuong|muc|tieumuc|phan|phuluc|pl)[_-]?\d",
                               re.IGNORECASE)
_TARGET_IN = re.compile(r"""#([\w:.-]+)|['"]#?([\w:.-]+)['"]|^([\w:.-]+)$""")
#: A table cell that holds only a label and runs into the next cell.
_LABEL_CELL = re.compile(
    rf"(?:{units.alternation(units.heading_words('article'))})[ \t\xa0]+\d{{1,4}}{units.letter_class()}?[.:]?"
    rf"|\d{{1,3}}[.)]|{units.letter_class()}\d?\)|[-–—+•]"
)
_ARTICLE_LINE = re.compile(rf"(?m)^[ \t\xa0]*(?:{units.alternation(units.heading_words('article'))})[ \t\xa0]+\d")

#: Private-use characters: a note sentinel ``\ue000<i>\ue001`` stands where note ``i``'s
#: mark is until the anchors are placed; ``\ue002``/``\ue003`` are a space and a tab of a
#: ``<pre>`` that whitespace squeezing must leave alone.
_SENTINEL = re.compile("\ue000(\\d+)\ue001")
_PRE_SPACE, _PRE_TAB = "\ue002", "\ue003"
_NOTE_SEPARATOR = "\n\ue004\n"
_EDGE = " \t\xa0" + _PRE_SPACE + _PRE_TAB
_SPACE_RUN = re.compile(r"[ \t\r\n\f\v]+")
_BARE_SENTINELS_BEFORE_SPACE = re.compile("(?<= )((?:\ue000\\d+\ue001)+) ")
_EDGE_SENTINEL_SPACE = re.compile("^((?:\ue000\\d+\ue001)+) | ((?:\ue000\\d+\ue001)+)$")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\xad"))
_UNPROTECT = str.maketrans({_PRE_SPACE: " ", _PRE_TAB: "\t"})


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


#: Pages nested deeper than Python's default recursion allows (generated pages, broken
#: editors) are read again in a thread with a deep stack, up to this many levels.
DEEP_RECURSION = 60_000
_DEEP_STACK = 512 * 1024 * 1024


def read_html(path: Path) -> HtmlText:
    """Read a saved page: the main content as lines, its footnotes as ``Note``s (see module)."""
    try:
        markup, encoding, warnings = _decode_html(path.read_bytes())
    except BinaryContent as exc:
        raise ReadError(path, str(exc)) from None
    try:
        return _read_markup(path, markup, encoding, warnings)
    except RecursionError:
        return _read_deep(path, markup, encoding, warnings)


def _read_deep(path: Path, markup: str, encoding: str, warnings: list[str]) -> HtmlText:
    """``_read_markup`` in a thread with a deep stack and recursion limit: bs4 walks the tree
    recursively, and a page nesting thousands of elements would otherwise fail."""
    import sys
    import threading

    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["page"] = _read_markup(path, markup, encoding, warnings)
        except RecursionError:
            result["error"] = ReadError(path, f"the page nests its elements deeper than {DEEP_RECURSION:,} levels")
        except Exception as exc:  # handed back to the caller's thread as it is
            result["error"] = exc

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    try:
        sys.setrecursionlimit(DEEP_RECURSION)
        threading.stack_size(_DEEP_STACK)
        worker = threading.Thread(target=work, name="policytrack-deep-html")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "error" in result:
        raise result["error"]
    page = result["page"]
    page.warnings.append("the page nests its elements very deeply; read with a deep stack")
    return page


def _read_markup(path: Path, markup: str, encoding: str, warnings: list[str]) -> HtmlText:
    soup = _soup(markup)
    scripted = sum(len(tag.get_text()) for tag in soup.find_all("script"))
    for tag in soup.find_all(NON_TEXT_TAGS):
        tag.decompose()
    notes = _Notes(soup)
    notes.take_tooltips()
    notes.take_linked()
    page = _Page(soup)
    root = page.container()
    notes.take_unlinked(root, page.chrome if page.fallback else set())
    raw = _Renderer(page.skipped_in(root)).render(root)
    raw, variant = notes.unmojibake(raw)
    text, anchors = _place_anchors(raw)
    if not text:
        raise ReadError(path, _no_text_reason(scripted))
    if variant is not None:
        encoding = variant.split()[0]
    return HtmlText(text, encoding, [*warnings, *_warnings_about(text, variant, page.fallback)],
                    notes.placed(anchors, text))


def _warnings_about(text: str, variant: str | None, fallback: bool) -> list[str]:
    """A legacy-font conversion; a page read without container nor article heading."""
    found = []
    if variant is not None:
        name = variant.split()[0].upper()
        found.append(f"the text is {name} mojibake (copied from a legacy font); converted to Unicode")
    if fallback and not _ARTICLE_LINE.search(unicodedata.normalize("NFC", text)):
        found.append("no content container (toanvancontent, fulltext, content1…) and no article heading "
                     "('Điều …') found: the whole page body was read; check that it holds a legal text")
    return found


def _soup(markup: str) -> BeautifulSoup:
    """Parse with lxml (implied end tags, as browsers do), quietly for XHTML pages."""
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(markup, "lxml")


def _no_text_reason(scripted: int) -> str:
    if scripted > _SCRIPTED_CHARS:
        return ("no text found in the page: its text is probably filled in by scripts; open it in a browser "
                "and save it again once the text shows (\"Webpage, complete\")")
    return "no text found in the page (markup only, or every element hidden)"


# --- names and visibility -----------------------------------------------------------


def _classes(tag: Tag) -> list[str]:
    classes = tag.get("class") or []
    return [w.lower() for w in (classes.split() if isinstance(classes, str) else classes)]


def _words(tag: Tag) -> list[str]:
    """The lower-cased id and class words of an element."""
    return [w for w in ((tag.get("id") or "").lower(), *_classes(tag)) if w]


def _names(tag: Tag, keys: tuple[str, ...]) -> bool:
    return any(key in word for word in _words(tag) for key in keys)


def _is_content(tag: Tag) -> bool:
    return _names(tag, CONTENT_KEYS)


def _is_chrome_named(tag: Tag) -> bool:
    """By tag, role, or an id/class word naming chrome and no content (``main-content``)."""
    if tag.name in CHROME_TAGS or (tag.get("role") or "").lower() in CHROME_ROLES:
        return True
    return any(any(k in w for k in CHROME_NAMES) and not any(k in w for k in CONTENT_KEYS) for w in _words(tag))


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or (tag.get("aria-hidden") or "").lower() == "true"
        or bool(_HIDDEN_STYLE.search(tag.get("style") or ""))
        or any(w in HIDDEN_CLASSES for w in _classes(tag))
    )


@cache
def _bs4_types() -> tuple[type, type, type]:
    """bs4's Tag, NavigableString and PreformattedString (comments, doctypes), imported once
    on first use so that importing policytrack does not import bs4."""
    from bs4.element import NavigableString, PreformattedString, Tag

    return Tag, NavigableString, PreformattedString


def _is_text(node) -> bool:
    _, text, markup = _bs4_types()
    return isinstance(node, text) and not isinstance(node, markup)


def _is_tag(node) -> bool:
    return isinstance(node, _bs4_types()[0])


def _text_sizes(root: Tag, skip: set[int]) -> dict[int, int]:
    """Visible characters under each element; a skipped element counts for its own size
    but adds nothing to its ancestors."""
    sizes: dict[int, int] = {}

    def visit(tag: Tag) -> int:
        total = 0
        for child in tag.children:
            if _is_tag(child):
                size = visit(child)
                total += 0 if id(child) in skip else size
            elif _is_text(child):
                total += len(child.strip())
        sizes[id(tag)] = total
        return total

    visit(root)
    return sizes


class _Page:
    """Hidden elements, chrome and text sizes of a page, and its main container."""

    def __init__(self, soup: BeautifulSoup):
        self.body: Tag = soup.body or soup
        tags = self.body.find_all(True)
        self.hidden = {id(t) for t in tags if _is_hidden(t)}
        raw = _text_sizes(self.body, self.hidden)
        limit = CHROME_MAX_SHARE * raw[id(self.body)]
        self.chrome = {id(t) for t in tags if _is_chrome_named(t) and raw[id(t)] < limit}
        self.sizes = _text_sizes(self.body, self.hidden | self.chrome)
        self.tags = tags
        self.fallback = False

    def _under(self, tag: Tag, marks: set[int]) -> bool:
        """Is ``tag`` or one of its ancestors (up to the body) in ``marks``?"""
        node = tag
        while node is not None and node is not self.body:
            if id(node) in marks:
                return True
            node = node.parent
        return False

    def container(self) -> Tag:
        """The main content container (see module), else the body (``fallback``)."""
        candidates = [t for t in self.tags if _is_content(t) and not self._under(t, self.chrome)
                      and self.sizes[id(t)] >= MIN_CONTAINER_CHARS]
        pool = [t for t in candidates if not self._under(t, self.hidden)] or candidates
        if not pool:
            self.fallback = True
            return self.body
        best = max(pool, key=lambda t: self.sizes[id(t)])
        while True:
            inner = [t for t in pool if t is not best and best in t.parents
                     and self.sizes[id(t)] >= NESTED_SHARE * self.sizes[id(best)]]
            if not inner:
                return best
            best = max(inner, key=lambda t: self.sizes[id(t)])

    def skipped_in(self, root: Tag) -> set[int]:
        """What is not read under ``root``: hidden elements, and chrome when reading the body."""
        skip = {i for i in self.hidden if i != id(root)}
        return skip | self.chrome if self.fallback else skip


# --- footnotes ----------------------------------------------------------------------


def _short_text(tag: Tag, limit: int = 16) -> str | None:
    """The text of a small element (a mark), or ``None`` once it is longer than ``limit``."""
    text = ""
    for piece in tag.strings:
        text += piece
        if len(text.strip()) > limit:
            return None
    return text.strip()


def _label_of(text: str | None) -> str | None:
    """The label of a mark's visible text (``[3]`` -> ``3``), or ``None``."""
    m = _NOTE_LABEL.fullmatch(text) if text is not None else None
    return next(g for g in m.groups() if g) if m else None


def _is_mark(tag: Tag) -> bool:
    """A note mark: a bracketed label (``[3]``), or a bare one in a superscript."""
    if tag.name not in ("a", "sup", "span"):
        return False
    text = _short_text(tag)
    if _label_of(text) is None:
        return False
    return text.startswith(("[", "(")) or tag.name == "sup" or tag.find_parent("sup") is not None \
        or tag.find("sup") is not None


def _sentinel(index: int, label: str | None) -> str:
    """The text standing for note ``index``: its sentinel, then its mark ``[label]``."""
    return f"\ue000{index}\ue001" + (f"[{label}]" if label else "")


def _replace_mark(tag: Tag, index: int, label: str) -> None:
    """Put note ``index``'s sentinel and ``[label]`` where the mark's outermost inline
    element stands (``<sup><a>[1]</a></sup>`` as a whole)."""
    from bs4 import NavigableString

    text = _short_text(tag)
    while tag.parent is not None and tag.parent.name in ("sup", "span", "a", "b", "i", "font", "small") \
            and _short_text(tag.parent) == text:
        tag = tag.parent
    tag.replace_with(NavigableString(_sentinel(index, label)))


def _attached(tag: Tag, soup: Tag) -> bool:
    """Is the element still in the page (not taken out with a note before it)?"""
    node = tag
    while node.parent is not None:
        node = node.parent
    return node is soup


def _is_footnote_named(tag: Tag) -> bool:
    return (_names(tag, FOOTNOTE_NAMES) or bool(_FOOTNOTE_ID.fullmatch(tag.get("id") or ""))
            or bool(_FOOTNOTE_STYLE.search(tag.get("style") or "")))


def _targets(tag: Tag) -> Iterator[str]:
    """The ids a mark points at, from ``MARK_TARGET_ATTRS``."""
    for attr in MARK_TARGET_ATTRS:
        value = tag.get(attr)
        if isinstance(value, list):
            value = " ".join(value)
        for m in _TARGET_IN.finditer((value or "").strip()):
            yield next(g for g in m.groups() if g)


def _may_hold_note(target: Tag) -> bool:
    """Not an empty anchor nor a provision's own anchor (``dieu_5``, ``khoan_2_1``)."""
    names = f"{target.get('id') or ''} {target.get('name') or ''}"
    return not _PROVISION_ANCHOR.search(names) and bool(target.get_text(strip=True))


def _note_lines(tag: Tag) -> list[str]:
    """A note's text as lines, without its back-links (``<a href="#_ftnref1">[1]</a>``, ``↩``)."""
    back = {id(a) for a in tag.find_all("a") if (a.get("href", "").startswith("#") or a.get("name"))
            and (_label_of(_short_text(a)) or _BACK_LINK.fullmatch(_short_text(a) or "x"))}
    lines = (_SENTINEL.sub("", line.translate(_UNPROTECT)).strip() for line in _Renderer(back).lines(tag))
    return [line for line in lines if line]


def _strip_label(lines: list[str], label: str) -> list[str]:
    """Lines of a note without its own label at the start (``[3] …`` -> ``…``)."""
    if lines:
        m = _LEADING_LABEL.match(lines[0])
        if m and next(g for g in m.groups() if g) == label:
            lines = [lines[0][m.end():], *lines[1:]] if lines[0][m.end():] else lines[1:]
    return lines


class _Notes:
    """Notes taken out of a page, numbered in the order found; sentinels mark them in the tree."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.found: list[tuple[str, str]] = []
        self.unmarked: set[int] = set()  # notes without a mark element, anchored by ``placed``

    def _add(self, label: str | None, text: str) -> int:
        self.found.append((label or "", text))
        return len(self.found) - 1

    def take_tooltips(self) -> None:
        """Tooltips and popups: the popup text is the note; the host's text stays."""
        from bs4 import NavigableString

        for host in [t for t in self.soup.find_all(True) if self._is_tooltip(t)]:
            if not _attached(host, self.soup):
                continue
            popups = [c for c in host.find_all(True) if _names(c, POPUP_NAMES)]
            text = " ".join(" ".join(_note_lines(p)) for p in popups)
            for popup in popups:
                popup.extract()
            text = text or next((host[a].strip() for a in TOOLTIP_ATTRS if (host.get(a) or "").strip()), "")
            if not text:
                continue
            label = _label_of(_short_text(host))
            index = self._add(label, text)
            if label is not None:
                _replace_mark(host, index, label)
            else:
                host.append(NavigableString(_sentinel(index, None)))

    @staticmethod
    def _is_tooltip(tag: Tag) -> bool:
        toggle = (tag.get("data-toggle") or tag.get("data-bs-toggle") or "").lower()
        if toggle in TOOLTIP_NAMES or any(
                any(k in w for k in TOOLTIP_NAMES) and not any(k in w for k in POPUP_NAMES) for w in _words(tag)):
            return True
        return bool((tag.get("title") or "").strip()) and _is_mark(tag)

    def take_linked(self) -> None:
        """Marks whose target (by id or ``<a name>``) is elsewhere on the page: that is the note."""
        soup = self.soup
        by_id = {t.get("id"): t for t in soup.find_all(id=True)}
        by_id.update({t.get("name"): t for t in soup.find_all("a", attrs={"name": True}) if t.get("name") not in by_id})
        marks = []
        for tag in soup.find_all(("a", "sup", "span")):
            target = next((by_id[t] for t in _targets(tag) if t in by_id), None)
            if target is not None and target is not tag and _is_mark(tag) and tag not in target.parents \
                    and _may_hold_note(target):
                marks.append((tag, _label_of(_short_text(tag)), target))
        all_targets = {id(t) for _, _, t in marks}
        page_size = len(soup.get_text(strip=True))
        for tag, label, target in marks:
            if not (_attached(tag, soup) and _attached(target, soup)):
                continue
            note = _definition(target, all_targets)
            if note is None or tag in note.parents or len(note.get_text(strip=True)) >= CHROME_MAX_SHARE * page_size:
                continue
            index = self._add(label, "\n".join(_strip_label(_note_lines(note), label)))
            _replace_mark(tag, index, label)
            note.extract()
        _drop_empty_footnote_blocks(soup)

    def take_unlinked(self, root: Tag, skip: set[int]) -> None:
        """Footnote-named elements inside the container that no mark links to.

        Each is split at its ``[n]`` labels. A note's mark is the first bracketed label-only
        element (``<sup>[3]</sup>``) with its label, else the first ``[3]`` of the final text
        (see ``placed``); a bare superscript is no mark here (``m<sup>2</sup>``)."""
        from bs4 import NavigableString

        blocks = [t for t in root.find_all(True) if _is_footnote_named(t) and not _under_any(t, skip, root)
                  and _label_of(_short_text(t)) is None and t.get_text(strip=True)]
        ids = {id(b) for b in blocks}
        inner = {id(t) for t in blocks if any(id(p) in ids for p in t.parents)}
        marks: dict[str, list[Tag]] = {}
        for block in (b for b in blocks if id(b) not in inner):
            pieces = _split_notes(_note_lines(block), block.get("id") or "")
            block.extract()
            if pieces and not marks:
                for tag in root.find_all(("sup", "a", "span")):
                    if _is_mark(tag) and _short_text(tag).startswith(("[", "(")):
                        marks.setdefault(_label_of(_short_text(tag)), []).append(tag)
            for label, text in pieces:
                index = self._add(label, text)
                waiting = [t for t in marks.get(label, []) if _attached(t, self.soup)]
                if waiting:
                    _replace_mark(waiting[0], index, label)
                else:
                    root.append(NavigableString(_sentinel(index, None)))
                    self.unmarked.add(index)

    def unmojibake(self, body: str) -> tuple[str, str | None]:
        """Convert legacy-font mojibake (TCVN3/VNI) in the body and the notes in one go, so
        that one reading holds for the page; the variant found, else ``None``."""
        fixed, variant = fix_mojibake(_NOTE_SEPARATOR.join([body, *(text for _, text in self.found)]))
        if variant is None:
            return body, None
        body, *texts = fixed.split(_NOTE_SEPARATOR)
        self.found = [(label, text) for (label, _), text in zip(self.found, texts)]
        return body, variant

    def placed(self, anchors: dict[int, int], text: str) -> list[Note]:
        """The notes in text order. A note without a mark element stands at the first free
        ``[label]`` of the text, else at its end; a note whose mark was not read (outside
        the container) is dropped."""
        used = {at for i, at in anchors.items() if i not in self.unmarked}
        for i in sorted(self.unmarked):
            label, at = self.found[i][0], -1
            while label and (at := text.find(f"[{label}]", at + 1)) in used:
                pass
            if at >= 0:
                anchors[i] = at
                used.add(at)
        order = sorted((anchors[i], i) for i in range(len(self.found)) if i in anchors)
        return [Note(self.found[i][0], self.found[i][1], min(at, len(text)), kind="footnote") for at, i in order]


def _under_any(tag: Tag, marks: set[int], root: Tag) -> bool:
    node = tag
    while node is not None and node is not root:
        if id(node) in marks:
            return True
        node = node.parent
    return False


def _holds_other_notes(tag: Tag, all_targets: set[int]) -> bool:
    """Does ``tag`` (or what it holds) carry more than one note target?"""
    hits = id(tag) in all_targets
    for node in tag.descendants:
        hits += id(node) in all_targets
        if hits > 1:
            return True
    return False


def _definition(target: Tag, all_targets: set[int]) -> Tag | None:
    """The element holding a note, from its target: the target's block, widened to a
    footnote-named ancestor that holds no other note (Word's ``div#ftn1`` around its ``p``)."""
    note = target
    while note is not None and note.name not in _BLOCK_TAGS:
        note = note.parent
    if note is None or note.name in ("body", "html"):
        return None
    while note.parent is not None and _is_footnote_named(note.parent) and not _holds_other_notes(note.parent, all_targets):
        note = note.parent
    return note


def _drop_empty_footnote_blocks(soup: BeautifulSoup) -> None:
    """Footnote lists left without text once their notes are taken (Word's footnote-list)."""
    for tag in soup.find_all(True):
        if _is_footnote_named(tag) and _attached(tag, soup) and not tag.get_text(strip=True):
            tag.extract()


def _split_notes(lines: list[str], element_id: str) -> list[tuple[str, str]]:
    """A block of notes split at lines starting with a label; one unlabelled note else."""
    notes: list[tuple[str, list[str]]] = []
    for line in lines:
        m = _LEADING_LABEL.match(line)
        label = next((g for g in m.groups() if g), None) if m else None
        if label and (m.group(1) or not notes):
            notes.append((label, [line[m.end():]] if line[m.end():] else []))
        elif notes:
            notes[-1][1].append(line)
        else:
            digits = re.search(r"\d+", element_id)
            notes.append((digits.group() if digits else "", [line]))
    return [(label, "\n".join(body)) for label, body in notes if body]


# --- rendering ----------------------------------------------------------------------


class _Renderer:
    """Text of an element: one line per block or ``<br>``, tables by ``_table_lines``."""

    def __init__(self, skip: set[int]):
        self.skip = skip
        self.pre = 0

    def render(self, root: Tag) -> str:
        """The element's tidy lines joined by newlines (sentinels still in)."""
        return "\n".join(self.lines(root))

    def lines(self, root: Tag) -> list[str]:
        parts: list[str] = []
        self._walk(root, parts)
        lines = (_tidy(line) for line in "".join(parts).split("\n"))
        return [line for line in lines if line]

    def _walk(self, node: Tag, parts: list[str]) -> None:
        for child in node.children:
            if _is_text(child):
                parts.append(self._string(str(child)))
            elif _is_tag(child) and id(child) not in self.skip:
                self._element(child, parts)

    def _string(self, text: str) -> str:
        text = text.translate(_INVISIBLE)
        if self.pre:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            return text.replace(" ", _PRE_SPACE).replace("\t", _PRE_TAB)
        return _SPACE_RUN.sub(" ", text)

    def _element(self, tag: Tag, parts: list[str]) -> None:
        name = tag.name
        if name == "br":
            parts.append("\n")
        elif name == "table":
            parts.extend(("\n", "\n".join(self._table_lines(tag)), "\n"))
        elif name == "pre":
            self.pre += 1
            parts.append("\n")
            self._walk(tag, parts)
            parts.append("\n")
            self.pre -= 1
        elif name in _BLOCK_TAGS:
            parts.append("\n")
            self._walk(tag, parts)
            parts.append("\n")
        else:
            self._walk(tag, parts)

    def _table_lines(self, table: Tag) -> list[str]:
        """A table's lines: layout tables as blocks, data tables as `` | `` rows (see module)."""
        captions = [line for c in table.find_all("caption", recursive=False) for line in self.lines(c)]
        rows = [[self.lines(cell) for cell in _cells(tr) if id(cell) not in self.skip]
                for tr in _rows(table) if id(tr) not in self.skip]
        rows = [row for row in rows if any(row)]
        if _is_layout(rows):
            return captions + [line for row in rows for line in _layout_row(row)]
        return captions + [_data_row(row) for row in rows]


def _rows(table: Tag) -> Iterator[Tag]:
    """The rows of a table itself (not of tables nested in its cells)."""
    for child in table.children:
        if getattr(child, "name", None) == "tr":
            yield child
        elif getattr(child, "name", None) in ("thead", "tbody", "tfoot"):
            yield from (row for row in child.children if getattr(row, "name", None) == "tr")


def _cells(row: Tag) -> list[Tag]:
    return [cell for cell in row.children if getattr(cell, "name", None) in ("td", "th")]


def _is_block_like(cell: list[str]) -> bool:
    return len(cell) > 1 or sum(map(len, cell)) >= PROSE_CHARS


def _is_layout(rows: list[list[list[str]]]) -> bool:
    """One column of content, or at least half of the non-empty cells block-like."""
    if all(sum(1 for cell in row if cell) <= 1 for row in rows):
        return True
    filled = [cell for row in rows for cell in row if cell]
    return 2 * sum(1 for cell in filled if _is_block_like(cell)) >= len(filled)


def _layout_row(row: list[list[str]]) -> list[str]:
    """A layout row's lines, cell after cell; a label-only cell runs into the next cell."""
    lines: list[str] = []
    label: str | None = None
    for cell in (c for c in row if c):
        if label is not None:
            cell = [f"{label} {cell[0]}", *cell[1:]]
            label = None
        if len(cell) == 1 and _LABEL_CELL.fullmatch(unicodedata.normalize("NFC", _SENTINEL.sub("", cell[0]))):
            label = cell[0]
            continue
        lines.extend(cell)
    return lines + ([label] if label is not None else [])


def _data_row(row: list[list[str]]) -> str:
    """A data row: cells joined by `` | `` (trailing empty cells left out)."""
    cells = [" ".join(cell) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


def _tidy(line: str) -> str:
    """One line: spaces squeezed and trimmed, a markless note sentinel taking no space."""
    line = _SPACE_RUN.sub(" ", line).strip(_EDGE)
    line = _BARE_SENTINELS_BEFORE_SPACE.sub(r"\1", line)
    return _EDGE_SENTINEL_SPACE.sub(lambda m: m.group(1) or m.group(2), line)


def _place_anchors(raw: str) -> tuple[str, dict[int, int]]:
    """The final text (sentinels out, ``<pre>`` spacing restored) and each note's offset."""
    anchors: dict[int, int] = {}
    out: list[str] = []
    pos = 0
    for line in raw.split("\n"):
        pieces, last = [], 0
        for m in _SENTINEL.finditer(line):
            pieces.append(line[last:m.start()].translate(_UNPROTECT))
            anchors[int(m.group(1))] = pos + sum(map(len, pieces))
            last = m.end()
        pieces.append(line[last:].translate(_UNPROTECT))
        clean = "".join(pieces)
        if clean.strip():
            out.append(clean)
            pos += len(clean) + 1
        else:  # a line of marks only: they stand at the end of the line before
            for i in (int(m.group(1)) for m in _SENTINEL.finditer(line)):
                anchors[i] = max(pos - 1, 0)
    return "\n".join(out), anchors
