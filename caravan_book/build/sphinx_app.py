"""One Sphinx application made as Jupyter Book makes it, in this process: the build's site (``site.jupyter_book``)
and the preview's, which keeps it for the session and rebuilds only what changed.

Running Sphinx here rather than ``jupyter-book build`` in a new process saves a Python start and Jupyter Book's
command-line imports (about 0.5 s of every build, on its critical path); the configuration is Jupyter Book's own
(``get_final_config`` from _config.yml and _toc.yml), with the options its command line would add (``-n``;
``-W --keep-going``: every warning collected, then an error).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import posixpath
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
        _nav_once(self.app)
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


#: How sphinx-book-theme's sidebar marks the page being read, and every other page, in a flat list of pages.
_CURRENT_ITEM = '<li class="toctree-l1 current active"><a class="current reference internal" href="#">'
_ITEM = '<li class="toctree-l1"><a class="reference internal" href="{}.html">'
_CURRENT_LIST, _LIST = '<ul class="current nav bd-sidenav">', '<ul class="nav bd-sidenav">'


def _nav_once(app: Any) -> None:
    """Render the sidebar's navigation once per folder and build, not once per page.

    For every page, pydata-sphinx-theme resolves the whole book's toctree, renders it to HTML and reworks it
    with BeautifulSoup (``generate_toctree_html``): a fifth of Sphinx's time for a custom book of 32 pages
    (1.2 s of 7.4 s here), as the work grows with the pages squared. In a flat list of pages (no nested
    entries, which the theme would fold) the HTML for two pages of one folder differs only in which item, and
    which list, is marked as the page being read; so the first page's HTML is kept with its mark taken off,
    and each other page's is that with the page's own item marked. Anything else (a nested list, a page
    not in the list, a page listed twice) is rendered by the theme as before. A test compares every page of
    the built book with the theme's own sidebar."""
    from markupsafe import Markup
    from pydata_sphinx_theme import toctree as theme_toctree

    memo: dict[tuple, str] = {}

    def add_toctree_functions(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        theme_toctree.add_toctree_functions(app, pagename, templatename, context, doctree)
        rendered = context.get("generate_toctree_html")
        if rendered is None:
            return
        folder, name = posixpath.split(pagename)

        @functools.cache
        def generate_toctree_html(kind: str, startdepth: int = 1, show_nav_level: int = 1, **kwargs: Any) -> Any:
            if kind != "sidebar" or startdepth != 0:
                return rendered(kind, startdepth, show_nav_level, **kwargs)
            key = (show_nav_level, repr(sorted(kwargs.items())), folder)
            if key in memo:
                marked = _marked(memo[key], name)
                if marked is not None:
                    return Markup(marked)
            html = str(rendered(kind, startdepth, show_nav_level, **kwargs))
            unmarked = _unmarked(html, name)
            if unmarked is not None:
                memo.setdefault(key, unmarked)
            return Markup(html)

        context["generate_toctree_html"] = generate_toctree_html

    listeners = app.events.listeners["html-page-context"]
    for i, listener in enumerate(listeners):
        if listener.handler is theme_toctree.add_toctree_functions:
            listeners[i] = listener._replace(handler=add_toctree_functions)

    def forget(app: Any, env: Any) -> list[str]:  # a new build: the pages and their titles may have changed
        memo.clear()
        return []

    app.connect("env-updated", forget)


def _unmarked(html: str, name: str) -> str | None:
    """The sidebar of page ``name`` with no page marked as the one being read; None unless it is a flat list
    where ``name`` is marked once."""
    nested = "toctree-l2" in html or "<details" in html
    if nested or html.count(_CURRENT_ITEM) != 1 or html.count(_CURRENT_LIST) != 1 or _ITEM.format(name) in html:
        return None
    return html.replace(_CURRENT_ITEM, _ITEM.format(name)).replace(_CURRENT_LIST, _LIST)


def _marked(unmarked: str, name: str) -> str | None:
    """That sidebar with page ``name`` marked, as the theme marks it; None if ``name`` is not listed once."""
    item = _ITEM.format(name)
    if unmarked.count(item) != 1:
        return None
    at = unmarked.index(item)
    opened = unmarked.rfind(_LIST, 0, at)
    if opened == -1 or "</ul>" in unmarked[opened:at]:
        return None
    marked = unmarked[:at] + _CURRENT_ITEM + unmarked[at + len(item) :]
    return marked[:opened] + _CURRENT_LIST + marked[opened + len(_LIST) :]


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
