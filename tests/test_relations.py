"""Document relations (issue 17, point 2): each relation with the words that state it, read
from titles, legal bases, provisions and consolidated texts' lists; validity on a date."""

from __future__ import annotations

from pathlib import Path

import pytest

import policytrack as pt
from policytrack.relations import RELATION_COLUMNS, document_relations, load_relation_rules
from policytrack.sources import SourceRegister
from policytrack.vocab import DataFileError

from .conftest import REAL, require_real

HEAD = """CHÍNH PHỦ
Số: 20/2030/NĐ-CP
Hà Nội, ngày 01 tháng 3 năm 2030

NGHỊ ĐỊNH
{title}

Căn cứ Luật Tài nguyên nước số 28/2023/QH15;
Chính phủ ban hành Nghị định.

Điều 1. {article}

Điều 2. Hiệu lực thi hành
1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2030.
{final}
"""

# (title, article 1, final provision) -> expected (relation, target, units) rows besides the basis
CASES = [
    ("Sửa đổi, bổ sung một số điều của Nghị định số 08/2022/NĐ-CP", "Phạm vi điều chỉnh", "",
     {("sua_doi_bo_sung", "08/2022/NĐ-CP", ())}),
    ("Quy định về thử nghiệm", "Bãi bỏ điểm c khoản 1 Điều 8 của Nghị định số 08/2022/NĐ-CP.", "",
     {("bai_bo", "08/2022/NĐ-CP", ("d8.k1.c",))}),
    ("Quy định về thử nghiệm", "Phạm vi điều chỉnh",
     "2. Nghị định số 80/2014/NĐ-CP ngày 06 tháng 8 năm 2014 của Chính phủ hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.",
     {("bai_bo", "80/2014/NĐ-CP", ())}),
    ("Quy định về thử nghiệm", "Phạm vi điều chỉnh", "2. Nghị định này thay thế Nghị định số 80/2014/NĐ-CP.",
     {("thay_the", "80/2014/NĐ-CP", ())}),
    ("Quy định chi tiết một số điều của Luật Tài nguyên nước", "Phạm vi điều chỉnh", "",
     {("quy_dinh_chi_tiet", "Luật Tài nguyên nước", ())}),
    ("Quy định về thử nghiệm", "Nghị định này quy định chi tiết khoản 3 Điều 5 của Luật Tài nguyên nước số 28/2023/QH15.", "",
     {("quy_dinh_chi_tiet", "28/2023/QH15", ("d5.k3",))}),
    # a phrase replaced amends the unit; it replaces no document
    ("Quy định về thử nghiệm",
     "Thay thế cụm từ “cấp huyện” bằng cụm từ “cấp xã” tại khoản 3 Điều 10 của Nghị định số 08/2022/NĐ-CP.", "",
     {("sua_doi_bo_sung", "08/2022/NĐ-CP", ("d10.k3",))}),
    # a ministry told to guide is a delegation, not a relation of this decree
    ("Quy định về thử nghiệm", "Bộ Nông nghiệp và Môi trường hướng dẫn Điều 5 Nghị định số 08/2022/NĐ-CP.", "", set()),
    # quoted wording belongs to the amended text
    ("Quy định về thử nghiệm", "Sửa đổi khoản 2 Điều 5 như sau: “2. Bãi bỏ Thông tư số 02/2022/TT-BTNMT.”", "", set()),
]


@pytest.mark.parametrize("title,article,final,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_relations_stated_with_their_words(title, article, final, expected) -> None:
    text = HEAD.format(title=title, article=article, final=final)
    [doc] = pt.parse_text(text)
    rels = document_relations(doc)
    got = {(r.relation, r.target, r.target_units) for r in rels if r.relation != "can_cu"}
    assert got == expected
    [basis] = [r for r in rels if r.relation == "can_cu"]
    assert basis.target == "28/2023/QH15" and basis.stated_in == "bases"
    for r in rels:  # every relation points at the words that state it, in the original text
        assert r.evidence == text[r.start:r.end].strip()
        assert r.provision_id == doc.id or r.provision_id in doc
        if r.relation in ("bai_bo", "thay_the", "sua_doi_bo_sung"):
            assert r.effective_date == "2030-07-01"
    frame = doc.relations()
    assert list(frame.columns) == RELATION_COLUMNS and len(frame) == len(rels)


VBHN = """LUẬT
THỬ NGHIỆM
Luật Thử nghiệm số 10/2020/QH14 ngày 01 tháng 6 năm 2020 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 01 năm 2021, được sửa đổi, bổ sung bởi:
1. Luật số 20/2022/QH15 ngày 10 tháng 6 năm 2022 của Quốc hội sửa đổi, bổ sung một số điều của Luật Thử nghiệm, có hiệu lực kể từ ngày 01 tháng 01 năm 2023;
2. Luật số 30/2024/QH15 ngày 20 tháng 6 năm 2024 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Thử nghiệm[1].
Điều 1. Phạm vi điều chỉnh
Luật này quy định về thử nghiệm.
"""


def test_consolidated_text_list() -> None:
    [doc] = pt.parse_text(VBHN)
    assert doc.id == "10/2020/QH14@vbhn"
    rels = {(r.subject, r.relation, r.target, r.effective_date) for r in document_relations(doc)}
    assert rels >= {
        (doc.id, "hop_nhat", "10/2020/QH14", None),
        (doc.id, "hop_nhat", "20/2022/QH15", None),
        (doc.id, "hop_nhat", "30/2024/QH15", None),
        ("20/2022/QH15", "sua_doi_bo_sung", "10/2020/QH14", "2023-01-01"),
        ("30/2024/QH15", "sua_doi_bo_sung", "10/2020/QH14", "2025-07-01"),
    }


def _sources(tmp_path: Path, rows: str) -> SourceRegister:
    path = tmp_path / "sources.csv"
    path.write_text("doc_id,number,type,title,issuer,issued,in_force,validity,validity_as_of,official_url,in_corpus,notes\n"
                    + rows, encoding="utf-8")
    return SourceRegister.load(path)


OLD = """CHÍNH PHỦ
Số: 80/2014/NĐ-CP
Hà Nội, ngày 06 tháng 8 năm 2014

NGHỊ ĐỊNH
Quy định về thử nghiệm cũ

Điều 1. Phạm vi
Nghị định này quy định về thử nghiệm.
Điều 2. Hiệu lực
Nghị định này có hiệu lực thi hành từ ngày 01 tháng 10 năm 2014.
"""


@pytest.mark.parametrize("final,when,status", [
    ("", "2014-09-01", "Chưa có hiệu lực"),
    ("", "2031-01-01", "Còn hiệu lực"),
    ("2. Nghị định số 80/2014/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.", "2030-06-30", "Còn hiệu lực"),
    ("2. Nghị định số 80/2014/NĐ-CP hết hiệu lực kể từ ngày Nghị định này có hiệu lực thi hành.", "2030-07-01", "Hết hiệu lực toàn bộ"),
    ("2. Nghị định này thay thế Nghị định số 80/2014/NĐ-CP.", "2030-08-01", "Hết hiệu lực toàn bộ"),
    ("2. Bãi bỏ Điều 2 của Nghị định số 80/2014/NĐ-CP.", "2030-08-01", "Hết hiệu lực một phần"),
])
def test_validity_on_a_date_with_its_evidence(final, when, status) -> None:
    new = pt.parse_text(HEAD.format(title="Quy định về thử nghiệm", article="Phạm vi điều chỉnh", final=final), name="new")
    corpus = pt.Corpus(pt.parse_text(OLD, name="old") + new)
    v = corpus.validity("80/2014/NĐ-CP", when)
    assert v.status == status, v.reason
    kinds = set(v.frame()["kind"])
    assert "in_force" in kinds
    if status.startswith("Hết"):
        row = v.frame().query("kind == 'relation'").iloc[0]
        assert row.stated_by == "20/2030/NĐ-CP" and row.evidence
    assert set(corpus.relations().columns) == set(RELATION_COLUMNS)


def test_validity_from_the_sources_register(tmp_path: Path) -> None:
    sources = _sources(tmp_path, "17/2012/QH13,17/2012/QH13,Luật,Luật Tài nguyên nước,Quốc hội,2012-06-21,2013-01-01,"
                                 "Hết hiệu lực toàn bộ,2025-07-01,,,\n")
    corpus = pt.Corpus([], sources)
    assert corpus.validity("17/2012/QH13", "2012-12-01").status == "Chưa có hiệu lực"
    assert corpus.validity("17/2012/QH13", "2026-01-01").status == "Hết hiệu lực toàn bộ"
    with pytest.raises(pt.PolicytrackError):
        corpus.validity("99/2099/XX", "2026-01-01")
    with pytest.raises(pt.PolicytrackError):
        corpus.validity("17/2012/QH13", "01/01/2026")


@pytest.mark.parametrize("edit,entry", [
    (("validity: none", "validity: sometimes"), "relations, can_cu"),
    (("relation: can_cu\n", "relation: can_cu_x\n"), "rules, entry 1"),
    (("where: [bases]", "where: [footer]"), "rules, entry 1, where"),
    (("pattern: 'Căn\\s+cứ'", "pattern: 'Căn\\s+cứ{that}'"), "rules, entry 1"),
    (("pattern: 'Căn\\s+cứ'", "pattern: 'Căn(\\s+cứ'"), "rules, entry 1"),
])
def test_relations_file_is_checked_on_load(tmp_path: Path, edit, entry) -> None:
    from policytrack.relations import RELATIONS_FILE

    text = RELATIONS_FILE.read_text(encoding="utf-8")
    assert edit[0] in text
    bad = tmp_path / "relations.yaml"
    bad.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_relation_rules(bad)
    assert entry in str(err.value)


@require_real
def test_real_corpus_relations() -> None:
    """On real law: a circular that replaces another, a consolidated text's list."""
    name = "01-2020-TT-BTP Thông tư Quy định chi tiết và hướng dẫn thi hành về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch.txt"
    [doc] = pt.parse(REAL / name)
    rels = document_relations(doc)
    assert ("thay_the", "20/2015/TT-BTP") in {(r.relation, r.target) for r in rels}
    [vbhn] = pt.parse(REAL / "63-VBHN-VPQH 2026 Luật Chăn nuôi.txt")
    got = {(r.subject, r.relation, r.target) for r in document_relations(vbhn)}
    assert ("146/2025/QH15", "sua_doi_bo_sung", "32/2018/QH14") in got
    assert (vbhn.id, "hop_nhat", "32/2018/QH14") in got
