"""How the project runs notebooks with papermill: one set of options, one way to run a notebook into a
file, and the failure message, for the build, ``run`` and ``handout`` alike."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager


class IPCKernelManager(AsyncKernelManager):
    """Kernels talk over Unix sockets in the temporary folder: no TCP ports are opened (and ipykernel
    does not warn about unencrypted TCP), and a crashed kernel leaves nothing in the project."""

    def __init__(self, **kwargs):
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"caravan-book-kernel-{os.getpid()}"))
        super().__init__(**kwargs)


#: Options for papermill.execute_notebook. Outputs are saved once, at the end (not after every
#: cell), and the kernel is stopped at once when done, as a graceful stop can stall for seconds.
PAPERMILL_OPTIONS = {
    "kernel_name": "python3",
    "progress_bar": False,
    "log_output": False,
    "shutdown_kernel": "immediate",
    "request_save_on_cell_execute": False,
    "kernel_manager_class": IPCKernelManager,
}


def postprocess(notebook: nbformat.NotebookNode) -> None:
    """Hide the parameters cells and put every code cell behind a toggle."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.setdefault("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            if "remove-cell" not in tags:
                tags.append("remove-cell")
        elif not {"remove-input", "remove-cell", "hide-input"} & set(tags):
            tags.append("hide-input")


def run_notebook(source: Path, out: Path, parameters: dict) -> nbformat.NotebookNode:
    """Run ``source`` with papermill into ``out`` (a temporary path the caller renames) and return it,
    post-processed and saved. Raises papermill's own errors."""
    import papermill

    notebook = papermill.execute_notebook(
        str(source), str(out), parameters=parameters, cwd=str(source.parent), **PAPERMILL_OPTIONS
    )
    postprocess(notebook)  # the notebook papermill wrote, as it returned it
    nbformat.write(notebook, str(out))
    return notebook


def failure_message(notebook_file: str, parameters: dict, error: BaseException, page: str | None = None) -> str:
    """What failed, with the page's parameters and the failing cell as counted in the notebook file."""
    from papermill.exceptions import PapermillExecutionError

    described = ", ".join(f"{k}={v}" for k, v in parameters.items()) or "no parameters"
    head = f"{notebook_file} ({'page ' + page + '; ' if page else ''}parameters: {described})"
    if isinstance(error, PapermillExecutionError):
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        # papermill counts the parameters cell it injected; report the cell's place in the source file
        cell = error.cell_index - (1 if parameters else 0)
        return (
            f"{head} failed in cell {cell} (counting from 0): {error.ename}: {error.evalue}\n"
            f"    cell starts: {first_line}"
        )
    return f"{head} failed: {type(error).__name__}: {error}"
