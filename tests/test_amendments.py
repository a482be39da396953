"""Amendment events of consolidated texts (policytrack.amendments): footnotes read into
events, the preamble's documents, a text as of a date, the comparison of two dates, the
data file, the CLI; then on the real corpus and against the gold written by reading.

Every sentence in the unit cases is written here (fictional law numbers); no sentence of
the real corpus is copied into the repository."""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from pathlib import Path

import pytest

import policytrack as pt
from policytrack.amendments import (RECORD_KEYS, DocumentAsOf, load_rules, read_footnotes, read_history)
from policytrack.model import Note, Source
from policytrack.text import normalize
from policytrack.vocab import DataFileError

from .conftest import REAL, ROOT, require_real

VBHN = """LUẬT
THỬ NGHIỆM THIẾT BỊ
Luật Thử nghiệm thiết bị số 10/2020/QH14 ngày 01 tháng 6 năm 2020 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 01 năm 2021, được sửa đổi, bổ sung bởi:
1. Luật số 20/2022/QH15 ngày 10 tháng 6 năm 2022 của Quốc hội sửa đổi, bổ sung một số điều của Luật Thử nghiệm thiết bị, có hiệu lực kể từ ngày 01 tháng 01 năm 2023;
2. Luật số 30/2024/QH15 ngày 20 tháng 6 năm 2024 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Thử nghiệm thiết bị[1].
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
1. Luật này quy định việc thử nghiệm thiết bị lọc nước.
2.[2] Cơ quan quản lý cấp tỉnh[3] chịu trách nhiệm kiểm tra thiết bị trước khi lưu hành.
Điều 2. Giải thích từ ngữ[4]
Trong Luật này, thiết bị lọc là thiết bị tách cặn khỏi nước.
Điều 2a. Kiểm định định kỳ[5]
1. Chủ sở hữu thiết bị kiểm định thiết bị hằng năm.
Điều 3. Trách nhiệm
1. Tổ chức, cá nhân có trách nhiệm:
a) Báo cáo kết quả thử nghiệm hằng năm;
b)[6] (được bãi bỏ)
c) Lưu giữ hồ sơ,[7] số liệu thử nghiệm.
Điều 4. Hiệu lực thi hành
Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2021.
[1] Luật số 20/2022/QH15 sửa đổi, bổ sung một số điều của Luật Thử nghiệm thiết bị có căn cứ ban hành như sau:
“Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;”.
[2] Khoản này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 của Luật số 20/2022/QH15 sửa đổi, bổ sung một số điều của Luật Thử nghiệm thiết bị, có hiệu lực kể từ ngày 01 tháng 01 năm 2023.
[3] Cụm từ “Ủy ban nhân dân cấp huyện” được thay thế bằng cụm từ “Cơ quan quản lý cấp tỉnh” theo quy định tại điểm a khoản 5 Điều 2 của Luật số 30/2024/QH15, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
[4] Tên Điều này được sửa đổi theo quy định tại khoản 2 Điều 1 của Luật số 20/2022/QH15.
[5] Điều này được bổ sung theo quy định tại khoản 3 Điều 1 của Luật số 20/2022/QH15 sửa đổi, bổ sung một số điều của Luật Thử nghiệm thiết bị, có hiệu lực kể từ ngày 01 tháng 01 năm 2023.
[6] Điểm này được bãi bỏ theo quy định tại khoản 4 Điều 1 của Luật số 30/2024/QH15, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
[7] Cụm từ “tài liệu,” được bỏ theo quy định tại điểm b khoản 5 Điều 2 của Luật số 30/2024/QH15, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
"""


@pytest.fixture(scope="module")
def doc():
    [d] = pt.parse_text(VBHN)
    return d


@pytest.fixture(scope="module")
def events(doc):
    return {e.footnote: e for e in read_history(doc).events}


# footnote: (anchor path, operation, old text, new text, source document, source units, effective date, from)
CASES = {
    1: ("", "other", None, None, "20/2022/QH15", (), "2023-01-01", "preamble"),
    2: ("d1.k2", "amended", None, None, "20/2022/QH15", ("d1.k1",), "2023-01-01", "footnote"),
    3: ("d1.k2", "replaced_phrase", "Ủy ban nhân dân cấp huyện", "Cơ quan quản lý cấp tỉnh", "30/2024/QH15",
        ("d2.k5.a",), "2025-07-01", "footnote"),
    4: ("d2", "amended", None, None, "20/2022/QH15", ("d1.k2",), "2023-01-01", "preamble"),
    5: ("d2a", "supplemented", None, None, "20/2022/QH15", ("d1.k3",), "2023-01-01", "footnote"),
    6: ("d3.k1.b", "repealed", None, None, "30/2024/QH15", ("d1.k4",), "2025-07-01", "footnote"),
    7: ("d3.k1.c", "replaced_phrase", "tài liệu,", None, "30/2024/QH15", ("d2.k5.b",), "2025-07-01", "footnote"),
}


@pytest.mark.parametrize("number", sorted(CASES))
def test_each_footnote_is_read_into_its_event(events, doc, number):
    anchor, operation, old, new, source, units, effective, origin = CASES[number]
    e = events[number]
    assert (e.path, e.operation, e.old_text, e.new_text) == (anchor, operation, old, new)
    assert (e.source_document, e.source_units, e.effective_date, e.effective_from) == (source, units, effective, origin)
    assert e.provision_id == (f"{doc.id}:{anchor}" if anchor else doc.id)
    assert VBHN[e.mark:e.mark + len(f"[{number}]")] == f"[{number}]"
    assert VBHN[e.note:].startswith(f"[{number}] ")
    assert e.source_provision == (f"{source}:{units[0]}" if units else source)


def test_the_preamble_gives_the_base_and_the_amending_documents(doc):
    hist = read_history(doc)
    assert (hist.base.number, hist.base.date, hist.base.effective_date) == ("10/2020/QH14", "2020-06-01", "2021-01-01")
    assert [(a.number, a.date, a.effective_date) for a in hist.amending] == [
        ("20/2022/QH15", "2022-06-10", "2023-01-01"), ("30/2024/QH15", "2024-06-20", "2025-07-01")]
    assert hist.footnotes == 7 and not hist.unread


# the opening of a footnote → its operation (None: not an amendment note)
PHRASINGS = [
    ("Điểm này được bổ sung theo quy định tại khoản 2 Điều 1 của Luật số 5/2021/QH15.", "supplemented"),
    ("Khoản này được sửa đổi theo quy định tại Điều 3 của Nghị định số 7/2021/NĐ-CP.", "amended"),
    ("Đoạn mở đầu này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 2 của Luật số 5/2021/QH15.", "amended"),
    ("Cụm từ “cấp huyện” được thay bằng cụm từ “cấp xã” theo quy định tại Điều 4 của Luật số 5/2021/QH15.",
     "replaced_phrase"),
    ("Từ “thị trấn” được bãi bỏ theo quy định tại Điều 4 của Luật số 5/2021/QH15.", "replaced_phrase"),
    ("Cụm từ “và thiết bị” được bổ sung theo quy định tại Điều 4 của Luật số 5/2021/QH15.", "replaced_phrase"),
    ("Khoản này hết hiệu lực kể từ ngày 01 tháng 01 năm 2022 theo quy định tại Điều 9 của Luật số 5/2021/QH15.",
     "repealed"),
    ("Điều này có hiệu lực thi hành từ ngày 01 tháng 3 năm 2022 theo quy định tại Điều 9 của Luật số 5/2021/QH15.",
     "effective_date_changed"),
    ("Mục này bao gồm các điều 5, 6 và 7 được bãi bỏ theo quy định tại khoản 3 Điều 1 của Luật số 5/2021/QH15.",
     "repealed"),
    ("Luật số 5/2021/QH15 sửa đổi, bổ sung một số điều của Luật Thử nghiệm có căn cứ ban hành như sau:", "other"),
    ("Điều 6 của Luật số 5/2021/QH15 quy định như sau:", "other"),
    ("Đánh dấu vào ô phù hợp với yêu cầu của người nộp hồ sơ.", None),
]


@pytest.mark.parametrize("text, operation", PHRASINGS)
def test_phrasings_give_their_operation(text, operation):
    hit = load_rules().match(normalize(text)[0])
    assert (hit[0].operation if hit else None) == operation


def test_an_unread_footnote_keeps_its_reason():
    text = VBHN.replace("[7] Cụm từ “tài liệu,” được bỏ", "[7] Ghi rõ số liệu thử nghiệm theo mẫu; “tài liệu,” bỏ")
    [d] = pt.parse_text(text)
    hist = read_history(d)
    assert [(n.number, why) for n, why in hist.unread] == [(7, "phrasing not in data/amendments.yaml")]


def test_word_footnotes_come_from_source_notes():
    body = VBHN[:VBHN.index("[1] Luật số")]
    body = body.replace("[2]", "").replace("[3]", "").replace("[4]", "").replace("[5]", "").replace("[6]", "")
    body = body.replace("[7]", "").replace("[1]", "")
    at = body.index("Điều 2a. Kiểm định định kỳ") + len("Điều 2a. Kiểm định định kỳ")
    note = Note("1", "Điều này được bổ sung theo quy định tại khoản 3 Điều 1 của Luật số 20/2022/QH15, "
                "có hiệu lực kể từ ngày 01 tháng 01 năm 2023.", at)
    [d] = pt.parse(Source(path=None, text=body, notes=[note]))
    [footnote] = read_footnotes(d)
    assert (footnote.mark, footnote.note) == (at, None)
    [e] = read_history(d).events
    assert (e.path, e.operation, e.effective_date, e.source_provision) == (
        "d2a", "supplemented", "2023-01-01", "20/2022/QH15:d1.k3")


def test_inline_footnotes_are_read():
    text = VBHN.replace("2.[2] Cơ quan", "2.[[2] Khoản này được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 "
                        "của Luật số 20/2022/QH15, có hiệu lực kể từ ngày 01 tháng 01 năm 2023.][2] Cơ quan")
    [d] = pt.parse_text(text)
    e = {e.footnote: e for e in read_history(d).events}[2]
    assert (e.path, e.operation, e.effective_date) == ("d1.k2", "amended", "2023-01-01")


# --- frames and views -----------------------------------------------------------------------

def test_document_and_provision_history(doc):
    frame = doc.history()
    assert list(frame["footnote"]) == [1, 2, 3, 4, 5, 6, 7]
    assert set(doc["d1.k2"].history()["footnote"]) == {2, 3}
    assert list(doc["d1"].history()["footnote"]) == [2, 3]
    assert list(doc["d1"].history(descendants=False)["footnote"]) == []
    assert list(doc["d3"].history(descendants=False)["footnote"]) == []
    assert list(doc["d3.k1.b"].history()["operation"]) == ["repealed"]


def test_views_survive_pickling(doc):
    copy = pickle.loads(pickle.dumps(doc))
    assert list(copy["d1.k2"].history()["footnote"]) == [2, 3]
    assert len(copy.history()) == 7


def test_corpus_amendments_resolve_sources_the_corpus_holds(doc):
    amending = pt.parse_text("LUẬT\nSỬA ĐỔI\nSố: 20/2022/QH15\nĐiều 1. Sửa đổi\n1. Một.\n2. Hai.\n3. Ba.\n")
    corpus = pt.Corpus([doc, *amending])
    frame = corpus.amendments()
    row = frame[frame["footnote"] == 2].iloc[0]
    assert row["source_resolved"] == f"{amending[0].id}:d1.k1"
    assert frame[frame["footnote"] == 3].iloc[0]["source_resolved"] in (None, "") or str(frame[frame["footnote"] == 3].iloc[0]["source_resolved"]) == "nan"


# --- as of a date ---------------------------------------------------------------------------

def _lossless(version):
    return all(p.text == version.source.text[p.start:p.end] for p in version.root.walk())


def test_as_of_before_the_amendments(doc):
    v = doc.as_of("2022-01-01")
    assert isinstance(v, DocumentAsOf) and _lossless(v)
    s = v.states
    assert s[f"{doc.id}:d2a"] == s[f"{doc.id}:d2a.k1"] == "not_yet" and f"{doc.id}:d2a" not in v
    assert s[f"{doc.id}:d1.k2"] == s[f"{doc.id}:d2"] == "wording_unknown"
    assert "không có trong văn bản hợp nhất" in v["d1.k2"].text and "2021-01-01" in v["d1.k2"].text
    assert "Cơ quan quản lý" not in v["d1.k2"].text
    assert s[f"{doc.id}:d3.k1.b"] == "wording_unknown"
    assert v["d3.k1.c"].text.startswith("c) Lưu giữ hồ sơ, tài liệu,[7] số liệu")
    assert v["d1.k1"].text == doc["d1.k1"].text


def test_as_of_between_the_amendments(doc):
    v = doc.as_of("2024-01-01")
    assert _lossless(v)
    assert v.states[f"{doc.id}:d1.k2"] == "reconstructed"
    assert "Ủy ban nhân dân cấp huyện[3] chịu trách nhiệm" in v["d1.k2"].text
    assert v.states[f"{doc.id}:d2a"] == "in_force" and f"{doc.id}:d2a.k1" in v
    assert v["d2"].text == doc["d2"].text


def test_as_of_after_every_amendment(doc):
    v = doc.as_of("2026-01-01")
    assert v.states[f"{doc.id}:d3.k1.b"] == "no_longer" and f"{doc.id}:d3.k1.b" not in v
    assert v["d1"].text == doc["d1"].text
    frame = v.states_frame()
    assert set(frame["state"]) <= {"in_force", "no_longer"}


def test_as_of_before_the_base_is_in_force(doc):
    v = doc.as_of("2020-12-31")
    assert set(v.states.values()) == {"not_yet"} and not v.root.children


def test_as_of_refuses_a_date_that_is_not_one(doc):
    with pytest.raises(pt.PolicytrackError, match="not a date"):
        doc.as_of("01/07/2024")


def test_compare_of_two_dates_labels_exactly_what_the_footnotes_change(doc):
    labels = {(tuple(a.old), tuple(a.new)): a.label for a in pt.compare(doc.as_of("2024-01-01"),
                                                                          doc.as_of("2026-01-01")).alignments}
    assert {k for k, v in labels.items() if v != "unchanged"} == {(("d1",), ("d1",)), (("d3",), ("d3",))}
    labels = {a.old[0] if a.old else a.new[0]: a.label for a in pt.compare(doc.as_of("2022-01-01"),
                                                                           doc.as_of("2024-01-01")).alignments}
    assert labels == {"d1": "changed", "d2": "changed", "d2a": "new", "d3": "unchanged", "d4": "unchanged"}


# --- the data file --------------------------------------------------------------------------

@pytest.mark.parametrize("edit, message", [
    (("operation: amended\n    name: unit amended", "operation: rewritten\n    name: unit amended"),
     "unknown operation 'rewritten'"),
    ((r"pattern: '{unit}\s+có\s+hiệu\s+lực'", r"pattern: '{units}\s+có\s+hiệu\s+lực'"), "unknown placeholder {units}"),
    ((r"pattern: '{unit}\s+có\s+hiệu\s+lực'", r"pattern: '({unit}\s+có'"), "does not compile"),
    (("  Điều: article", "  Điều: paragraph"), "names no provision kind"),
    (('unknown_wording: "[Nội dung áp dụng từ {since}', 'unknown_wording: "[Nội dung áp dụng từ {from}'),
     "may use only {since} and {until}"),
])
def test_a_mistake_in_the_data_file_names_its_entry(tmp_path, edit, message):
    text = (ROOT / "policytrack" / "data" / "amendments.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "amendments.yaml"
    path.write_text(text.replace(edit[0], edit[1]), encoding="utf-8")
    with pytest.raises(DataFileError, match=message.replace("{", r"\{").replace("(", r"\(")) as info:
        load_rules(path)
    assert str(path) in str(info.value)


# --- the command line -----------------------------------------------------------------------

def test_cli_prints_one_record_per_event(tmp_path, capsys):
    from policytrack.cli import main

    path = tmp_path / "vbhn.txt"
    path.write_text(VBHN, encoding="utf-8")
    assert main(["amendments", str(path), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 7 and all(tuple(r) == RECORD_KEYS for r in records)
    assert records[2]["old_text"] == "Ủy ban nhân dân cấp huyện" and records[2]["file"] == str(path)
    assert main(["amendments", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 7 and "replaced_phrase “Ủy ban nhân dân cấp huyện” → “Cơ quan quản lý cấp tỉnh”" in out[2]


def test_cli_names_a_missing_file(tmp_path, capsys):
    from policytrack.cli import main

    assert main(["amendments", str(tmp_path / "none.txt")]) == 1
    assert f"{tmp_path / 'none.txt'}: no such file or folder" in capsys.readouterr().err


# --- real consolidated texts ----------------------------------------------------------------

REAL_DATES = [
    ("133-VBHN-VPQH 2025 Luật Đất đai.txt", "2025-02-01", "2025-08-01"),
    ("133-VBHN-VPQH 2025 Luật Đất đai.txt", "2024-08-01", "2026-06-01"),
    ("30-VBHN-VPQH 2026 Luật Tiếp công dân.txt", "2026-06-30", "2026-07-01"),
    ("24-VBHN-BXD 2026 Nghị định Quy định chi tiết một số điều của Luật Nhà ở về phát triển và quản lý nhà ở xã hội.txt",
     "2025-10-01", "2026-05-01"),
]


@require_real
@pytest.mark.parametrize("name, d1, d2", REAL_DATES)
def test_compare_of_two_dates_on_real_vbhn(name, d1, d2):
    """Changed: exactly the articles (held at both dates) with a footnote taking effect in
    (d1, d2]; new: the articles added then; deleted: those repealed then."""
    [d] = pt.parse(REAL / name)
    hist = read_history(d)
    a, b = d.as_of(d1), d.as_of(d2)
    assert _lossless(a) and _lossless(b)
    result = pt.compare(a, b)
    got = {label: {(x.old or x.new)[0] for x in result.alignments if x.label == label}
           for label in ("changed", "new", "deleted")}

    def article(e):
        first = e.path.split(".")[0]
        return first if first.startswith("d") else None

    window = [e for e in hist.events if e.operation != "other" and e.effective_date and d1 < e.effective_date <= d2]
    assert window, "the dates must hold amendments between them"
    whole = {article(e): e.operation for e in window if article(e) and e.path == article(e)}
    new = {p for p, op in whole.items() if op in ("supplemented", "effective_date_changed")}
    deleted = {p for p, op in whole.items() if op == "repealed"}
    changed = {article(e) for e in window if article(e)} - new - deleted
    assert got == {"changed": changed, "new": new, "deleted": deleted}


@require_real
def test_most_real_footnotes_are_read():
    files = sorted(p for p in REAL.glob("*.txt") if "VBHN" in p.name)[::9]
    total = read = 0
    for path in files:
        [d, *_] = pt.parse(path)
        hist = read_history(d)
        total += hist.footnotes
        read += len(hist.events)
    assert total > 300 and read / total >= 0.97


GOLD = ROOT / "tests" / "data" / "amendments_gold"
#: Floors a little below what bench/bench_amendments.py measures (BENCHMARKS.md).
FLOORS = {"anchor": 0.94, "operation": 0.95, "source_document": 0.95, "source_unit": 0.95, "effective_date": 0.95}


@require_real
def test_the_reader_against_the_gold():
    if not any(p.name != "split.yaml" for p in GOLD.glob("*.yaml")):
        pytest.skip("tests/data/amendments_gold holds no gold file yet")
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_amendments as bench

    known = {}

    def history_of(path):
        if path not in known:
            [d, *_] = pt.parse(path)
            known[path] = (read_history(d), d.source.text)
        return known[path]

    for split, golds in bench.load_gold().items():
        right, n = {}, 0
        for gold in golds:
            if not (REAL / gold["file"]).is_file():
                continue
            r, k, _ = bench.score_file(gold, history_of)
            n += k
            for f, v in r.items():
                right[f] = right.get(f, 0) + v
        if n == 0:
            continue
        scores = {f: right.get(f, 0) / n for f in FLOORS}
        assert all(scores[f] >= floor for f, floor in FLOORS.items()), (split, scores)
