"""Topic tagging: taxonomy as data, rule tagger, learned tagger, combined output, evaluation."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from policytrack.cache import Cache
from policytrack.vocab import DataFileError
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from policytrack import Corpus, parse, parse_text
from policytrack.cli import main
from policytrack.tagging import (
    TOPICS,
    ModelVersionError,
    RuleTagger,
    TopicModel,
    default_model,
    evaluate,
    load_taxonomy,
    load_training,
    tag,
)

from policytrack.sources import SourceRegister

from .conftest import PROJECT_SOURCES, SHARED, require_real, require_shared

GOLD_FILE = Path(__file__).parent / "data" / "topics_gold_72-2020-QH14.yaml"


@pytest.fixture(scope="module")
def rules():
    return RuleTagger()


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return default_model(cache=Cache(tmp_path_factory.mktemp("model")))


def labels(rules, text):
    return {h.label for h in rules.find(parse_text(text)[0].source.normalized)}


def test_taxonomy_has_every_required_subtopic():
    tax = load_taxonomy()
    assert set(tax.topics) == set(TOPICS)
    required = {
        "discharge_control": {"permits", "standards", "wastewater_treatment", "monitoring", "carrying_capacity",
                              "source_inventory", "disclosure", "inspection_sanctions", "wastewater_fees"},
        "water_resources": {"allocation", "abstraction_permits", "basin_planning", "protection_corridors",
                            "riverbeds_banks", "water_security", "pricing_fees", "reservoirs_flows", "groundwater",
                            "reuse_circular", "harmful_effects", "community_participation"},
    }
    for topic, subs in required.items():
        assert {f"{topic}.{s}" for s in subs} <= set(tax.subtopics)
    for sub in tax.subtopics.values():
        assert sub.label_vi and sub.definition and sub.synonyms


@pytest.mark.parametrize("text, problem", [
    ("topics: {}\n", "missing top topic"),
    ("topics:\n  discharge_control: {label_vi: a, label_en: b, definition: c, subtopics: {x: {label_vi: a, label_en: b, definition: c, synonyms: []}}}\n"
     "  water_resources: {label_vi: a, label_en: b, definition: c, subtopics: {y: {label_vi: a, label_en: b, definition: c, synonyms: [z]}}}\n",
     "at least one synonym"),
    ("topics: [1, 2]\n", "'topics' mapping"),
])
def test_taxonomy_is_validated(tmp_path, text, problem):
    path = tmp_path / "topics.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=problem):
        load_taxonomy(path)


# (text, labels that must be found, labels that must not)
RULE_CASES = [
    ("Cơ sở phải có giấy phép môi trường trước khi xả nước thải.", {"discharge_control", "discharge_control.permits"}, set()),
    ("Hệ thống quan trắc nước thải tự động, liên tục phải truyền số liệu.", {"discharge_control.monitoring"}, set()),
    ("Đánh giá sức chịu tải của sông và phân vùng xả thải.", {"discharge_control.carrying_capacity"}, set()),
    ("Bảo vệ nước dưới đất, hạn chế khoan giếng.", {"water_resources.groundwater"}, set()),
    ("Khuyến khích tái sử dụng nước sau xử lý.", {"water_resources.reuse_circular"}, set()),
    ("Bảo đảm an ninh nguồn nước quốc gia.", {"water_resources.water_security"}, set()),
    ("Quy trình vận hành liên hồ chứa bảo đảm dòng chảy tối thiểu.", {"water_resources.reservoirs_flows"}, set()),
    ("NHÀ NƯỚC KHUYẾN KHÍCH ĐẦU TƯ.", set(), {"water_resources"}),
    ("Nhà nước bảo hộ quyền lợi của nhà đầu tư nước ngoài trên cả nước.", set(), {"water_resources"}),
    ("Đất nước ta và nước Cộng hòa xã hội chủ nghĩa Việt Nam.", set(), {"water_resources"}),
    ("Công trình thuỷ lợi và công trình thủy lợi.", set(), set()),
    ("Quan trắc khí thải và chất thải rắn.", set(), {"discharge_control.monitoring"}),
    # pollution of a water body, water let out onto a road: releases through water
    ("Phòng ngừa ô nhiễm môi trường biển từ tàu thuyền.", {"discharge_control"}, set()),
    ("Cấm xả nước ra đường bộ ở nơi không được phép.", {"discharge_control"}, set()),
    # irrigation as one item of a list of every sector, the head noun repeated
    ("Tài sản gồm hạ tầng giao thông, hạ tầng thủy lợi, hạ tầng đô thị.", set(), {"water_resources"}),
    ("Nhà nước đầu tư hạ tầng thủy lợi cho vùng khô hạn.", {"water_resources"}, set()),
    # wetland is a land category, not a flood
    ("Bảo tồn đất ngập nước ven biển.", set(), {"water_resources.harmful_effects"}),
]


# Cues: words that mean a subtopic only where the provision is on its topic, by its own text
# or a heading or lead-in above it. (document text, provision path, must, must not)
CUE_CASES = [
    ("Điều 5. Xả nước thải vào nguồn nước\n1. Chủ cơ sở phải quan trắc định kỳ.\n", "d5.k1",
     {"discharge_control", "discharge_control.monitoring"}, set()),
    ("Điều 5. An toàn thực phẩm\n1. Cơ sở phải quan trắc định kỳ và đáp ứng quy chuẩn kỹ thuật.\n", "d5.k1",
     set(), {"discharge_control", "discharge_control.monitoring", "discharge_control.standards"}),
    ("Điều 6. Nghĩa vụ của chủ cơ sở\n1. Nước thải phải được xử lý đạt quy chuẩn kỹ thuật trước khi xả.\n", "d6.k1",
     {"discharge_control.standards", "discharge_control.wastewater_treatment"}, set()),
    # a lead-in on the topic gives the context to the points below it
    ("Điều 7. Trách nhiệm\n1. Về nước thải, chủ cơ sở có trách nhiệm sau đây:\na) Công khai thông tin;\n", "d7.k1.a",
     {"discharge_control", "discharge_control.disclosure"}, set()),
    # a heading cue ("Tội ...") counts from the article heading; a plain cue there does not
    ("Điều 8. Tội hủy hoại tài nguyên\n1. Người nào xả nước thải trái quy định.\n", "d8.k1",
     {"discharge_control.inspection_sanctions"}, set()),
    ("Điều 9. Cấp đổi, tước quyền sử dụng giấy phép môi trường\n1. Giấy phép môi trường được cấp đổi khi hết hạn.\n", "d9.k1",
     {"discharge_control.permits"}, {"discharge_control.inspection_sanctions"}),
    ("Điều 10. Quy hoạch\n1. Quy hoạch sử dụng đất phải tính đến nguồn nước.\n", "d10.k1",
     {"water_resources"}, {"water_resources.basin_planning"}),
    # a prohibited act on discharge is an offence
    ("Điều 11. Các hành vi bị nghiêm cấm\n1. Xả nước thải chưa xử lý ra sông.\n", "d11.k1",
     {"discharge_control.inspection_sanctions"}, set()),
    # a tax rate on water is a charge on water; a flooded road is harm from water, its flow
    # speed no rule on flows
    ("Điều 13. Thuế suất\n1. Mức thuế suất 5% áp dụng đối với nước sạch phục vụ sinh hoạt.\n", "d13.k1",
     {"water_resources", "water_resources.pricing_fees"}, set()),
    ("Điều 14. Bảo trì đường\n1. Cảnh báo đoạn đường bị ngập nước sâu, lưu tốc dòng chảy mạnh.\n", "d14.k1",
     {"water_resources.harmful_effects"}, {"water_resources.reservoirs_flows"}),
    # sharing out money or emission quotas is not sharing out water
    ("Điều 12. Phòng, chống lũ lụt\n1. Phân bổ ngân sách và phân bổ hạn ngạch phát thải cho các tỉnh.\n", "d12.k1",
     {"water_resources"}, {"water_resources.allocation"}),
]


@pytest.mark.parametrize("text, path, must, must_not", CUE_CASES)
def test_cues_need_their_topic(rules, text, path, must, must_not):
    [doc] = parse_text(text)
    found = set(rules.tag_document(doc).get(f"{doc.id}:{path}", {}))
    assert must <= found, found
    assert not (must_not & found), found


@pytest.mark.parametrize("text, must, must_not", RULE_CASES)
def test_rule_tagger(rules, text, must, must_not):
    found = labels(rules, text)
    assert must <= found
    assert not (must_not & found)


def test_both_tone_placements_and_case_match(rules):
    assert labels(rules, "TÁI SỬ DỤNG NƯỚC") == labels(rules, "tái sử dụng nước")
    a = labels(rules, "phòng, chống tác hại do nước gây ra, xâm nhập mặn, sạt lở bờ sông, lũ lụt, điều hòa")
    b = labels(rules, "phòng, chống tác hại do nước gây ra, xâm nhập mặn, sạt lở bờ sông, lũ lụt, điều hoà")
    assert a == b


def test_evidence_points_into_the_original_text(rules):
    text = unicodedata.normalize("NFD", "Điều 1. Xả thải\n1. Chủ cơ sở phải xử lý nước thải đạt quy chuẩn.\n")
    [doc] = parse_text(text)
    found = rules.tag_document(doc)
    spans = [span for label_spans in found[f"{doc.id}:d1.k1"].values() for span in label_spans]
    assert spans
    heading = doc["d1"].heading_span
    for s, e in spans:
        assert unicodedata.normalize("NFC", text[s:e]).lower() in {"xử lý nước thải", "nước thải", "xả thải", "đạt quy chuẩn"}
        # in the clause itself, or in the heading of its article (inherited)
        assert doc["d1.k1"].start <= s < e <= doc["d1.k1"].end or heading[0] <= s < e <= heading[1]
    assert any(doc["d1.k1"].start <= s for s, _ in spans)


def test_training_data_covers_every_label():
    texts, label_sets = load_training()
    assert len(texts) >= 400
    counts = {label: sum(label in ls for ls in label_sets) for label in load_taxonomy().labels()}
    assert min(counts.values()) >= 10, counts
    assert sum(1 for ls in label_sets if not ls) >= 100


def test_model_fit_predict_save_load(tmp_path, model):
    sample = ["Chủ cơ sở xả nước thải phải quan trắc tự động, liên tục.", "Thuế thu nhập doanh nghiệp được miễn giảm."]
    proba = model.predict_proba(sample)
    assert proba.shape == (2, len(model.labels))
    predicted = model.predict(sample)
    assert "discharge_control" in predicted[0] and not predicted[1]
    path = model.save(tmp_path / "m.joblib")
    again = TopicModel.load(path)
    assert (again.predict_proba(sample) == proba).all()


def test_model_version_is_checked(tmp_path, model, monkeypatch):
    path = model.save(tmp_path / "m.joblib")
    import policytrack._version

    monkeypatch.setattr(policytrack._version, "__version__", "0.0.0-other")
    with pytest.raises(ModelVersionError, match="retrain"):
        TopicModel.load(path)


LAW = """LUẬT
THỬ TAG

Điều 1. Xả nước thải
1. Tổ chức xả nước thải vào nguồn nước phải có giấy phép môi trường.
2. Nhà nước khuyến khích đầu tư nước ngoài.

Điều 2. Nước dưới đất
Hạn chế khai thác nước dưới đất tại vùng sụt lún.
"""


def test_tag_frame_and_corpus_cache(tmp_path, model):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "luat.txt").write_text(LAW, encoding="utf-8")
    corpus = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    frame = corpus.tags()
    assert list(frame.columns) == ["provision_id", "document_id", "topic", "subtopic", "score", "method",
                                   "evidence", "labeller", "tagged_at"]
    did = corpus.docs[0].id
    top = frame[frame["subtopic"].isna()]
    got = {(r.provision_id, r.topic) for r in top.itertuples()}
    assert (f"{did}:d1.k1", "discharge_control") in got
    assert (f"{did}:d1", "discharge_control") in got  # carried up from the clause
    assert (f"{did}:d2", "water_resources") in got
    assert (f"{did}:d1.k2", "water_resources") not in got  # "Nhà nước", "nước ngoài"
    assert set(frame["method"]) <= {"rule", "model", "both"}
    text = corpus.docs[0].source.text
    for row in frame[frame["method"] != "model"].itertuples():
        assert row.evidence and all(text[s:e] for s, e in row.evidence)
    warm = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False).tags()
    assert warm["tagged_at"].tolist() == frame["tagged_at"].tolist()  # served from the cache


def test_cli_tag_json(tmp_path, capsys):
    path = tmp_path / "luat.txt"
    path.write_text(LAW, encoding="utf-8")
    assert main(["tag", str(path), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(r) == {"id", "topics"} for r in records)
    k1 = next(r for r in records if r["id"].endswith(":d1.k1"))
    assert {"discharge_control"} <= {t["topic"] for t in k1["topics"]}
    assert all({"topic", "subtopic", "score", "evidence"} <= set(t) for t in k1["topics"])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_rule_tagger_never_crashes(text):
    rules = RuleTagger()
    source = parse_text(text)[0].source
    for hit in rules.find(source.normalized):
        assert 0 <= hit.start < hit.end <= len(source.normalized)


# --- evaluation on real text -----------------------------------------------------------------------

def gold_labels() -> dict[str, set[str]]:
    data = yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))
    return {pid: set(v.get("topics") or []) | set(v.get("subtopics") or []) for pid, v in data["provisions"].items()}


@require_shared
def test_shared_excerpt_meets_the_targets():
    [doc] = parse(next((SHARED / "corpus").glob("luat-bao-ve-moi-truong-2020-trich-*.txt")),
                  SourceRegister.load(PROJECT_SOURCES))
    gold = gold_labels()
    assert set(gold) == {p.id for p in doc.provisions() if p.kind in ("article", "clause", "point")}
    frame = tag(doc)
    report = evaluate(frame, gold)
    combined = report[report["method"] == "combined"].set_index("label")
    for topic in TOPICS:
        assert combined.loc[topic, "f1"] >= 0.90, combined.loc[topic].to_dict()
    # No top-topic tag rests on "Nhà nước" / "nước ngoài" / "cả nước" style words.
    text = doc.source.text
    lookalikes = [m.span() for m in re.finditer(r"\b(?:nhà nước|nước ngoài|cả nước|đất nước)\b", text, re.I)]
    assert lookalikes, "the excerpt should contain such words for this check to mean something"
    for row in frame[frame["subtopic"].isna()].itertuples():
        for s, e in row.evidence:
            assert not any(ls < e and s < le for ls, le in lookalikes), (row.provision_id, text[s:e])
    false_water = [r.provision_id for r in frame[(frame["topic"] == "water_resources") & frame["subtopic"].isna()].itertuples()
                   if "water_resources" not in gold.get(r.provision_id, {"water_resources"})]
    assert len(false_water) <= 3, false_water


# --- people's labels of real law (tests/data/topics_real) -------------------------------------

TOPICS_REAL = Path(__file__).parent / "data" / "topics_real"


def real_labels():
    from policytrack.tagging.gold import read_labels

    return read_labels(sorted(TOPICS_REAL.glob("labels_*.yaml")))


def real_split() -> dict:
    return yaml.safe_load((TOPICS_REAL / "split.yaml").read_text(encoding="utf-8"))


def test_real_labels_are_enough_and_split_by_document():
    labels = real_labels()
    files = {g.file for g in labels}
    assert len({(g.file, g.provision_id) for g in labels}) >= 600
    assert len(files) >= 15
    assert all(g.labeller and g.date for g in labels)
    split = real_split()
    assert not set(split["dev"]) & set(split["test"])
    assert files <= set(split["dev"]) | set(split["test"]), files - set(split["dev"]) - set(split["test"])


@pytest.mark.parametrize("entry, problem", [
    ({"start": 1, "end": 5, "labels": ["water_resources.nonsense", "water_resources"]}, "unknown label"),
    ({"start": 1, "end": 5, "labels": ["water_resources.groundwater"]}, "subtopic without its topic"),
    ({"start": "1", "end": 5, "labels": []}, "integer start and end"),
])
def test_labels_file_is_validated(tmp_path, entry, problem):
    from policytrack.tagging.gold import read_labels

    path = tmp_path / "labels_X.yaml"
    path.write_text(yaml.safe_dump({"labeller": "x", "date": "2026-12-02", "documents": [
        {"file": "a.txt", "provisions": {"doc:d1": entry}}]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match=problem):
        read_labels([path])


def test_gold_carries_labels_up_within_one_file():
    from policytrack.tagging.gold import GoldLabel, gold_sets, key

    def g(file, pid, labels):
        return GoldLabel(file, "doc", pid, 0, 1, frozenset(labels), "r", "2026-12-02", "t")

    gold = gold_sets([g("a.txt", "doc:d1", []), g("a.txt", "doc:d1.k1", ["water_resources"]),
                      g("b.txt", "doc:d1", [])])
    assert gold[key("a.txt", "doc:d1")] == {"water_resources"}
    assert gold[key("b.txt", "other-id:d1")] == set()  # the file, not the parsed document id, decides


def test_the_default_tagger_trains_no_model(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the default tagger must not train a model")

    monkeypatch.setattr(TopicModel, "fit", refuse)
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "luat.txt").write_text(LAW, encoding="utf-8")
    frame = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False).tags()
    assert set(frame["method"]) == {"rule"}


@pytest.fixture(scope="module")
def real_scores():
    from policytrack.tagging.gold import check_offsets, gold_sets, tag_files

    from .conftest import REAL

    labels = real_labels()
    assert check_offsets(labels, REAL) == []
    split = real_split()
    out = {}
    for part in ("dev", "test"):
        files = sorted({g.file for g in labels} & set(split[part]))
        report = evaluate(tag_files(files, REAL, tag), gold_sets(labels, files))
        out[part] = report[report["method"] == "combined"].set_index("label")
    return out


# Floors a little under the figures of BENCHMARKS.md: they catch a regression, they are not
# the targets (issue 15 asks F1 ≥ 0.93 on the test part; where that is not reached the
# benchmark says so).
REAL_FLOORS = {("dev", "discharge_control"): 0.93, ("dev", "water_resources"): 0.91,
               ("test", "discharge_control"): 0.80, ("test", "water_resources"): 0.78}


@require_real
@pytest.mark.parametrize("part, topic", sorted(REAL_FLOORS))
def test_rule_tagger_on_real_law(real_scores, part, topic):
    row = real_scores[part].loc[topic]
    assert row["f1"] >= REAL_FLOORS[(part, topic)], row.to_dict()


def test_two_readers_agree_on_the_top_topics():
    from policytrack.tagging.gold import agreement

    frame = agreement(real_labels()).set_index("label")
    assert frame.loc["discharge_control", "provisions"] >= 100
    for topic in TOPICS:
        assert frame.loc[topic, "kappa"] >= 0.8, frame.loc[topic].to_dict()


def _evidence_outside(doc, frame) -> list:
    """Evidence spans of a tag table that are neither in their provision nor in the own text
    (heading, lead-in) of a unit above it."""
    bad = []
    for row in frame.itertuples():
        prov = doc[row.provision_id]
        allowed = [(prov.start, prov.end)] + [a.own_text_span() for a in doc.ancestors(prov) if a.kind != "document"]
        for s, e in row.evidence:
            if not any(lo <= s and e <= hi for lo, hi in allowed):
                bad.append((row.provision_id, row.topic, row.subtopic, (s, e)))
    return bad


def test_evidence_is_in_the_provision_or_a_heading_above_it():
    corpus = Corpus.load(Path(__file__).resolve().parents[1] / "corpus", progress=False, cache_dir=False)
    frame = corpus.tags()
    assert len(frame)
    for doc in corpus:
        assert _evidence_outside(doc, frame[frame["document_id"] == doc.id]) == []


@require_real
def test_evidence_on_real_law_is_in_the_provision_or_a_heading_above_it():
    from .conftest import REAL

    for name in sorted({g.file for g in real_labels()})[:8]:
        for doc in parse(REAL / name):
            assert _evidence_outside(doc, tag(doc)) == [], name


SYLLABLES = ["nước", "thải", "xả", "nguồn", "quan", "trắc", "xử", "lý", "giấy", "phép", "môi", "trường"]


@settings(max_examples=150, deadline=None)
@given(phrases=st.lists(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12),
       words=st.lists(st.sampled_from(SYLLABLES + ["và", ",", "nhà", "\n"]), max_size=40))
def test_the_factored_pattern_finds_what_a_flat_alternation_finds(phrases, words):
    """The matcher's one regular expression, factored by prefixes for speed, matches at
    every position exactly what the plain longest-first alternation of the phrases does."""
    from policytrack.tagging.rules import _alternation

    text = " ".join(words)
    flat = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))
    def spans(alternation):
        pattern = re.compile(r"(?<!\w)(?=(" + alternation + r")(?!\w))")
        return [m.span(1) for m in pattern.finditer(text)]
    assert spans(_alternation(set(phrases))) == spans(flat)
