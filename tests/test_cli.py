"""The command line: same functions as the library, errors that name the file."""

from __future__ import annotations

import json

from policytrack.cli import main

from .test_read import _cp1258

LAW = "QUỐC HỘI\n\nLUẬT\nTHỬ NGHIỆM\n\nĐiều 1. Phạm vi\n1. Một.\na) Điểm a.\n"


def test_parse_json(tmp_path, capsys):
    path = tmp_path / "luat.txt"
    path.write_text(LAW, encoding="utf-8")
    assert main(["parse", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [doc] = data["documents"]
    assert doc["type"] == "Luật"
    kinds = [(p["id"].split(":", 1)[1], p["kind"], p["parent"]) for p in doc["provisions"]]
    assert kinds == [("d1", "article", doc["id"]), ("d1.k1", "clause", doc["id"] + ":d1"), ("d1.k1.a", "point", doc["id"] + ":d1.k1")]
    first = doc["provisions"][0]
    assert set(first) == {"id", "kind", "number", "heading", "start", "end", "parent"}
    assert LAW[first["start"]:first["end"]].startswith("Điều 1. Phạm vi")


def test_parse_tree_and_bad_file(tmp_path, capsys):
    good = tmp_path / "luat.txt"
    good.write_text(LAW, encoding="utf-8")
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    assert main(["parse", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "Điều 1. Phạm vi  (d1)" in out
    assert "rong.txt" in err and "empty" in err


def test_parse_says_what_the_reader_noticed_and_when_nothing_was_found(tmp_path, capsys):
    (tmp_path / "luat.txt").write_text(LAW, encoding="utf-8")
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes(_cp1258(LAW))  # a legacy Windows code page
    prose = tmp_path / "thu.txt"
    prose.write_text("Kính gửi các đơn vị.\nĐề nghị các đơn vị thực hiện.\n", encoding="utf-8")
    assert main(["parse", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "thu.txt: warning:" in err and "no provision found" in err
    assert "cu.txt: warning:" in err
    assert "luat.txt" not in err


def test_summary_writes_reports(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "luat.txt").write_text(LAW, encoding="utf-8")
    assert main(["summary", str(folder), "--out", str(tmp_path / "out")]) == 0
    summary = (tmp_path / "out" / "corpus_summary.md").read_text(encoding="utf-8")
    assert "1 documents" in summary
    assert (tmp_path / "out" / "provisions.csv").read_text(encoding="utf-8").count("\n") == 4


def test_parse_of_a_folder_walks_it_as_the_corpus_does(tmp_path, capsys):
    (tmp_path / "luat.txt").write_text(LAW, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Ghi chú của nhóm\n", encoding="utf-8")
    (tmp_path / "bang.xlsx").write_bytes(b"PK")
    (tmp_path / "mat").symlink_to(tmp_path / "khong-co")
    assert main(["parse", str(tmp_path), "--json"]) == 1  # a broken link is an error
    out, err = capsys.readouterr()
    assert len(json.loads(out)["documents"]) == 1  # README.md is a note, not a document
    assert "bang.xlsx" in err and "unsupported" in err
    assert "mat" in err and "broken link" in err

