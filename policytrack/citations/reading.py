"""Reading citations out of a text: candidate positions, one match, its unit chain,
its document, its relation and the document it implies."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from functools import lru_cache

from .. import units
from ..model import Document, Provision, Source
from ..parse import INLINE_FOOTNOTE as _INLINE_NOTE
from ..parse import footnotes_start
from ..units import POINT_LETTERS, roman_to_int, to_roman
from .grammar import _TOKEN_RE, VOCABULARY, Vocabulary, _alternation, _patterns
from .model import _LEVEL, DocRef, Reference, Target

# --- reading one match -------------------------------------------------------------------


def _expand(kind: str, first: str, last: str) -> list[str]:
    """``từ Điều 5 đến Điều 9`` → 5..9; letters in Vietnamese order; roman numerals."""
    if kind == "point" and first in POINT_LETTERS and last in POINT_LETTERS:
        a, b = POINT_LETTERS.index(first), POINT_LETTERS.index(last)
        return POINT_LETTERS[a : b + 1] if a < b else [first, last]
    if first.isdigit() and last.isdigit() and 0 < int(last) - int(first) < 300:
        # "Phụ lục số 01 đến Phụ lục số 03": numbers keep the zeros they are printed with
        width = len(first) if first.startswith("0") else 0
        return [str(n).zfill(width) for n in range(int(first), int(last) + 1)]
    lettered = _lettered_range(first, last)
    if lettered:
        return lettered
    a, b = roman_to_int(first), roman_to_int(last)
    if a and b and 0 < b - a < 50:
        return [to_roman(n) for n in range(a, b + 1)]
    return [first, last]


def _lettered_range(first: str, last: str) -> list[str] | None:
    """``từ Điều 10a đến Điều 10c`` → 10a, 10b, 10c: units inserted after one number, their
    letters in Vietnamese order; ``None`` when the two are not of that form."""
    m1, m2 = re.fullmatch(r"(\d+)(\D)", first), re.fullmatch(r"(\d+)(\D)", last)
    if not (m1 and m2) or m1.group(1) != m2.group(1):
        return None
    if m1.group(2) not in POINT_LETTERS or m2.group(2) not in POINT_LETTERS:
        return None
    a, b = POINT_LETTERS.index(m1.group(2)), POINT_LETTERS.index(m2.group(2))
    return [m1.group(1) + letter for letter in POINT_LETTERS[a:b + 1]] if a < b else None


def _read_chain(chain: str) -> list[dict[str, list[str]]]:
    """The unit groups of a chain, larger units shared backwards across groups."""
    groups: list[dict[str, list[str]]] = [{}]
    kind: str | None = None
    in_range = False
    last_end = 0
    for tok in _TOKEN_RE.finditer(chain):
        if tok.group("kw"):
            new_kind = units.KIND_OF_WORD[tok.group("kw").lower()]
            group = groups[-1]
            top = max((_LEVEL[k] for k in group), default=-1)
            # guidance and letters number a "mục" inside a "khoản": "điểm g mục 2.1 khoản 2"
            section_in_clause = (kind == "section" and new_kind == "clause" and not chain[last_end:tok.start()].strip()
                                 and "clause" not in group and "article" not in group)
            # "Điều 24 và Phụ lục số 02": an annex listed after an article is cited beside it
            annex_beside = (new_kind == "annex" and "article" in group
                            and re.search(r",|(?<!\w)và(?!\w)", chain[last_end:tok.start()]) is not None)
            if (not (in_range and new_kind == kind) and _LEVEL[new_kind] <= top and not section_in_clause
                    or annex_beside):
                groups.append({})
            kind = new_kind
        elif kind is None:
            continue
        elif tok.group("range") or tok.group("dash"):
            in_range = True
        elif tok.group("this") or tok.group("ord") or tok.group("id"):
            value = "này" if tok.group("this") else (_ordinal(tok.group("ord")) if tok.group("ord") else tok.group("id"))
            values = groups[-1].setdefault(kind, [])
            if in_range and values:
                values[-1:] = _expand(kind, values[-1], value)
            else:
                values.append(value)
            in_range = False
        last_end = tok.end()
    groups = [g for g in groups if g]
    for i in range(len(groups) - 2, -1, -1):
        top = max(_LEVEL[k] for k in groups[i])
        if set(groups[i + 1]) == {"annex"} and "article" in groups[i]:
            continue  # "Điều 24 và Phụ lục số 02": an annex cited alone is no container of articles
        for k, v in groups[i + 1].items():
            if _LEVEL[k] > top and k not in groups[i]:
                groups[i][k] = v
    return groups


def _ordinal(word: str) -> str:
    """``thứ hai`` → ``"2"``; an unknown ordinal is kept as written."""
    n = units.ordinal(word)
    return str(n) if n else word


def _iso(date_text: str | None) -> str | None:
    if not date_text:
        return None
    nums = re.findall(r"\d+", date_text)
    if len(nums) != 3:
        return None
    d, m, y = (int(n) for n in nums)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= d <= 31 and 1 <= m <= 12 else None


def _doc_ref(m: re.Match, vocab: Vocabulary, text: str) -> DocRef | None:
    if m.group("this_type"):
        return DocRef("this", text, doc_type=m.group("this_type"))
    if m.group("draft"):
        return DocRef("draft", text, doc_type="Dự thảo", number=None, draft_number=m.group("draft_n"))
    if m.group("charter"):
        return DocRef("name", text, doc_type="Điều lệ", name=m.group("charter_of"))
    if m.group("constitution"):
        year = m.group("name_year")
        return DocRef("name", text, doc_type="Hiến pháp", name=m.group("constitution_of"),
                      year=int(year) if year else None)
    if m.group("enacted"):
        return DocRef("name", text, doc_type=m.group("enacted_type"), name=m.group("enacted"))
    if m.group("name"):
        year = m.group("name_year")
        date = _iso(m.group("name_date"))
        from_date = not year and bool(date)
        if from_date:
            year = date[:4]
        name = m.group("name") + (f" ({m.group('name_note')})" if m.group("name_note") else "")
        return DocRef(
            "name", text, doc_type=m.group("name_type"), name=name,
            number=re.sub(r"\s+", "", m.group("name_number")) if m.group("name_number") else None,
            number_form="number_year_symbol" if m.group("name_number") else None,
            year=int(year) if year else None, date=date, year_from_date=from_date,
        )
    for form in vocab.number_forms:
        number = m.group(f"nf_{form}")
        if number:
            number = re.sub(r"\s*([/:-])\s*", r"\1", number)
            date = _iso(m.group("num_date"))
            year = re.search(r"(?:/|:)((?:19|20)\d\d)(?:/|$)", number)
            return DocRef(
                "number", text, doc_type=m.group("num_type"), number=number, number_form=form,
                year=int(year.group(1)) if year else (int(date[:4]) if date else None),
                date=date, issuer=m.group("issuer"),
            )
    return None


_RELATION_WINDOW = 160
_SENTENCE_END = re.compile(r"[.;:\n](?=\s)|\n")


def _relation(text: str, start: int, vocab: Vocabulary, relation_re: re.Pattern) -> str | None:
    lo = max(0, start - _RELATION_WINDOW)
    window = text[lo:start]
    cut = 0
    for cut_m in _SENTENCE_END.finditer(window):
        cut = cut_m.end()
    hits = list(relation_re.finditer(window, cut))
    return vocab.relations[hits[-1].group(0).lower()] if hits else None


@lru_cache(maxsize=4)
def _relation_re(path: str = str(VOCABULARY)) -> re.Pattern:
    vocab = _patterns(path)[3]
    return re.compile(rf"(?<!\w){_alternation(vocab.relations, 'i')}(?!\w)")


# --- public API ----------------------------------------------------------------------------


def find_references(subject: str | Source | Document) -> list[Reference]:
    """Every citation in a text, a ``Source`` or a parsed ``Document``, in text order.

    Offsets are into the original text (``Source.text``; the string itself when given a
    string). Given a ``Document``, each reference also records the citing document and
    its innermost provision, which ``resolve`` needs for ``Điều này`` and ``khoản 2``.

    >>> [(t.article, t.clause, t.point) for t in find_references("điểm a, b khoản 2 Điều 5")[0].targets]
    [('5', '2', 'a'), ('5', '2', 'b')]
    """
    document = subject if isinstance(subject, Document) else None
    if isinstance(subject, str):
        source = Source(path=None, text=subject)
    elif isinstance(subject, Document):
        source = subject.source
    else:
        source = subject
    marked = _fold_lookalikes(source.normalized)
    text = _blank_marks(marked)
    lo, hi = 0, len(text)
    if document is not None:
        lo, hi = _normalised_span(source, document.start, document.end)
    master, after_chain, trigger, vocab, after_break = _patterns()
    relation_re = _relation_re()
    own_number = document.meta.spans.get("number") if document is not None else None
    context = _Context(document, _quotes(document)) if document is not None else None
    locate = context.locate if context is not None else None
    refs: list[Reference] = []
    nested: list[tuple[DocRef, DocRef, Reference]] = []  # an amending law named by its title, the last law inside
    titled: list[Target] = []  # targets standing for "tên điều" (an article's title)
    docs: list = []  # the document each reference names, for the context
    last_doc, last_doc_end = None, lo  # the last document cited alone, and its end
    pos = lo
    for at in _candidates(text, lo, hi, trigger):
        if at < pos:
            continue
        # Only at a word start (a look-behind in the trigger would make it slow).
        if at > 0 and (text[at - 1].isalnum() or (text[at - 1] in "/.-_" and text[at].isdigit())):
            continue
        m = master.match(text, at, hi)
        if m is None:
            continue
        end = m.end()
        doc_match = m if m.group("doc") else None
        if m.group("chain"):
            tail = after_chain.match(text, end, hi)
            if tail is None and text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip():
                tail = after_break.match(text, end, hi)  # in a running sentence, not a heading
            if tail is not None:
                doc_match, end = tail, tail.end()
        if doc_match is None and m.group("chain") and _is_heading(marked, m, hi):
            pos = end
            continue
        doc = _doc_ref(doc_match, vocab, doc_match.group("doc")) if doc_match is not None else None
        if doc is not None and not m.group("chain") and doc.kind == "name" and not doc.number:
            end = _list_item_end(text, last_doc, last_doc_end, m.start(), end, hi, doc)
        pos = end
        if m.group("chain"):
            groups = _read_chain(m.group("chain"))
            if not groups:
                continue
            shared = doc if doc is not None and doc.kind != "this" else None
            targets = [
                Target(document=shared, **dict(zip(g.keys(), combo)))
                for g in groups
                for combo in itertools.product(*g.values())
            ]
            # "điểm d, điểm d khoản 6": a unit printed twice is cited once
            unique: dict[tuple, Target] = {}
            for t in targets:
                unique.setdefault(tuple(sorted(t.units().items())), t)
            targets = list(unique.values())
            title = _ARTICLE_TITLE.search(text, max(lo, m.start() - 20), m.start())
        elif doc is None:
            continue
        else:
            targets = [Target(document=None if doc.kind == "this" else doc)]
            title = None
        start, stop = source.to_original(m.start()), source.to_original(end)
        if title is not None:
            # "sửa đổi tên điều và khoản 1 Điều 66": the article's title is cited as the article
            article = next((t.article for t in targets if t.article), None)
            targets.insert(0, Target(document=shared, article=article))
            titled.append(targets[0])
            start = source.to_original(title.start(1))
        if own_number and start < own_number[1] and stop > own_number[0]:
            continue  # the document's own "Số: …" line is not a citation
        ref = Reference(start, stop, source.text[start:stop], targets, _relation(text, m.start(), vocab, relation_re))
        ref.file = source.path
        if locate is not None:
            ref.document_id = document.id
            ref.provision_id = locate(start)
        # "các Luật sửa đổi, bổ sung Luật Thuế giá trị gia tăng": a generic plural names no
        # document, though the law inside it is one
        generic = not m.group("chain") and doc.kind == "name" and not doc.number and _PLURAL_BEFORE.search(
            text, max(lo, m.start() - 12), m.start()) is not None
        # a document's own enacting formula ("Chính phủ ban hành Nghị định quy định …",
        # "Quốc hội ban hành Luật Việc làm.") names itself; quoted in a footnote or in an
        # amendment it names the act quoted, and in a consolidated text the act it restates
        own_title = (doc_match is not None and context is not None and not document.meta.consolidates
                     and (doc_match.group("enacted") is not None
                          or (doc_match.group("name") is not None and not m.group("chain")
                              and _ENACTS_LAW.search(text, max(lo, m.start() - 60), m.start()) is not None))
                     and not context.quoted_or_noted(start))
        if not (generic or own_title):
            refs.append(ref)
            docs.append(doc)
            last_doc, last_doc_end = (doc, end) if not m.group("chain") else (None, end)
        if doc is not None and doc.kind == "name" and (doc_match.group("name") or doc_match.group("enacted")):
            inside = _named_inside(doc_match, text, source, vocab, master, trigger)
            if inside and doc_match.group("name"):
                nested.append((doc, inside[-1][1], inside[-1][0]))
            for inner, inner_doc in inside:
                inner.relation = ref.relation
                inner.file = source.path
                if locate is not None:
                    inner.document_id, inner.provision_id = document.id, ref.provision_id
                refs.append(inner)
                docs.append(inner_doc)
    _number_of_the_amending_law(nested, docs)
    _complete_known_names(refs, docs, source)
    _attach_issuing_document(refs, docs, source)
    _share_across_phrases(refs, docs, source)
    _read_aliases(refs, docs, source)
    _share_announced_list(refs, docs, source)
    if context is not None:
        for i, ref in enumerate(refs):
            context.apply(ref, _share_article(source.text, refs, docs, i))
    for ref in refs:
        # "tên điều, khoản 1" under a lead-in naming the article: the title is that article's;
        # a title whose article was never named is no target
        for t in ref.targets:
            if t.article is None and any(t is x for x in titled):
                other = next((x for x in ref.targets if x.article), None)
                if other is not None:
                    t.article, t.document, t.relative = other.article, other.document, other.relative
        ref.targets = [t for t in ref.targets if t.article or not any(t is x for x in titled)]
    refs = [ref for ref in refs if ref.targets]  # a footnote opener on no unit of its kind names nothing
    _cite_once(source.text, refs)
    return refs


#: What makes a named document a generic plural: "các Luật sửa đổi, bổ sung Luật …".
_PLURAL_BEFORE = re.compile(r"(?<![^\W\d_])(?:các|những)[ \t]+\Z")
#: "Luật Nhà ở số 27/2023/QH15 (sau đây gọi là Luật Nhà ở)": a short name being defined.
_ALIAS = re.compile(r"[ \t]*\([ \t]*(?:sau đây|dưới đây)[ \t]+(?:gọi|viết)(?:[ \t]+(?:tắt|chung))?[ \t]+là[ \t]*")


def _complete_known_names(refs: list[Reference], docs: list, source: Source) -> None:
    """A long name read in full once (in a list of names, or before its number: "Pháp lệnh
    Trình tự, thủ tục xem xét, quyết định áp dụng các biện pháp … tại Tòa án nhân dân") is
    the same name where it is printed again and the general rule stops early (at "các"):
    a later name that the text continues into a known one is completed to it."""
    known: dict[str, set[str]] = {}
    for ref, doc in zip(refs, docs):
        if doc is None or doc.kind != "name" or not doc.name:
            continue
        names = known.setdefault(doc.doc_type or "", set())
        if (doc.name not in names and not doc.number and len(ref.targets) == 1
                and ref.targets[0].document is doc):
            rest = next((k[len(doc.name):] for k in names
                         if k.startswith(doc.name) and len(k) > len(doc.name) and k[len(doc.name)] in " ,"
                         and source.text.startswith(k[len(doc.name):], ref.end)), None)
            if rest:
                doc.name, doc.text = doc.name + rest, doc.text + rest
                ref.end += len(rest)
                ref.text = source.text[ref.start:ref.end]
        names.add(doc.name)


#: "… Phụ lục số 02 về Danh mục các sản phẩm … ban hành kèm theo ": a list described, then
#: the document it is issued with (no unit, document or sentence mark between).
_ISSUED_WITH = re.compile(r"(?:[ \t]*-[ \t]*|[ \t]+)(?:về|trong|thuộc|-)?[^;\n.“”\"\[\]()]{1,200}?"
                          r"[ \t](?:ban hành[ \t]+)?kèm(?:[ \t]+theo)?(?:[ \t]+của)?[ \t]+")
#: "sửa đổi, bổ sung Điều 6 và Phụ lục 4 về Danh mục ngành, nghề … của Luật Đầu tư": the
#: units of a list described, then the document holding them.
_LIST_OF = re.compile(r"[ \t]+về[ \t]+Danh mục[^;\n.“”\"\[\]()]{1,200}?[ \t]của[ \t]+")
#: "… Điều 36 và toàn bộ các mẫu tại Phụ lục ban hành kèm theo của Nghị định …": an annex
#: printed without a number, cited with the units before it.
_UNNUMBERED_ANNEX = re.compile(r"(?<!\w)[Pp]hụ lục(?![ \t]+(?:số[ \t]+)?[0-9IVXLC])(?!\w)")


def _attach_issuing_document(refs: list[Reference], docs: list, source: Source) -> None:
    """``Bãi bỏ Điều 24 và Phụ lục số 02 về Danh mục … ban hành kèm theo Luật Phí và lệ phí
    số 97/2015/QH13``, ``… phần V- Phí … trong Danh mục phí, lệ phí ban hành kèm theo Luật
    …``, ``Điều 6 và Phụ lục 4 về Danh mục … của Luật Đầu tư``: units of a list described
    before the document it is issued with (or that holds them) belong to that document; the
    two are one citation. An annex printed without a number ("Điều 36 và toàn
    bộ các mẫu tại Phụ lục ban hành kèm theo của Nghị định …") is cited beside the units, as
    the document alone (it has no number to give)."""
    i = 0
    while i + 1 < len(refs):
        ref, nxt, doc = refs[i], refs[i + 1], docs[i + 1]
        between = source.text[ref.end:nxt.start]
        annex = _UNNUMBERED_ANNEX.search(between)
        if (docs[i] is None and doc is not None and doc.kind != "this" and len(nxt.targets) == 1
                and not nxt.targets[0].units() and any(t.units() for t in ref.targets)
                and not any(t.document for t in ref.targets)
                and ("Danh mục" in between or annex or any(t.annex for t in ref.targets))
                and (_ISSUED_WITH.fullmatch(between) or _LIST_OF.fullmatch(between))):
            for t in ref.targets:
                t.document = doc
            if annex and "Danh mục" not in between:
                ref.targets.append(nxt.targets[0])  # the annex itself: the document, no number to give
            docs[i] = doc
            ref.end = nxt.end
            ref.text = source.text[ref.start:ref.end]
            del refs[i + 1], docs[i + 1]
        i += 1


#: "… số 15/2012/QH13 được sửa đổi, bổ sung bởi Luật số 67/2020/QH14": the head of an
#: amending chain, and the separators between the amending laws that follow it.
_AMENDED_BY = re.compile(r"[ \t]*,?[ \t]*(?:đã[ \t]+)?được[ \t]+sửa[ \t]+đổi,?[ \t]+bổ[ \t]+sung"
                         r"(?:[ \t]+một[ \t]+số[ \t]+điều)?[ \t]+(?:bởi|theo)[ \t]+")
_CHAIN_AND = re.compile(r"[ \t]*(?:,[ \t]*(?:và[ \t]+)?|và[ \t]+)")


def _chain_head(refs: list[Reference], docs: list, source: Source, j: int) -> int:
    """The index of the document an alias defined after ``refs[j]`` names: ``refs[j]`` itself,
    or, when it closes the list of laws amending an earlier one ("Luật X số 15/2012/QH13
    được sửa đổi, bổ sung bởi Luật số 67/2020/QH14 và Luật số 88/2025/QH15 (sau đây gọi là
    Luật X)"), that earlier, amended document."""
    k = j
    while k > 0 and docs[k] is not None and docs[k].number:
        between = source.text[refs[k - 1].end:refs[k].start]
        if _AMENDED_BY.fullmatch(between):
            head = docs[k - 1]
            return k - 1 if head is not None and head.kind != "this" and head.number else j
        if not _CHAIN_AND.fullmatch(between):
            break
        k -= 1
    return j


#: "… cụm từ “A” tại khoản 8 Điều 29; cụm từ “B” tại khoản 2 Điều 29 của Luật …": the next
#: place of one instruction replacing or striking words, after a ";".
_NEXT_PHRASE_PLACE = re.compile(
    r"[ \t]*;[ \t]*(?:(?:bãi bỏ|bỏ|thay thế)[ \t]+)?(?:cụm từ|từ)[ \t]*[“\"][^”\"\n]{1,200}[”\"]"
    r"(?:[ \t]+(?:bằng|thành)[ \t]+(?:cụm từ|từ)[ \t]*[“\"][^”\"\n]{1,200}[”\"])?[ \t]+(?:tại|ở|trong)[ \t]+",
    re.I)


def _share_across_phrases(refs: list[Reference], docs: list, source: Source) -> None:
    """``Bãi bỏ cụm từ “A” tại khoản 8 Điều 29; cụm từ “B” tại khoản 2 và khoản 7 Điều 29
    của Luật Hóa chất số 69/2025/QH15``: the places of one instruction on words, listed with
    ";", share the document named after the last of them."""
    for i in range(len(refs) - 2, -1, -1):
        ref, nxt, doc = refs[i], refs[i + 1], docs[i + 1]
        if (docs[i] is None and doc is not None and doc.kind != "this"
                and ref.targets and all(t.units() and t.document is None for t in ref.targets)
                and any(t.document is doc for t in nxt.targets)
                and _NEXT_PHRASE_PLACE.fullmatch(source.text, ref.end, nxt.start)):
            for t in ref.targets:
                t.document = doc
            docs[i] = doc


def _read_aliases(refs: list[Reference], docs: list, source: Source) -> None:
    """A short name defined for a numbered document ("… số 27/2023/QH15 (sau đây gọi là Luật
    Nhà ở)") is, where it is defined, that document again: its targets (and ``docs``, which
    the context reads) get the defined document (the amended one when the name follows its
    list of amending laws). Later uses of the short name keep the name as written."""
    for i in range(1, len(refs)):
        doc, defined = docs[i], docs[i - 1]
        if doc is None or doc.kind != "name" or doc.number or defined is None or not defined.number:
            continue
        if not _ALIAS.fullmatch(source.text, refs[i - 1].end, refs[i].start):
            continue
        defined = docs[_chain_head(refs, docs, source, i - 1)]
        alias = DocRef(**{**defined.__dict__, "text": doc.text})
        docs[i] = alias
        for t in refs[i].targets:
            if t.document is doc:
                t.document = alias


#: "… theo các điều, khoản sau đây của Luật Bảo hiểm xã hội:" announces a list of that law's units.
_ANNOUNCED = re.compile(r"(?:các|những)[ \t]+(?:điều|khoản|điểm|chương|mục)(?:[ \t]*,[ \t]*(?:điều|khoản|điểm))*"
                        r"[ \t]+(?:sau đây|dưới đây)[ \t]+(?:của|tại|thuộc|trong)[ \t]+\Z", re.I)
_ANNOUNCED_COLON = re.compile(r"[ \t]*(?:\([^()\n]{0,120}\))?[ \t]*:")
_LIST_END = re.compile(r"\.(?=\s)|\n")  # items may be split by ";"


def _share_announced_list(refs: list[Reference], docs: list, source: Source) -> None:
    """``… theo các điều, khoản sau đây của Luật X: khoản 4 Điều 35, khoản 2 Điều 39.``: the
    units listed after the colon, up to the end of the sentence, are Luật X's, not the citing
    document's."""
    text = source.text
    for i, doc in enumerate(docs):
        ref = refs[i]
        if doc is None or doc.kind == "this" or any(t.units() for t in ref.targets):
            continue
        if not _ANNOUNCED.search(text, max(0, ref.start - 80), ref.start):
            continue
        colon = _ANNOUNCED_COLON.match(text, ref.end)
        if colon is None:
            continue
        stop = _LIST_END.search(text, colon.end())
        stop_at = stop.start() if stop else len(text)
        for j in range(i + 1, len(refs)):
            later = refs[j]
            if later.start >= stop_at:
                break
            if docs[j] is not None:
                break
            for t in later.targets:
                if t.document is None and t.units() and "này" not in t.units().values():
                    t.document = doc
            docs[j] = doc


def _target_key(t: Target) -> tuple:
    return (t.document.label if t.document else None, tuple(sorted(t.units().items())))


def _cite_once(text: str, refs: list[Reference]) -> None:
    """``Sửa đổi khoản 5 và bổ sung khoản 6 vào sau khoản 5 Điều 53``: within one amending
    instruction the unit named again (the place of an insertion) is cited once (after a
    ";" a new instruction begins, which cites it again)."""
    for ref, nxt in zip(refs, refs[1:]):
        if ";" in text[ref.end:nxt.start] or not _NEXT_INSTRUCTION.fullmatch(text, ref.end, nxt.start):
            continue
        before = {_target_key(t) for t in ref.targets}
        kept = [t for t in nxt.targets if _target_key(t) not in before]
        if kept:
            nxt.targets = kept


#: "tên điều, khoản 5 …", "tên điều và khoản 1 Điều 66": the title of the article named next.
_ARTICLE_TITLE = re.compile(r"(?<![^\W\d_])[Tt]ên[ \t]+(điều)(?:[ \t]*,[ \t]*|[ \t]+và[ \t]+)\Z")


#: Cyrillic letters printed for the Latin ones they look like ("điểm а" with a Cyrillic а).
_LOOKALIKES = str.maketrans("аеорсхуіАВЕКМНОРСТХ", "aeopcxyiABEKMHOPCTX")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _fold_lookalikes(text: str) -> str:
    """The text with Cyrillic look-alike letters read as the Latin ones (one character for
    one, so offsets are unchanged); the text itself when it has none."""
    return text.translate(_LOOKALIKES) if _CYRILLIC.search(text) else text


#: "Quốc hội ban hành Luật Việc làm.": the enacting formula of a law, a code or an ordinance
#: (the name right after it).
_ENACTS_LAW = re.compile(r"(?:^|\n|;[ \t])[ \t]*(?:Quốc hội|Ủy ban [Tt]hường vụ Quốc hội)[ \t]+ban hành[ \t]+$")

#: A consolidated text's footnote mark inside a sentence ("các khoản 1,[10] 3 và 4 Điều
#: này", "Điều 5[3] và Điều 6"); not one opening a footnote (at a line start, or "[[2]").
_MARK_IN_TEXT = re.compile(r"\[\d{1,4}\](?!\])")


def _blank_marks(text: str) -> str:
    """The text with footnote marks inside sentences blanked (spaces, one for one, so
    offsets are unchanged): a mark between the units of a list does not end the list."""
    if "[" not in text:
        return text

    def blank(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else "\n"
        inside = before in ",.;:)" or (before.isalnum() and before != "_")
        return " " * len(m.group()) if inside else m.group()

    return _MARK_IN_TEXT.sub(blank, text)


_LIST_SEPARATOR = re.compile(r"[ \t]*,[ \t]*|[ \t]+và[ \t]+")
_LAW_TYPES = r"(?:Bộ luật|Bộ Luật|Luật|Pháp lệnh)"
#: The rest of a long name in a list, up to the separator before the next name of a law.
_ITEM_WORD = rf"(?:[ \t]+|[ \t]*,[ \t]*)(?!{_LAW_TYPES}(?!\w))[^\W_]+"
_LIST_ITEM_REST = re.compile(rf"{_ITEM_WORD}(?:{_ITEM_WORD}){{0,30}}?"
                             rf"(?=(?:[ \t]*,[ \t]*|[ \t]+và[ \t]+){_LAW_TYPES}[ \t])")


def _list_item_end(text: str, previous: DocRef | None, previous_end: int, start: int, end: int, hi: int,
                   doc: DocRef) -> int:
    """In a list of laws or ordinances named one after the other ("…, Pháp lệnh Thủ tục
    bắt giữ tàu bay, Pháp lệnh Trình tự, thủ tục … vào cơ sở cai nghiện bắt buộc, Pháp lệnh
    …"), an item's name runs to the separator before the next one, however long; the
    general rule stops at ten-odd words or at an ending word. Returns the item's end
    (normalised offset), extending ``doc.name`` in place."""
    if previous is None or previous.kind != "name" or previous.doc_type != doc.doc_type:
        return end
    if not _LIST_SEPARATOR.fullmatch(text, previous_end, start):
        return end
    rest = _LIST_ITEM_REST.match(text, end, min(hi, end + 240))
    if rest is None:
        return end
    doc.name = f"{doc.name}{text[end:rest.end()]}"
    doc.text = f"{doc.text}{text[end:rest.end()]}"
    return rest.end()


def _number_of_the_amending_law(nested: list[tuple[DocRef, DocRef, Reference]], docs: list) -> None:
    """``Căn cứ Luật Giáo dục số 43/2019/QH14; Căn cứ Luật sửa đổi, bổ sung một số điều của
    Luật Giáo dục số 123/2025/QH15``: the number closing an amending law's title is that
    law's own when the text cites the law inside it with another number elsewhere (in "… của
    Luật Đất đai số 31/2024/QH15" it stays the inner law's)."""
    def key(name: str | None) -> str:
        return " ".join((name or "").split()).casefold()

    inner = {id(d) for _, d, _ in nested}
    numbers: dict[str, set[str]] = {}
    for d in docs:
        if d is not None and d.kind == "name" and d.number and id(d) not in inner:
            numbers.setdefault(key(d.name), set()).add(d.number)
    for outer, last, ref in nested:
        others = numbers.get(key(last.name), set())
        # "01/2012/VBTVQH13" beside "01/2012/UBTVQH13" is one number misprinted, not another
        if (outer.number is None and last.number and others
                and not any(o.split("/")[:2] == last.number.split("/")[:2] for o in others)):
            outer.number, outer.number_form = last.number, last.number_form
            outer.name = re.sub(r"\s+số\s+\S+$", "", outer.name or "") or outer.name
            last.number, last.number_form = None, None
            cut = re.search(r"[ \t]+số[ \t]+\S+$", ref.text)
            if cut is not None:
                ref.text, ref.end = ref.text[:cut.start()], ref.start + cut.start()


def _named_inside(m: re.Match, text: str, source: Source, vocab: Vocabulary, master: re.Pattern, trigger):
    """The documents named inside an amending document's name, each a citation of its own:
    "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính
    quyền địa phương" also cites the two laws it amends (``(Reference, DocRef)`` pairs)."""
    lo, hi = m.span("name") if m.group("name") else m.span("enacted")
    if m.group("name") and not re.match(r"sửa đổi", text[lo:hi]):
        return []
    found, pos = [], lo
    for at in _candidates(text, lo, hi, trigger):
        if at < pos or (at > 0 and text[at - 1].isalnum()):
            continue
        inner = master.match(text, at, hi)
        if inner is None or not inner.group("doc"):
            continue
        pos = inner.end()
        doc = _doc_ref(inner, vocab, inner.group("doc"))
        if doc is None or doc.kind == "this":
            continue
        start, stop = source.to_original(inner.start()), source.to_original(inner.end())
        found.append((Reference(start, stop, source.text[start:stop], [Target(document=doc)], None), doc))
    return found


#: Between two unit lists of one amending instruction: "khoản 5 và bổ sung khoản 5a vào sau
#: khoản 5 Điều 51 của Luật Điện lực …".
_NEXT_INSTRUCTION = re.compile(r"[ \t]*(?:,|;|và|,[ \t]*và)[ \t]+(?:sửa đổi, bổ sung|sửa đổi|bổ sung|bãi bỏ|thay thế)[ \t]+(?:các[ \t]+)?")


def _share_article(text: str, refs: list[Reference], docs: list, i: int):
    """``Sửa đổi, bổ sung khoản 5 và bổ sung khoản 5a vào sau khoản 5 Điều 51 của Luật …``:
    the clauses named before the article belong to it (and to its document). Returns the
    document ``refs[i]`` is to be read with."""
    ref, doc = refs[i], docs[i]
    if doc is not None or i + 1 >= len(refs) or any(t.article or t.document for t in ref.targets):
        return doc
    nxt = refs[i + 1]
    if not _NEXT_INSTRUCTION.fullmatch(text, ref.end, nxt.start):
        return doc
    article = next((t for t in nxt.targets if t.article and t.article != "này"), None)
    if article is None:
        return doc
    for t in ref.targets:
        t.article, t.document = article.article, article.document
    return docs[i + 1] if docs[i + 1] is not None and docs[i + 1].kind != "this" else doc


_AMENDING = {"sửa đổi", "bổ sung", "sửa đổi, bổ sung", "bãi bỏ", "thay thế"}
_DETAILING = {"quy định chi tiết", "hướng dẫn"}
#: What may precede a unit that opens an item: its number ("1. ", "a) ") and a bracket.
_ITEM_CLOSE = re.compile(r"\s*[;.,]?\s*")
_ITEM_OPENING = re.compile(r"[ \t]*(?:\d{1,3}[a-zđ]?[.)]|[a-zđ]\))?[ \t]*[\(\[]?")


#: A unit that can head a provision (``Điều 39``, ``Chương IV``) when alone on its line.
_HEADING_UNIT = re.compile(rf"{units.alternation(units.heading_words())}\s+\S+$")


def _is_heading(text: str, m: re.Match, hi: int) -> bool:
    """``Điều 39.`` / ``Chương IV`` alone at a line start is a heading, not a citation."""
    at, end = m.start(), m.end()
    if not _HEADING_UNIT.match(m.group("chain")):
        return False
    line_start = text.rfind("\n", 0, at) + 1
    if text[line_start:at].strip(' \t"'):  # a heading may open a quoted new article
        return False
    rest = end
    while rest < hi and text[rest] in " \t":
        rest += 1
    mark = _FOOTNOTE_MARK.match(text, rest)  # "Chương IV[8] (được bãi bỏ)": a marked heading
    if mark is not None:
        rest = mark.end()
        while rest < hi and text[rest] in " \t":
            rest += 1
        return rest >= hi or text[rest] in ".:\n("
    return rest >= hi or text[rest] in ".:\n"


class _Context:
    """What a citation means where it stands: the document a unit citation without one
    refers to, and the numbers of relative units.

    - inside a provision whose own text (heading or lead-in) amends a document (``Điều 2.
      Sửa đổi, bổ sung một số điều của Nghị định số 38/2016/NĐ-CP … đã được sửa đổi theo
      Nghị định số 48/2020/NĐ-CP``, or a clause ``1. Sửa đổi, bổ sung một số điều của Luật
      Xây dựng số 50/2014/QH13 …``), units without a document belong to the amended
      document: the first one that text names, not one that merely amended it before;
    - inside quoted wording (an amendment's new text, a footnote quoting another law's
      article), ``Nghị định này`` / ``Luật này`` is the document the quote speaks as (the
      amended document, else the last document cited before the quote opens), and
      ``Điều này`` / ``khoản này`` are the article and clause being written in the quote
      (else those its lead-in cited);
    - in a consolidated text's footnote ``[n] Khoản này được sửa đổi …``, the relative
      opener is the unit that carries the mark ``[n]`` in the body;
    - in a text with no articles of its own (a letter), a unit citation without a document
      means the last document the text cited before;
    - otherwise relative units (``Điều này``, ``khoản này``) and units left out (``khoản 2``
      inside Điều 7) are the numbers of the provision holding the citation.

    Targets given a document this way are marked ``implied``; targets whose numbers were
    filled in are marked ``relative``.
    """

    def __init__(self, document: Document, quotes: list[tuple[int, int]]):
        self.document = document
        self.text = document.source.text
        self.has_articles = bool(document.provisions("article"))
        self.amended: dict[str, DocRef] = {}
        self.last: DocRef | None = None
        self.last_at = -1
        self.last_units: Reference | None = None
        self.last_article: str | None = None  # the article the last cited document was cited by
        self.leads: dict[str, str] = {}  # amending provision id -> the article its lead-in named
        self.lead_clauses: dict[str, dict[str, str]] = {}  # provision id -> clause -> article its lead-in cited
        self.detailed: dict[str, DocRef] = {}  # provision id -> the document its lead-in details
        self.quotes = quotes  # quoted wording, original offsets
        self.locate = _Locator(document)  # offset -> the innermost provision's id
        self._marks: dict[str, int] | None = None
        # A consolidated text's footnotes ("[1] …" lines after the body) are notes about the
        # body, not provisions: they never open an amended-document scope.
        notes = footnotes_start(self.text, document.start, document.end)
        self.footnotes_at = document.end if notes is None else notes
        # Some print each footnote twice: inline in the body ("1.[ Khoản này được sửa đổi …]")
        # and again, unnumbered, as a list after the body; that list is the notes.
        self.echoes = _echoed_notes(self.text, document.start, document.end)
        if self.echoes:
            self.footnotes_at = min(self.footnotes_at, min(self.echoes))
        # Some print a footnote inline, in the body: "19[[2] Khoản này được bổ sung …][2]. …".
        self.inline_notes = [m.span() for m in _INLINE_NOTE.finditer(self.text, document.start, document.end)]

    def quoted_or_noted(self, offset: int) -> bool:
        """Is ``offset`` (original) in quoted wording or in a footnote?"""
        return self._in_note(offset) or self._quote(offset) is not None

    def _in_note(self, offset: int) -> bool:
        return offset >= self.footnotes_at or any(s <= offset < e for s, e in self.inline_notes)

    def _quote(self, offset: int) -> tuple[int, int] | None:
        for qs, qe in self.quotes:
            if qs <= offset < qe:
                return qs, qe
        return None

    def _amended(self, prov: Provision | None) -> DocRef | None:
        if prov is None:
            return None
        return next((self.amended[p.id] for p in self.document.ancestors(prov, include_self=True)
                     if p.id in self.amended), None)

    def apply(self, ref: Reference, doc: DocRef | None) -> None:
        here = self.document[ref.provision_id] if ref.provision_id else None
        quote = self._quote(ref.start)
        explicit = doc is not None and doc.kind != "this"
        if explicit:
            articles = [t.article for t in ref.targets if t.article and t.article != "này"]
            if quote is None:
                self.last_article = articles[-1] if articles else None
                if articles:
                    self.last_units = ref  # the lead-in of a quote: "Điều 22 Luật BHYT quy định: …"
            if (quote is None and here is not None and here.kind != "document" and ref.relation in _DETAILING
                    and not self._in_note(ref.start) and here.id not in self.detailed):
                s, e = here.own_text_span()
                if s <= ref.start < e:
                    self.detailed[here.id] = doc
            if (quote is None and here is not None and here.kind != "document" and ref.relation in _AMENDING
                    and not self._in_note(ref.start)):
                s, e = here.own_text_span()
                known = self.amended.get(here.id)
                # the first document named wins; its number, given later, completes it
                if s <= ref.start < e and (known is None or (known.number is None and doc.number)):
                    self.amended[here.id] = doc
                if s <= ref.start < e and articles:
                    self.leads.setdefault(here.id, articles[-1])  # "2. Sửa đổi, bổ sung Điều 32 của Bộ luật …"
            if quote is None:
                self.last, self.last_at = doc, ref.start
            return
        if quote is not None:
            speaker = None if self._in_note(ref.start) else self._amended(here)
            if speaker is None:
                speaker = self._lead_in_document(quote)
            if speaker is None and self.last is not None and self.last_at < quote[0]:
                speaker = self.last
            if speaker is not None:
                self._in_quote(ref, speaker, quote)
                return
        if self._footnote_opener(ref):
            return
        if any(t.units() for t in ref.targets) and quote is None:
            self.last_units = ref
        if _ABOVE.match(self.text, ref.end):
            self._relative(ref)  # "khoản 1 nêu trên": the citing text's own unit
            return
        if doc is not None:
            self._relative(ref)  # "… của Luật này": explicitly the citing document
            return
        implied = None if self._in_note(ref.start) else self._amended(here)
        if implied is None:
            implied = self._detailed(here, ref)
        lead = self._lead_article(here) if implied is not None else None
        letter = implied is None and not self.has_articles
        if letter:
            implied = self.last
        if implied is not None:
            for t in ref.targets:
                if letter and not (t.article or t.clause or t.point):
                    continue  # "Mục II", "Phụ lục 01" of a letter are the letter's own
                if t.document is None and t.article != "này" and t.clause != "này" and t.point != "này":
                    t.document = DocRef(**{**implied.__dict__, "implied": True})
                    if letter and t.article is None and (t.clause or t.point) and self.last_article:
                        t.article, t.relative = self.last_article, True  # "… Điều 57 … khoản 2"
                    elif lead and t.article is None and (t.clause or t.point):
                        t.article, t.relative = lead, True  # "… của Điều 23 như sau: a) … khoản 1"
        if implied is not None and here is not None:
            articles = [t.article for t in ref.targets if t.article and t.article != "này"]
            if articles:
                self.leads[here.id] = articles[-1]
        self._relative(ref)

    def _lead_in_document(self, quote: tuple[int, int]) -> DocRef | None:
        """``Điều 3 của Luật số 75/2025/QH15 sửa đổi, bổ sung một số điều của Luật Quảng cáo
        … quy định như sau: “Điều 3. …”``: the quote speaks as the document of the unit its
        lead-in cites (on the line before it), not as the last document that line names."""
        lead = self.last_units
        if lead is None or lead.start >= quote[0] or self.text.count("\n", lead.start, quote[0]) > 1:
            return None
        return next((t.document for t in lead.targets if t.document is not None and t.document.kind != "this"), None)

    def _detailed(self, here: Provision | None, ref: Reference) -> DocRef | None:
        """``Nghị định này quy định chi tiết … Luật Nhà ở số 27/2023/QH15 về: 1. Khoản 2 Điều
        83 …; 2. Khoản 2 Điều 34 …``: a unit that opens an item of a lead-in naming the
        document it details belongs to that document."""
        if here is None or here.parent is None or here.kind not in ("clause", "point"):
            return None
        opening = self.text[here.start:ref.start]
        # "b) Thủ tục đầu tư … tại khoản 2, khoản 3 Điều 7;": or one that closes the item
        closing = _ITEM_CLOSE.fullmatch(self.text, ref.end, here.own_text_span()[1]) is not None
        if not closing and (len(opening) > 12 or not _ITEM_OPENING.fullmatch(opening)):
            return None
        return next((self.detailed[p.id] for p in self.document.ancestors(here) if p.id in self.detailed), None)

    def _lead_article(self, prov: Provision | None) -> str | None:
        """The article an amending provision's lead-in named (``Sửa đổi, bổ sung một số
        khoản của Điều 23 như sau:``), for the units its points name without one."""
        if prov is None:
            return None
        return next((self.leads[p.id] for p in self.document.ancestors(prov, include_self=True)
                     if p.id in self.leads), None)

    def _relative(self, ref: Reference) -> None:
        """Fill ``này`` and left-out larger units from the provision holding the citation."""
        if ref.provision_id is None:
            return
        here = self.document[ref.provision_id]
        for t in ref.targets:
            if t.document is not None:
                continue
            if t.clause and not t.article and _larger_units_absent(t, "article"):
                article = self._lead_clause_article(here, t.clause)
                if article is not None:
                    t.article, t.relative = article, True
            _fill(t, lambda kind: self.document.enclosing(here, kind))
        s, e = here.own_text_span()
        line_end = self.text.find("\n", ref.end)
        lead_in = (s <= ref.start < e and "\n" not in self.text[s:ref.start] and 0 <= line_end <= e
                   and self.text[ref.end:line_end].rstrip().endswith(":"))
        if here.kind in ("clause", "point") and lead_in:
            for t in ref.targets:
                if t.document is None and t.clause and t.article and not t.relative and not t.point:
                    self.lead_clauses.setdefault(here.id, {})[t.clause] = t.article

    def _lead_clause_article(self, here: Provision, clause: str) -> str | None:
        """``đ) Đối với đối tượng quy định tại khoản 5 Điều 5 Nghị định này:`` then ``- … tại
        điểm a khoản 5 …`` on the lines below: a clause cited without its article under a
        lead-in (a first line ending in a colon) that cited the same clause of an article is
        that article's clause."""
        for p in self.document.ancestors(here, include_self=True):
            if p.kind not in ("clause", "point", "subpoint", "item"):
                return None
            article = self.lead_clauses.get(p.id, {}).get(clause)
            if article is not None:
                return article
        return None

    def _in_quote(self, ref: Reference, speaker: DocRef, quote: tuple[int, int]) -> None:
        """Citations inside quoted wording speak as the quoted document."""
        inside = self.text[quote[0]:ref.start]
        lead = self.last_units.targets[0] if self.last_units and self.last_units.targets else None
        here = self.document[ref.provision_id] if ref.provision_id else None
        article = (_last_number(_QUOTED_ARTICLE, inside) or (lead.article if lead else None)
                   or self._lead_article(here))
        clause = _last_number(_QUOTED_CLAUSE, inside) or (lead.clause if lead else None)
        point = _last_number(_QUOTED_POINT, inside) or (lead.point if lead else None)
        section = _last_number(_QUOTED_SECTION, inside)
        for t in ref.targets:
            if t.document is not None and t.document.kind != "this":
                continue
            t.document = DocRef(**{**speaker.__dict__, "implied": True})
            if t.section == "này" and section:
                t.section, t.relative = section, True
            if t.article == "này" and article:
                t.article, t.relative = article, True
            if t.clause == "này" and clause:
                t.clause, t.relative = clause, True
            if t.point == "này" and point:
                t.point, t.relative = point, True
            if t.clause is None and t.point and t.article is None and clause:
                t.clause, t.relative = clause, True  # "điểm a" in a quoted clause: that clause's
            if t.article is None and (t.clause or t.point) and article:
                t.article, t.relative = article, True

    def _footnote_opener(self, ref: Reference) -> bool:
        """``[12] Khoản này được sửa đổi …``: the opener is the unit marked ``[12]``."""
        line_start = self.text.rfind("\n", 0, ref.start) + 1
        m = _FOOTNOTE_LINE.match(self.text, line_start)
        number = None
        if m is not None:
            number, opener_at = m.group(1), m.end()
        elif line_start in self.echoes:
            opener_at = line_start
        elif line_start >= self.footnotes_at:
            # a footnote's second line ("… lần thứ hai …") belongs to the footnote above it
            above = [f for f in _FOOTNOTE_START.finditer(self.text, self.footnotes_at, line_start)]
            if not above:
                return False
            number, opener_at = above[-1].group(1), line_start
        else:
            return False
        opener = _OPENER_PREFIX.fullmatch(self.text, opener_at, ref.start) is not None
        # further in a footnote, "tại Chương này" is the marked unit's chapter as well
        relative = any(t.document is None and "này" in t.units().values() for t in ref.targets)
        if not (opener or relative):
            return False
        anchor = self._mark_position(number) if number is not None else self.echoes[line_start]
        if anchor is None:
            return False
        holder = self.document[self.locate(anchor)]
        kept = []
        for t in ref.targets:
            if t.document is None and (opener or "này" in t.units().values()):
                _fill(t, lambda kind: self.document.enclosing(holder, kind), marked=True)
                if t.point == "này":  # the mark sits on a larger unit than the opener names
                    t.point = None
                if opener:
                    _no_unit_named_this(t, self.document.enclosing(holder, "annex"))
                if not t.units():
                    continue  # an opener whose mark stands on no unit of its kind, in no annex
            kept.append(t)
        ref.targets = kept
        return True

    def _mark_position(self, number: str) -> int | None:
        if self._marks is None:
            self._marks = {}
            for m in _FOOTNOTE_MARK.finditer(self.text, self.document.start, self.document.end):
                line_start = self.text.rfind("\n", 0, m.start()) + 1
                if m.start() != line_start:  # a mark in the body, not a footnote's own number
                    self._marks.setdefault(m.group(1), m.start())
        return self._marks.get(number)


def _fill(t: Target, enclosing, marked: bool = False) -> None:
    """Give ``t`` the numbers of its ``này`` units and left-out larger units."""
    for kind, below in (("part", None), ("chapter", None), ("section", None), ("annex", None), ("point", None),
                        ("clause", "point"), ("article", "clause")):
        value = getattr(t, kind)
        needed = value == "này" or (value is None and below is not None and getattr(t, below) is not None
                                    and _larger_units_absent(t, kind))
        # "Mục này": a section's number means something only with its chapter's
        needed = needed or (kind == "chapter" and value is None and t.section == "này")
        if not needed:
            continue
        holder = enclosing(kind)
        if holder is not None and holder.number:
            setattr(t, kind, holder.number)
            t.relative = True


def _no_unit_named_this(t: Target, annex) -> None:
    """A ``này`` the marked unit cannot stand for (a mark on an unnumbered annex, or on a
    row of a list or form in an annex) is not a number: drop it, and when nothing is left
    the target is the annex holding the mark (``""`` when the annex has no number)."""
    kinds = ("part", "chapter", "section", "article", "clause", "point", "annex")
    for kind in kinds:
        if getattr(t, kind) == "này":
            setattr(t, kind, None)
    if annex is not None and not any(getattr(t, kind) for kind in kinds):
        t.annex = annex.number or ""


_FOOTNOTE_LINE = re.compile(r"[ \t]*\[(\d{1,4})\][ \t]*")
_FOOTNOTE_START = re.compile(r"(?:^|(?<=\n))[ \t]*\[(\d{1,4})\]")
#: What may stand between a footnote's number and its opener: "[21] Tên Điều này …".
_OPENER_PREFIX = re.compile(r"[ \t]*(?:Tên|Tiêu đề)?[ \t]*")
_FOOTNOTE_MARK = re.compile(r"\[(\d{1,4})\]")


#: A footnote printed inline in brackets, from its first word to the end of its first line.
_BRACKET_NOTE = re.compile(r"\[[ \t]+([^\[\]\n]{12,})")


def _echoed_notes(text: str, lo: int, hi: int) -> dict[int, int]:
    """Footnotes printed twice: inline in the body (``Điều 6. …[ Điều này được sửa đổi …]``)
    and again, without numbers, on lines after the body. Returns, for each such later line
    (its start), the position of its inline copy: the k-th line with a given wording echoes
    the k-th inline note with that wording."""
    inline: dict[str, list[int]] = {}
    last = -1
    for m in _BRACKET_NOTE.finditer(text, lo, hi):
        inline.setdefault(" ".join(m.group(1).split()), []).append(m.start())
        last = m.start()
    if not inline:
        return {}
    echoes: dict[int, int] = {}
    line_start = text.find("\n", last, hi) + 1
    while 0 < line_start < hi:
        line_end = text.find("\n", line_start, hi)
        line_end = hi if line_end < 0 else line_end
        waiting = inline.get(" ".join(text[line_start:line_end].split()))
        if waiting:
            echoes[line_start] = waiting.pop(0)
        line_start = line_end + 1
    return echoes


def _larger_units_absent(t: Target, kind: str) -> bool:
    """``khoản 2`` (no article) or ``điểm a`` (no clause, no article): the left-out larger
    units are those of the provision holding the citation."""
    larger = {"clause": ("article",), "article": ()}.get(kind, ())
    return all(getattr(t, k) is None for k in larger) and not any(
        getattr(t, k) for k in ("chapter", "section", "part", "annex"))


#: "khoản 1 nêu trên", "điểm a khoản 2 trên đây": a unit of the citing text itself.
_ABOVE = re.compile(r"[ \t]*,?[ \t]*(?:nêu|nói|quy định)?[ \t]*(?:trên đây|ở trên|tại trên|nêu trên|trên)(?!\w)")
_QUOTED_ARTICLE = re.compile(rf"(?:^|\n)[\"“ \t]*{units.alternation(units.UNITS['article'].heading)}[ \t]+(\d+[a-zđ]?)\b")
_QUOTED_SECTION = re.compile(rf"(?:^|\n)[\"“ \t]*{units.alternation(units.UNITS['section'].heading)}[ \t]+(\d+|[IVX]+)\b")
_QUOTED_CLAUSE = re.compile(r"(?:^|\n)[\"“ \t]*(\d{1,3}[a-zđ]?)[.)][ \t]")
_QUOTED_POINT = re.compile(rf"(?:^|\n)[\"“ \t]*({units.letter_class()})\)[ \t]")


def _last_number(pattern: re.Pattern, text: str) -> str | None:
    found = None
    for m in pattern.finditer(text):
        found = m.group(1)
    return found


def _quotes(document: Document) -> list[tuple[int, int]]:
    """Quoted wording in the document (original offsets): replacement provisions over
    several lines (see ``parse.quoted_regions``), and a provision quoted on one line after a
    colon or after "quy định" (``… quy định: "1. … Điều này …"``)."""
    from ..parse import quoted_regions

    source = document.source
    lo, hi = _normalised_span(source, document.start, document.end)
    text = source.normalized
    spans = [(qs, qe) for qs, qe in quoted_regions(text, lo, hi) if qe >= 0]
    spans += _inline_quotes(text, lo, hi)
    return sorted((source.to_original(qs), source.to_original(qe)) for qs, qe in spans)


#: ``… quy định: "1. …"``, ``Khoản 2 Điều 9 Nghị quyết số … quy định “Trường hợp … Điều này”``
_INLINE_QUOTE = re.compile(r'"[^"\n]{20,}"|“[^“”\n]{20,}”')
_QUOTE_OPENS = re.compile(r'["“]')
_QUOTE_LEAD = re.compile(r"(?:^|:|(?<!\w)quy định)[ \t]*\Z", re.M)


def _inline_quotes(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The quotes of one line standing at a line start, after a colon or after "quy định"
    (found from the quote marks, which are few, rather than by trying the lead everywhere)."""
    spans, pos = [], lo
    for q in _QUOTE_OPENS.finditer(text, lo, hi):
        at = q.start()
        if at < pos:
            continue
        line_start = text.rfind("\n", 0, at) + 1
        if not _QUOTE_LEAD.search(text, max(line_start, pos, at - 40), at) and not (
                line_start >= pos and not text[line_start:at].strip(" \t")):
            continue
        m = _INLINE_QUOTE.match(text, at, hi)
        if m is not None:
            spans.append(m.span())
            pos = m.end()
    return spans


def _candidates(text: str, lo: int, hi: int, trigger: tuple[re.Pattern, re.Pattern]) -> list[int]:
    """Sorted positions where a citation may start: a trigger word or a run of digits."""
    words, digits = trigger
    found = [m.start() for m in words.finditer(text, lo, hi)]
    found += [m.start() for m in digits.finditer(text, lo, hi)]
    found.sort()
    return found


def _normalised_span(source: Source, start: int, end: int) -> tuple[int, int]:
    if source.offsets is None:
        return start, end
    offsets = source.offsets
    return bisect_right(offsets, start - 1), bisect_right(offsets, end - 1)


class _Locator:
    """Finds the innermost provision containing an original offset."""

    def __init__(self, document: Document):
        self.root = document.root

    def __call__(self, offset: int) -> str:
        node = self.root
        while node.children:
            starts = [c.start for c in node.children]
            i = bisect_right(starts, offset) - 1
            if i < 0 or offset >= node.children[i].end:
                break
            node = node.children[i]
        return node.id
