"""The closing block: ``Nơi nhận`` with its items, and the signature block."""

from __future__ import annotations

import re

from ..model import DocumentMeta
from ..text import strip_span
from .context import _clean, _Ctx, _item_span, _item_text, _lines
from .patterns import (
    _NL_ANNEX_RE,
    _NL_NOI_NHAN_RE,
    ANNEX_RE,
    CLOSING_CHARS,
    ITEM_RE,
    NOI_NHAN_RE,
    SIGNATURE_RE,
    _search_lines,
)


def _step_closing(ctx: _Ctx, meta: DocumentMeta) -> None:
    """"Nơi nhận:" items and the signature block near them (or at the end of the body,
    before any annex). An annex template's "Nơi nhận:" is never the document's."""
    text = ctx.text
    cstart = ctx.header_end(meta)
    annex = _search_lines(ANNEX_RE, _NL_ANNEX_RE, text, cstart, ctx.end)
    stop = annex.start() if annex else ctx.end
    nn = _search_lines(NOI_NHAN_RE, _NL_NOI_NHAN_RE, text, cstart, stop)
    if nn:
        items_end = _noi_nhan_items(text, nn, stop, meta)
        sigs = list(SIGNATURE_RE.finditer(text, max(cstart, nn.start() - CLOSING_CHARS), min(stop, items_end + CLOSING_CHARS)))
        after = [s for s in sigs if s.start() >= items_end]
        before = [s for s in sigs if s.end() <= nn.start()]
        sig = after[0] if after else (before[-1] if before else None)
    else:
        sigs = list(SIGNATURE_RE.finditer(text, max(cstart, stop - CLOSING_CHARS), stop))
        sig = sigs[-1] if sigs else None
    if sig:
        _set_signature(text, sig, meta)


def _noi_nhan_items(text: str, nn: re.Match, stop: int, meta: DocumentMeta) -> int:
    """Fill ``meta.noi_nhan`` from the "- …" lines after "Nơi nhận:"; returns where they end."""
    items: list[tuple[int, int]] = []
    rest = nn.group("rest")
    if rest and ITEM_RE.match(rest) and _item_text(ITEM_RE.match(rest).group("t")):
        s = nn.start("rest") + ITEM_RE.match(rest).start("t")
        items.append(_item_span(text, s, nn.end("rest")))
    end_pos, blank_run = nn.end(), 0
    for ln in _lines(text, min(nn.end() + 1, stop), stop, 60):
        if ln.blank:
            blank_run += 1
            if blank_run > 1:
                break  # a blank gap ends the list
            continue
        m = ITEM_RE.match(text, ln.start, ln.end)
        if not m or not _item_text(m.group("t")):
            break
        items.append(_item_span(text, m.start("t"), ln.end))
        end_pos, blank_run = ln.end, 0
    meta.noi_nhan = [_item_text(text[s:e]) for s, e in items]
    for k, span in enumerate(items):
        meta.spans[f"noi_nhan.{k}"] = span
    meta.spans["noi_nhan"] = (nn.start(), items[-1][1] if items else nn.end())
    return end_pos


def _set_signature(text: str, sig: re.Match, meta: DocumentMeta) -> None:
    ts, te = sig.span("title")
    title_lines = [_clean(t) for t in text[ts:te].split("\n")]
    meta.signer_title = "\n".join(t for t in title_lines if t)
    meta.spans["signer_title"] = strip_span(text, ts, te, " \t*_\n")
    meta.signer_name = sig.group("name").strip()
    meta.spans["signer_name"] = sig.span("name")
