"""``caravan-book preview``: the book served on 127.0.0.1, rebuilt and reloaded as its files are edited.

One session holds the build's lock (a ``build`` meanwhile says busy) and keeps, for its whole life:

- warm kernels (``kernels.KernelPool``), so a rerun page pays neither a kernel start nor the imports;
- one Sphinx application in this process (``WarmSphinx``), so a rebuild reads and writes only the changed
  pages, without starting Jupyter Book again.

The watcher polls the modification times of the files a page can depend on (``watched_files``: data/,
the templates and pages under book/, sections.yml, _config.yml, the notebooks and the package), every
``POLL`` seconds. After a change, the pages whose key (``pagecache.page_key``, the build's own) no longer
matches are rerun, each named in the terminal with the changed files it depends on; a change to the
package's code replaces the kernels first (their modules are the old ones). Then Sphinx rebuilds, and the
browser reloads: every HTML page served gets a small script (``book/templates/preview/inject.html``) that
polls ``/_preview/state`` on this server and reloads when the version changes, or shows the error.

A bad edit (a data row the check refuses, a template that does not render, a page that fails) does not
stop the server: its one-line error goes to the terminal and into the pages, over the last good site,
until the file is fixed. The site is served from the build's staging folder; ``caravan-book build``
publishes it to ``_build/html`` as usual. Ctrl-C stops the server and the kernels and releases the lock.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from caravan_book import atomic, settings
from caravan_book.build import book as builder
from caravan_book.build import guide, in_kernel, kernels, pagecache, pages, processes, sections, site, trust, warm_run
from caravan_book.build.sphinx_app import WarmSphinx
from caravan_book.data.files import TABLE_FILES
from caravan_book.errors import BusyError, PublishError, ReportedError
from caravan_book.settings import NOTEBOOKS_DIR, REPO_ROOT

#: Seconds between two looks at the files' modification times.
POLL = 0.1
#: Seconds to wait after a change is seen, for the rest of a save that writes in steps.
SETTLE = 0.05
#: Where the browser asks for the state, and the injected script's template.
STATE_PATH = "/_preview/state"
INJECT_TEMPLATE = Path("preview") / "inject.html"
WAITING_TEMPLATE = Path("preview") / "waiting.html"
HTML_TYPE = "text/html;charset=utf-8"
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def watched_files(root: Path = REPO_ROOT) -> dict[Path, float]:
    """Every file a page or the site can depend on, with its modification time (what the build writes,
    book/generated, and hidden files and folders are left out)."""
    found: dict[Path, float] = {}
    folders = [settings.data_dir(), root / "book", root / "notebooks", PACKAGE_DIR]
    files = [root / "sections.yml", root / "_config.yml", root / "CITATION.cff"]
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "__")) and d != "generated"]
            for name in filenames:
                if name.startswith(".") or name.endswith((".pyc", "~", ".swp")):
                    continue
                files.append(Path(dirpath) / name)
    for path in files:
        with contextlib.suppress(OSError):  # removed meanwhile: it counts as changed
            found[path] = path.stat().st_mtime_ns
    return found


class Watcher:
    """The watched files that changed (modified, added or removed) since the last look."""

    def __init__(self, root: Path = REPO_ROOT):
        self.root = root
        self.seen = watched_files(root)

    def changes(self) -> list[Path]:
        now = watched_files(self.root)
        changed = {p for p in now.keys() | self.seen.keys() if now.get(p) != self.seen.get(p)}
        self.seen = now
        return sorted(changed)


def shown(path: Path, root: Path = REPO_ROOT) -> str:
    for base in (root, PACKAGE_DIR.parent, settings.data_dir().parent):
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(base.resolve()).as_posix()
    return str(path)


def page_inputs(page: sections.Page, entry: dict | None) -> set[Path]:
    """The files a page's output depends on, as its cache entry (the tables and templates it used) and
    its code (``pagecache.page_modules``) say."""
    from caravan_book.story import templates

    inputs = {page.source.resolve()}
    tables, rendered = pagecache.split_usage((entry or {}).get("tables", []))
    inputs |= {(settings.data_dir() / TABLE_FILES[name]).resolve() for name in tables if name in TABLE_FILES}
    with contextlib.suppress(Exception):  # a template that cannot be read: its page reruns anyway
        inputs |= {path.resolve() for path in templates.template_closure(rendered)}
    inputs |= {path.resolve() for name in pagecache.page_modules(page.source) if (path := pagecache.module_file(name))}
    return inputs


def one_line(error: BaseException) -> str:
    """The error as the terminal and the page show it: its message's lines (one for each problem or failed
    page), without blank ones or indents."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "\n".join(lines) or type(error).__name__


def _where(error: BaseException) -> str:
    """The file and line an error names (a template's syntax error does), as `` (FILE, line N)``."""
    name, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    if not name:
        return ""
    return f" ({shown(Path(name))}" + (f", line {line})" if line else ")")


class State:
    """What the browser asks for: the site's version and the error of the last rebuild, if any."""

    def __init__(self) -> None:
        self.version = 0
        self.error: str | None = None
        self.site: Path | None = None
        self.lock = threading.Lock()
        #: what answers ``caravan-book run`` (``warm_run``), and the token it must send
        self.runner: Callable[[dict], dict] | None = None
        self.token = secrets.token_hex(16)

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"version": self.version, "error": self.error}).encode()

    def update(self, *, site: Path | None = None, error: str | None = None) -> None:
        with self.lock:
            if site is not None:
                self.site = site
            self.error = error
            self.version += 1


def _template_text(name: Path) -> str:
    from caravan_book.story import templates

    return (templates.TEMPLATES_DIR / name).read_text(encoding="utf-8")


def make_handler(state: State) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the base class's signature; quiet
            return

        def translate_path(self, path: str) -> str:
            self.directory = str(state.site or Path(os.devnull))
            return super().translate_path(path)

        def do_GET(self) -> None:
            route = self.path.split("?", 1)[0]
            if route == STATE_PATH:
                return self._send(state.as_json(), "application/json")
            if state.site is None:
                return self._send(self._page(_template_text(WAITING_TEMPLATE)), HTML_TYPE)
            target = Path(self.translate_path(route))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                return self._send(self._page(target.read_text(encoding="utf-8")), HTML_TYPE)
            return super().do_GET()

        def do_POST(self) -> None:
            if (
                self.path != warm_run.RUN_PATH
                or state.runner is None
                or not secrets.compare_digest(self.headers.get(warm_run.TOKEN_HEADER, ""), state.token)
            ):
                return self.send_error(HTTPStatus.FORBIDDEN)
            length = int(self.headers.get("Content-Length") or 0)
            try:
                request = json.loads(self.rfile.read(length).decode())
            except ValueError:
                return self.send_error(HTTPStatus.BAD_REQUEST)
            return self._send(json.dumps(state.runner(request)).encode(), "application/json")

        def _page(self, text: str) -> bytes:
            with state.lock:
                version = state.version
            script = _template_text(INJECT_TEMPLATE).replace("STATE_PATH", STATE_PATH)
            script = script.replace("STATE_VERSION", str(version))
            at = text.rfind("</body>")
            return (text[:at] + script + text[at:] if at >= 0 else text + script).encode()

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


class Session:
    """A preview: the lock, the warm kernels, the warm Sphinx, the state the server shows."""

    def __init__(self, *, jobs: int | None = None, first: str | None = None, log: Callable[[str], None] = print):
        self.log = log
        self.jobs = jobs
        self.first = first
        self.state = State()
        self.edition = builder.main_edition()
        self.pool: kernels.KernelPool | None = None
        self.sphinx = WarmSphinx(self.edition.root, self.edition.stage)
        self.checked: tuple[str, Any] | None = None  # (data digest, excerpts verified)
        self._kernel_files: set[Path] | None = None
        self.shown: dict = {}  # trust.prepare's memo
        self.offered: Path | None = None
        self.trusted = False  # trust.prepare ran since the data last changed
        self.lock = FileLock(str(self.edition.lock), timeout=0)

    def open(self) -> None:
        self.edition.lock.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout:
            raise BusyError(
                f"another build of {self.edition.site} is running (lock {self.edition.lock}); wait for it to finish"
            ) from None
        atomic.sweep(self.edition.site.parent)
        logging.getLogger("papermill").setLevel(logging.WARNING)  # Sphinx's logging setup would show its INFO lines
        self.pool = kernels.KernelPool(max(1, self.jobs or pages.default_jobs()), NOTEBOOKS_DIR, self.log)

    def offer(self, port: int) -> None:
        """Let ``caravan-book run`` use this session's warm kernels (``warm_run``)."""
        self.state.runner = self.run_request
        self.offered = warm_run.write_offer(self.edition.root, port, settings.data_dir(), self.state.token)

    def run_request(self, request: dict) -> dict:
        """``caravan-book run``'s page, checked and run on a warm kernel, written where it asked; its answer."""
        import tempfile

        from papermill.exceptions import PapermillExecutionError

        from caravan_book.build import publish
        from caravan_book.build.execution import failure_message
        from caravan_book.data import ledger

        started = time.perf_counter()
        try:
            in_kernel.clear_caches(keep=(pagecache.__name__,))
            page = sections.page_for(str(request["section"]), dict(request["parameters"]))
            out = Path(request["out"])
            ledger.verify(None, settings.seeds_dir())
        except ReportedError as error:
            return {"code": error.exit_code, "error": str(error)}
        except (KeyError, TypeError, ValueError) as error:
            return {"code": 2, "error": f"{type(error).__name__}: {error}"}
        env = {name: os.environ.get(name) for name in kernels.PAGE_ENV}
        env.update({settings.MEDIUM_ENV: publish.section_medium(out), settings.USAGE_LOG_ENV: None})
        env[settings.CONTEXT_ENV] = None

        def job(kernel: kernels.WarmKernel) -> Any:
            with tempfile.TemporaryDirectory() as work:
                return kernel.run(page.source, Path(work) / page.source.name, page.parameters, env)

        pool = self.pool
        checked = time.perf_counter()
        try:
            if pool is None:
                raise PublishError("the preview is stopping; run the section again")
            try:
                notebook = pool.submit(job).result()
            except (PapermillExecutionError, kernels.KernelFailed) as error:
                raise PublishError(failure_message(page.source.name, page.parameters, error)) from None
            ran = time.perf_counter()
            try:
                publish.write_section(page, notebook, out)
            except OSError as error:
                raise PublishError(f"could not write {out}: {error.strerror}") from None
        except PublishError as error:
            return {"code": error.exit_code, "error": str(error)}
        done = time.perf_counter()
        self.log(
            f"ran {page.page} for caravan-book run into {out} in {done - started:.2f} s "
            f"(check {checked - started:.2f} s, kernel {ran - checked:.2f} s, write {done - ran:.2f} s)"
        )
        return {"code": 0, "error": None}

    def close(self) -> None:
        if self.offered is not None:
            self.offered.unlink(missing_ok=True)
            self.offered = None
        if self.pool is not None:
            self.pool.close(wait=False)
            self.pool = None
        processes.stop_descendants()
        self.sphinx.close()
        if self.lock.is_locked:
            self.lock.release()

    def _kernel_code(self) -> set[Path]:
        """The package's files a kernel has imported (the pages' code and what ``in_kernel`` warms up)."""
        if self._kernel_files is not None:
            return self._kernel_files
        names: set[str] = set()
        for source in {page.source for page in self.edition.pages}:
            names |= set(pagecache.page_modules(source))
        files = {path.resolve() for name in names if (path := pagecache.module_file(name))}
        layers = {p.resolve() for layer in ("text", "data", "story") for p in (PACKAGE_DIR / layer).rglob("*.py")}
        self._kernel_files = files | layers
        return self._kernel_files

    def _check(self) -> Any:
        """The data check, again only when the data changed."""
        key = site.tree_digest([settings.data_dir()])
        if self.checked is None or self.checked[0] != key:
            self.checked = None
            self.checked = (key, builder.check_data(lambda line: None))
        return self.checked[1]

    def why(self, changed: Iterable[Path]) -> dict[str, list[str]]:
        """The pages out of date, each with the changed files it depends on (none named: its output is missing
        or its last run failed)."""
        changed = {p.resolve() for p in changed}
        cache = pagecache.read(self.edition.generated)
        context = self.checked[1].to_json() if self.checked else ""
        reasons = {}
        for page in self.edition.pages:
            if not pagecache.is_current(page, self.edition.generated, cache, context):
                inputs = page_inputs(page, cache.get(page.page))
                reasons[page.page] = sorted(shown(p) for p in changed & inputs)
        return reasons

    def rebuild(self, changed: list[Path]) -> bool:
        """Rerun the changed pages and rebuild the site; the state shows the result. False on an error."""
        started = time.perf_counter()
        code_changed = any(p.suffix in (".py", ".ipynb") for p in changed)
        # tables, sections and templates read before the edit; the pages' code found statically only if it changed
        in_kernel.clear_caches(keep=() if code_changed else (pagecache.__name__,))
        if code_changed:
            self._kernel_files = None
        config_files = {self.edition.root / name for name in ("sections.yml", "_config.yml")}
        fresh_site = self.sphinx.app is None or any(
            p in config_files or self.edition.root / "book" / "_static" in p.parents for p in changed
        )
        try:
            if self._kernel_code() & {p.resolve() for p in changed}:
                self.log("the pages' code changed: the warm kernels are started again")
                assert self.pool is not None
                self.pool.close(wait=True)
                self.pool = kernels.KernelPool(max(1, self.jobs or pages.default_jobs()), NOTEBOOKS_DIR, self.log)
            if any(p.name == "sections.yml" for p in changed):
                self.edition = builder.main_edition()
            excerpts = self._check()
            context = excerpts.to_json()
            times = {"check": time.perf_counter()}
            outdated = self.why(changed)
            for name, files in outdated.items():
                self.log(f"rerunning {name}" + (f" ({', '.join(files)} changed)" if files else ""))
            if self.edition.toc_text is not None:
                atomic.write_if_changed(self.edition.root / "_toc.yml", self.edition.toc_text)
            shown_first = not fresh_site and self.first in outdated and len(outdated) > 1
            if shown_first:
                self._show_first(context, times)
            results = pages.execute_pages(
                self.edition.pages, self.edition.generated, self.edition.failed, context=context,
                log=self._quiet_log, pool=self.pool, keep_pool=True, first=self.first,
            )  # fmt: skip
            times["pages"] = time.perf_counter()
            errors = [r.error for r in results if r.error]
            if errors:
                from caravan_book.errors import BuildError

                raise BuildError("\n".join(errors))
            before = {p: p.stat().st_mtime_ns for p in self.edition.generated.glob("*.md")}
            guide.render(self.edition.book, self.edition.pages, self.edition.generated, builder.read_config())
            times["guide"] = time.perf_counter()
            # what pages show of the data (facts, corrections, citations) changes only with the data and the book
            data_changed = any(settings.data_dir() in p.parents or p.name == "CITATION.cff" for p in changed)
            # a page's changed-date follows its notebook and its templates too (``trust.prepare``'s page key)
            page_changed = any(p.suffix in (".ipynb", ".j2") for p in changed)
            if self.edition.published is not None and (data_changed or page_changed or fresh_site or not self.trusted):
                trust.prepare(
                    self.edition.root, self.edition.pages, results, self.edition.generated, self.edition.book,
                    manifest_path=self.edition.published, log=lambda line: None, record=False, memo=self.shown,
                )  # fmt: skip
                self.trusted = True
            times["trust"] = time.perf_counter()
            # only what changed is written: the pages rerun, the edited and the regenerated Markdown pages
            docs = [
                self.edition.generated / f"{r.page}.ipynb"
                for r in results
                if r.ran or (shown_first and r.page == self.first)
            ]
            docs += [p for p in changed if p.suffix == ".md" and self.edition.root / "book" in p.parents]
            docs += [p for p in self.edition.generated.glob("*.md") if before.get(p) != p.stat().st_mtime_ns]
            html = self.sphinx.build(fresh=fresh_site, docs=[p for p in docs if p.is_file()] or None)
            times["sphinx"] = time.perf_counter()
        except Exception as error:  # a bad edit (bad data, a template that does not render, a failing page)
            self.trusted = False
            reported = isinstance(error, ReportedError)
            where = _where(error) or (f" ({', '.join(shown(p) for p in changed[:3])} changed)" if changed else "")
            message = one_line(error if reported else RuntimeError(f"{type(error).__name__}: {error}{where}"))
            self.state.update(error=message)
            self.log(f"error: {message}")
            self.log("waiting for the file to be fixed (the server goes on)")
            return False
        self.state.update(site=html, error=None)
        ran = [r.page for r in results if r.ran]
        last, phases = started, []
        for phase, at in times.items():
            phases.append(f"{phase} {at - last:.2f} s")
            last = at
        self.log(f"rebuilt in {last - started:.2f} s ({len(ran)} page(s) rerun; {', '.join(phases)})")
        return True

    def _show_first(self, context: str, times: dict[str, float]) -> None:
        """The previewed page first, on its own, into the served site: an edit that several pages show (a row
        every page reads) reaches the page the editor is looking at before the others are rerun. Its trust
        block is brought up to date with the others'."""
        page = next(p for p in self.edition.pages if p.page == self.first)
        assert self.pool is not None
        result = pages.run_one(page, self.edition.generated, self.edition.failed, self.pool, context)
        if result.error:
            from caravan_book.errors import BuildError

            raise BuildError(result.error)
        self.log(f"[{page.page}] done in {result.seconds:.1f} s: shown first")
        html = self.sphinx.build(docs=[self.edition.generated / f"{page.page}.ipynb"])
        self.state.update(site=html, error=None)
        times[f"{page.page} shown"] = time.perf_counter()

    def _quiet_log(self, line: str) -> None:
        """The build's lines a preview shows: each page's progress and a replaced kernel."""
        if line.startswith("[") or "kernel replaced" in line:
            self.log(line)


def serve(
    page: str | None = None,
    *,
    port: int = 8000,
    jobs: int | None = None,
    log: Callable[[str], None] = print,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Preview the book until Ctrl-C (or SIGTERM): serve, watch, rerun, rebuild, reload."""
    session = Session(jobs=jobs, first=page, log=log)
    if page is not None and page not in {p.page for p in session.edition.pages}:
        from caravan_book.errors import ParameterError

        known = ", ".join(p.page for p in session.edition.pages)
        raise ParameterError(f"unknown page {page!r}; choose one of: {known}")
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(session.state))
    except OSError as error:
        from caravan_book.errors import ParameterError

        raise ParameterError(f"--port {port}: {error.strerror}; give another (--port 0: any free one)") from None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    try:
        with processes.stop_on_signals():
            session.open()
            watcher = Watcher(session.edition.root)
            thread.start()
            path = f"book/generated/{page}.html" if page else "index.html"
            url = f"http://127.0.0.1:{server.server_address[1]}/{path}"
            log(f"preview at {url} (Ctrl-C stops it)")
            session.offer(server.server_address[1])
            session.rebuild([])
            if ready is not None:
                ready(url)
            while True:
                changed = watcher.changes()
                if changed:
                    time.sleep(SETTLE)  # an editor that writes in steps: take the rest of the save too
                    changed = sorted(set(changed) | set(watcher.changes()))
                    log("changed: " + ", ".join(shown(p) for p in changed[:5]) + (" ..." if len(changed) > 5 else ""))
                    session.rebuild(changed)
                processes.check_stopped()
                time.sleep(POLL)
    except KeyboardInterrupt:
        log("preview stopped")
    finally:
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        session.close()
