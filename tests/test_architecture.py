"""The package's import graph follows docs/ARCHITECTURE.md, and the seams hold: no stale
cache after a sources.csv edit, ids independent of where the package is installed, no
code run from a file planted in the cache folder."""

from __future__ import annotations

import ast
import os
import pickle
import re
import shutil
import sys
from pathlib import Path

import pytest

import policytrack
from policytrack import Corpus, parse
from policytrack.cache import Cache
from policytrack.register import Register
from policytrack.sources import SourceRegister

from .conftest import PROJECT_SOURCES, ROOT
from .test_register import row, write

PACKAGE = Path(policytrack.__file__).parent


def _layers() -> list[list[str]]:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S).group(1)
    return [line.split() for line in block.splitlines() if line.strip()]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package imported anywhere in a file (functions included), except
    under ``if TYPE_CHECKING:``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("policytrack"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("policytrack"):
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in modules else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, modules) for f in files}


def _component(module: str) -> str:
    """``policytrack.header.fields`` → ``header``; ``policytrack.parse`` → ``parse``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_import_graph_has_no_cycle():
    graph = _graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_imports_follow_the_documented_direction():
    layer_of = {name: i for i, names in enumerate(_layers()) for name in names}
    graph = _graph()
    undocumented = sorted({_component(m) for m in graph if _component(m) and _component(m) not in layer_of})
    assert not undocumented, f"modules missing from docs/ARCHITECTURE.md: {undocumented}"
    wrong = []
    for module, targets in graph.items():
        here = _component(module)
        for target in targets:
            there = _component(target)
            if not here:
                continue  # the package's __init__ re-exports everything
            if not there:
                wrong.append(f"{module} imports the package itself")
            elif there != here and layer_of[there] >= layer_of[here]:
                wrong.append(f"{module} imports {target} (layer {layer_of[there]} ≥ {layer_of[here]})")
    assert not wrong, "\n".join(wrong)


def test_the_graph_sees_function_level_imports():
    graph = _graph()
    assert "policytrack.frames" in graph["policytrack.model"]       # Document.to_frame, at call time
    assert "policytrack.tagging" in graph["policytrack.corpus"]     # Corpus.tags, at call time
    assert "policytrack.corpus" not in graph["policytrack.citations.resolve"]  # TYPE_CHECKING only


# --- the seams --------------------------------------------------------------------------

SOURCES_HEADER = "doc_id,number,type,title,issuer,issued,in_force,validity,validity_as_of,official_url,in_corpus,notes\n"
EXCERPT = "LUẬT\nTHỬ NGHIỆM\n\nĐiều 1. Phạm vi\n1. Một.\n"


def _folder(tmp_path: Path, doc_id: str) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / "trich.txt").write_text(EXCERPT, encoding="utf-8")
    (folder / "sources.csv").write_text(SOURCES_HEADER + f"{doc_id},{doc_id},Luật,Thử nghiệm,Quốc hội,,,,,,yes,\n",
                                        encoding="utf-8")
    return folder


def test_editing_a_sources_row_is_seen_by_a_warm_load(tmp_path):
    folder = _folder(tmp_path, "1/2020/QH14")
    cache = tmp_path / "cache"
    assert [d.id for d in Corpus.load(folder, cache_dir=cache, progress=False)] == ["1/2020/QH14"]
    warm = Corpus.load(folder, cache_dir=cache, progress=False)
    assert warm.cache_hits == 1
    _folder(tmp_path, "2/2021/QH15")  # the same number of rows, another id
    edited = Corpus.load(folder, cache_dir=cache, progress=False)
    assert [d.id for d in edited] == ["2/2021/QH15"] and edited.cache_hits == 0


def test_ids_do_not_depend_on_where_the_package_is_installed(tmp_path):
    # The project's corpus/sources.csv names "LUẬT / BẢO VỆ MÔI TRƯỜNG" 72/2020/QH14; a file
    # elsewhere is named by its own folder's register only, whatever the install mode.
    path = tmp_path / "bvmt.txt"
    path.write_text("LUẬT\nBẢO VỆ MÔI TRƯỜNG\n\nĐiều 1. Phạm vi\n", encoding="utf-8")
    assert parse(path)[0].id == "luat-bao-ve-moi-truong"
    shutil.copyfile(PROJECT_SOURCES, tmp_path / "sources.csv")
    assert parse(path)[0].id == "72/2020/QH14"
    constants = {k: v for k, v in vars(policytrack.sources).items() if not k.startswith("__")}
    assert not any(str(ROOT) in str(v) for v in constants.values() if isinstance(v, (str, Path)))


class _Planted:
    """A pickle that writes a file when loaded: what an attacker would plant."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "code ran"))


@pytest.mark.parametrize("signed_with", ["nothing", "another key"])
def test_a_pickle_planted_in_the_cache_is_never_loaded(tmp_path, signed_with):
    folder = _folder(tmp_path, "1/2020/QH14")
    cache_dir = tmp_path / "cache"
    Corpus.load(folder, cache_dir=cache_dir, progress=False)
    [entry] = cache_dir.glob("docs-*.pkl")
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(str(marker)))
    if signed_with == "nothing":
        entry.write_bytes(payload)
    else:
        entry.write_bytes(b"PTC1" + b"\0" * 32 + payload)
    corpus = Corpus.load(folder, cache_dir=cache_dir, progress=False)
    assert not marker.exists()
    assert corpus.cache_hits == 0 and [d.id for d in corpus] == ["1/2020/QH14"]  # parsed again


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_key_others_can_read_disables_the_cache(tmp_path, caplog):
    cache = Cache(tmp_path / "c")
    cache.put("x", "k", [1])
    assert cache.get("x", "k") == [1]
    (tmp_path / "c" / ".key").chmod(0o644)
    fresh = Cache(tmp_path / "c")
    assert fresh.get("x", "k") is None
    assert "cache disabled" in caplog.text


def test_register_saves_against_the_sources_it_was_loaded_with(tmp_path):
    own = tmp_path / "own-sources.csv"
    own.write_text(SOURCES_HEADER + "9/2099/QH99,9/2099/QH99,Luật,Tương lai,Quốc hội,,,,,,no,\n", encoding="utf-8")
    path = write(tmp_path / "r.csv", [row(target_document="9/2099/QH99")])  # not in the project's sources
    reg = Register.load(path, sources=SourceRegister.load(own))
    reg.set_status("R01", "under_consideration", evidence="công văn 12/2024, 2024-05-01", who="test")
    reg.save()
    assert Register.load(path, sources=SourceRegister.load(own))["R01"]["status"] == "under_consideration"


def test_parse_header_takes_a_vocabulary(tmp_path):
    from policytrack.header import load_doc_types, parse_header

    custom = tmp_path / "types.yaml"
    custom.write_text("types:\n  - name: Sắc lệnh\n    headings: [SẮC LỆNH]\n    symbols: []\n", encoding="utf-8")
    meta = parse_header("SẮC LỆNH\nVỀ THỬ\n", doc_types=load_doc_types(custom))
    assert (meta.doc_type, meta.title) == ("Sắc lệnh", "VỀ THỬ")


def test_corpus_takes_documents_and_refuses_a_folder_path(tmp_path):
    path = _folder(tmp_path, "1/2020/QH14") / "trich.txt"
    assert [d.id for d in Corpus(parse(path) + parse(path))] == ["1/2020/QH14", "1/2020/QH14~2"]
    with pytest.raises(TypeError, match="Corpus.load"):
        Corpus(str(tmp_path))


def test_no_module_imports_the_package_root_for_its_version():
    graph = _graph()
    assert not [m for m, targets in graph.items() if "policytrack" in targets and m != "policytrack"]
    assert sys.modules["policytrack"].__version__ == policytrack._version.__version__


def test_every_package_import_names_an_existing_module():
    """Function-level imports run only when called; a moved module must not leave one
    pointing nowhere."""
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    missing = sorted(f"{_module_name(f)} → {t}" for f in files for t in _imports(f, modules) if t not in modules)
    assert not missing, missing
