"""Version comparison: alignment across renumbering, splits and merges; diffs; suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policytrack import parse
from policytrack.compare import compare, word_diff
from policytrack.cli import main

from .conftest import ROOT

DATA = Path(__file__).parent / "data"


def _paths(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def test_word_diff():
    ops = word_diff("Chủ cơ sở phải quan trắc định kỳ.", "Chủ cơ sở phải quan trắc tự động, liên tục.")
    assert ("delete", "định kỳ.") in ops and ("insert", "tự động, liên tục.") in ops
    assert ops[0] == ("equal", "Chủ cơ sở phải quan trắc")


@pytest.mark.skipif(not (DATA / "compare_gold.yaml").exists(), reason="compare gold set not written yet")
def test_gold_alignment_is_exact():
    gold = yaml.safe_load((DATA / "compare_gold.yaml").read_text(encoding="utf-8"))
    old = parse(DATA / gold["old"])[0]
    new = parse(DATA / gold["new"])[0]
    got = {(tuple(a.old), tuple(a.new), a.label) for a in compare(old, new).alignments}
    want = {(tuple(_paths(p["old"])), tuple(_paths(p["new"])), p["label"]) for p in gold["pairs"]}
    assert got == want


def test_sample_drafts_renumbering_deletion_and_new_article():
    a = parse(ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-1.txt")[0]
    b = parse(ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-2.txt")[0]
    result = compare(a, b)
    labels = {(tuple(x.old), tuple(x.new)): x.label for x in result.alignments}
    assert labels[(("d5",), ("d6",))] == "unchanged"  # renumbered after an inserted article
    assert labels[((), ("d5",))] == "new"
    assert labels[(("d13",), ())] == "deleted"
    changed = next(x for x in result.alignments if x.label == "changed")
    assert any(op == "insert" for op, _ in changed.diff)
    assert "<ins>" in result.diff_html(changed)
    frame = result.pairs
    assert {"old", "new", "label", "similarity"} <= set(frame.columns)


def test_cli_compare_json(capsys):
    a = ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-1.txt"
    b = ROOT / "corpus" / "mau-luat-tai-nguyen-nuoc-du-thao-2.txt"
    assert main(["compare", str(a), str(b), "--json"]) == 0
    import json

    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"old", "new", "label", "similarity", "diff"} <= set(records[0])
    assert {"new", "deleted", "unchanged", "changed"} <= {r["label"] for r in records}
