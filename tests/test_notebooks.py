"""Every notebook runs top to bottom on what the repository ships."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    outputs = [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    # a chart: a matplotlib picture, or a policytrack chart shown as SVG (it has tooltips)
    charts = [d for d in outputs if "image/png" in d or 'class="pt-chart"' in d.get("text/html", "")]
    assert charts, "the notebook should draw at least one chart"


def test_notebooks_are_what_their_generator_writes(tmp_path, capsys):
    """The notebooks are edited in tools/make_notebooks.py; the committed files must match it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    generated = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert generated == [p.name for p in NOTEBOOKS]
    for name in generated:
        assert (tmp_path / name).read_text(encoding="utf-8") == (ROOT / "notebooks" / name).read_text(encoding="utf-8"), name
