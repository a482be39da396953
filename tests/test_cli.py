"""The command line: same functions as the library, errors that name the file.

Every verb is run through ``main`` and checked on what it prints: the text output, and the
``--json`` output read by a strict JSON parser (NaN or Infinity fail)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from policytrack.cli import main

from .conftest import ROOT
from .test_read import _cp1258

LAW = "QUỐC HỘI\n\nLUẬT\nTHỬ NGHIỆM\n\nĐiều 1. Phạm vi\n1. Một.\na) Điểm a.\n"
# A law with a citation and words on discharge control, so that refs and tag print something.
CITING = ("QUỐC HỘI\n\nLUẬT\nTHỬ NGHIỆM\n\nĐiều 1. Xả nước thải\n"
          "1. Tổ chức xả nước thải vào nguồn nước phải có giấy phép môi trường.\n"
          "2. Việc cấp giấy phép thực hiện theo khoản 1 Điều này.\n")
DRAFT_1, DRAFT_2 = (ROOT / "corpus" / f"mau-luat-tai-nguyen-nuoc-du-thao-{n}.txt" for n in (1, 2))
REGISTER, CORPUS = ROOT / "recommendations.csv", ROOT / "corpus"


@pytest.fixture(scope="module")
def _module_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cli-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(_module_cache, monkeypatch):
    """One cache for the tests of this module, apart from every other test's: it is keyed by
    content, so no test can take another's results for its own, and the topic model is
    trained once instead of once per test."""
    monkeypatch.setenv("POLICYTRACK_CACHE", str(_module_cache))


def _refuse(constant: str):
    raise ValueError(f"not JSON: {constant}")


def strict_json(text: str):
    """``text`` read as JSON, refusing the NaN and Infinity that ``json.loads`` accepts."""
    return json.loads(text, parse_constant=_refuse)


def json_lines(out: str) -> list:
    """One strict JSON value per line of ``out``."""
    return [strict_json(line) for line in out.splitlines()]


@pytest.fixture
def folder(tmp_path):
    """A folder as people keep one: a document, a note about it, a sources register."""
    (tmp_path / "luat.txt").write_text(CITING, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Ghi chú\n\nĐiều 9. Không phải văn bản.\n", encoding="utf-8")
    return tmp_path


def _target(folder, kind: str) -> str:
    return str(folder / "luat.txt") if kind == "file" else str(folder)


def _check_parse_text(out: str) -> None:
    assert "luat-thu-nghiem  [Luật] THỬ NGHIỆM" in out and "khoản 2  (d1.k2)" in out


def _check_parse_json(out: str) -> None:
    [doc] = strict_json(out)["documents"]  # README.md is a note, not a document
    assert doc["id"] == "luat-thu-nghiem" and [p["kind"] for p in doc["provisions"]] == ["article", "clause", "clause"]


def _check_refs_text(out: str) -> None:
    assert out.split() == ["154", "khoản", "1", "Điều", "này", "→", "luat-thu-nghiem:d1.k1"]


def _check_refs_json(out: str) -> None:
    [rec] = json_lines(out)
    assert rec["citing_provision"] == "luat-thu-nghiem:d1.k2" and rec["resolved_id"] == "luat-thu-nghiem:d1.k1"
    assert rec["relative"] is True and rec["point"] is None and rec["file"].endswith("luat.txt")


def _check_tag_text(out: str) -> None:
    lines = dict(line.split(": ", 1) for line in out.splitlines())
    assert set(lines) == {"luat-thu-nghiem:d1", "luat-thu-nghiem:d1.k1", "luat-thu-nghiem:d1.k2"}
    assert "discharge_control.permits (" in lines["luat-thu-nghiem:d1.k1"]
    assert "nan" not in out.lower()


def _check_tag_json(out: str) -> None:
    records = json_lines(out)
    assert [r["id"] for r in records] == ["luat-thu-nghiem:d1", "luat-thu-nghiem:d1.k1", "luat-thu-nghiem:d1.k2"]
    topics = [t for r in records for t in r["topics"]]
    assert {t["subtopic"] for t in topics} >= {None, "permits"}  # a tag on a whole topic: null, not NaN
    assert all(isinstance(t["score"], float) and t["evidence"] for t in topics)


CHECKS = {
    ("parse", False): _check_parse_text, ("parse", True): _check_parse_json,
    ("refs", False): _check_refs_text, ("refs", True): _check_refs_json,
    ("tag", False): _check_tag_text, ("tag", True): _check_tag_json,
}


@pytest.mark.parametrize("kind", ["file", "folder"])
@pytest.mark.parametrize("verb, as_json", list(CHECKS), ids=[f"{v}{'-json' if j else ''}" for v, j in CHECKS])
def test_verbs_on_a_file_and_a_folder(verb, as_json, kind, folder, capsys):
    assert main([verb, _target(folder, kind)] + (["--json"] if as_json else [])) == 0
    out, err = capsys.readouterr()
    CHECKS[verb, as_json](out)
    assert "Traceback" not in err and "Không phải" not in out


def test_link_prints_no_nan(capsys):
    assert main(["link", "--register", str(REGISTER), "--corpus", str(CORPUS), "-k", "2"]) == 0
    text = capsys.readouterr().out
    assert main(["link", "--register", str(REGISTER), "--corpus", str(CORPUS), "-k", "2", "--json"]) == 0
    records = json_lines(capsys.readouterr().out)
    assert len(records) == len(text.splitlines()) and {r["recommendation"] for r in records} >= {"R01", "R47"}
    assert any(r["provision"] is None for r in records) and any(r["provision"] for r in records)
    assert "nan" not in text.split()
    unlinked = next(line for line, r in zip(text.splitlines(), records) if r["provision"] is None)
    assert unlinked.split()[3] == "—"


def test_compare_text_and_json(capsys):
    assert main(["compare", str(DRAFT_1), str(DRAFT_2)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert main(["compare", str(DRAFT_1), str(DRAFT_2), "--json"]) == 0
    records = json_lines(capsys.readouterr().out)
    assert len(records) == len(text) and records[0] == {"old": ["d1"], "new": ["d1"], "label": "unchanged",
                                                        "similarity": 1.0, "diff": []}
    assert text[0].split() == ["d1", "→", "d1", "unchanged", "1.00"]
    assert {"changed", "new"} <= {r["label"] for r in records}


def test_summary_counts_in_the_right_number(folder, tmp_path_factory, capsys):
    out_dir = tmp_path_factory.mktemp("out")
    assert main(["summary", str(folder), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"read 1 document (3 provisions) from {folder}; 0 files skipped"
    assert out[1:] == [f"wrote {out_dir / name}" for name in ("corpus_summary.md", "documents.csv", "provisions.csv")]


def test_report_refuses_an_unknown_document(tmp_path, capsys):
    out_dir = tmp_path / "reports"
    assert main(["report", "--register", str(REGISTER), "--corpus", str(CORPUS), "--out", str(out_dir),
                 "--document", "nope"]) == 1
    out, err = capsys.readouterr()
    [problem] = [line for line in err.splitlines() if "nope" in line]
    assert "brief" in problem and "luat-tai-nguyen-nuoc-mau@du-thao-2" in problem and "72/2020/QH14" in problem
    assert not (out_dir / "brief.docx").exists() and "brief.docx" not in out
    assert f"wrote {out_dir / 'dashboard.html'}" in out.splitlines()  # the other parts are still written


MISSING = [
    ["parse", "{missing}"], ["refs", "{missing}"], ["tag", "{missing}", "--json"], ["summary", "{missing}"],
    ["compare", str(DRAFT_1), "{missing}"],
    ["link", "--register", "{missing}", "--corpus", str(CORPUS)], ["link", "--register", str(REGISTER), "--corpus", "{missing}"],
    ["report", "--register", str(REGISTER), "--corpus", "{missing}", "--out", "{out}"],
]


@pytest.mark.parametrize("argv", MISSING, ids=[" ".join(a[:1] + [x for x in a if x.startswith("--")]) for a in MISSING])
def test_a_missing_path_is_named(argv, tmp_path, capsys):
    missing = tmp_path / "nope"
    assert main([a.format(missing=missing, out=tmp_path / "reports") for a in argv]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"{missing}: no such file or folder" in err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("verb", ["parse", "refs", "tag", "compare"])
def test_an_unsupported_file_lists_the_supported_types(verb, tmp_path, capsys):
    odd = tmp_path / "bang.xyz"
    odd.write_text("Điều 1.", encoding="utf-8")
    assert main([verb, str(odd)] + ([str(DRAFT_1)] if verb == "compare" else [])) == 1
    out, err = capsys.readouterr()
    assert out == "" and "bang.xyz" in err and "unsupported" in err and ".docx" in err and ".txt" in err


@pytest.mark.parametrize("verb", ["", "parse", "refs", "tag", "link", "compare", "report", "summary"])
def test_help_is_plain_text_with_defaults(verb, capsys):
    with pytest.raises(SystemExit) as stop:
        main(([verb] if verb else []) + ["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "``" not in out
    if verb in ("link", "report"):
        assert "(default: recommendations.csv)" in out and "(default: corpus)" in out
    if verb == "report":
        assert "(default: reports)" in out and "(default: vi)" in out


def test_a_closed_pipe_ends_quietly(folder):
    """``policytrack … | head``: the reader goes away; no traceback, the status of SIGPIPE."""
    proc = subprocess.Popen([sys.executable, "-m", "policytrack.cli", "parse", str(folder), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # before anything is written, so that every write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait() == 141 and "Traceback" not in err and "BrokenPipe" not in err


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
    assert "1 document" in summary
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

