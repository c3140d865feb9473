"""House habits that a test can hold: the notebooks are committed as sources, without what a run leaves in them."""

from __future__ import annotations

import nbformat
import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    run = [
        f"{path.name} cell {i}: {what}"
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for what, left in (("outputs", cell.outputs), ("execution_count", cell.execution_count))
        if left
    ]
    left_by_a_run = {"papermill", "execution", "widgets"} & set(notebook.metadata)
    left_by_a_run |= {key for cell in notebook.cells for key in ("papermill", "execution") if key in cell.metadata}
    assert not run and not left_by_a_run, "clear the outputs before committing (Kernel > Restart & Clear Output): " + (
        "; ".join(run) or ", ".join(sorted(left_by_a_run))
    )
