"""The citation reader as a spaCy component, on a blank Vietnamese pipeline (no pyvi)."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy", reason="spaCy is in the test extra; install '.[test]'")

from .conftest import ROOT  # noqa: E402


def blank():
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def test_the_factory_is_found_through_the_entry_point():
    nlp = blank()
    nlp.add_pipe("policytrack_references")
    assert nlp.pipe_names == ["policytrack_references"]


def test_spans_carry_targets_and_relation():
    nlp = blank()
    nlp.add_pipe("policytrack_references")
    doc = nlp("Bãi bỏ các điểm a, b khoản 2 Điều 5 Nghị định số 08/2022/NĐ-CP; theo Điều 3.")
    spans = doc.spans["references"]
    assert [s._.pt_text for s in spans] == ["điểm a, b khoản 2 Điều 5 Nghị định số 08/2022/NĐ-CP", "Điều 3"]
    assert spans[0].text.startswith(spans[0]._.pt_text)  # whole tokens: "…/NĐ-CP;"
    first = spans[0]
    assert [(t["document"], t["article"], t["clause"], t["point"]) for t in first._.pt_targets] == [
        ("08/2022/NĐ-CP", "5", "2", "a"), ("08/2022/NĐ-CP", "5", "2", "b")]
    assert first._.pt_relation == "bãi bỏ" and first._.pt_resolved == [None, None]
    assert spans[1]._.pt_targets[0]["article"] == "3"


def test_a_corpus_resolves_the_targets():
    nlp = blank()
    nlp.add_pipe("policytrack_references", config={"corpus": str(ROOT / "corpus")})
    doc = nlp("Theo Điều 9 của Luật Bảo vệ môi trường.")
    [span] = doc.spans["references"]
    [target] = span._.pt_targets
    assert target["document_id"] == "72/2020/QH14" and "not in the corpus" in target["reason"]
