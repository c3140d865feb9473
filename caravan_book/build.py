"""Build the book: run each page's notebook with papermill (in parallel, skipping pages whose
notebook, parameters, package code and data tables have not changed), then Jupyter Book.

Nothing is lost on failure: each executed notebook is written to a temporary file and renamed
into place only when it ran cleanly, and the site is built in a staging folder and swapped
into place only when Sphinx succeeded. A failure exits non-zero naming the notebook, the
page's parameters and the failing cell.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat
import yaml

from caravan_book import render, sections
from caravan_book.errors import ReportedError
from caravan_book.files import TABLE_FILES, USAGE_LOG_ENV
from caravan_book.kernels import PAPERMILL_OPTIONS, failure_message
from caravan_book.paths import GENERATED_DIR, REPO_ROOT, data_dir

CACHE_NAME = ".pages.json"
SITE_KEY_NAME = ".site-key"
TEACHERS_GUIDE = "teachers-guide"
PACKAGE_DIR = Path(__file__).resolve().parent


class BuildError(ReportedError):
    pass


@dataclass
class PageResult:
    page: str
    ran: bool
    seconds: float = 0.0
    tables: list[str] = field(default_factory=list)
    error: str | None = None


# ---------------------------------------------------------------- cache keys
def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """The package's code, read once per process (it does not change during a build)."""
    return _digest(*(p.read_bytes() for p in sorted(PACKAGE_DIR.glob("*.py"))))


def _table_file(name: str) -> Path:
    return data_dir() / TABLE_FILES[name]


def page_key(page: sections.Page, used_tables: list[str]) -> str:
    """What a page's output depends on: notebook, parameters, package code, chart mode, tables used."""
    tables_part = [name.encode() + _digest(_table_file(name).read_bytes()).encode() for name in sorted(set(used_tables))]
    return _digest(
        page.source.read_bytes(),
        json.dumps(page.parameters, sort_keys=True).encode(),
        _package_digest().encode(),
        render.medium().encode(),
        *tables_part,
    )


def _read_cache(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_cache(out_dir: Path, cache: dict) -> None:
    tmp = out_dir / (CACHE_NAME + ".tmp")
    tmp.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(out_dir / CACHE_NAME)


def is_current(page: sections.Page, out_dir: Path, cache: dict) -> bool:
    entry = cache.get(page.page)
    if not entry or not (out_dir / f"{page.page}.ipynb").is_file():
        return False
    try:
        return entry["key"] == page_key(page, entry["tables"])
    except (OSError, KeyError):
        return False


# ---------------------------------------------------------------- execution
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


def execute_page(page: sections.Page, out_dir: Path, failed_dir: Path | None = None) -> PageResult:
    """Run one page's notebook; on success rename it into ``out_dir``. Runs in a worker process."""
    import papermill

    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{page.page}.", suffix=".ipynb", dir=out_dir)
    os.close(fd)
    usage_fd, usage_log = tempfile.mkstemp(prefix=".usage.", dir=out_dir)
    os.close(usage_fd)
    os.environ[USAGE_LOG_ENV] = usage_log
    try:
        papermill.execute_notebook(
            str(page.source), tmp_name, parameters=page.parameters, cwd=str(page.source.parent), **PAPERMILL_OPTIONS
        )
        notebook = nbformat.read(tmp_name, as_version=4)
        postprocess(notebook)
        nbformat.write(notebook, tmp_name)
        os.replace(tmp_name, out_dir / f"{page.page}.ipynb")
        used = sorted(set(Path(usage_log).read_text(encoding="utf-8").split()))
        return PageResult(page.page, True, time.perf_counter() - started, used)
    except Exception as error:  # reported, with the executed copy kept for inspection
        if failed_dir is not None and Path(tmp_name).is_file() and Path(tmp_name).stat().st_size:
            failed_dir.mkdir(parents=True, exist_ok=True)
            shutil.move(tmp_name, failed_dir / f"{page.page}.ipynb")
        return PageResult(page.page, True, time.perf_counter() - started, error=failure_message(page.source.name, page.parameters, error, page.page))
    finally:
        os.environ.pop(USAGE_LOG_ENV, None)
        for leftover in (tmp_name, usage_log):
            if os.path.exists(leftover):
                os.remove(leftover)


def execute_pages(pages: list[sections.Page], out_dir: Path, *, jobs: int | None = None, force: bool = False, log=print) -> list[PageResult]:
    """Run the pages that are out of date, in parallel; return one result per page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = _read_cache(out_dir)
    results: list[PageResult] = []
    todo = []
    for page in pages:
        if not force and is_current(page, out_dir, cache):
            results.append(PageResult(page.page, False, tables=cache[page.page]["tables"]))
        else:
            todo.append(page)
    if results:
        log(f"{len(results)} page(s) unchanged, not re-run: {', '.join(r.page for r in results)}")
    failed_dir = out_dir.parent / "failed" if out_dir.name == "generated" else out_dir / "failed"
    # two kernels per core: a kernel spends part of its start-up waiting, measured faster here (benchmarks/)
    jobs = max(1, min(jobs or 2 * (os.cpu_count() or 1), len(todo) or 1))
    if todo:
        log(f"running {len(todo)} notebook(s) with papermill, {jobs} at a time")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(execute_page, page, out_dir, failed_dir): page for page in todo}
        for done, future in enumerate(as_completed(futures), 1):
            page = futures[future]
            result = future.result()
            results.append(result)
            status = "FAILED" if result.error else "done"
            log(f"[{done}/{len(todo)}] {page.page}: {status} in {result.seconds:.1f} s")
            if not result.error:
                cache[page.page] = {"key": page_key(page, result.tables), "tables": result.tables}
                _write_cache(out_dir, cache)
    return results


# ---------------------------------------------------------------- pages written from the results
_COLLAPSED = re.compile(r"^:::\{dropdown\}.*?^:::$", re.M | re.S)


def _words_in(path: Path) -> int:
    """Words a reader reads on the page: prose and text outputs, not sections left closed."""
    notebook = nbformat.read(path, as_version=4)
    words = 0
    for cell in notebook.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
        for output in cell.get("outputs", []):
            words += len(_COLLAPSED.sub("", output.get("data", {}).get("text/markdown", "")).split())
    return words


def write_if_changed(path: Path, text: str) -> None:
    """Write a generated file only when its text changed, so Sphinx does not rebuild it for nothing."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def launch_links(notebook: str, config: dict) -> str:
    """Binder and Colab links to a section's source notebook in the repository (from _config.yml).

    Jupyter Book's own launch buttons point at each page's path, and the executed pages are built,
    not kept in the repository, so the guide links the source notebooks, which are.
    """
    repo = config.get("repository", {})
    launch = config.get("launch_buttons", {})
    url, branch = repo.get("url", "").rstrip("/"), repo.get("branch", "main")
    if "github.com/" not in url:
        return ""
    slug = url.split("github.com/", 1)[1]
    path = f"notebooks/{notebook}.ipynb"
    links = []
    if launch.get("binderhub_url"):
        links.append(f"[Binder]({launch['binderhub_url'].rstrip('/')}/v2/gh/{slug}/{branch}?labpath={path})")
    if launch.get("colab_url"):
        links.append(f"[Colab]({launch['colab_url'].rstrip('/')}/github/{slug}/blob/{branch}/{path})")
    return " · ".join(links)


def teachers_guide(sections_: sections.Sections, pages: list[sections.Page], out_dir: Path) -> str:
    """The teacher's guide page: goals, reading time (counted from the executed pages), key terms, how to assign."""
    from caravan_book.prose import reading_minutes

    lines = [
        "# Teacher's guide",
        "",
        "Each section of this book is a page you can assign on its own. The table gives what a student should",
        "take away, how long the page takes to read (counted from its text at build time), the key terms",
        "(defined in the {doc}`glossary <../glossary>`), and the notebook to download, or to open online",
        "(Binder, Colab) and rerun with other parameters in its first code cell. Printable handouts are",
        "listed below the table.",
        "",
        "Every section ends with discussion questions and exercises. The solutions sit in toggles; the",
        "student edition of the book (`caravan-book build --student`) leaves them out.",
        "",
        "| Section | Learning goals | Reading time | Key terms | Notebook |",
        "| --- | --- | --- | --- | --- |",
    ]
    handouts = []
    config = read_config(REPO_ROOT)
    for page in pages:
        meta = sections_.notebooks.get(page.notebook, {})
        path = out_dir / f"{page.page}.ipynb"
        minutes = reading_minutes(_words_in(path))
        goals = "<br>".join(f"• {g}" for g in meta.get("goals", []))
        terms = ", ".join(f"{{term}}`{t}`" for t in (page.key_terms or meta.get("key_terms", [])))
        options = "".join(f" -p {k} {v}" for k, v in page.parameters.items())
        title = f"[{meta.get('title', page.notebook)}]({page.page}.ipynb)"
        if page.parameters:
            title += f"<br>({page.describe_parameters()})"
        launch = launch_links(page.notebook, config)
        notebook_cell = f"{{download}}`Download <{page.page}.ipynb>`" + (f"<br>Run it online: {launch}" if launch else "")
        lines.append(f"| {title} | {goals} | about {minutes} min | {terms} | {notebook_cell} |")
        handouts.append(f"- {meta.get('title', page.notebook)} ({page.describe_parameters()}):\n\n  ```\n  caravan-book handout {page.notebook}{options} --pdf {page.page}.pdf\n  ```")
    lines += [
        "",
        "## Printable handouts",
        "",
        "A handout is one section as a PDF: the text, the charts as pictures, the discussion questions and",
        "the exercises, without code and without solutions. Make one from the project folder:",
        "",
        *handouts,
    ]
    lines.append("")
    text = "\n".join(lines)
    write_if_changed(out_dir / f"{TEACHERS_GUIDE}.md", text)
    return text


# ---------------------------------------------------------------- the site
def _tree_digest(paths: list[Path]) -> str:
    parts = []
    for path in paths:
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            if file.is_file() and not file.name.startswith("."):
                parts.append(str(file.relative_to(path.parent)).encode() + file.read_bytes())
    return _digest(*parts)


def jupyter_book(root: Path, stage: Path, *, rebuild_all: bool, log=print) -> None:
    """Sphinx build of ``root`` into ``stage``; raise BuildError with the warnings if it fails."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output", str(stage), "-W", "-n", "--keep-going"]
    if rebuild_all:
        command.append("--all")
    log("building the site with Jupyter Book" + (" (all pages)" if rebuild_all else ""))
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [l for l in (done.stdout + done.stderr).splitlines() if "WARNING" in l or "ERROR" in l or "Error" in l]
        detail = "\n".join(lines[-30:]) or (done.stdout + done.stderr)[-3000:]
        raise BuildError(f"Jupyter Book failed (exit {done.returncode}); the previous site is left in place.\n{detail}")


def publish(built: Path, target: Path) -> None:
    """Swap a freshly built site into ``target``, leaving no half-copied site behind."""
    fresh = target.with_name(target.name + ".new")
    old = target.with_name(target.name + ".old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@dataclass
class Edition:
    """A book to build: its source root (with _config.yml and _toc.yml), pages and output folder."""

    root: Path
    generated: Path
    site: Path
    pages: list[sections.Page]

    @property
    def stage(self) -> Path:
        return self.site.parent / ".stage"


def main_edition() -> Edition:
    return Edition(REPO_ROOT, GENERATED_DIR, REPO_ROOT / "_build" / "html", sections.load().pages)


def build(edition: Edition | None = None, *, jobs: int | None = None, force: bool = False, log=print) -> dict:
    """Build an edition; return timings and what ran. Raises BuildError on any failure."""
    edition = edition or main_edition()
    started = time.perf_counter()
    static_changed = render.write_bundle(edition.root / "book" / "_static")
    results = execute_pages(edition.pages, edition.generated, jobs=jobs, force=force, log=log)
    errors = [r.error for r in results if r.error]
    if errors:
        raise BuildError(
            f"{len(errors)} notebook(s) failed; the book was not rebuilt and the previous site is left in place.\n"
            + "\n".join(errors)
        )
    executed = time.perf_counter()
    if any(r.ran for r in results) or not (edition.generated / f"{TEACHERS_GUIDE}.md").is_file():
        teachers_guide(sections.load(), edition.pages, edition.generated)
    key = _tree_digest(
        [edition.root / "_config.yml", edition.root / "_toc.yml", edition.root / "book", edition.generated]
    )
    key_file = edition.stage / SITE_KEY_NAME
    sphinx_ran = False
    if force or not edition.site.is_dir() or not key_file.is_file() or key_file.read_text() != key:
        jupyter_book(edition.root, edition.stage, rebuild_all=static_changed or force, log=log)
        publish(edition.stage / "_build" / "html", edition.site)
        key_file.write_text(key)
        sphinx_ran = True
    else:
        log("site is up to date")
    finished = time.perf_counter()
    return {
        "executed": [r.page for r in results if r.ran],
        "skipped": [r.page for r in results if not r.ran],
        "notebooks_seconds": round(executed - started, 2),
        "sphinx_seconds": round(finished - executed, 2),
        "sphinx_ran": sphinx_ran,
        "total_seconds": round(finished - started, 2),
        "site": str(edition.site),
    }


def read_config(root: Path = REPO_ROOT) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
