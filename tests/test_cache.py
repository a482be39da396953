"""The cache: content keys, signed entries, refusal of foreign files; every read checked, so a
wrong-typed, truncated or misplaced entry and a malformed index are misses, never crashes."""

from __future__ import annotations

import json
import logging
import os
import pickle

import pytest

from policytrack import Corpus
from policytrack.cache import Cache, _seal_json, code_digest


def test_a_disabled_cache_misses_and_writes_nothing(tmp_path):
    cache = Cache(None)
    cache.put("x", "k", 1)
    assert cache.get("x", "k") is None and not cache


def test_round_trip_and_keys(tmp_path):
    cache = Cache(tmp_path)
    cache.put("x", cache.key("a", b"b"), {"v": [1, 2]})
    assert cache.get("x", cache.key("a", b"b")) == {"v": [1, 2]}
    assert cache.key("a", "b") != cache.key("ab") and cache.key("a") == Cache(None).key("a")
    assert len(code_digest()) == 64


def test_the_key_file_is_private(tmp_path):
    Cache(tmp_path).put("x", "k", 1)
    mode = (tmp_path / ".key").stat().st_mode & 0o777
    assert mode & 0o077 == 0


@pytest.mark.parametrize("forge", [
    lambda payload, secret: payload,                              # a bare pickle
    lambda payload, secret: b"PTC1" + b"\0" * 32 + payload,        # the header, a wrong signature
    lambda payload, secret: b"PTC1" + secret[:32] + payload,       # the key itself is no signature
])
def test_an_entry_not_signed_with_the_users_key_is_never_unpickled(tmp_path, forge):
    cache = Cache(tmp_path)
    cache.put("x", "k", "genuine")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    secret = (tmp_path / ".key").read_bytes()
    (tmp_path / "x-k.pkl").write_bytes(forge(pickle.dumps(Planted()), secret))
    assert Cache(tmp_path).get("x", "k") is None
    assert not marker.exists()


def _entry(tmp_path, value=None):
    """A genuine entry ``x``/``k`` and its bytes."""
    cache = Cache(tmp_path)
    cache.put("x", "k", list(range(100)) if value is None else value)
    return cache, (tmp_path / "x-k.pkl").read_bytes()


@pytest.mark.parametrize("cut", [0, 3, 4, 20, 36, 38, 40, -1])
def test_a_truncated_entry_is_a_miss_with_a_warning(tmp_path, caplog, cut):
    _, blob = _entry(tmp_path)
    (tmp_path / "x-k.pkl").write_bytes(blob[:cut])
    assert Cache(tmp_path).get("x", "k") is None
    assert str(tmp_path / "x-k.pkl") in caplog.text


def test_an_entry_copied_under_another_key_is_refused(tmp_path, caplog):
    _, blob = _entry(tmp_path, "the entry of k")
    (tmp_path / "x-other.pkl").write_bytes(blob)
    assert Cache(tmp_path).get("x", "other") is None
    assert "holds the entry x/k, not x/other" in caplog.text


def test_an_entry_of_the_previous_format_is_a_miss(tmp_path, caplog):
    import hashlib
    import hmac

    _entry(tmp_path)
    payload = pickle.dumps("old")
    secret = (tmp_path / ".key").read_bytes()
    (tmp_path / "x-k.pkl").write_bytes(b"PTC1" + hmac.new(secret, payload, hashlib.sha256).digest() + payload)
    assert Cache(tmp_path).get("x", "k") is None and "not a cache entry of this version" in caplog.text


def test_a_folder_where_an_entry_belongs_is_a_miss_with_a_warning(tmp_path, caplog):
    Cache(tmp_path).put("x", "other", 1)
    (tmp_path / "x-k.pkl").mkdir()
    assert Cache(tmp_path).get("x", "k") is None and str(tmp_path / "x-k.pkl") in caplog.text


def test_a_value_that_cannot_be_pickled_is_not_cached_and_not_an_error(tmp_path, caplog):
    Cache(tmp_path).put("x", "k", lambda: None)
    assert Cache(tmp_path).get("x", "k") is None and "cannot be pickled" in caplog.text


class Impostor:
    """Looks like nothing the package stores."""


@pytest.mark.parametrize("kind, wrong", [
    ("docs", "not a list"),
    ("docs", ["a str, not a Document"]),
    ("docs", [Impostor()]),
    ("docs", None),
    ("tags", [("a", "tuple")]),
    ("tags", {"provision_id": "x"}),
    ("references", [1, 2]),
    ("link-index", []),
    ("topic-model", {"labels": []}),
])
def test_a_signed_entry_of_the_wrong_type_is_a_miss_with_a_warning(tmp_path, caplog, kind, wrong):
    cache = Cache(tmp_path)
    cache.put(kind, "k", wrong)  # the module's own signature: only the type is wrong
    with caplog.at_level(logging.WARNING, "policytrack.cache"):
        assert cache.get(kind, "k") is None
    assert str(tmp_path / f"{kind}-k.pkl") in caplog.text and "belongs" in caplog.text


def test_a_caller_can_name_what_it_expects(tmp_path):
    from policytrack.cache import Expect

    cache = Cache(tmp_path)
    cache.put("mine", "k", ["a", "b"])
    assert cache.get("mine", "k", expect=Expect("builtins.str", each=True)) == ["a", "b"]
    assert cache.get("mine", "k", expect=Expect("builtins.int", each=True)) is None


def test_json_side_files(tmp_path):
    cache = Cache(tmp_path)
    cache.write_json("notes.json", {"a": [1, 2]})
    assert cache.read_json("notes.json") == {"a": [1, 2]} and cache.read_json("missing.json") is None


def test_a_json_side_file_copied_under_another_name_is_refused(tmp_path, caplog):
    cache = Cache(tmp_path)
    cache.write_json("notes.json", {"a": 1})
    (tmp_path / "other.json").write_bytes((tmp_path / "notes.json").read_bytes())
    assert cache.read_json("other.json") is None and str(tmp_path / "other.json") in caplog.text


# --- through the corpus: the right document always comes back -------------------------------
LAW = "LUẬT\n{title}\n\nĐiều 1. Phạm vi\n1. {text}\n"


@pytest.fixture()
def folder(tmp_path):
    """Two documents, their corpus cache warm: ``(folder, cache folder)``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(LAW.format(title="NƯỚC THẢI", text="Nước thải phải được xử lý."), encoding="utf-8")
    (docs / "b.txt").write_text(LAW.format(title="THỦY VĂN", text="Quan trắc thủy văn định kỳ."), encoding="utf-8")
    Corpus.load(docs, cache_dir=tmp_path / "cache", progress=False)
    return docs, tmp_path / "cache"


def _load(folder):
    docs, cache = folder
    return Corpus.load(docs, cache_dir=cache, progress=False)


def _right(corpus) -> bool:
    """Each file's document is its own (its id and its text come from that file)."""
    by_file = {os.path.basename(d.source.path): d for d in corpus.docs}
    return (sorted(by_file) == ["a.txt", "b.txt"] and by_file["a.txt"].id == "luat-nuoc-thai"
            and by_file["b.txt"].id == "luat-thuy-van" and "Nước thải" in by_file["a.txt"].text
            and "thủy văn" in by_file["b.txt"].text)


def _index(folder) -> dict:
    return Cache(folder[1]).read_json("index.json")


def _digest_of(folder, name: str) -> str:
    [row] = [row for path, row in _index(folder).items() if path.endswith(name)]
    return row[2]


def test_a_warm_load_uses_the_signed_index_and_entries(folder):
    corpus = _load(folder)
    assert corpus.cache_hits == 2 and _right(corpus)


@pytest.mark.parametrize("planted", [
    ["a str, not a Document"],
    "not a list",
    [Impostor()],
    {"a.txt": "a dict"},
])
def test_a_wrong_typed_docs_entry_is_reparsed(folder, caplog, planted):
    Cache(folder[1]).put("docs", _digest_of(folder, "a.txt"), planted)
    corpus = _load(folder)
    assert _right(corpus) and corpus.cache_hits == 1 and "docs-" in caplog.text


def test_another_files_entry_under_this_files_key_is_reparsed(folder, caplog):
    cache = folder[1]
    a, b = _digest_of(folder, "a.txt"), _digest_of(folder, "b.txt")
    (cache / f"docs-{a}.pkl").write_bytes((cache / f"docs-{b}.pkl").read_bytes())
    corpus = _load(folder)
    assert _right(corpus) and f"holds the entry docs/{b}" in caplog.text


def test_an_index_edited_to_point_a_file_at_another_files_entry_is_not_believed(folder, caplog):
    """The index is signed: an edited one (without its signature line, or with the old one) is rebuilt."""
    cache = folder[1]
    index = _index(folder)
    rows = {os.path.basename(path): row for path, row in index.items()}
    rows["a.txt"][2], rows["b.txt"][2] = rows["b.txt"][2], rows["a.txt"][2]
    head = (cache / "index.json").read_bytes().split(b"\n", 1)[0]
    for tampered in (json.dumps(index).encode(), head + b"\n" + json.dumps(index).encode()):
        (cache / "index.json").write_bytes(tampered)
        corpus = _load(folder)
        assert _right(corpus) and str(cache / "index.json") in caplog.text
        assert _index(folder) is not None  # rebuilt


def _signed_index(folder, value) -> bytes:
    """``value`` as an index with a valid signature: only its shape is wrong."""
    secret = (folder[1] / ".key").read_bytes()
    return _seal_json(secret, "index.json", json.dumps(value))


INDEXES = {
    "garbage": lambda folder, index: b"\x00\xff{{{",
    "truncated": lambda folder, index: (folder[1] / "index.json").read_bytes()[:-7],
    "empty": lambda folder, index: b"",
    "a list, signed": lambda folder, index: _signed_index(folder, list(index)),
    "short rows, signed": lambda folder, index: _signed_index(folder, {p: r[:2] for p, r in index.items()}),
    "wrong types, signed": lambda folder, index: _signed_index(folder, {p: ["1", None, 3, {}] for p in index}),
    "a digest that is not one, signed": lambda folder, index: _signed_index(
        folder, {p: [*r[:2], "../../etc/passwd", r[3]] for p, r in index.items()}),
    "not JSON, signed": lambda folder, index: _signed_index(folder, index)[:-1] + b"\xff",
}


@pytest.mark.parametrize("case", INDEXES)
def test_a_malformed_index_is_rebuilt_and_the_right_documents_come_back(folder, caplog, case):
    index = _index(folder)
    (folder[1] / "index.json").write_bytes(INDEXES[case](folder, index))
    corpus = _load(folder)
    assert _right(corpus) and corpus.cache_hits == 2  # the entries themselves were sound
    assert str(folder[1] / "index.json") in caplog.text
    assert _index(folder) == index



def test_a_table_round_trips_signed_and_can_be_read_a_few_columns_at_a_time(tmp_path, caplog):
    import pyarrow as pa

    cache = Cache(tmp_path)
    table = pa.table({"id": ["a", "b"], "text": ["một", "hai"], "start": [0, 4]})
    cache.put_table("thing", "k1", table)
    assert cache.get_table("thing", "k1").equals(table)
    assert cache.get_table("thing", "k1", ["start", "id"], select=True).column_names == ["start", "id"]
    assert cache.get_table("thing", "k1", ["id", "nope"], select=True) is None  # a missing column is a miss
    assert "lacks the columns nope" in caplog.text
    path = next(p for p in tmp_path.iterdir() if p.name.startswith("thing"))
    blob = bytearray(path.read_bytes())
    blob[-30] ^= 1  # the Parquet, signed with the entry, is never read once altered
    path.write_bytes(bytes(blob))
    assert cache.get_table("thing", "k1") is None


def test_a_warm_stage_reads_only_the_columns_it_needs(folder):
    """``reference_table(columns=…)`` on a warm cache reads those columns alone, and does not
    leave the partial table where the whole is expected."""
    whole = _load(folder).reference_table()
    corpus = _load(folder)
    part = corpus.reference_table(columns=["text", "start"])
    assert part.column_names == ["text", "start"] and part.equals(whole.select(["text", "start"]))
    assert corpus.reference_table().equals(whole)
    assert corpus.citation_graph().number_of_edges() == _load(folder).citation_graph().number_of_edges()
