"""The notebooks: generated from notebooks/build_notebooks.py, committed without outputs, and
each runs top to bottom from a fresh kernel on the national dataset in well under a minute.

They run in a temporary copy (the kernel's working folder is that copy), so nothing is ever
written into the repository; the test checks that too.
"""
from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_explore_dataset.ipynb", "02_scenarios.ipynb", "03_officer_postings.ipynb", "04_roadmap.ipynb"]
#: "well under a minute" each, kernel start included, with room for a slower machine


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOK_DIR / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def test_committed_notebooks_are_what_the_generator_writes(tmp_path):
    written = _builder().build(tmp_path)
    assert sorted(p.name for p in written) == NAMES
    for path in written:
        assert (NOTEBOOK_DIR / path.name).read_bytes() == path.read_bytes(), (
            f"{path.name} differs from build_notebooks.py: run `python notebooks/build_notebooks.py`")


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_from_a_fresh_kernel(name, tmp_path):
    before = _snapshot(NOTEBOOK_DIR)
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, work, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    nb = nbformat.read(work / name, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}})
    client.execute()                        # raises CellExecutionError on the first failing cell

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    shown = "\n".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("text", ""))
                      for c in code for o in c.outputs)
    assert "SYNTHETIC" in shown or "TỔNG HỢP" in shown, "the data note is not shown"
    assert _snapshot(NOTEBOOK_DIR) == before, "running the notebook changed the repository's notebooks/"
