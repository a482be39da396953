"""The Word reader (``policytrack._docx``) on files built the way Word writes them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytrack import read, units
from policytrack._docx import _Counters, _Level, _List, render_label
from policytrack._legacy import encode_legacy
from policytrack.model import ReadError
from policytrack.parse import parse

from .docx_fixtures import (
    abstract_num,
    block_sdt,
    cell,
    comment,
    comments,
    complex_field,
    delete,
    footnote_ref,
    inline_sdt,
    ins,
    level,
    move_from,
    move_to,
    notes,
    num,
    numbering,
    para,
    raw_run,
    row,
    run,
    style,
    styles,
    table,
    text_box,
    write_docx,
)
from .docx_fixtures import text as text_el

VI = "vi-VN"


def _lines(path: Path, **options) -> list[str]:
    return read(path, **options).text.split("\n")


def _numbered(tmp_path: Path, levels: list[str], paragraphs: list[tuple[str, int, int]], *, lang: str | None = VI,
              nums: list[str] | None = None) -> Path:
    """A file whose paragraphs (text, numId, ilvl) are numbered by list 1 (``levels``)."""
    definitions = [abstract_num(1, *levels), *(nums or [num(1, 1)])]
    body = "".join(para(text, num=(num_id, ilvl)) for text, num_id, ilvl in paragraphs)
    return write_docx(tmp_path / "so.docx", body, parts={"styles": styles(lang=lang), "numbering": numbering(*definitions)})


# --- 1. automatic numbering -------------------------------------------------------------

FORMATS = [
    # (numFmt, lvlText, start, language, suffix, the three labels)
    ("decimal", "%1.", 1, VI, None, ["1. ", "2. ", "3. "]),
    ("decimal", "%1)", 7, VI, "space", ["7) ", "8) ", "9) "]),
    ("decimalZero", "%1.", 9, VI, None, ["09. ", "10. ", "11. "]),
    ("lowerLetter", "%1)", 1, VI, None, ["a) ", "b) ", "c) "]),
    ("lowerLetter", "%1)", 4, VI, None, ["d) ", "đ) ", "e) "]),
    ("lowerLetter", "%1)", 4, "en-US", None, ["d) ", "e) ", "f) "]),
    ("lowerLetter", "%1)", 24, VI, None, ["y) ", "aa) ", "bb) "]),
    ("upperLetter", "%1.", 5, VI, None, ["Đ. ", "E. ", "G. "]),
    ("upperLetter", "%1.", 5, None, None, ["E. ", "F. ", "G. "]),
    ("lowerRoman", "%1.", 1, VI, None, ["i. ", "ii. ", "iii. "]),
    ("upperRoman", "Chương %1", 4, VI, "space", ["Chương IV ", "Chương V ", "Chương VI "]),
    ("bullet", "\uf0b7", 1, VI, None, ["- ", "- ", "- "]),
    ("bullet", "–", 1, VI, "nothing", ["- ", "- ", "- "]),
    ("none", "", 1, VI, None, ["", "", ""]),
    ("decimal", "%1.", 1, VI, "nothing", ["1.", "2.", "3."]),
]


@pytest.mark.parametrize(("fmt", "lvl_text", "start", "lang", "suffix", "labels"), FORMATS)
def test_numbering_formats(tmp_path: Path, fmt, lvl_text, start, lang, suffix, labels) -> None:
    path = _numbered(tmp_path, [level(0, fmt, lvl_text, start=start, suffix=suffix)],
                     [("một", 1, 0), ("hai", 1, 0), ("ba", 1, 0)], lang=lang)
    assert _lines(path) == [label + word for label, word in zip(labels, ["một", "hai", "ba"])]


def test_vietnamese_letters_come_from_units() -> None:
    from policytrack._docx import format_number

    assert [format_number(i, "lowerLetter", vietnamese=True) for i in range(1, 25)] == list(units.POINT_LETTERS)
    assert format_number(5, "lowerLetter") == "e"


def _law(tmp_path: Path, name: str = "luat.docx") -> Path:
    """A two-article law whose articles, clauses and points are all numbered by Word."""
    lists = numbering(
        abstract_num(1, level(0, "decimal", "Điều %1.", suffix="space"), level(1, "decimal", "%2."),
                     level(2, "lowerLetter", "%3)")),
        num(1, 1),
    )
    body = [para("QUỐC HỘI"), para("Luật số: 12/2024/QH15"), para("LUẬT"), para("THỬ NGHIỆM"),
            para("Phạm vi điều chỉnh", num=(1, 0)), para("Luật này quy định về thử nghiệm.", num=(1, 1)),
            para("Đối tượng áp dụng gồm:", num=(1, 1)), para("cơ quan nhà nước;", num=(1, 2)),
            para("tổ chức, cá nhân.", num=(1, 2)),
            para("Hiệu lực thi hành", num=(1, 0)), para("Luật này áp dụng đối với:", num=(1, 1))]
    body += [para(f"trường hợp thứ {i};", num=(1, 2)) for i in range(1, 6)]
    body += [para("Luật này có hiệu lực từ ngày 01 tháng 7 năm 2025.", num=(1, 1))]
    return write_docx(tmp_path / name, "".join(body), parts={"styles": styles(lang=VI), "numbering": lists})


def test_law_numbered_by_word_parses(tmp_path: Path) -> None:
    path = _law(tmp_path)
    lines = _lines(path)
    assert lines[4:8] == ["Điều 1. Phạm vi điều chỉnh", "1. Luật này quy định về thử nghiệm.",
                          "2. Đối tượng áp dụng gồm:", "a) cơ quan nhà nước;"]
    assert "đ) trường hợp thứ 5;" in lines
    [document] = parse(path)
    paths = {p.path for p in document.provisions()}
    assert {"d1", "d1.k1", "d1.k2", "d1.k2.a", "d1.k2.b", "d2", "d2.k1", "d2.k1.a", "d2.k1.d",
            "d2.k1.dd", "d2.k2"} <= paths
    assert document["d2.k1.dd"].text.startswith("đ) trường hợp thứ 5;")


MULTILEVEL = [
    # (levels of list 1, paragraphs (numId, ilvl), the expected labels)
    pytest.param([level(0, "decimal", "%1."), level(1, "decimal", "%1.%2.")],
                 [0, 1, 1, 0, 1], ["1. ", "1.1. ", "1.2. ", "2. ", "2.1. "], id="restart-lower-levels"),
    pytest.param([level(0, "decimal", "%1."), level(1, "decimal", "%1.%2."), level(2, "decimal", "%1.%2.%3.")],
                 [1, 2, 0, 2], ["0.1. ", "0.1.1. ", "1. ", "1.0.1. "], id="unused-levels-show-start-minus-one"),
    pytest.param([level(0, "upperRoman", "%1."), level(1, "decimal", "%1.%2.", legal=True)],
                 [0, 1, 0, 1], ["I. ", "1.1. ", "II. ", "2.1. "], id="isLgl"),
    pytest.param([level(0, "decimal", "%1."), level(1, "lowerLetter", "%2)", restart=0)],
                 [0, 1, 1, 0, 1], ["1. ", "a) ", "b) ", "2. ", "c) "], id="lvlRestart-0-never"),
    pytest.param([level(0, "decimal", "%1."), level(1, "decimal", "%2."), level(2, "lowerLetter", "%3)", restart=1)],
                 [0, 1, 2, 1, 2, 0, 2], ["1. ", "1. ", "a) ", "2. ", "b) ", "2. ", "a) "], id="lvlRestart-1"),
    pytest.param([level(0, "decimal", "%1.", start=3), level(1, "decimal", "%1.%2.", start=0)],
                 [0, 1, 1], ["3. ", "3.0. ", "3.1. "], id="w:start"),
]


@pytest.mark.parametrize(("levels", "ilvls", "labels"), MULTILEVEL)
def test_multilevel_counters(tmp_path: Path, levels, ilvls, labels) -> None:
    path = _numbered(tmp_path, levels, [(f"mục {i}", 1, ilvl) for i, ilvl in enumerate(ilvls)])
    assert _lines(path) == [f"{label}mục {i}" for i, label in enumerate(labels)]


def test_num_instances_share_or_restart_the_abstract_list(tmp_path: Path) -> None:
    nums = [num(1, 1), num(2, 1), num(3, 1, {0: 1}), num(4, 1, {0: 10})]
    paragraphs = [("a", 1, 0), ("b", 1, 0), ("c", 2, 0), ("d", 3, 0), ("e", 3, 0), ("f", 4, 0)]
    path = _numbered(tmp_path, [level(0, "decimal", "%1.")], paragraphs, nums=nums)
    assert _lines(path) == ["1. a", "2. b", "3. c", "1. d", "2. e", "10. f"]


def test_numbering_inherited_from_styles(tmp_path: Path) -> None:
    lists = numbering(
        abstract_num(1, level(0, "decimal", "%1.")),
        abstract_num(2, level(0, "decimal", "Điều %1.", pstyle="Dieu", suffix="space"),
                     level(1, "lowerLetter", "%2)", pstyle="Diem")),
        num(5, 1), num(6, 2),
    )
    sheet = styles(
        style("ListNumber", "List Number", num_id=5),
        style("Khoan", "Khoản", based_on="ListNumber"),
        style("Dieu", "Điều", num_id=6),
        style("Diem", "Điểm", num_id=6),  # the level comes from the list's w:pStyle
        lang=VI,
    )
    body = "".join([
        para("Chung", style="Dieu"), para("một", style="ListNumber"), para("hai", style="Khoan"),
        para("không số", style="ListNumber", num=(0, None)), para("ba", style="ListNumber"),
        para("cơ quan", style="Diem"), para("tổ chức", style="Diem"), para("Riêng", style="Dieu"),
    ])
    path = write_docx(tmp_path / "kieu.docx", body, parts={"styles": sheet, "numbering": lists})
    assert _lines(path) == ["Điều 1. Chung", "1. một", "2. hai", "không số", "3. ba", "a) cơ quan",
                            "b) tổ chức", "Điều 2. Riêng"]


def test_language_of_the_paragraph_mark_and_style(tmp_path: Path) -> None:
    lists = numbering(abstract_num(1, level(0, "lowerLetter", "%1)", start=5)), num(1, 1), num(2, 1, {0: 5}))
    sheet = styles(style("Viet", lang=VI), lang="en-US")
    body = "".join([para("mark", num=(1, 0), lang=VI), para("default", num=(2, 0)),
                    para("style", style="Viet", num=(1, 0))])
    path = write_docx(tmp_path / "ngon-ngu.docx", body, parts={"styles": sheet, "numbering": lists})
    assert _lines(path) == ["đ) mark", "e) default", "e) style"]


class _Model:
    """Word's counters for levels that all restart below a used level and start at 1."""

    def __init__(self) -> None:
        self.values = [0] * 9

    def use(self, ilvl: int) -> str:
        self.values[ilvl] += 1
        self.values[ilvl + 1:] = [0] * (8 - ilvl)
        return ".".join(str(v) for v in self.values[: ilvl + 1]) + ". "


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=40))
def test_counters_follow_the_simple_model(ilvls: list[int]) -> None:
    levels = {i: _Level(start=1, fmt="decimal", text=".".join(f"%{j + 1}" for j in range(i + 1)) + ".")
              for i in range(9)}
    lst, counters, model = _List(("abstract", "1"), levels), _Counters(), _Model()
    for ilvl in ilvls:
        assert render_label(levels, counters.advance(lst, ilvl), ilvl) == model.use(ilvl)


# --- .doc through LibreOffice -------------------------------------------------------------

_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _law_restarted(tmp_path: Path) -> Path:
    """Articles typed, each article's clauses a list instance restarted by ``w:startOverride``."""
    definitions = [abstract_num(0, level(0, "decimal", "%1.", suffix="space"), level(1, "lowerLetter", "%2)"))]
    body = [para("QUỐC HỘI"), para("Luật số: 13/2024/QH15"), para("LUẬT"), para("KHỞI ĐỘNG LẠI")]
    for article in (1, 2, 3):
        definitions.append(num(article, 0, {0: 1, 1: 1}))
        body += [para(f"Điều {article}. Nội dung {article}"), para("Khoản đầu có điểm:", num=(article, 0)),
                 para("điểm một;", num=(article, 1)), para("điểm hai.", num=(article, 1)),
                 para("Dòng công thức không đánh số"), para("Khoản hai.", num=(article, 0)),
                 para("Khoản ba.", num=(article, 0))]
    return write_docx(tmp_path / "khoi-dong-lai.docx", "".join(body),
                      parts={"styles": styles(lang=VI), "numbering": numbering(*definitions)})


@pytest.mark.skipif(_SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_doc_keeps_word_numbering(tmp_path: Path) -> None:
    built = [_law(tmp_path / "in"), _law_restarted(tmp_path / "in")]
    subprocess.run(
        [_SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "doc",
         "--outdir", str(tmp_path / "out"), *map(str, built)],
        check=True, capture_output=True, timeout=300,
    )
    path = tmp_path / "out" / "luat.doc"
    source = read(path)
    assert source.format == "doc"
    assert "Điều 2. Hiệu lực thi hành" in source.text.split("\n")
    [document] = parse(path)
    assert {"d1.k2.b", "d2.k1.dd", "d2.k2"} <= {p.path for p in document.provisions()}
    [restarted] = parse(tmp_path / "out" / "khoi-dong-lai.doc")
    paths = [p.path for p in restarted.provisions()]
    for article in ("d1", "d2", "d3"):
        assert [p for p in paths if p.startswith(article + ".")] == [
            f"{article}.k1", f"{article}.k1.a", f"{article}.k1.b", f"{article}.k2", f"{article}.k3"]


def test_lists_split_by_libreoffice_are_joined_for_doc(tmp_path: Path) -> None:
    """LibreOffice's .doc → .docx: a restarted list's first item in a list of its own."""
    same = [level(0, "decimal", "%1.")]
    lists = numbering(*(abstract_num(i, *same) for i in (1, 9, 10, 11)), *(num(i, i) for i in (1, 9, 10, 11)))
    body = "".join([
        para("Điều 1. Một"), para("khoản một", num=(9, 0)), para("công thức"), para("khoản hai", num=(1, 0)),
        para("khoản ba", num=(1, 0)), para("Điều 2. Hai"), para("khoản duy nhất", num=(10, 0)),
        para("Điều 3. Ba"), para("khoản một", num=(11, 0)),
    ])
    path = write_docx(tmp_path / "tach.docx", body, parts={"numbering": lists})
    from policytrack._docx import read_docx

    labels = [line.split(" ")[0] for line in read_docx(path, from_doc=True).text.split("\n")]
    assert labels == ["Điều", "1.", "công", "2.", "3.", "Điều", "1.", "Điều", "1."]
    assert [line.split(" ")[0] for line in read_docx(path).text.split("\n")][1:5] == ["1.", "công", "1.", "2."]


# --- 2. tracked changes -----------------------------------------------------------------


def _revised(tmp_path: Path) -> Path:
    """Insertions, deletions, a move, a deleted paragraph mark and a deleted numbered clause."""
    lists = numbering(abstract_num(1, level(0, "decimal", "%1.")), num(1, 1))
    body = "".join([
        para("Điều 1. Phạm vi"),
        para("Nghị định này quy định ", ins(1, "chi tiết "), "về ", delete(2, "phí và "), "lệ phí."),
        para("Khoản thứ nhất.", num=(1, 0)),
        para(delete(3, "Khoản bị bãi bỏ."), num=(1, 0), mark="del"),
        para("Khoản thứ ba", num=(1, 0)),
        para("Câu đầu ", mark="del"),
        para("nối câu sau."),
        para(move_from(4, "Đoạn được chuyển. ")),
        para("Đoạn giữa."),
        para(move_to(5, "Đoạn được chuyển. "), "Đoạn cuối."),
        para(ins(6, "Khoản mới thêm."), num=(1, 0), mark="ins"),
        para("Hết."),
    ])
    return write_docx(tmp_path / "sua.docx", body, parts={"styles": styles(lang=VI), "numbering": lists})


def test_tracked_changes_accepted(tmp_path: Path) -> None:
    source = read(_revised(tmp_path))
    assert source.text.split("\n") == [
        "Điều 1. Phạm vi",
        "Nghị định này quy định chi tiết về lệ phí.",
        "1. Khoản thứ nhất.",
        "2. Khoản thứ ba",
        "Câu đầu nối câu sau.",
        "",
        "Đoạn giữa.",
        "Đoạn được chuyển. Đoạn cuối.",
        "3. Khoản mới thêm.",
        "Hết.",
    ]
    # ins, del, del + its mark, the mark, moveFrom, moveTo, ins + its mark
    assert "9 tracked changes accepted (read with revisions='original' for the text before them)" in source.warnings
    assert sum("tracked change" in w for w in source.warnings) == 1


def test_tracked_changes_original(tmp_path: Path) -> None:
    source = read(_revised(tmp_path), revisions="original")
    assert source.text.split("\n") == [
        "Điều 1. Phạm vi",
        "Nghị định này quy định về phí và lệ phí.",
        "1. Khoản thứ nhất.",
        "2. Khoản bị bãi bỏ.",
        "3. Khoản thứ ba",
        "Câu đầu ",
        "nối câu sau.",
        "Đoạn được chuyển. ",
        "Đoạn giữa.",
        "Đoạn cuối.",
        "Hết.",
    ]
    assert sum("tracked change" in w for w in source.warnings) == 1
    assert any(w.startswith("9 tracked changes not applied") for w in source.warnings)


def test_tracked_table_rows(tmp_path: Path) -> None:
    body = table(row("Chỉ tiêu", "Giới hạn"), row("Chì", "0,01", change="del"), row("Thủy ngân", "0,001", change="ins"),
                 columns=2)
    path = write_docx(tmp_path / "bang.docx", body)
    assert read(path).text == "Chỉ tiêu | Giới hạn\nThủy ngân | 0,001"
    assert read(path, revisions="original").text == "Chỉ tiêu | Giới hạn\nChì | 0,01"


def test_no_tracked_changes_no_warning(tmp_path: Path) -> None:
    assert read(_law(tmp_path)).warnings == []


# --- 3. comments and notes ----------------------------------------------------------------


def test_comments_and_notes_kept_out_of_the_body(tmp_path: Path) -> None:
    lists = numbering(abstract_num(1, level(0, "decimal", "%1.")), num(1, 1))
    body = "".join([
        para("Căn cứ Luật Tổ chức Chính phủ", footnote_ref(2), ";"),
        para(comment(1, "Theo đề nghị của Bộ trưởng"), "."),
        para("Khoản có chú thích", footnote_ref(3), " và dấu riêng", footnote_ref(4, custom="*"), ".", num=(1, 0)),
        para("Cuối văn bản", footnote_ref(1, kind="endnote"), "."),
        table(row("Ô", cell(para("Ghi chú trong bảng", footnote_ref(5)))), columns=2),
    ])
    parts = {
        "styles": styles(lang=VI), "numbering": lists, "comments": comments({1: "Cần xem lại."}),
        "footnotes": notes("footnote", {2: "Luật số 76/2015/QH13.", 3: "Chú thích hai.", 4: "Chú thích sao.",
                                        5: "Chú thích bảng."}),
        "endnotes": notes("endnote", {1: "Chú thích cuối."}),
    }
    source = read(write_docx(tmp_path / "chu-thich.docx", body, parts=parts))
    assert source.text == ("Căn cứ Luật Tổ chức Chính phủ;\nTheo đề nghị của Bộ trưởng.\n"
                           "1. Khoản có chú thích và dấu riêng.\nCuối văn bản.\nÔ | Ghi chú trong bảng")
    found = [(n.label, n.text, n.kind) for n in source.notes]
    assert found == [("1", "Luật số 76/2015/QH13.", "footnote"), ("2", "Chú thích hai.", "footnote"),
                     ("*", "Chú thích sao.", "footnote"), ("i", "Chú thích cuối.", "endnote"),
                     ("3", "Chú thích bảng.", "footnote")]
    before = [source.text[: n.anchor] for n in source.notes]
    assert before[0].endswith("Chính phủ")
    assert before[1].endswith("1. Khoản có chú thích")
    assert before[2].endswith("và dấu riêng")
    assert before[3].endswith("Cuối văn bản")
    assert before[4].endswith("Ghi chú trong bảng")
    assert "Cần xem lại" not in source.text
    assert source.warnings == []


def test_deleted_note_reference_is_not_numbered(tmp_path: Path) -> None:
    body = para("Một", f'<w:del w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">{footnote_ref(2)}</w:del>',
                " hai", footnote_ref(3), ".")
    parts = {"footnotes": notes("footnote", {2: "Bỏ.", 3: "Giữ."})}
    source = read(write_docx(tmp_path / "xoa.docx", body, parts=parts))
    assert [(n.label, n.text, source.text[: n.anchor]) for n in source.notes] == [("1", "Giữ.", "Một hai")]


# --- 4. legacy Vietnamese fonts -----------------------------------------------------------


def tcvn3(value: str) -> str:
    """What a .VnTime run holds for ``value``: its TCVN3 bytes as Windows-1252 characters."""
    return encode_legacy(value, "tcvn3").decode("cp1252")


def vni(value: str) -> str:
    return encode_legacy(value, "vni").decode("cp1252")


def _legacy_file(tmp_path: Path) -> Path:
    sheet = styles(
        style("VnBody", "Văn bản cũ", font=".VnTime"),
        style("VnChar", "Chữ cũ", kind="character", font="VNI-Helve"),
        lang=VI,
    )
    body = "".join([
        para(run(tcvn3("quốc hội"), font=".VnTimeH"), run(" viet nam", font=".VnArialH")),
        para(run("Căn cứ ", font="Times New Roman"), run(tcvn3("luật tổ chức chính phủ"), font=".VnTime"),
             run(" và ", font="Arial"), run(vni("Nghị định số 15/2020/NĐ-CP"), font="VNI-Times"), run(";")),
        para(run(tcvn3("điều 1. phạm vi điều chỉnh")), style="VnBody"),
        para(run("Việt Nam", font=".VnTime"), run(" – "), run(vni("nước Cộng hòa"), rstyle="VnChar")),
        para(run("“" + tcvn3("quy định") + "”", font=".VnArial")),
    ])
    return write_docx(tmp_path / "cu.docx", body, parts={"styles": sheet})


def test_legacy_font_runs_decoded(tmp_path: Path) -> None:
    source = read(_legacy_file(tmp_path))
    assert source.text.split("\n") == [
        "QUỐC HỘI VIET NAM",
        "Căn cứ luật tổ chức chính phủ và Nghị định số 15/2020/NĐ-CP;",
        "điều 1. phạm vi điều chỉnh",
        "Việt Nam – nước Cộng hòa",
        "“quy định”",
    ]
    assert source.encoding == "tcvn3+vni"
    assert source.warnings == [("7 runs in legacy Vietnamese fonts (TCVN3: .VnTimeH, .VnArialH, .VnTime, .VnArial; "
                                "VNI: VNI-Times, VNI-Helve) converted to Unicode")]


def test_legacy_fonts_from_the_document_defaults(tmp_path: Path) -> None:
    body = para(run(tcvn3("nghị định này")), run(" quy định ", font="Times New Roman"), run(tcvn3("chi tiết")))
    source = read(write_docx(tmp_path / "mac-dinh.docx", body, parts={"styles": styles(font=".VnTime")}))
    assert source.text == "nghị định này quy định chi tiết"
    assert source.encoding == "tcvn3"


def test_decoded_text_is_not_converted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    docx_module = importlib.import_module("policytrack._docx")
    read_module = importlib.import_module("policytrack.read")  # the package's ``read`` is the function

    calls: list[str] = []

    def spy(text: str):
        calls.append(text)
        return text, None

    monkeypatch.setattr(docx_module, "fix_mojibake", spy)
    monkeypatch.setattr(read_module, "fix_mojibake", spy)
    source = read(_legacy_file(tmp_path))
    assert calls == []
    assert "Căn cứ luật tổ chức chính phủ" in source.text
    assert not any("mojibake" in w for w in source.warnings)


def test_mojibake_in_unicode_fonts_moves_note_anchors(tmp_path: Path) -> None:
    sentence = vni("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015")
    body = para(run(sentence), footnote_ref(2), run(vni("; theo đề nghị của Bộ trưởng Bộ Tài chính.")))
    parts = {"footnotes": notes("footnote", {2: vni("Luật đã được sửa đổi, bổ sung")})}
    source = read(write_docx(tmp_path / "mojibake.docx", body, parts=parts))
    assert source.text == ("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015; "
                           "theo đề nghị của Bộ trưởng Bộ Tài chính.")
    assert source.encoding == "vni"
    [note] = source.notes
    assert source.text[: note.anchor].endswith("năm 2015")
    assert note.text == "Luật đã được sửa đổi, bổ sung"
    assert any("VNI mojibake" in w for w in source.warnings)


# --- 5. tables, controls, fields, special characters; bad files ---------------------------


def test_tables_controls_links_fields_and_characters(tmp_path: Path) -> None:
    hyperlink = ('<w:hyperlink r:id="rId9" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
                 f'{text_el("Cổng thông tin")}</w:r></w:hyperlink>')
    simple_field = f'<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT ">{run("7")}</w:fldSimple>'
    nested = (raw_run('<w:fldChar w:fldCharType="begin"/>') + raw_run(text_el(" IF ", "w:instrText"))
              + complex_field(" DATE ", "hôm qua") + raw_run(text_el(" = 1 ", "w:instrText"))
              + raw_run('<w:fldChar w:fldCharType="separate"/>') + run("kết quả")
              + raw_run('<w:fldChar w:fldCharType="end"/>'))
    body = "".join([
        para("Xem ", hyperlink, " trang ", simple_field, "."),
        para("Ngày ", complex_field(' DATE \\@ "dd/MM/yyyy" ', "01/07/2025"), "; ", nested),
        para("Cột", raw_run("<w:tab/>"), "một", raw_run("<w:br/>"), "dòng hai"),
        para("Số 01/2025/NĐ", raw_run("<w:noBreakHyphen/>"), "CP", raw_run('<w:sym w:font="Wingdings" w:char="F0FC"/>')),
        para("Trước ", text_box("Trong khung"), "sau"),
        block_sdt(para("Trong ô nội dung"), table(row("x", "y"), columns=2)),
        para("Chữ ", inline_sdt("điền"), " vào"),
        table(
            row(cell("Gộp ngang", span=2), "C"),
            row(cell("Gộp dọc", vmerge="restart"), "B2", "C2"),
            row(cell(vmerge="continue"), "B3", cell(para("hai"), para("đoạn"))),
            row("", "B4", "C4"),
            block_sdt(row("Hàng", "trong", "ô")),
        ),
    ])
    source = read(write_docx(tmp_path / "bang.docx", body))
    assert source.text.split("\n") == [
        "Xem Cổng thông tin trang 7.",
        "Ngày 01/07/2025; kết quả",
        "Cột\tmột",
        "dòng hai",
        "Số 01/2025/NĐ-CP",
        "Trước sau",
        "Trong ô nội dung",
        "x | y",
        "Chữ điền vào",
        "Gộp ngang | C",
        "Gộp dọc | B2 | C2",
        "B3 | hai đoạn",
        " | B4 | C4",
        "Hàng | trong | ô",
    ]


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(ReadError, match="not a valid .docx") as info:
        read(path)
    assert str(path) in str(info.value)


def test_old_word_file_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "cu.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ReadError, match=r"\.doc"):
        read(path)


def test_missing_document_part(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "thieu.docx", para("x"), omit=("word/document.xml",))
    with pytest.raises(ReadError, match="no main document word/document.xml") as info:
        read(path)
    assert str(path) in str(info.value)


def test_body_not_xml(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "xml.docx", para("x"), raw={"word/document.xml": "<w:document><w:body>"})
    with pytest.raises(ReadError, match="not well-formed"):
        read(path)


def test_corrupt_numbering_warns_and_reads_the_body(tmp_path: Path) -> None:
    body = para("Khoản một", num=(1, 0)) + para("Khoản hai", num=(1, 0))
    path = write_docx(tmp_path / "so-hong.docx", body, parts={"numbering": "<w:numbering><w:num"})
    source = read(path)
    assert source.text == "Khoản một\nKhoản hai"
    assert any("word/numbering.xml could not be read" in w for w in source.warnings)


def test_missing_numbering_warns(tmp_path: Path) -> None:
    body = para("Khoản một", num=(1, 0)) + para("Khoản hai", num=(1, 0))
    source = read(write_docx(tmp_path / "khong-so.docx", body))
    assert source.text == "Khoản một\nKhoản hai"
    assert source.warnings == ["automatic numbers of 2 paragraphs not rendered (word/numbering.xml is missing)"]


def test_corrupt_footnotes_warn(tmp_path: Path) -> None:
    body = para("Căn cứ", footnote_ref(2), " Luật.")
    path = write_docx(tmp_path / "chu-thich-hong.docx", body, parts={"footnotes": b"\x00\x01 not xml"})
    source = read(path)
    assert source.text == "Căn cứ Luật."
    assert source.notes == []
    assert any("word/footnotes.xml could not be read" in w for w in source.warnings)


def test_revisions_option_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="revisions"):
        read(_law(tmp_path), revisions="final")
