"""Speed work changes no result (issue 16): the parallel and single-process paths, warm and
cold runs, the reference table and the objects, give the same provisions, references and
citation graph row by row, on the shipped corpus and on ../shared/real-corpus; a changed
file invalidates only its own cache entries; docs/SCALING.md's Dask example works."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from policytrack import Corpus, _pool
from policytrack.citations import find_references, references_frame, resolve
from policytrack.citations import table as reftable

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


def _same(a: Corpus, b: Corpus) -> None:
    """Row by row: documents, provisions, references, graph."""
    assert [d.id for d in a] == [d.id for d in b]
    assert a.provisions().equals(b.provisions())
    ra, rb = a.references(), b.references()
    assert list(ra.columns) == list(rb.columns) and len(ra) == len(rb)
    assert ra.equals(rb)
    assert _graph_rows(a.citation_graph()) == _graph_rows(b.citation_graph())


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
    # warm against cold, through the cache
    cold = Corpus.load(folder, cache_dir=tmp_path / "cache", workers=2, progress=False, **load)
    _same(single, cold)
    warm = Corpus.load(folder, cache_dir=tmp_path / "cache", workers=2, progress=False, **load)
    assert warm.cache_hits == len(warm.files)
    _same(cold, warm)


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


def _scaling_example() -> str:
    text = (ROOT / "docs" / "SCALING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "docs/SCALING.md has no python example"
    return blocks[0]


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
