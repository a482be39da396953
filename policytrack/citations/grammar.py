"""The citation grammar: the vocabulary (``data/citations.yaml``, document types from
``data/doc_types.yaml``, unit words from ``data/units.yaml``) and the patterns built from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import units
from ..header.patterns import UP
from ..header import load_doc_types
from ..vocab import DATA, DataFileError, need_mapping, need_strings, read_yaml

VOCABULARY = DATA / "citations.yaml"

# --- vocabulary and the master pattern -------------------------------------------------


@dataclass
class Vocabulary:
    document_types: list[str]
    relations: dict[str, str]
    law_names: list[str]
    issuers: list[str]
    number_forms: dict[str, str]
    charters: list[str] = field(default_factory=list)
    name_words_end: list[str] = field(default_factory=list)
    name_comma_words: list[str] = field(default_factory=list)


def load_vocabulary(path: str | Path = VOCABULARY) -> Vocabulary:
    """Read and check ``citations.yaml``; a bad entry raises ``DataFileError`` naming it.
    Document types come from ``doc_types.yaml`` (the types marked ``cited``)."""
    data = need_mapping(read_yaml(path), path, "")
    lists = {key: list(need_strings(data.get(key), path, key, required=True))
             for key in ("law_names", "issuers", "charters", "name_words_end", "name_comma_words")}
    relations: dict[str, str] = {}
    for i, entry in enumerate(data.get("relations") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("word") or not entry.get("relation"):
            raise DataFileError(path, f"relations, entry {i}", "needs 'word' and 'relation'")
        relations[entry["word"].lower()] = entry["relation"]
    forms = need_mapping(data.get("number_forms") or {}, path, "number_forms")
    for name, pattern in forms.items():
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise DataFileError(path, f"number form '{name}'", f"not a valid pattern: {exc}") from exc
    if "number_year_symbol" not in forms:  # the form a law's number after its name is read with
        raise DataFileError(path, "number_forms", "needs 'number_year_symbol' (72/2020/QH14)")
    return Vocabulary(load_doc_types().cited_names(), relations, lists["law_names"], lists["issuers"],
                      dict(forms), lists["charters"], lists["name_words_end"], lists["name_comma_words"])


_alternation = units.alternation


def _behind(kind: str) -> str:
    """Look-behinds keeping a unit word from the everyday words of ``not_after``
    ("danh mục", "tài khoản")."""
    return "".join(f"(?<!{re.escape(w)} )" for w in units.UNITS[kind].not_after)


def _cited(kind: str) -> str:
    return f"{_behind(kind)}{units.alternation(units.UNITS[kind].cited)}"


_L = rf"{units.letter_class()}\d{{0,2}}(?!\w)"
_N = rf"\d{{1,3}}{units.letter_class()}?(?!\w)"
#: Clauses and sections of guidance letters and plans are numbered in decimals ("mục 2.1",
#: "khoản 3.1.4"); parts of at most two digits, so "khoản 1.000 đồng" is no number.
_DEC = r"\d{1,2}(?:\.\d{1,2}){1,3}(?![\d\w])"
_R = r"(?:[IVXLC]+|\d{1,2})(?!\w)"
#: A chapter inserted by an amendment carries a letter: "Chương IIIa", "Chương 2a".
_R_INSERTED = r"(?:[IVXLC]+|\d{1,2})[a-zđ]?(?!\w)"
#: An annex divided by letter: "Phụ lục I.A".
# "Phụ lục II.A", and the decimal annexes of a resolution: "Phụ lục I.12"
_ANNEX_PART = r"(?:(?:[IVXLC]+|\d{1,2})\.[A-Z](?!\w)|[IVXLC]+\.\d{1,2}(?!\w|\.\w))"


def _numbered_only(kind: str) -> str:
    """The spellings that cite ``kind`` only before a number (``mục 2.1``), each kept from
    the everyday words of ``not_after`` (``danh mục``); a pattern matching nothing when none."""
    unit = units.UNITS[kind]
    if not unit.cited_numbered:
        return "(?!)"
    return rf"{_behind(kind)}{units.alternation(unit.cited_numbered)}(?!\w)"
#: "các điểm từ a đến e", "các khoản từ 1 đến 5": "từ" between a unit word and the first
#: number of a range.
_FROM = r"(?:từ[ \t]+(?=\S+[ \t]+(?:đến|tới)[ \t]))?"
_UNIT = (
    rf"(?:{_cited('point')}\s+{_FROM}(?:{_L}|này)|{_cited('clause')}\s+{_FROM}(?:{_DEC}|{_N}|này)"
    rf"|{_cited('article')}\s+{_FROM}(?:{_N}|này(?!\w))"
    rf"|{_cited('subsection')}\s+{_N}|{_cited('section')}\s+(?:{_DEC}|{_R}|{_N}|này)|{_cited('chapter')}\s+(?:{_R_INSERTED}|này)"
    rf"|{_cited('part')}\s+{units.ORDINAL_WORD}\s+{units.alternation(units.ORDINALS)}(?!\w)"
    # the parts of an annex or a guidance: "thuộc phần A", "Phần II"
    rf"|(?:{_cited('part')}|{_numbered_only('part')})\s+(?:[IVX]+|[A-Z])(?!\w)"
    rf"|{_cited('annex')}\s+(?:số\s+)?(?:{_ANNEX_PART}|{_R}|[A-Z](?!\w)|này)"
    rf"|{_numbered_only('section')}\s+(?:{_DEC}|{_R}|{_N})"
    # "tại các chương I, II và III", "các mục 1, 3 chương II": in lower case before a numeral only
    rf"|{_numbered_only('chapter')}\s+{_R_INSERTED})"
)
_UNIT_WORDS = tuple(units.cited_words(numbered=True))
_BARE = rf"(?:{_N}|[IVXLC]+(?!\w)|{_L})"
# Separators are horizontal space only: a citation never runs over a line break, so a
# heading "Chương IV" above "Điều 39." is two headings, not "Điều 39 of Chương IV".
_S = r"[ \t]"
# "khoản 1 Điều 27; khoản 2 Điều 29 của Bộ luật …": on one line, ";" separates groups that
# share the document named at the end, as "," does.
# "từ Điều 1 đến hết Điều 5" is a range; "Điều 3 – Điều 5" (an en dash) too.
_LIST_SEP = (rf"(?:{_S}*,{_S}*(?:và{_S}+|hoặc{_S}+)?|{_S}+(?:và|hoặc|(?:đến|tới)(?:{_S}+hết)?|vào{_S}+(?:sau|trước)){_S}+"
             rf"|{_S}*[-–]{_S}*)")
_LEVEL_SEP = rf"(?:{_S}+(?:của{_S}+|tại{_S}+|thuộc{_S}+)?)"
# After ";" only a unit word may follow ("Điều 90; 06 tháng …" ends the chain).
# "các điều 14, 15, từ Điều 22 đến Điều 36, …": a range may open any member of a list.
# "… và các điều từ Điều 98 đến Điều 106 …": a range named with its unit word in a list.
# (articles only: "điểm a khoản này và các điểm từ điểm a đến điểm l khoản 1 Điều 232" is two
# citations, the first closed by its "này")
_EACH_FROM = rf"(?:các{_S}+(?:điều{_S}+từ{_S}+(?={_cited('article')}))?)?"
_CHAIN = (rf"{_UNIT}(?:{_S}*;{_S}*(?:các{_S}+)?(?:từ{_S}+)?{_UNIT}|{_LIST_SEP}{_EACH_FROM}(?:từ{_S}+)?(?:{_UNIT}|{_BARE})"
          rf"|{_LEVEL_SEP}{_UNIT})*")
_DATE = r"\d{1,2}\s*(?:/|-|\s+tháng\s+)\s*\d{1,2}\s*(?:/|-|\s+năm\s+)\s*(?:19|20)\d\d"


def _law_name(vocab: Vocabulary, names: str, types: str) -> str:
    """The name after ``Luật`` / ``Bộ luật`` / ``Pháp lệnh``: a name of ``law_names`` (as
    listed, any case), an amending law's name (``sửa đổi, bổ sung một số điều của Luật X và
    Luật Y``), an abbreviation in capitals (``BVMT``), or a name read from the text: a first
    word in capitals, or ``về`` and a word (``Pháp lệnh về tổ chức …``), then the words
    up to the first word of ``name_words_end``, a number, a date or a punctuation mark
    (``Phòng, chống`` keeps its comma), at most ten words."""
    ends = _alternation(vocab.name_words_end)
    word = rf"(?!(?:{ends})(?![^\W\d_]))[^\W\d_]+"
    commas = _alternation(vocab.name_comma_words)
    rest = rf"(?:(?:{_S}+|,{_S}+(?=(?:{commas})(?![^\W\d_]))){word}){{0,15}}"
    # a code's or an ordinance's name may be printed in lower case ("Bộ luật tố tụng dân sự",
    # "Pháp lệnh án phí, lệ phí Tòa án"); a law's starts with a capital ("Luật sư" is no law)
    lower_ok = r"(?:(?<=Bộ luật )|(?<=Bộ Luật )|(?<=Pháp lệnh ))"
    first = rf"(?:[{UP}][^\W\d_]*|{lower_ok}(?!(?:{ends}|về)(?![^\W\d_]))[^\W\d_]+)"
    # "Pháp lệnh về tổ chức và hoạt động hòa giải ở cơ sở": a title in words, where "và"
    # joins its parts
    about_word = rf"(?:và{_S}+)?(?!(?:{ends})(?![^\W\d_]))[^\W\d_]+"
    about = rf"về{_S}+[^\W\d_]+(?:{_S}+{about_word}){{0,15}}"
    number = r"\d{1,5}/(?:19|20)\d\d/[A-ZĐ][A-ZĐa-z0-9&-]*[A-Za-z0-9]"
    # a law inside an amending law's title: named, numbered, or both ("Luật số 24/2012/QH13")
    law = (rf"(?:Bộ [Ll]uật|Luật|Pháp lệnh)(?:{_S}+(?:{names}|{first}{rest})(?:{_S}+số{_S}+{number})?"
           rf"|{_S}+số{_S}+{number})")
    # each law of the title ends with its number ("Luật Sử dụng năng lượng tiết kiệm và hiệu
    # quả số 50/2010/QH12, Luật Tài nguyên, môi trường biển và hải đảo số 82/2015/QH13"): the
    # name is whatever stands before "số"; else names as read elsewhere
    numbered_law = rf"(?:Bộ [Ll]uật|Luật|Pháp lệnh)(?:{_S}+[^;\n]{{1,200}}?)?{_S}+số{_S}+{number}"
    # a list of several: each name but the last runs to the separator before the next type
    # word, however long ("Pháp lệnh Trình tự, thủ tục Tòa án nhân dân xem xét, quyết định
    # việc đưa người nghiện ma túy … bắt buộc, Pháp lệnh …")
    law_type = r"(?:Bộ [Ll]uật|Luật|Pháp lệnh)(?![^\W\d_])"
    separator = rf"(?:{_S}*,{_S}*|{_S}+và{_S}+)"
    listed_law = rf"{law_type}{_S}+(?:(?!{separator}{law_type})[^;\n.(]){{1,200}}?"
    listed = rf"(?:{listed_law}{separator}(?={law_type}))+{law}"
    by = rf"{_S}+đã được sửa đổi,{_S}+bổ sung(?:{_S}+một số điều)?{_S}+theo{_S}+"
    # an omnibus law's enacting formula lists its laws with ";" ("Quốc hội ban hành Luật sửa
    # đổi, bổ sung một số điều của Luật Đầu tư công số …; Luật Đầu tư số …; …"): one title
    laws = (rf"(?:{numbered_law}(?:(?:{_S}*[,;]{_S}*|{_S}+và{_S}+|{by}){numbered_law})*(?!{separator}{law_type})"
            rf"|{listed}|{law}(?:(?:{_S}*,{_S}*|{_S}+và{_S}+){law})*)")
    some_laws = rf"các{_S}+(?:bộ{_S}+)?luật(?:{_S}+{word}){{1,8}}"  # "… của các luật về thuế"
    # "… một số điều có liên quan đến quy hoạch của Luật …", "… đã được sửa đổi, bổ sung một
    # số điều theo Luật số …, Luật số … và Luật số …"
    related = rf"(?:{_S}+có liên quan đến(?:{_S}+{word}){{1,4}})?"
    amended_by = rf"(?:{_S}+đã được sửa đổi,{_S}+bổ sung(?:{_S}+một số điều)?{_S}+theo{_S}+{laws})?"
    amending = (rf"sửa đổi,{_S}+bổ sung(?:{_S}+một số điều)?{related}(?:{_S}+của)?{_S}+(?:{laws}|{some_laws})"
                rf"{amended_by}")
    # A name printed with its number ("Luật Sử dụng năng lượng tiết kiệm và hiệu quả số
    # 50/2010/QH12", "Luật Đầu tư theo phương thức đối tác công tư (PPP) số 64/2020/QH14",
    # "Pháp lệnh Trình tự, thủ tục … từ đủ 12 tuổi … bắt buộc số 01/2022/UBTVQH15") is
    # whatever stands between the type word and "số" and a law's or an ordinance's number:
    # no other document, unit, date or sentence mark inside.
    inner_stop = (r"(?:[ \t,](?:Bộ [Ll]uật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư|Quyết định|Hiến pháp"
                  r"|[Đđ]iều|[Kk]hoản|[Đđ]iểm|ngày|số)(?![^\W\d_])|[;\n.:“”\"\[\]])")
    # "42/2002/PL-UBTVQH10": an ordinance numbered before 2012
    law_number = r"\d{1,5}/(?:19|20)\d\d/(?:QH|UBTVQH|PL-UBTVQH)\d{1,2}(?![\w/])"
    before_number = (rf"(?:về[ \t]+)?[{UP}](?:(?!{inner_stop}).){{1,220}}?(?=[ \t]+số[ \t]+{law_number})")
    # A name before its number comes first, then listed names that hold an ending word, an
    # amending law's name, an abbreviation, the other listed names (longest first: "Đầu tư
    # công" before "Đầu tư"), and last a name read from the text.
    hard = _alternation([n for n in vocab.law_names if re.search(rf"[,(]|(?<!\w)(?:{ends})(?!\w)", n)], "i")
    return (rf"(?:{before_number}|{hard}(?![^\W\d_])|{amending}|[{UP}]{{2,}}(?![^\W\d_])|{names}(?![^\W\d_])"
            rf"|{about}|{first}{rest})")


@lru_cache(maxsize=4)
def _patterns(path: str = str(VOCABULARY)) -> tuple[re.Pattern, re.Pattern, tuple, Vocabulary, re.Pattern]:
    """The master pattern (a unit chain or a document), the pattern of a document right
    after a chain (``… Điều 3 Nghị định số …``), the trigger pattern of the places a
    citation can start, the vocabulary they were built from, and the pattern of a numbered
    document opening the line after a chain."""
    vocab = load_vocabulary(path)
    types = _alternation(vocab.document_types)
    names = _alternation(vocab.law_names, "i")
    issuers = _alternation(vocab.issuers, "i")
    numbers = "|".join(f"(?P<nf_{name}>{pattern})" for name, pattern in vocab.number_forms.items())
    issuer = rf"(?:\s*,?\s+của\s+(?P<issuer>{issuers}(?:\s+(?:khóa\s+[IVXLC]+|[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)*))?))"
    def date(group: str) -> str:
        return rf"(?:\s*,?\s+(?:ban hành\s+)?ngày\s+(?P<{group}>{_DATE}))"

    this = rf"(?P<this_type>{types})\s+này(?!\w)"
    named = (
        rf"(?:(?P<name_type>Bộ [Ll]uật|Luật|Pháp lệnh)\s+(?P<name>{_law_name(vocab, names, types)})"
        rf"|(?P<constitution>Hiến pháp)(?:\s+(?P<constitution_of>nước Cộng hòa xã hội chủ nghĩa Việt Nam))?)"
        r"(?:\s*\((?P<name_note>sửa đổi|mới)\))?"
        # the number after a name is a document number of the data file's dated form
        rf"(?:\s+(?:số\s+)?(?P<name_number>{vocab.number_forms['number_year_symbol']}))?"
        r"(?:\s+(?:năm\s+)?(?P<name_year>(?:19|20)\d\d)(?!\d))?"
    )
    # "Mẫu số 01/ĐKTĐ-HĐĐT" numbers a form, not a document
    form = r"(?<![Mm]ẫu )(?<![Mm]ẫu số )(?<![Mm]ẫu số: )(?<![Mm]ẫu số số )"
    # "Luật số số 118/2025/QH15": a doubled "số" is a misprint seen in real texts
    numbered = rf"(?:(?P<num_type>{types})\s+)?{form}(?:[Ss]ố\s*:?\s*(?:số\s+)?)?{form}(?:{numbers})(?![\w/])"
    charters = _alternation(vocab.charters, "i")
    # a charter is a document only with its organisation: "Điều lệ của hợp tác xã" is not one
    charter = rf"(?P<charter>Điều lệ)(?!\w)\s+(?:của\s+)?(?P<charter_of>{charters})(?![^\W\d_])"
    draft = rf"(?P<draft>[Dd]ự thảo)(?:{_S}+(?:lần{_S}+)?(?P<draft_n>\d{{1,2}}))(?!\w)"
    # "Bộ trưởng Bộ Y tế ban hành Thông tư quy định về …": an enacting formula names the
    # document by its whole title, to the end of the sentence (a title may hold numbers,
    # dates and other documents' names)
    opens_title = "quy định|Quy định|sửa đổi|bãi bỏ|hướng dẫn|Hướng dẫn|ban hành|Ban hành|về|Về|thay thế|phê duyệt"
    enacted = (rf"(?<=ban hành )(?P<enacted_type>Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết)"
               rf"{_S}+(?P<enacted>(?:{opens_title})(?![^\W\d_])[^\n\[\]“”\"]{{1,600}}?)"
               r"(?=[ \t]*\.?[”\"\[\]]|[ \t]*\.?[ \t]*(?:\n|$)|[ \t]*\.[ \t]+[A-ZĐ])")
    document = (rf"(?:{this}|{named}{date('name_date')}?|{enacted}|{numbered}{date('num_date')}?{issuer}?"
                rf"|{charter}|{draft})")
    # "Điều 58 của của Luật …": a doubled "của" is a misprint seen in real texts
    doc_sep = rf"(?:{_S}*,?{_S}+(?:(?:của{_S}+){{1,2}}|tại{_S}+|thuộc{_S}+|(?:ban hành{_S}+)?kèm(?:{_S}+theo)?{_S}+)?)"
    master = re.compile(rf"(?P<chain>{_CHAIN})|(?P<doc>{document})")
    after_chain = re.compile(rf"{doc_sep}(?P<doc>{document})")
    # "… tại khoản 12 Điều 5\nThông tư số 08/2023/TT-BGDĐT": a numbered document of a type
    # opening the next line, the sentence broken between a unit and its document
    after_break = re.compile(rf"{_S}*\n{_S}*(?=(?:{types}){_S}+(?:số{_S}*)?\d)(?P<doc>{document})")
    # Every match of ``master`` starts at one of these words or at a digit. Scanning for
    # them first and trying ``master`` only there is several times faster than letting
    # ``master.search`` attempt its whole alternation at every position.
    words = _alternation([*vocab.document_types, *_UNIT_WORDS, "số", "Số", "QCVN", "TCVN", "Dự thảo", "dự thảo"])
    # Two scans, merged: Python's ``re`` is fast on a pure literal alternation and on
    # ``\d+`` alone, and slow on both in one pattern.
    trigger = (re.compile(words), re.compile(r"\d+"))
    return master, after_chain, trigger, vocab, after_break


# Tokens start at a word start: the "c" ending "các" or the "o" ending "vào" is no number.
_TOKEN_RE = re.compile(
    rf"(?<!\w)(?:(?P<kw>{units.alternation(_UNIT_WORDS)})"
    r"|(?P<this>này)(?!\w)"
    rf"|{units.ORDINAL_WORD}\s+(?P<ord>\w+)"
    r"|(?P<range>đến|tới)(?!\w)"
    rf"|(?P<id>{_ANNEX_PART}|{_DEC}|{_N}|[IVXLC]+[a-zđ]?(?!\w)|{_L}|[A-Z](?!\w)))"
    r"|(?P<dash>[-–])"
)
