"""Speed work changes no result (issue 16): the parallel and single-process paths, warm and
cold runs, the tables and the objects, give the same provisions, references, citation
graph, tags and links row by row, on the shipped corpus and on ../shared/real-corpus; a
changed file invalidates only its own cache entries; a warm report neither rebuilds the
provisions nor rewrites provisions.csv; docs/SCALING.md's Dask example works."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from policytrack import Corpus, _pool, frames
from policytrack.citations import find_references, references_frame, resolve
from policytrack.citations import table as reftable
from policytrack.tagging import THRESHOLD, RuleTagger, combine
from policytrack.tagging.combine import TAG_COLUMNS, tag_rows

from .conftest import REAL, ROOT, require_real

SHIPPED = ROOT / "corpus"
LAW = "LUẬT\nTHỬ NGHIỆM SỐ {n}\n\nĐiều 1. Phạm vi\n1. Theo khoản 2 Điều này và Điều 2.\n2. Quan trắc.\n\nĐiều 2. Áp dụng\nÁp dụng Điều 1 của Luật Thử nghiệm số {m}.\n"


def _objects(corpus: Corpus):
    """The references and graph as the objects give them (the path before the table)."""
    from policytrack.citations import citation_graph

    refs = resolve([r for d in corpus for r in find_references(d)], corpus)
    return references_frame(refs), citation_graph(corpus, refs)


def _graph_rows(g):
    return list(g.nodes(data=True)), list(g.edges(keys=True, data=True))


def _untimed(tags):
    """The tags without ``tagged_at``: the second each run tagged in."""
    return tags.drop(columns=["tagged_at"])


def _same(a: Corpus, b: Corpus, *, same_run: bool = False, **tags) -> None:
    """Row by row: documents, provisions, references, graph, tags (``same_run``: with the
    time they were tagged at, as a warm run reads it back)."""
    assert [d.id for d in a] == [d.id for d in b]
    assert a.provisions().equals(b.provisions())
    ra, rb = a.references(), b.references()
    assert list(ra.columns) == list(rb.columns) and len(ra) == len(rb)
    assert ra.equals(rb)
    assert _graph_rows(a.citation_graph()) == _graph_rows(b.citation_graph())
    ta, tb = a.tags(**tags), b.tags(**tags)
    assert list(ta.columns) == TAG_COLUMNS and len(ta) == len(tb)
    assert ta.equals(tb) if same_run else _untimed(ta).equals(_untimed(tb))


def _tag_rows_frame(corpus: Corpus):
    """The tags as the rows give them (the path before the tables), one document after another."""
    import pandas as pd

    rules = RuleTagger()
    rows = [row for doc in corpus for row in tag_rows(doc, rules, None, THRESHOLD, "then")]
    return pd.DataFrame(rows, columns=TAG_COLUMNS)


def _check_paths(folder: Path, tmp_path: Path, **load) -> None:
    single = Corpus.load(folder, cache_dir=False, workers=1, progress=False, **load)
    parallel = Corpus.load(folder, cache_dir=False, workers=2, progress=False, **load)
    assert len(single) >= _pool.PARALLEL_MIN  # the pool really ran
    _same(single, parallel)
    # the table gives what the objects give
    frame, graph = _objects(single)
    assert single.references().equals(frame)
    assert _graph_rows(single.citation_graph()) == _graph_rows(graph)
    # one process against two for the references themselves
    assert single.references().equals(parallel.references(workers=2))
    # the tags: one process against two, and the columns against the rows
    one, two = single.tags(workers=1), parallel.tags(workers=2)
    assert _untimed(one).equals(_untimed(two)) and len(one) > 0
    rows = _tag_rows_frame(single)
    assert list(one.columns) == list(rows.columns) and one.dtypes.equals(rows.dtypes)
    assert _untimed(one).equals(_untimed(rows))
    assert all(isinstance(e, list) and all(type(s) is tuple and len(s) == 2 for s in e) for e in one["evidence"])
    # the provisions from their tables, against the rows of the objects
    assert single.provisions().equals(frames.provisions_frame(single.docs))
    # warm against cold, through the cache
    cold = Corpus.load(folder, cache_dir=tmp_path / "cache", workers=2, progress=False, **load)
    _same(single, cold, workers=2)
    warm = Corpus.load(folder, cache_dir=tmp_path / "cache", workers=2, progress=False, **load)
    assert warm.cache_hits == len(warm.files)
    _same(cold, warm, same_run=True)
    # a lazy corpus (documents left in the cache) gives every table and view the same rows
    lazy = Corpus.load(folder, cache_dir=tmp_path / "cache", workers=2, progress=False, lazy=True, **load)
    assert lazy.lazy and not warm.lazy
    _same(warm, lazy, same_run=True)
    assert warm.documents().equals(lazy.documents())
    fresh = Corpus.load(folder, cache_dir=tmp_path / "lazy-cold", workers=2, progress=False, lazy=True, **load)
    _same(single, fresh, workers=2)
    # streaming the folder gives the documents the load gives
    streamed = list(Corpus.iter_folder(folder, cache_dir=tmp_path / "cache", window=3, progress=False, **load))
    assert [d.id for d in streamed] == [d.id for d in warm]
    assert Corpus(streamed).provisions().equals(warm.provisions())


def test_shipped_corpus_same_results_parallel_single_warm_cold(tmp_path):
    _check_paths(SHIPPED, tmp_path)


@require_real
def test_real_corpus_same_results_parallel_single_warm_cold(tmp_path):
    logging.disable(logging.WARNING)  # the real texts warn by the hundred (BENCHMARKS.md)
    try:
        _check_paths(REAL, tmp_path, sources=SHIPPED / "sources.csv")
    finally:
        logging.disable(logging.NOTSET)


def _law_folder(tmp_path: Path, n: int = 6) -> Path:
    folder = tmp_path / "laws"
    folder.mkdir()
    for i in range(n):
        (folder / f"luat-{i}.txt").write_text(LAW.format(n=i, m=(i + 1) % n), encoding="utf-8")
    return folder


def _count_extractions(monkeypatch) -> list:
    seen = []
    real = reftable.document_table

    def counting(doc):
        seen.append(doc.id)
        return real(doc)

    monkeypatch.setattr(reftable, "document_table", counting)
    return seen


def test_a_warm_run_reads_the_references_back_and_a_changed_file_costs_only_its_own(tmp_path, monkeypatch):
    folder = _law_folder(tmp_path)
    cache = tmp_path / "cache"
    seen = _count_extractions(monkeypatch)
    cold = Corpus.load(folder, cache_dir=cache, progress=False).references(workers=1)
    assert len(seen) == 6 and not cold.empty
    assert len(list(cache.glob("doc-references-*.parquet"))) == 6
    seen.clear()
    warm = Corpus.load(folder, cache_dir=cache, progress=False).references(workers=1)
    assert seen == [] and warm.equals(cold)
    (folder / "luat-3.txt").write_text(LAW.format(n=3, m=5) + "\nĐiều 3. Mới\nTheo Điều 1.\n", encoding="utf-8")
    changed = Corpus.load(folder, cache_dir=cache, progress=False)
    after = changed.references(workers=1)
    assert seen == ["luat-thu-nghiem-so-3"]  # the other five come from their entries
    fresh = Corpus.load(folder, cache_dir=False, progress=False)
    assert after.equals(fresh.references())
    assert "luat-thu-nghiem-so-3:d3" in set(after["citing_provision"])


def _count(monkeypatch, module, name: str) -> list:
    """Calls of ``module.name`` (a per-document stage), by document id."""
    seen = []
    real = getattr(module, name)

    def counting(doc, *args, **kwargs):
        seen.append(doc.id)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return seen


def test_a_warm_run_reads_the_tags_and_provisions_back_and_a_changed_file_costs_only_its_own(tmp_path, monkeypatch):
    folder = _law_folder(tmp_path)
    (folder / "luat-2.txt").write_text(LAW.format(n=2, m=3) + "\nĐiều 3. Xả thải\nXả nước thải vào nguồn nước.\n",
                                       encoding="utf-8")
    cache = tmp_path / "cache"
    tagged = _count(monkeypatch, combine, "tag_rows")
    tabled = _count(monkeypatch, frames, "provisions_table")
    cold = Corpus.load(folder, cache_dir=cache, progress=False)
    cold_tags, cold_provisions = cold.tags(workers=1), cold.provisions(workers=1)
    assert len(tagged) == 6 and len(tabled) == 6 and len(cold_tags) > 0
    assert len(list(cache.glob("doc-tags-*.parquet"))) == 6 and len(list(cache.glob("doc-provisions-*.parquet"))) == 6
    tagged.clear()
    tabled.clear()
    warm = Corpus.load(folder, cache_dir=cache, progress=False)
    assert warm.tags(workers=1).equals(cold_tags) and warm.provisions(workers=1).equals(cold_provisions)
    assert tagged == [] and tabled == []
    (folder / "luat-3.txt").write_text(LAW.format(n=3, m=5) + "\nĐiều 3. Nước thải\nThu gom nước thải.\n",
                                       encoding="utf-8")
    changed = Corpus.load(folder, cache_dir=cache, progress=False)
    after_tags, after_provisions = changed.tags(workers=1), changed.provisions(workers=1)
    assert tagged == ["luat-thu-nghiem-so-3"] and tabled == ["luat-thu-nghiem-so-3"]
    fresh = Corpus.load(folder, cache_dir=False, progress=False)
    assert _untimed(after_tags).equals(_untimed(fresh.tags())) and after_provisions.equals(fresh.provisions())
    assert "luat-thu-nghiem-so-3:d3" in set(after_tags["provision_id"])
    kept = after_tags[after_tags["document_id"] != "luat-thu-nghiem-so-3"]
    assert set(kept["tagged_at"]) == set(cold_tags["tagged_at"])  # the others read back, not tagged again


def test_streaming_a_folder_parses_a_window_at_a_time_and_renames_as_the_corpus_does(tmp_path):
    folder = _law_folder(tmp_path)
    shutil.copy(folder / "luat-1.txt", folder / "luat-1-ban-sao.txt")  # two files with one id: the later ~2
    loaded = Corpus.load(folder, cache_dir=False, progress=False)
    stream = Corpus.iter_folder(folder, cache_dir=False, window=2, progress=False)
    docs = iter(stream)
    first = next(docs)
    assert first.id == loaded.docs[0].id
    rest = list(docs)
    assert [d.id for d in [first, *rest]] == [d.id for d in loaded] and "luat-thu-nghiem-so-1~2" in loaded
    assert Corpus([first, *rest]).provisions().equals(loaded.provisions())
    assert stream.errors == [] and stream.files == loaded.files


def test_a_lazy_corpus_holds_a_few_files_and_renames_as_the_corpus_does(tmp_path):
    from policytrack import PolicytrackError
    from policytrack.corpus import StoredDocuments

    folder = _law_folder(tmp_path)
    shutil.copy(folder / "luat-1.txt", folder / "luat-1-ban-sao.txt")  # two files with one id: the later ~2
    loaded = Corpus.load(folder, cache_dir=False, progress=False)
    lazy = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False, lazy=True)
    assert isinstance(lazy.docs, StoredDocuments)
    lazy.docs.keep = 2  # of the 7 files
    assert [d.id for d in lazy] == [d.id for d in loaded] and "luat-thu-nghiem-so-1~2" in lazy
    assert len(lazy.docs._files) == 2  # only the last two files' documents stay in memory
    renamed = lazy["luat-thu-nghiem-so-1~2"]
    assert renamed.root.id == "luat-thu-nghiem-so-1~2" and renamed.source.path.endswith("luat-1.txt")
    assert lazy.by_number(loaded.docs[0].meta.number or loaded.docs[0].id).id == loaded.docs[0].id
    assert lazy.document_digests() == loaded.document_digests()
    assert lazy.sizes() == loaded.sizes() and lazy.paths() == loaded.paths()
    with pytest.raises(PolicytrackError, match="cache_dir"):
        Corpus.load(folder, cache_dir=False, lazy=True)
    for entry in (tmp_path / "cache").glob("docs-*"):
        entry.unlink()
    lazy.docs._files.clear()
    with pytest.raises(PolicytrackError, match="no longer in the cache"):
        lazy.docs[0]


def test_tag_entries_not_signed_by_the_user_are_misses_and_rebuilt(tmp_path, caplog):
    folder = _law_folder(tmp_path, n=2)
    cache = tmp_path / "cache"
    cold = Corpus.load(folder, cache_dir=cache, progress=False).tags()
    for entry in cache.glob("*tags*.parquet"):
        entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")
    with caplog.at_level(logging.WARNING):
        again = Corpus.load(folder, cache_dir=cache, progress=False).tags()
    assert _untimed(again).equals(_untimed(cold))
    assert "not signed by this user's cache key" in caplog.text


def test_the_tag_table_is_columns_and_evidence_keeps_its_spans():
    corpus = Corpus.load(SHIPPED, cache_dir=False, progress=False)
    table = corpus.tag_table()
    assert type(table).__module__.startswith("pyarrow") and table.column_names == TAG_COLUMNS
    import pyarrow as pa

    evidence = table.schema.field("evidence").type
    assert pa.types.is_list(evidence)
    assert evidence.value_type == pa.struct([("start", pa.int64()), ("end", pa.int64())])
    frame = combine.tags_frame(table)
    spans = table.column("evidence").to_pylist()
    assert [[(s["start"], s["end"]) for s in row] for row in spans] == list(frame["evidence"])
    assert combine.tags_frame(combine.tag_schema().empty_table()).equals(_tag_rows_frame(Corpus([])))


def test_links_are_the_same_from_the_cached_index_and_warm_or_cold(tmp_path):
    from policytrack import Register, link
    from policytrack.linking import LinkIndex

    register = Register.load(ROOT / "recommendations.csv")
    cold_corpus = Corpus.load(SHIPPED, cache_dir=tmp_path / "cache", progress=False)
    cold = link(register, cold_corpus)
    assert len(list((tmp_path / "cache").glob("link-index-*.parquet"))) == 2  # its terms and its size
    warm = link(register, Corpus.load(SHIPPED, cache_dir=tmp_path / "cache", progress=False))
    assert cold.equals(warm) and len(cold) > 0
    uncached = link(register, Corpus.load(SHIPPED, cache_dir=False, progress=False))
    assert cold.equals(uncached)
    built = LinkIndex.build(cold_corpus)
    read = LinkIndex.cached(Corpus.load(SHIPPED, cache_dir=tmp_path / "cache", progress=False))
    assert built.vocabulary == read.vocabulary and (built.matrix != read.matrix).nnz == 0
    for query in ("nước thải công nghiệp", "giấy phép môi trường quan trắc", ""):
        assert built.search(query, 5) == read.search(query, 5)


def test_a_warm_report_keeps_provisions_csv_and_does_not_rebuild_the_provisions(tmp_path, monkeypatch):
    from policytrack import build_report

    monkeypatch.setenv("POLICYTRACK_CACHE", str(tmp_path / "cache"))
    args = (ROOT / "recommendations.csv", SHIPPED, tmp_path / "out")
    first = build_report(*args, quiet=True)
    csv = tmp_path / "out" / "provisions.csv"
    assert csv in first.written
    before = csv.stat()
    tabled = _count(monkeypatch, frames, "provisions_table")
    rows = _count(monkeypatch, frames, "provisions_frame")
    second = build_report(*args, quiet=True)
    assert tabled == [] and rows == []
    after = csv.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not written again
    assert csv in second.written and not second.errors
    from policytrack.report.folder import read_manifest

    assert read_manifest(tmp_path / "out").files.keys() == {
        p.relative_to(tmp_path / "out").as_posix() for p in second.written}
    csv.write_text(csv.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")  # a person's edit: kept aside
    third = build_report(*args, quiet=True)
    assert csv in third.written and "edited" not in csv.read_text(encoding="utf-8")
    assert any("provisions.edited-" in p.where or "provisions.edited-" in p.what for p in third.problems)


def test_a_table_entry_not_signed_by_the_user_is_a_miss_and_rebuilt(tmp_path, caplog):
    folder = _law_folder(tmp_path, n=2)
    cache = tmp_path / "cache"
    cold = Corpus.load(folder, cache_dir=cache, progress=False).references()
    for entry in cache.glob("*.parquet"):
        entry.write_bytes(entry.read_bytes()[:-7] + b"garbage")
    with caplog.at_level(logging.WARNING):
        again = Corpus.load(folder, cache_dir=cache, progress=False).references()
    assert again.equals(cold)
    assert "not signed by this user's cache key" in caplog.text


def test_the_reference_table_is_columns_with_the_public_fields(tmp_path):
    corpus = Corpus.load(SHIPPED, cache_dir=False, progress=False)
    table = corpus.reference_table()
    assert type(table).__module__.startswith("pyarrow")
    from policytrack.citations.output import RECORD_FIELDS

    assert set(RECORD_FIELDS) <= set(table.column_names)
    assert table.num_rows == len(corpus.references())


def test_the_pool_gives_what_the_loop_gives():
    items = list(range(30))
    assert list(_pool.run(abs, [-i for i in items], workers=2, progress=False)) == items
    assert list(_pool.run(abs, [-i for i in items], workers=1, progress=False)) == items


def test_the_progress_bar_shows_documents_and_megabytes(capsys):
    list(_pool.run(abs, list(range(25)), workers=1, progress=True, desc="parsing", sizes=[2_000_000] * 25))
    err = capsys.readouterr().err
    assert "parsing" in err and "doc/s" in err and "50.0 MB" in err and "MB/s" in err


# --- docs/SCALING.md: the per-document stages on Dask ---------------------------------------


def _scaling_example(needle: str = "dask.bag") -> str:
    text = (ROOT / "docs" / "SCALING.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if needle in b]
    assert blocks, f"docs/SCALING.md has no python example with {needle}"
    return blocks[0]


def test_the_streaming_example_of_scaling_md_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYTRACK_CACHE", str(tmp_path / "cache"))
    code = _scaling_example("iter_folder").replace('"corpus"', repr(str(SHIPPED)))
    scope: dict = {}
    exec(compile(code, "docs/SCALING.md", "exec"), scope)
    assert scope["stream"].errors == [] and scope["stream"].files == Corpus.load(SHIPPED, cache_dir=False).files


def test_the_dask_example_of_scaling_md_runs_on_a_local_cluster(tmp_path):
    pytest.importorskip("dask.bag", reason="dask is not installed (pip install '.[test]')")
    pytest.importorskip("distributed", reason="distributed is not installed (pip install '.[test]')")
    folder = tmp_path / "corpus"
    shutil.copytree(SHIPPED, folder)
    shutil.copy(folder / "mau-cong-van.txt", folder / "ban-sao.txt")  # two files with one id: renamed ~2
    code = _scaling_example().replace('Path("corpus")', f"Path({str(folder)!r})")
    scope: dict = {}
    exec(compile(code, "docs/SCALING.md", "exec"), scope)
    expected = Corpus.load(folder, cache_dir=False, progress=False)
    assert [d.id for d in scope["corpus"]] == [d.id for d in expected]
    assert scope["provisions"].equals(expected.provisions())
    assert scope["references"].equals(expected.references())


def test_a_warm_lazy_load_reads_the_heads_alone(tmp_path, monkeypatch):
    """The second lazy load of an unchanged folder reads each file's small heads entry, not
    its documents; a cache filled by an eager load gives its heads too (and stores them)."""
    from policytrack.cache import Cache

    folder = _law_folder(tmp_path, n=3)
    eager = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False)
    assert not list((tmp_path / "cache").glob("doc-heads-*"))
    first = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False, lazy=True)  # heads from the documents
    assert len(list((tmp_path / "cache").glob("doc-heads-*"))) == len(eager.files)
    kinds = []
    real_get = Cache.get
    monkeypatch.setattr(Cache, "get", lambda self, kind, key, *a, **k: kinds.append(kind) or real_get(self, kind, key, *a, **k))
    warm = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False, lazy=True)
    assert "docs" not in kinds and kinds.count("doc-heads") == len(eager.files)
    assert warm.heads() == first.heads() and warm.document_digests() == eager.document_digests()
    monkeypatch.undo()
    assert warm.provisions().equals(eager.provisions())
    # heads whose documents left the cache are not trusted: the file is parsed again
    for entry in (tmp_path / "cache").glob("docs-*"):
        entry.unlink()
    again = Corpus.load(folder, cache_dir=tmp_path / "cache", progress=False, lazy=True)
    assert again.cache_hits == 0 and again.provisions().equals(eager.provisions())
    # the same files in another folder: the heads carry the new paths
    moved = tmp_path / "moved"
    shutil.copytree(folder, moved)
    there = Corpus.load(moved, cache_dir=tmp_path / "cache", progress=False, lazy=True)
    assert all(p.startswith(str(moved)) for p in there.paths())
