"""The header steps: one function per field, run in order by ``parse_header``."""

from __future__ import annotations

import re
from typing import Callable

from ..model import DocumentMeta
from ..text import strip_span
from .closing import _step_closing
from .context import _Ctx, _is_caps, _item_span, _item_text, _make_date, _place
from .doctypes import DocTypes, load_doc_types
from .patterns import (
    _STAMP_WORD_RE,
    BASE_NUMBER_RE,
    BASIS_RE,
    CONSOLIDATED_RE,
    DOC_LAP_RE,
    DRAFT_RE,
    ITEM_RE,
    KINH_GUI_RE,
    LINE_DATE_RE,
    MD_CHARS,
    NUMBER_RE,
    PLACE_DATE_RE,
    STOP_RE,
    SUBJECT_RE,
    TM_RE,
    VBHN_NUMBER_RE,
)


def _step_draft(ctx: _Ctx, meta: DocumentMeta) -> None:
    """``DỰ THẢO`` / ``Dự thảo 2`` / ``Dự thảo lần 3`` / ``(Dự thảo ngày 12/5/2023)``."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        m = DRAFT_RE.search(ctx.text, ln.start, ln.end)
        if not m:
            continue
        meta.is_draft = True
        meta.draft_number = m.group("n")
        meta.spans["draft"] = strip_span(ctx.text, m.start(), m.end(), " \t*_#>()[].")
        if m.group("date"):
            meta.draft_date = _make_date(m, None)
            if meta.draft_date is not None:
                meta.spans["draft_date"] = m.span("date")
        if ctx.text[ln.start : m.start()].strip(" \t*_#>([") == "":
            ctx.used.add(i)
        else:
            ctx.draft_cut[i] = m.start()
        return


#: A line ending with a sentence mark, or in capitals (an issuer: "BỘ TÀI CHÍNH"), ends there.
_LINE_END_MARK = re.compile(r"[.:;!?…”\"')\]]\s*$")


def _runs_on_into(text: str, line_start: int) -> bool:
    """Does the line before ``line_start`` run on into it, a sentence wrapped mid-way ("…
    Chương trình hành động" / "số 09-CTrHĐ/TU bằng …", "… tại khoản 12 Điều 5" / "Thông tư
    số 08/2023/TT-BGDĐT. Do đó …")? Then a "số …" opening the line is a citation in running
    text, not the document's own number. A header's "Số" line follows a blank line, the
    issuer in capitals, or nothing."""
    if line_start == 0:
        return False
    prev_start = text.rfind("\n", 0, line_start - 1) + 1
    prev = text[prev_start:line_start - 1].strip()
    if not prev or _LINE_END_MARK.search(prev) or _is_caps(prev):
        return False
    return prev[-1].isalnum()


def _number_from(text: str, m: re.Match, strict: bool, vocab: DocTypes) -> tuple[str, tuple[int, int], tuple[int, int] | None] | None:
    """Validate a ``NUMBER_RE`` match: the value, its span, and the span of a capitalised
    prefix on the same line (an issuer: ``BỘ TÀI CHÍNH Số: 12/2020/TT-BTC``), or ``None``.

    A "Số" preceded by anything but capitals (or a type word, "Luật số: …") is body text; a
    stamp's "ĐẾN Số:" is noise. ``strict`` (used for splitting) also requires a serial and
    a symbol: ``12/QĐ-X``.
    """
    num_s, num_e = m.span("num")
    raw = text[num_s:num_e]
    trimmed = raw.rstrip(".-")
    num_e -= len(raw) - len(trimmed)
    value = re.sub(r"\s+", "", trimmed)
    has_symbol = bool(re.search(r"[/\-]", value)) and any(c.isalpha() for c in value)
    if not value or not (has_symbol or m.group("colon") == ":"):
        return None
    if strict and not (value[0].isdigit() and has_symbol):
        return None
    if m.group("colon") is None and _runs_on_into(text, m.start()):
        return None
    pre_s, pre_e = m.span("pre")
    tail = vocab.type_word_tail_re.search(text, pre_s, pre_e)
    cs, ce = strip_span(text, pre_s, tail.start() if tail else pre_e, MD_CHARS)
    core = text[cs:ce]
    if core and (_STAMP_WORD_RE.search(core) or not _is_caps(core)):
        return None
    if core and tail and m.group("colon") is None:
        # "… ĐỂ TRIỂN KHAI NGHỊ QUYẾT SỐ 66.22/2026/NQ-CP …": a title naming another document
        return None
    return value, (num_s, num_e), ((cs, ce) if core else None)


def _step_consolidated(ctx: _Ctx, meta: DocumentMeta) -> None:
    """A consolidated text (VBHN): the line naming the restated document ("Luật Chăn nuôi
    số 32/2018/QH14 …, được sửa đổi, bổ sung bởi:") and the list of amending documents below
    it belong to no header field; their numbers are never the VBHN's own. The base number is
    kept as ``consolidates``."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.used or ctx.special(i):
            continue
        m = CONSOLIDATED_RE.search(ctx.text, ln.start, ln.end)
        if not m:
            continue
        base = BASE_NUMBER_RE.search(ctx.text, ln.start, m.start())
        if base is None:
            return
        meta.consolidates = re.sub(r"[ \t]+", "", base.group(1))
        meta.spans["consolidates"] = base.span(1)
        ctx.used.add(i)
        for j in range(i + 1, ctx.body_idx):
            nxt = ctx.lines[j]
            if nxt.blank:
                continue
            if BASIS_RE.match(ctx.text, nxt.start, nxt.end) or not BASE_NUMBER_RE.search(ctx.text, nxt.start, nxt.end):
                break
            ctx.used.add(j)
        return


def _step_consolidated_number(ctx: _Ctx, meta: DocumentMeta) -> None:
    """A consolidated text's own number ("Số: 63/VBHN-VPQH") printed outside the header
    window (in the closing block, "XÁC THỰC VĂN BẢN HỢP NHẤT")."""
    if meta.consolidates is None or meta.number:
        return
    m = VBHN_NUMBER_RE.search(ctx.text, ctx.start, ctx.end)
    if m is not None:
        meta.number = re.sub(r"\s+", "", m.group("num"))
        meta.spans["number"] = m.span("num")


def _step_number(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The first real "Số: …" line of the header (stamps and dotted blanks are skipped)."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.stamp or i in ctx.used:
            continue
        m = NUMBER_RE.match(ctx.text, ln.start, ln.end)
        if not m:
            continue
        found = _number_from(ctx.text, m, strict=False, vocab=ctx.vocab)
        if found is None:
            continue
        if meta.consolidates:
            # the preamble of a consolidated text quotes the amending documents' own
            # preambles ("Pháp lệnh số 04/2026/UBTVQH16 có căn cứ …"): only a VBHN number is its own
            restated = ctx.vocab.by_symbol(found[0])
            if restated is None or not restated.restates:
                continue
        meta.number, meta.spans["number"], ctx.number_pre = found
        ctx.number_idx = i
        ctx.used.add(i)
        return


def _step_heading(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The type heading in capitals (``LUẬT``, ``THÔNG TƯ LIÊN TỊCH``) and the title below it."""
    stop = ctx.body_idx if ctx.kinh_idx is None else min(ctx.body_idx, ctx.kinh_idx)
    for i, ln in enumerate(ctx.lines[:stop]):
        if i in ctx.used or ctx.special(i):
            continue
        m = ctx.vocab.heading_re.match(ctx.text, ln.start, ln.end)
        if not m:
            continue
        rest = m.group("rest")
        if rest and not _is_caps(rest):
            continue
        key = next(k for k, v in m.groupdict().items() if v and k.startswith("h") and k[1:].isdigit())
        ctx.heading_idx, ctx.heading_type = i, ctx.vocab.heading_types[key]
        ctx.heading_text = m.group(key)
        meta.doc_type = ctx.heading_type.name
        meta.spans["doc_type"] = m.span(key)
        ctx.used.add(i)
        parts: list[tuple[int, int]] = []
        if rest:
            parts.append(strip_span(ctx.text, *m.span("rest"), MD_CHARS))
        parts.extend(_title_lines(ctx, i + 1, skip_blank=not rest))
        if parts:
            meta.title = " ".join(ctx.text[s:e].strip() for s, e in parts)
            meta.spans["title"] = (parts[0][0], parts[-1][1])
        return


def _title_lines(ctx: _Ctx, j: int, skip_blank: bool) -> list[tuple[int, int]]:
    """Spans of the title lines from line ``j``: until a blank line (a wrapped title may go
    on after one blank line when it continues in lower case), "Căn cứ", a rule, a date..."""
    parts: list[tuple[int, int]] = []
    blank_run = 0
    lines = ctx.lines
    while j < min(len(lines), ctx.body_idx) and len(parts) < 6:
        ln = lines[j]
        if ln.blank:
            blank_run += 1
            if blank_run > 2 or (parts and blank_run > 1):
                break
            j += 1
            continue
        if j in ctx.used or ctx.special(j) or STOP_RE.match(ctx.text, ln.start, ln.end):
            break
        if PLACE_DATE_RE.search(ctx.text, ln.start, ln.end) or ln.clean.endswith(":"):
            break
        if parts and blank_run and not ln.clean[:1].islower():
            break
        if not parts and blank_run and not skip_blank:
            break
        parts.append(strip_span(ctx.text, ln.start, ln.end, MD_CHARS))
        ctx.used.add(j)
        blank_run = 0
        j += 1
    return parts


def _caps_block_above(ctx: _Ctx, i: int) -> list[tuple[int, int]]:
    """Spans of the capitalised lines directly above line ``i`` (rules and blank lines
    between them are skipped; any other line ends the block)."""
    parts: list[tuple[int, int]] = []
    j = i - 1
    while j >= 0:
        ln = ctx.lines[j]
        if ln.blank or ln.separator:
            j -= 1
            continue
        if j in ctx.used or ctx.special(j) or not _is_caps(ln.clean):
            break
        parts.insert(0, strip_span(ctx.text, ln.start, ctx.draft_cut.get(j, ln.end), MD_CHARS))
        j -= 1
    return parts


def _step_issuer(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The capitalised issuing-body lines of the left column (never the motto)."""
    text, parts = ctx.text, []
    motto_idx = min(ctx.motto) if ctx.motto else None
    if motto_idx is not None and motto_idx < 20:
        parts = _caps_block_above(ctx, motto_idx)
        ln = ctx.lines[motto_idx]
        s, e = strip_span(text, ln.start, ctx.motto[motto_idx], MD_CHARS)
        if s < e and _is_caps(text[s:e]):
            parts.append((s, e))
        nxt = next((k for k in range(motto_idx + 1, len(ctx.lines)) if not ctx.lines[k].blank), None)
        if nxt is not None and nxt in ctx.doc_lap:
            m = DOC_LAP_RE.search(text, ctx.lines[nxt].start, ctx.lines[nxt].end)
            s, e = strip_span(text, ctx.lines[nxt].start, m.start(), MD_CHARS)
            if s < e and _is_caps(text[s:e]):
                parts.append((s, e))
    if not parts and ctx.number_idx is not None:
        parts = _caps_block_above(ctx, ctx.number_idx)
    if ctx.number_pre and ctx.number_pre not in parts:
        parts.append(ctx.number_pre)
    if not parts and motto_idx is None and ctx.number_idx is None and ctx.heading_idx is not None:
        parts = _caps_block_above(ctx, ctx.heading_idx)
    parts = [p for p in parts if p[0] < p[1]]
    if parts:
        meta.issuer = " ".join(text[s:e].strip() for s, e in parts)
        meta.spans["issuer"] = (parts[0][0], parts[-1][1])


def _step_date(ctx: _Ctx, meta: DocumentMeta) -> None:
    """``<place>, ngày DD tháng MM năm YYYY`` (or dd/mm/yyyy) in the header."""
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.stamp or (i in ctx.used and i != ctx.number_idx):
            continue
        m = PLACE_DATE_RE.search(ctx.text, ln.start, ln.end)
        place = None
        if m:
            place = _place(m.group("pre"))
            if place is None:
                m = None
        if m is None:
            m = LINE_DATE_RE.match(ctx.text, ln.start, ln.end)
        if m is None or not _ends_line(ctx.text, m.end("date"), ln.end):
            continue
        warnings: list[str] = []
        date = _make_date(m, warnings)
        if date is None:
            continue
        meta.date = date
        meta.warnings.extend(warnings)
        meta.spans["date"] = m.span("date")
        if place:
            pre_s, pre_e = m.span("pre")
            p = ctx.text.rfind(place, pre_s, pre_e)
            meta.place = place
            meta.spans["place"] = (p, p + len(place))
        ctx.used.add(i)
        return


def _ends_line(text: str, pos: int, line_end: int) -> bool:
    """Nothing but punctuation follows ``pos`` on its line, or the rest is another column
    (after a tab or a run of spaces): a header date stands alone, a sentence goes on."""
    rest = text[pos:line_end]
    return not rest.strip(" *_.,;)") or bool(re.match(r"[ *_.,;)]*(?:\t| {2,})", rest))


def _step_subject(ctx: _Ctx, meta: DocumentMeta) -> None:
    """The "V/v …" subject of a letter, over several lines until a blank line, the date
    line, "Kính gửi" or another header line."""
    text = ctx.text
    for i, ln in enumerate(ctx.lines[: ctx.body_idx]):
        if i in ctx.used or i in ctx.stamp:
            continue
        m = SUBJECT_RE.match(text, ln.start, ln.end)
        if not m:
            continue
        parts: list[tuple[int, int]] = []
        cut = _cut_at_date(text, *m.span("s"))
        if cut[0] < cut[1]:
            parts.append(cut)
        j = i + 1
        ended = cut[1] < m.end("s")
        while not ended and j < min(len(ctx.lines), ctx.body_idx) and len(parts) < 8:
            nxt = ctx.lines[j]
            if nxt.blank or j in ctx.used or ctx.special(j) or STOP_RE.match(text, nxt.start, nxt.end):
                break
            if LINE_DATE_RE.match(text, nxt.start, nxt.end):
                break
            s, e = _cut_at_date(text, nxt.start, nxt.end)
            ended = e < nxt.end
            if s < e:
                parts.append((s, e))
            ctx.used.add(j)
            j += 1
        ctx.used.add(i)
        ctx.subject_marker = strip_span(text, ln.start, m.start("s"), " \t*_#>:")
        if parts:
            meta.subject = " ".join(text[s:e].strip() for s, e in parts)
            meta.spans["subject"] = (parts[0][0], parts[-1][1])
        return


def _cut_at_date(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` shortened before an interleaved "<place>, ngày …" and stripped."""
    m = PLACE_DATE_RE.search(text, s, e)
    if m and _place(m.group("pre")):
        place = _place(m.group("pre"))
        p = text.rfind(place, m.start("pre"), m.end("pre"))
        if p > s:
            e = p
    return strip_span(text, s, e, MD_CHARS)


def _step_recipients(ctx: _Ctx, meta: DocumentMeta) -> None:
    """"Kính gửi: X" and/or a dash list of recipients on the following lines."""
    if ctx.kinh_idx is None:
        return
    text, i = ctx.text, ctx.kinh_idx
    ln = ctx.lines[i]
    m = KINH_GUI_RE.match(text, ln.start, ln.end)
    items: list[tuple[int, int]] = []
    s, e = m.span("r")
    im = ITEM_RE.match(text, s, e)
    if im:
        s = im.start("t")
    if _item_text(text[s:e]):
        items.append(_item_span(text, s, e))
    ctx.used.add(i)
    # one blank line may come before or inside the list only when "Kính gửi:" itself
    # names nobody; a recipient on the "Kính gửi" line takes only the items right below it
    lenient = not items
    blank_run, j = 0, i + 1
    while j < len(ctx.lines) and len(items) < 40:
        nxt = ctx.lines[j]
        if nxt.blank:
            blank_run += 1
            j += 1
            continue
        im = ITEM_RE.match(text, nxt.start, nxt.end)
        if not im or not _item_text(im.group("t")):
            break
        if blank_run and (blank_run > 1 or not lenient):
            break
        items.append(_item_span(text, im.start("t"), nxt.end))
        ctx.used.add(j)
        blank_run = 0
        j += 1
    meta.recipients = [_item_text(text[s:e]) for s, e in items]
    for k, span in enumerate(items):
        meta.spans[f"recipients.{k}"] = span
    if items:
        meta.spans["recipients"] = (items[0][0], items[-1][1])


def _step_bases(ctx: _Ctx, meta: DocumentMeta) -> None:
    """Each "Căn cứ …;" paragraph before the body (wrapped lines joined)."""
    if meta.subject:
        return
    text = ctx.text
    stop = ctx.body_pos
    if ctx.kinh_idx is not None:
        stop = min(stop, ctx.lines[ctx.kinh_idx].start)
    spans: list[tuple[int, int]] = []
    for m in BASIS_RE.finditer(text, ctx.start, stop):
        s, e = m.span("b")
        e = _extend_paragraph(text, e, stop)
        spans.append(_item_span(text, s, e))
    meta.bases = [" ".join(text[s:e].split()) for s, e in spans]
    for k, span in enumerate(spans):
        meta.spans[f"bases.{k}"] = span
    if spans:
        meta.spans["bases"] = (spans[0][0], spans[-1][1])


def _extend_paragraph(text: str, e: int, stop: int, max_lines: int = 3) -> int:
    """Extend a basis over wrapped lines until one ends with ``;`` ``,`` ``.``."""
    for _ in range(max_lines):
        if text[:e].rstrip(" \t*_").endswith((";", ",", ".")) or e + 1 >= stop or text[e : e + 1] != "\n":
            break
        nl = text.find("\n", e + 1, stop)
        nxt_end = stop if nl < 0 else nl
        nxt = text[e + 1 : nxt_end]
        if not nxt.strip() or STOP_RE.match(text, e + 1, nxt_end) or _is_caps(nxt):
            break
        e = nxt_end
    return e


def _step_infer_type(ctx: _Ctx, meta: DocumentMeta) -> None:
    """Type from the number's symbol or a V/v line when there is no heading; a
    ``restates`` symbol (VBHN) wins over the heading, which joins the title."""
    by_symbol = ctx.vocab.by_symbol(meta.number)
    if by_symbol is None and meta.consolidates and not meta.number:
        by_symbol = ctx.vocab.restating_type()
    if by_symbol is not None and by_symbol.restates and ctx.heading_type is not by_symbol:
        if ctx.heading_text:
            meta.title = f"{ctx.heading_text} {meta.title}".strip() if meta.title else ctx.heading_text
            hs = meta.spans.get("doc_type")
            if hs:
                meta.spans["title"] = (hs[0], meta.spans.get("title", hs)[1])
        meta.doc_type = by_symbol.name
        meta.spans["doc_type"] = meta.spans.get("number") or meta.spans["consolidates"]
        return
    if meta.doc_type:
        return
    if by_symbol is not None:
        meta.doc_type = by_symbol.name
        meta.spans["doc_type"] = meta.spans["number"]
    elif ctx.subject_marker and ctx.vocab.letter_type() is not None:
        meta.doc_type = ctx.vocab.letter_type().name
        meta.spans["doc_type"] = ctx.subject_marker


def _step_infer_issuer(ctx: _Ctx, meta: DocumentMeta) -> None:
    """No issuer in the header: a "TM. <BODY>" signature line names the collective body
    the document is signed for; anything less certain leaves the issuer empty."""
    if meta.issuer:
        return
    named = _issuer_from_symbol(ctx, meta)
    if named is not None:
        meta.issuer, meta.spans["issuer"] = named
        meta.warnings.append(f"issuer not found in header: inferred {named[0]!r} from the number's symbol "
                             "and the body")
        return
    first = (meta.signer_title or "").split("\n")[0]
    m = TM_RE.match(first)
    if m and _is_caps(m.group("b")):
        body = m.group("b").strip()
        meta.issuer = body
        ts, te = meta.spans["signer_title"]
        p = ctx.text.find(body, ts, te)
        meta.spans["issuer"] = (p, p + len(body)) if p >= 0 else (ts, te)
        meta.warnings.append(f"issuer not found in header: inferred {body!r} from signature block {first!r}")
    else:
        meta.warnings.append("issuer not found in header")


#: Words that open the name of an organisation that signs letters in its own name.
_ORG_WORDS = ("Tạp chí", "Tap chí", "Viện", "Trung tâm", "Hội", "Báo", "Công ty", "Liên hiệp", "Quỹ", "Trường")
_ORG_RE = re.compile(rf"(?<!\w)(?:{'|'.join(_ORG_WORDS)})(?:[ \t]+[^\W\d_]+){{1,8}}")


def _issuer_from_symbol(ctx: _Ctx, meta: DocumentMeta) -> tuple[str, tuple[int, int]] | None:
    """``Số: 863/2021/TTX-BPL`` and a body that opens "Tạp chí Tri thức Xanh là …": the
    unit part of the symbol (``TTX``) spells the initials of an organisation the body
    names; that organisation sent the letter. Nothing is guessed otherwise."""
    if not meta.number:
        return None
    m = re.search(r"/([A-ZĐ]{2,6})(?:-|$)", meta.number)
    if m is None:
        return None
    initials = m.group(1)
    start = max([e for k, (_, e) in meta.spans.items() if k in ("number", "date", "subject", "recipients")],
                default=ctx.start)
    for org in _ORG_RE.finditer(ctx.text, start, min(ctx.end, start + 3000)):
        words = org.group(0).split()
        for first in range(1, len(words) - len(initials) + 1):
            name = words[first:first + len(initials)]
            if "".join(w[0] for w in name).upper() == initials:
                stop = org.start() + org.group(0).find(name[-1], sum(len(w) + 1 for w in words[:first])) + len(name[-1])
                return ctx.text[org.start():stop], (org.start(), stop)
    return None


def _step_missing(ctx: _Ctx, meta: DocumentMeta) -> None:
    if not meta.number:
        meta.warnings.append("number not found in header")
    if meta.date is None:
        meta.warnings.append("date not found in header")


#: The header steps, in order: later steps skip lines earlier ones used.
_STEPS: tuple[Callable[[_Ctx, DocumentMeta], None], ...] = (
    _step_draft,
    _step_consolidated,
    _step_number,
    _step_consolidated_number,
    _step_heading,
    _step_issuer,
    _step_date,
    _step_subject,
    _step_recipients,
    _step_bases,
    _step_closing,
    _step_infer_type,
    _step_infer_issuer,
    _step_missing,
)


def parse_header(text: str, start: int = 0, end: int | None = None, *,
                 doc_types: DocTypes | None = None) -> DocumentMeta:
    """What the header and closing blocks of ``text[start:end]`` say about the document.

    Offsets in ``meta.spans`` are into ``text``. Never raises on odd text; what could not
    be found is ``None``/empty with a warning. ``doc_types`` is the type vocabulary
    (default: the packaged ``doc_types.yaml``; see ``load_doc_types``).

    >>> meta = parse_header("QUỐC HỘI\\nSố: 72/2020/QH14\\n\\nLUẬT\\nBẢO VỆ MÔI TRƯỜNG\\n")
    >>> meta.doc_type, meta.number, meta.issuer, meta.title
    ('Luật', '72/2020/QH14', 'QUỐC HỘI', 'BẢO VỆ MÔI TRƯỜNG')
    """
    n = len(text)
    end = n if end is None else max(0, min(end, n))
    start = max(0, min(start, end))
    meta = DocumentMeta()
    ctx = _Ctx.build(text, start, end, doc_types or load_doc_types())
    for step in _STEPS:
        step(ctx, meta)
    return meta
