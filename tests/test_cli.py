"""The command line: same functions as the library, errors that name the file."""

from __future__ import annotations

import json

from policytrack.cli import main

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


def test_summary_writes_reports(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "luat.txt").write_text(LAW, encoding="utf-8")
    assert main(["summary", str(folder), "--out", str(tmp_path / "out")]) == 0
    summary = (tmp_path / "out" / "corpus_summary.md").read_text(encoding="utf-8")
    assert "1 documents" in summary
    assert (tmp_path / "out" / "provisions.csv").read_text(encoding="utf-8").count("\n") == 4


def test_report_writes_exports_and_survives_a_broken_register(tmp_path, capsys):
    from .conftest import ROOT

    out = tmp_path / "out"
    assert main(["report", "--register", str(ROOT / "recommendations.csv"), "--corpus", str(ROOT / "corpus"),
                 "--out", str(out)]) == 0
    import pandas as pd

    sheets = pd.read_excel(out / "register.xlsx", sheet_name=None)
    assert set(sheets) == {"register", "links", "history"} and len(sheets["register"]) == 47
    register = pd.read_csv(out / "register.csv")
    assert {"status_label", "linked_provisions", "suggested_provisions", "last_change"} <= set(register.columns)
    links = pd.read_csv(out / "links.csv")
    # the shipped register targets real laws the repository does not hold: nothing fictional is suggested
    assert links[links["provision"].notna()]["provision"].str.contains("MAU").sum() == 0
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    payload = page.split('<script id="data" type="application/json">', 1)[1].split("</script>", 1)[0]
    import json

    data = json.loads(payload)
    assert len(data["recs"]) == 47 and data["labels"]["status"] == "Trạng thái"
    assert "http://" not in page and "https://" not in page  # opens offline: nothing fetched
    assert main(["report", "--corpus", str(ROOT / "corpus"), "--register", str(ROOT / "recommendations.csv"),
                 "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    assert '<html lang="en">' in (tmp_path / "en" / "dashboard.html").read_text(encoding="utf-8")
    import docx

    brief = docx.Document(out / "brief.docx")
    styles = [(p.style.name, p.text) for p in brief.paragraphs]
    assert styles[0][0] == "Title" and ("Heading 1", "Mục lục") in styles and ("Heading 1", "Các khuyến nghị") in styles
    recs = [text for style, text in styles if style == "Heading 2"]
    assert recs and all(text.startswith("R") for text in recs)
    assert any("corpus/sources.csv" in text for _, text in styles)  # the law's text is not in corpus/
    footer_xml = brief.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml  # page numbers
    assert "TOC" in brief.element.xml  # a table of contents Word fills in
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\nR01,x\n", encoding="utf-8")
    assert main(["report", "--register", str(bad), "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path / "o2")]) == 1
    assert "missing column" in capsys.readouterr().err
    assert (tmp_path / "o2" / "corpus_summary.md").exists()  # the rest of the report is still written


def test_brief_quotes_the_targeted_provisions_when_the_corpus_holds_the_text(tmp_path):
    from .conftest import ROOT, SHARED

    if not (SHARED / "corpus").is_dir():
        import pytest

        pytest.skip("../shared (real law excerpts and seed documents) is not present beside the project")
    import docx

    out = tmp_path / "out"
    assert main(["report", "--corpus", str(SHARED / "corpus"), "--register", str(ROOT / "recommendations.csv"),
                 "--out", str(out), "--document", "72/2020/QH14"]) == 0
    brief = docx.Document(out / "brief.docx")
    quotes = [p for p in brief.paragraphs if p.style.name == "Intense Quote"]
    assert quotes and all(q.text.startswith("Nội dung hiện hành của d") for q in quotes)
