"""Warm kernels (``build/kernels.py``): a page run on a kernel that already ran another page is the page a
fresh kernel makes, and a kernel that dies or hangs is replaced. Real kernels and papermill."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import nbformat
import pytest

from caravan_book.build import kernels
from caravan_book.build.execution import run_notebook
from caravan_book.settings import NOTEBOOKS_DIR, USAGE_LOG_ENV

pytestmark = pytest.mark.build

#: Two pages whose parameters conflict: another incident, one source instead of all, a date instead of none.
FIRST = ("narrative", {"incident": "2021-tapachula", "sources": "all", "as_of": None})
SECOND = ("narrative", {"incident": "2018-tijuana", "sources": "bbc", "as_of": "2018-11-27"})


def normalised(path: Path) -> str:
    """The executed notebook without what differs between any two runs: times, durations, the random id
    papermill gives the parameters cell it injects, and the addresses Python prints in a default repr."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["metadata"].get("papermill", {}).clear()
    for cell in notebook["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].pop("execution", None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)
    text = re.sub(r" at 0x[0-9a-f]+", " at 0x…", json.dumps(notebook, indent=1, sort_keys=True))
    # vl-convert numbers the clip paths of every drawing from one counter per process (unique on a page
    # either way): number them by first appearance
    order: dict[str, str] = {}
    return re.sub(r"\bclip(\d+)\b", lambda m: "clip" + order.setdefault(m.group(1), str(len(order) + 1)), text)


def _fresh(tmp_path: Path, name: str, notebook: str, parameters: dict, log: Path) -> str:
    out = tmp_path / f"fresh-{name}.ipynb"
    os.environ[USAGE_LOG_ENV] = str(log)
    try:
        run_notebook(NOTEBOOKS_DIR / f"{notebook}.ipynb", out, parameters)
    finally:
        os.environ.pop(USAGE_LOG_ENV, None)
        kernels._close_event_loop()
    return normalised(out)


def test_two_pages_on_one_warm_kernel_are_byte_for_byte_the_fresh_kernels_pages(tmp_path):
    kernel = kernels.WarmKernel()
    kernel.start()
    warm, logs = {}, {}
    try:
        for name, (notebook, parameters) in {"first": FIRST, "second": SECOND, "first-again": FIRST}.items():
            out = tmp_path / f"warm-{name}.ipynb"
            logs[name] = tmp_path / f"warm-{name}.log"
            logs[name].touch()
            env = {name_: None for name_ in kernels.PAGE_ENV} | {USAGE_LOG_ENV: str(logs[name])}
            kernel.run(NOTEBOOKS_DIR / f"{notebook}.ipynb", out, parameters, env)
            warm[name] = normalised(out)
        # nothing of the last page is left in the kernel once it is reset for the next
        kernel.reset({name: None for name in kernels.PAGE_ENV}, NOTEBOOKS_DIR)
        kernel.execute("assert 'sel' not in dir() and 'story' not in dir(), dir()")
        kernel.execute(f"import os; assert {USAGE_LOG_ENV!r} not in os.environ")
        assert kernel.pages == 3
    finally:
        kernel.stop()
        kernels._close_event_loop()
    for name, (notebook, parameters) in {"first": FIRST, "second": SECOND}.items():
        fresh_log = tmp_path / f"fresh-{name}.log"
        fresh_log.touch()
        assert warm[name] == _fresh(tmp_path, name, notebook, parameters, fresh_log), name
        # the tables each page read are recorded per page, as a fresh kernel records them
        assert sorted(set(logs[name].read_text().split())) == sorted(set(fresh_log.read_text().split())), (
            logs[name].read_text(),
            fresh_log.read_text(),
        )
    assert warm["first-again"] == warm["first"]
    assert "execution_count" in warm["second"] and '"execution_count": 1' in warm["second"]


def _page_job(out: Path, notebook: Path, parameters: dict):
    def job(kernel: kernels.WarmKernel):
        kernel.run(notebook, out, parameters, {name: None for name in kernels.PAGE_ENV})
        return kernel.pid

    return job


def test_a_dead_kernel_is_replaced_and_the_page_runs_on_a_fresh_one(tmp_path):
    said: list[str] = []
    pool = kernels.KernelPool(1, log=said.append)
    try:
        methods = NOTEBOOKS_DIR / "methods.ipynb"
        first_pid = pool.submit(_page_job(tmp_path / "a.ipynb", methods, {})).result(timeout=300)
        os.kill(first_pid, signal.SIGKILL)
        second_pid = pool.submit(_page_job(tmp_path / "b.ipynb", methods, {})).result(timeout=300)
        assert second_pid != first_pid
        assert any("kernel replaced" in line for line in said), said
        assert nbformat.read(tmp_path / "b.ipynb", as_version=4).cells
    finally:
        pool.close()


def test_a_hung_kernel_is_replaced_and_the_page_fails_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "CELL_TIMEOUT", 3)
    hang = tmp_path / "hang.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    nbformat.write(notebook, hang)
    said: list[str] = []
    pool = kernels.KernelPool(1, log=said.append)
    try:
        with pytest.raises(kernels.KernelFailed, match="CellTimeoutError"):
            pool.submit(_page_job(tmp_path / "hang-out.ipynb", hang, {})).result(timeout=300)
        assert any("kernel replaced" in line for line in said), said
        # the pool goes on with a working kernel
        pool.submit(_page_job(tmp_path / "m.ipynb", NOTEBOOKS_DIR / "methods.ipynb", {})).result(timeout=300)
    finally:
        pool.close()


def test_a_warm_kernel_runs_a_page_without_pandera_once_the_tables_are_validated(tmp_path):
    """pandera (the schemas) is imported only to validate a table, and was a fifth of a kernel's warm-up. A
    kernel whose tables the build has already validated and cached, as its data check does, runs a page
    without it."""
    from caravan_book.data import tables
    from caravan_book.data.files import TABLE_FILES

    for name in TABLE_FILES:
        if name != "world":
            tables.load(name)  # validated and cached here, as the build's check does before the pages
    kernel = kernels.WarmKernel()
    kernel.start()
    try:
        kernel.execute("import sys; assert 'pandera' not in sys.modules, 'the warm-up imported pandera'")
        notebook, parameters = FIRST
        env = {name: None for name in kernels.PAGE_ENV}
        kernel.run(NOTEBOOKS_DIR / f"{notebook}.ipynb", tmp_path / "page.ipynb", parameters, env)
        kernel.execute("import sys; assert 'pandera' not in sys.modules, 'the page imported pandera'")
    finally:
        kernel.stop()
        kernels._close_event_loop()


def test_a_kernel_reports_what_its_page_shows_as_the_published_facts_check_works_it_out(tmp_path):
    """The published-facts check takes what a page shows from the kernel that ran it (where the page's answers
    are still cached) instead of working it out again after every page: the same facts, quotations, claims and
    sources, for a page with claims and one with quotations."""
    import dataclasses

    from caravan_book.build import pages, sections, trust

    chosen = [p for p in sections.load().pages if p.page in ("numbers-2018-tijuana", "responses-2021-tapachula")]
    assert len(chosen) == 2
    (tmp_path / "out").mkdir()
    kernel = kernels.WarmKernel()
    kernel.start()
    try:
        for page in chosen:
            result = pages.execute_page(page, tmp_path / "out", tmp_path / "failed", kernel, facts=True)
            assert result.error is None, result.error
            assert result.shown is not None and result.shown["facts"], page.page
            assert result.shown == dataclasses.asdict(trust.shown(page.parameters, result.tables)), page.page
    finally:
        kernel.stop()
        kernels._close_event_loop()
