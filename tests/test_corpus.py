"""Corpus: parallel parse, content-hash cache, bad files reported and skipped, frames."""

from __future__ import annotations

import pytest

from policytrack import Corpus, PolicytrackError

LAW = "LUẬT\nTHỬ NGHIỆM SỐ {n}\n\nChương I\nCHUNG\n\nĐiều 1. Phạm vi\n1. Nước thải phải được xử lý.\n2. Quan trắc thủy văn.\n\nĐiều 2. Áp dụng\nÁp dụng cho mọi tổ chức.\n"


def make_folder(tmp_path, n=5, bad=True):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(n):
        (folder / f"luat-{i}.txt").write_text(LAW.format(n=i), encoding="utf-8")
    if bad:
        (folder / "rong.txt").write_bytes(b"")
        (folder / "rac.txt").write_bytes(bytes(range(256)) * 8)
        (folder / "ghi-chu.xyz").write_text("không đọc", encoding="utf-8")
    return folder


def test_loads_every_file_and_reports_bad_ones(tmp_path):
    corpus = Corpus.load(make_folder(tmp_path), cache_dir=tmp_path / "cache", workers=2, progress=False)
    assert len(corpus) == 5
    reasons = {e.path.rsplit("/", 1)[-1]: e.reason for e in corpus.errors}
    assert set(reasons) == {"rong.txt", "rac.txt"}
    assert "empty" in reasons["rong.txt"]
    frame = corpus.documents()
    assert sorted(frame["id"]) == [f"luat-thu-nghiem-so-{i}" for i in range(5)]
    assert set(frame["articles"]) == {2}
    provisions = corpus.provisions()
    assert set(provisions["kind"]) == {"chapter", "article", "clause"}
    assert len(provisions) == 5 * 5
    assert list(corpus.errors_frame().columns) == ["path", "reason"]


def test_warm_load_comes_from_the_cache_and_changes_invalidate(tmp_path):
    folder = make_folder(tmp_path, n=3, bad=False)
    cold = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    assert cold.cache_hits == 0
    warm = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    assert warm.cache_hits == 3
    assert [d.id for d in warm] == [d.id for d in cold]
    assert warm.provisions().equals(cold.provisions())
    (folder / "luat-1.txt").write_text(LAW.format(n=1) + "\nĐiều 3. Mới\nNội dung.\n", encoding="utf-8")
    again = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    assert again.cache_hits == 2
    assert "luat-thu-nghiem-so-1:d3" in set(again.provisions()["id"])


def test_corrupt_cache_entry_is_a_miss(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    for entry in (tmp_path / "cache").glob("*.pkl"):
        entry.write_bytes(b"not a pickle")
    corpus = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    assert corpus.cache_hits == 0 and len(corpus) == 1


def test_duplicate_document_ids_are_made_unique(tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(LAW.format(n=7), encoding="utf-8")
    corpus = Corpus.load(folder, cache_dir=False, progress=False)
    assert [d.id for d in corpus] == ["luat-thu-nghiem-so-7", "luat-thu-nghiem-so-7~2"]
    assert corpus["luat-thu-nghiem-so-7~2"]["d1"].id == "luat-thu-nghiem-so-7~2:d1"


def test_search_matches_both_tone_mark_placements(tmp_path):
    corpus = Corpus.load(make_folder(tmp_path, n=1, bad=False), cache_dir=False, progress=False)
    hits = corpus.search("thuỷ văn")
    assert list(hits["id"]) == ["luat-thu-nghiem-so-0:d1.k2"]
    assert corpus.search("NƯỚC THẢI", kind="clause")["id"].tolist() == ["luat-thu-nghiem-so-0:d1.k1"]


def test_provision_lookup_and_missing_folder(tmp_path):
    corpus = Corpus.load(make_folder(tmp_path, n=1, bad=False), cache_dir=False, progress=False)
    assert corpus.provision("luat-thu-nghiem-so-0:d1.k2").text == "2. Quan trắc thủy văn."
    with pytest.raises(PolicytrackError, match="not a folder"):
        Corpus.load(tmp_path / "missing")


def test_progress_bar_on_request(tmp_path, capsys):
    Corpus.load(make_folder(tmp_path, n=2, bad=False), cache_dir=False, progress=True)
    assert "parsing" in capsys.readouterr().err


def test_documents_found_by_title_never_guessed():
    from policytrack import parse_text

    law = parse_text("QUỐC HỘI\nSố: 1/2099/QH99\n\nLUẬT\nĐẤT ĐAI\n\nĐiều 1. Phạm vi\n", "a")
    vbhn = parse_text("VĂN PHÒNG QUỐC HỘI\nSố: 2/VBHN-VPQH\n\nLUẬT\nTHỦY SẢN\n\nĐiều 1. Phạm vi\n", "b")
    corpus = Corpus(law + vbhn)
    assert corpus.by_title("Luật", "Đất đai").id == "1/2099/QH99"
    assert corpus.by_title("Luật", "thủy sản").id == "2/VBHN-VPQH"  # a consolidated text's title holds its type
    twice = Corpus(law + parse_text("QUỐC HỘI\nSố: 3/2099/QH99\n\nLUẬT\nĐẤT ĐAI\n\nĐiều 1. X\n", "c"))
    assert twice.by_title("Luật", "Đất đai") is None
