"""Ids: one segment builder for parsed and cited units, one canonical number."""

from __future__ import annotations

import pytest

from policytrack import ids
from policytrack.model import DocumentMeta


@pytest.mark.parametrize("kind, raw, segment", [
    ("annex", "I.2", "pl1_2"), ("annex", "II.12", "pl2_12"),
    ("part", "nhất", "p1"), ("part", "tư", "p4"), ("part", "mười một", "pmười một"),
    ("chapter", "IV", "c4"), ("chapter", "12", "c12"),
    ("section", "2", "m2"), ("subsection", "3", "tm3"),
    ("article", "8", "d8"), ("article", "5a", "d5a"), ("article", "5đ", "d5dd"),
    ("clause", "3", "k3"), ("clause", "03", "k3"),
    ("point", "a", "a"), ("point", "đ", "dd"), ("point", "ư", "uw"), ("subpoint", "a1", "a1"),
    ("annex", "", "pl"), ("annex", "II", "pl2"), ("annex", "3", "pl3"), ("annex", "A", "pla"),
])
def test_segment(kind, raw, segment):
    assert ids.segment(kind, raw) == segment


@pytest.mark.parametrize("number, canonical", [
    ("08/2022/ND-CP", "08/2022/NĐ-CP"), ("08 / 2022 / NĐ-CP", "08/2022/NĐ-CP"),
    ("1795/QĐ-TTG", "1795/QĐ-TTg"), ("24-nq/tw", "24-NQ/TW"), ("7344/BTNMT-KH&CN", "7344/BTNMT-KH&CN"),
])
def test_canonical_number(number, canonical):
    assert ids.canonical_number(number) == canonical


def test_number_key_ignores_case_and_spelling():
    assert ids.number_key("08/2022/nd-cp") == ids.number_key("08/2022/NĐ-CP")
    assert ids.number_key("1795/QĐ-TTg") == ids.number_key("1795/qđ-ttg")


@pytest.mark.parametrize("text, slug", [
    ("Luật BẢO VỆ MÔI TRƯỜNG", "luat-bao-ve-moi-truong"), ("Đà Nẵng  2021", "da-nang-2021"), ("—", ""),
])
def test_slug(text, slug):
    assert ids.slug(text) == slug


def test_document_id():
    assert ids.document_id(DocumentMeta(number="QCVN 40:2011/BTNMT"), "f") == "f"
    assert ids.document_id(DocumentMeta(doc_type="Luật", title="TÀI NGUYÊN NƯỚC", is_draft=True,
                                        draft_number="2"), "f") == "luat-tai-nguyen-nuoc@du-thao-2"


@pytest.mark.parametrize("value, ok", [("2024-02-29", True), ("2023-02-29", False), ("2024-13-01", False),
                                       ("hôm qua", False), ("", False)])
def test_is_iso_date(value, ok):
    assert ids.is_iso_date(value) is ok


@pytest.mark.parametrize("path, words", [
    ("d8", "Điều 8"), ("d5a", "Điều 5a"), ("d5dd.k1", "khoản 1 Điều 5đ"),
    ("d8.k3", "khoản 3 Điều 8"), ("d8.k3.b", "điểm b khoản 3 Điều 8"), ("d8.k3.dd", "điểm đ khoản 3 Điều 8"),
    ("d8.k3.uw", "điểm ư khoản 3 Điều 8"), ("d8.k2.c", "điểm c khoản 2 Điều 8"), ("d8.k2.i", "điểm i khoản 2 Điều 8"),
    ("d8.k3.a.a1", "điểm a1 khoản 3 Điều 8"), ("d8.k3.c.c2", "điểm c2 khoản 3 Điều 8"),
    ("d8.k3.a.i2", "gạch đầu dòng thứ hai điểm a khoản 3 Điều 8"), ("d8.k1.i1", "gạch đầu dòng thứ nhất khoản 1 Điều 8"),
    ("c4", "Chương IV"), ("c2.m1", "Mục 1 Chương II"), ("c2.m1.tm3", "Tiểu mục 3 Mục 1 Chương II"),
    ("p1", "Phần thứ nhất"), ("p4.c1", "Chương I Phần thứ tư"),
    ("pl", "Phụ lục"), ("pl2", "Phụ lục II"), ("pla", "Phụ lục A"), ("pl1.d2", "Điều 2 Phụ lục I"),
    ("k1", "khoản 1"), ("d5~2", "Điều 5 (lần thứ 2)"),
    ("72/2020/QH14:d8.k3.b", "điểm b khoản 3 Điều 8"), ("luat-x@du-thao-2:d13.k4", "khoản 4 Điều 13"),
])
def test_provision_words(path, words):
    assert ids.provision_words(path) == words


@pytest.mark.parametrize("path", ["", "d8..", "D8", "d8.k3.B"])
def test_provision_words_refuses_what_is_not_a_path(path):
    with pytest.raises(ValueError):
        ids.provision_words(path)


def test_provision_words_name_every_parsed_unit(tmp_path):
    """Every path the parser gives a sample document reads back as words with no id in them."""
    import re

    from policytrack import parse

    from .conftest import ROOT

    [doc] = parse(ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-1.txt")
    for prov in doc.root.walk():
        if prov.path:
            assert not re.search(r"\b(?:d\d|k\d|dd\b|uw\b)", ids.provision_words(prov.path)), prov.path
