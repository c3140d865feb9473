"""One Sphinx application made as Jupyter Book makes it, in this process: the build's site (``site.jupyter_book``)
and the preview's, which keeps it for the session and rebuilds only what changed.

Running Sphinx here rather than ``jupyter-book build`` in a new process saves a Python start and Jupyter Book's
command-line imports (about 0.5 s of every build, on its critical path); the configuration is Jupyter Book's own
(``get_final_config`` from _config.yml and _toc.yml), with the options its command line would add (``-n``;
``-W --keep-going``: every warning collected, then an error).
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from pathlib import Path
from typing import Any


class WarmSphinx:
    """One Sphinx application, made as Jupyter Book makes it (its configuration from _config.yml and
    _toc.yml), kept for the session: each ``build`` reads and writes only what changed."""

    def __init__(self, root: Path, stage: Path):
        self.root = root
        self.out = stage / "_build" / "html"
        self.doctrees = stage / "_build" / ".doctrees"
        self.app: Any = None
        self._fresh = False  # made and not yet built with
        self._context = contextlib.ExitStack()
        self.warnings = io.StringIO()
        self.status = io.StringIO()

    def _make(self) -> None:
        from jupyter_book.config import get_final_config
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        self.close()
        config, _ = get_final_config(
            user_yaml=self.root / "_config.yml",
            cli_config={
                "external_toc_path": (self.root / "_toc.yml").as_posix(),
                "latex_individualpages": False,
                "nitpicky": True,
            },
            sourcedir=self.root,
            use_external_toc=True,
        )
        _collector_found_without_gc()
        self._context = contextlib.ExitStack()
        self._context.enter_context(patch_docutils(None))
        self._context.enter_context(docutils_namespace())
        self.warnings = io.StringIO()
        self.status = io.StringIO()
        self.app = Sphinx(
            srcdir=self.root, confdir=None, outdir=self.out, doctreedir=self.doctrees, buildername="html",
            confoverrides=config, status=self.status, warning=self.warnings, warningiserror=False, keep_going=True,
        )  # fmt: skip
        _read_figures_once(self.app)
        _stem_once()
        self._fresh = True

    def make(self) -> None:
        """Make the application now (its extensions imported and set up), for a ``build`` to come."""
        self._make()

    def build(self, *, fresh: bool = False, docs: list[Path] | None = None) -> Path:
        """Rebuild what changed (everything, with a new application, if ``fresh``); return the html folder.
        ``docs``: the source files to write (Sphinx still reads every changed one); none: every outdated page.
        A warning is an error here, as in the build (``-W``): BuildError with the warnings."""
        from caravan_book.errors import BuildError

        if (fresh and not self._fresh) or self.app is None:
            self._make()
            docs = None
        self._fresh = False
        self.warnings.seek(0)
        self.warnings.truncate()
        self.app._warncount = 0
        self.app.statuscode = 0
        vars(self.app).pop("_caravan_trust", None)  # trust.json as prepare wrote it for this build (build/trust.py)
        before = set(self.app.env.found_docs)  # as the last build left them (the environment is kept on disk)
        try:
            self.app.build(fresh, [str(path) for path in docs or []])
        except Exception as error:
            self.app = None  # its state is unknown: made again for the next build
            raise BuildError(f"Sphinx failed: {type(error).__name__}: {error}") from None
        for docname in before - set(self.app.env.found_docs):  # a page that left the book: Sphinx keeps its files
            for path in [self.out / f"{docname}.html", *self.out.glob(f"_sources/{docname}.*")]:
                with contextlib.suppress(OSError):
                    path.unlink()
        warnings = [line for line in self.warnings.getvalue().splitlines() if line.strip()]
        if self.app._warncount or self.app.statuscode:
            raise BuildError("\n".join(warnings[-10:]) or "Sphinx failed")
        return self.out

    def close(self) -> None:
        self.app = None
        self._context.close()


class EarlySphinx:
    """The build's Sphinx application, made in a thread while the last pages run: its imports and set-up
    (about 0.7 s) were the start of the build's serial end. ``take`` waits for it; an application that could
    not be made is made again by the build, which reports the error as it always does."""

    def __init__(self, root: Path, stage: Path):
        self.sphinx = WarmSphinx(root, stage)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._make, name="sphinx-setup", daemon=True)
            self.thread.start()

    def _make(self) -> None:
        try:
            self.sphinx.make()
        except BaseException as error:  # reported when the build makes it again
            self.error = error

    def take(self) -> WarmSphinx | None:
        """The application, made (None if it was not started or could not be made)."""
        if self.thread is None:
            return None
        self.thread.join()
        if self.error is not None:
            self.sphinx.close()
            return None
        return self.sphinx

    def close(self) -> None:
        if self.thread is not None:
            self.thread.join()
        self.sphinx.close()


def _collector_found_without_gc() -> None:
    """sphinx-external-toc finds Sphinx's own toctree collector, to switch it off, among ``gc.get_objects()``.
    That list holds a reference to every tuple in the process, also to those another thread is still filling
    in; CPython then refuses to finish them ("SystemError: bad argument to internal function", seen in the
    build's page threads while an ``EarlySphinx`` set the application up). Here the collector is found among the
    new application's own event listeners instead, which touches no other thread's objects."""
    from sphinx_external_toc import collectors

    def disable_builtin_toctree_collector(app: Any) -> None:
        for collector in _toctree_collectors(app):
            if collector.listener_ids is not None:  # as the original: one already switched off is left so
                collector.disable(app)

    collectors.disable_builtin_toctree_collector = disable_builtin_toctree_collector  # read at its set-up


def _toctree_collectors(app: Any) -> list[Any]:
    """The toctree collectors connected to ``app`` (a collector listens to ``env-get-updated``, among others)."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    owners = [getattr(listener.handler, "__self__", None) for listener in app.events.listeners["env-get-updated"]]
    return [owner for owner in owners if isinstance(owner, TocTreeCollector)]


def _read_figures_once(app: Any) -> None:
    """Number the figures without unpickling every page's doctree on every rebuild.

    After each read, Sphinx's toctree collector numbers the figures of the whole book (``numfig``): it loads
    every page's doctree from its pickle (0.4 s for this book, most of a one-page rebuild). It only walks
    them, so here it gets each page's doctree from a memo, loaded again when its pickle file changed; a page
    read in this very build is walked as Sphinx holds it for its writing (unpickling those again took 0.4 s of
    a 32-page custom book's Sphinx build)."""
    collector = next(iter(_toctree_collectors(app)), None)
    if collector is None:
        return
    number = collector.assign_figure_numbers
    memo: dict[str, tuple[tuple[int, int], Any]] = {}

    def assign_figure_numbers(env: Any) -> list[str]:
        load = env.get_doctree

        def doctree(docname: str) -> Any:
            just_read = env._write_doc_doctree_cache.get(docname)
            if just_read is not None:  # read in this build, held by Sphinx for its writing: walked as it is, and
                memo.pop(docname, None)  # not kept (the writing resolves its toctrees in place)
                env._pickled_doctree_cache.pop(docname, None)  # nor the last build's pickle (a numref reads it)
                return just_read
            stat = os.stat(os.path.join(env.doctreedir, docname + ".doctree"))
            stamp = (stat.st_mtime_ns, stat.st_size)
            known = memo.get(docname)
            if known is None or known[0] != stamp:
                env._pickled_doctree_cache.pop(docname, None)  # the pickle as it is now, not as first read
                known = memo[docname] = (stamp, load(docname))
            return known[1]

        env.get_doctree = doctree
        try:
            return number(env)
        finally:
            del env.get_doctree

    collector.assign_figure_numbers = assign_figure_numbers


def _stem_once() -> None:
    """Sphinx's search index stems every word of each page it writes, afresh on every rebuild: the stems of the
    English words are kept for the session (a stem depends on the word only)."""
    from sphinx.search.en import SearchEnglish

    if getattr(SearchEnglish.stem, "cache_info", None) is None:
        stem = SearchEnglish.stem
        memo: dict[str, str] = {}

        def remembered(self: Any, word: str) -> str:
            if word not in memo:
                memo[word] = stem(self, word)
            return memo[word]

        remembered.cache_info = memo.__len__  # type: ignore[attr-defined]  # marks it done
        SearchEnglish.stem = remembered  # type: ignore[method-assign]
