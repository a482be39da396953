"""Corpus: parallel parse, content-hash cache, bad files reported and skipped, frames."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policytrack import Corpus, PolicytrackError
from policytrack.corpus import scan_folder
from policytrack.sources import COLUMNS

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
    assert [(Path(e.path).name, e.reason) for e in corpus.skipped] == [("ghi-chu.xyz", "unsupported file type '.xyz' (not read)")]
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
    holding = corpus.search("thuỷ văn", innermost=False)["id"].tolist()
    assert holding[-2:] == ["luat-thu-nghiem-so-0:d1", "luat-thu-nghiem-so-0:d1.k2"] and len(holding) == 3  # chapter too


def test_provisions_hold_each_provisions_own_text_once(tmp_path):
    corpus = Corpus.load(make_folder(tmp_path, n=1, bad=False), cache_dir=False, progress=False)
    doc = corpus.docs[0]
    for row in corpus.provisions().itertuples():
        prov = doc[row.id]
        assert row.text == doc.source.text[row.start:row.own_end] and row.start <= row.own_end <= row.end
        assert (row.own_end == row.end) == (not prov.children)
        assert prov.text == doc.source.text[row.start:row.end]  # the whole unit, from the document


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


# --- what the folder walk skips, and says ---------------------------------------------------


def _reasons(entries, folder):
    return {str(Path(e.path).relative_to(folder)): e.reason for e in entries}


def test_linked_folder_read_once_and_bad_links_reported(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    shared = tmp_path / "chung"
    shared.mkdir()
    (shared / "luat-9.txt").write_text(LAW.format(n=9), encoding="utf-8")
    (folder / "sub").mkdir()
    os.symlink(shared, folder / "chung")  # a user's link to a shared folder
    os.symlink(shared, folder / "chung-nua")  # a second way to it
    os.symlink("..", folder / "sub" / "vong")  # back to a folder that holds it
    os.symlink("khong-co.txt", folder / "hong.txt")
    os.symlink("tu", folder / "tu")
    os.symlink("luat-0.txt", folder / "ban-sao.txt")
    corpus = Corpus.load(folder, cache_dir=False, progress=False)
    assert sorted(d.id for d in corpus) == ["luat-thu-nghiem-so-0", "luat-thu-nghiem-so-9"]
    assert [str(p.relative_to(folder)) for p in corpus.files] == ["chung/luat-9.txt", "luat-0.txt"]
    assert _reasons(corpus.errors, folder) == {
        "hong.txt": "broken link → khong-co.txt",
        "tu": "link loop → tu",
        "sub/vong": "link loop → .. (a folder that holds the link)",
    }
    assert _reasons(corpus.skipped, folder) == {
        "chung-nua": f"link to a folder already read as {folder / 'chung'}",
        "ban-sao.txt": f"the same file as {folder / 'luat-0.txt'} (read once)",
    }


def test_a_link_never_hides_the_folder_it_points_to(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    (folder / "z-that").mkdir()
    (folder / "z-that" / "luat-5.txt").write_text(LAW.format(n=5), encoding="utf-8")
    os.symlink("z-that", folder / "a-link")  # walked first by name, read only as the real folder
    contents = scan_folder(folder)
    assert [str(p.relative_to(folder)) for p in contents.files] == ["luat-0.txt", "z-that/luat-5.txt"]
    assert _reasons(contents.skipped, folder) == {"a-link": f"link to a folder already read as {folder / 'z-that'}"}
    assert contents.errors == []


def test_unsupported_files_listed_hidden_notes_and_cache_not(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    (folder / "bang.xlsx").write_bytes(b"PK\x03\x04")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "luat-0-checkpoint.txt").write_text(LAW.format(n=0), encoding="utf-8")
    (folder / "README.md").write_text("# Ghi chú\n", encoding="utf-8")
    (folder / "sources.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    for _ in range(2):  # the second load finds the cache's own files inside the folder
        corpus = Corpus.load(folder, cache_dir=folder / "cache", progress=False)
    assert len(corpus) == 1 and corpus.errors == []
    assert _reasons(corpus.skipped, folder) == {"bang.xlsx": "unsupported file type '.xlsx' (not read)"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_pipe_is_listed_never_opened(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    os.mkfifo(folder / "ong.txt")  # opening it would wait forever for a writer
    corpus = Corpus.load(folder, cache_dir=False, progress=False)
    assert len(corpus) == 1
    assert _reasons(corpus.skipped, folder) == {"ong.txt": "not a regular file (a device, socket or pipe)"}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads every folder whatever its permissions (as on this machine); "
                           "test_unreadable_folder_reported_when_listing_fails covers the case")
def test_unreadable_folder_is_an_error(tmp_path):
    folder = make_folder(tmp_path, n=1, bad=False)
    locked = folder / "khoa"
    locked.mkdir()
    (locked / "luat-3.txt").write_text(LAW.format(n=3), encoding="utf-8")
    locked.chmod(0)
    try:
        corpus = Corpus.load(folder, cache_dir=False, progress=False)
    finally:
        locked.chmod(0o755)
    assert len(corpus) == 1
    assert _reasons(corpus.errors, folder) == {"khoa": "unreadable folder: permission denied"}


def test_unreadable_folder_reported_when_listing_fails(tmp_path, monkeypatch):
    folder = make_folder(tmp_path, n=1, bad=False)
    locked = folder / "khoa"
    locked.mkdir()
    (locked / "luat-3.txt").write_text(LAW.format(n=3), encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    corpus = Corpus.load(folder, cache_dir=False, progress=False)
    assert len(corpus) == 1
    assert _reasons(corpus.errors, folder) == {"khoa": "unreadable folder: permission denied"}
