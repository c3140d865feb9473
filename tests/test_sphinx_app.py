"""The build's own Sphinx application (``build/sphinx_app.py``): made as Jupyter Book makes it, and safe to make
while the build's page threads run."""

from __future__ import annotations

import gc

import pytest
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx_external_toc.collectors import TocTreeCollectorWithStyles

from caravan_book.build.sphinx_app import WarmSphinx


def test_the_application_is_made_without_looking_at_every_object_and_keeps_one_toctree_collector(
    project_copy, monkeypatch
):
    """sphinx-external-toc switches Sphinx's own toctree collector off. Found through ``gc.get_objects()``, as it
    does itself, that fails tuples another thread is filling in (a build's page thread failed so); here the
    collector is found among the application's listeners, and the styled one replaces it."""

    def refuse(*args, **kwargs):
        raise AssertionError("gc.get_objects() was called while the application was made")

    monkeypatch.setattr(gc, "get_objects", refuse)
    sphinx = WarmSphinx(project_copy, project_copy / "_build" / ".stage")
    try:
        sphinx.make()
        assert _toctree_collectors(sphinx.app) == [TocTreeCollectorWithStyles]
    finally:
        sphinx.close()


def test_an_application_made_again_in_one_process_still_has_one_toctree_collector(project_copy):
    """The preview makes its application again after some edits: each has the styled collector only."""
    sphinx = WarmSphinx(project_copy, project_copy / "_build" / ".stage")
    try:
        for _ in range(2):
            sphinx.make()
            assert _toctree_collectors(sphinx.app) == [TocTreeCollectorWithStyles]
    finally:
        sphinx.close()


def _toctree_collectors(app) -> list[type]:
    owners = [getattr(listener.handler, "__self__", None) for listener in app.events.listeners["env-get-updated"]]
    return [type(owner) for owner in owners if isinstance(owner, TocTreeCollector)]


def _figure(name: str) -> str:
    return f"```{{figure}} dot.svg\n:name: {name}\n\nA dot.\n```\n\nSee {{numref}}`{name}`.\n"


# sphinx-jupyterbook-latex's transform for a page with a figure still calls docutils' old ``traverse``
@pytest.mark.filterwarnings("ignore:nodes.Node.traverse:PendingDeprecationWarning")
def test_figures_are_numbered_across_the_book_after_a_fresh_build_and_after_an_edit(tmp_path):
    """The figure numbers walk each page's doctree: a page read in this build as Sphinx holds it for its writing,
    one not read again from its pickle. After one page gains a figure, the next page's numbers move on."""
    (tmp_path / "_config.yml").write_text("title: Figures\nonly_build_toc_files: true\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n- file: first\n- file: second\n", encoding="utf-8"
    )
    (tmp_path / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n')
    (tmp_path / "intro.md").write_text("# Intro\n\nNo figure here.\n", encoding="utf-8")
    (tmp_path / "first.md").write_text("# First\n\n" + _figure("one"), encoding="utf-8")
    (tmp_path / "second.md").write_text("# Second\n\n" + _figure("two") + _figure("three"), encoding="utf-8")
    sphinx = WarmSphinx(tmp_path, tmp_path / "stage")
    try:
        out = sphinx.build(fresh=True)
        assert _numbers(out / "second.html") == ["Fig. 2", "Fig. 3"]
        (tmp_path / "first.md").write_text("# First\n\n" + _figure("zero") + _figure("one"), encoding="utf-8")
        out = sphinx.build()
        assert _numbers(out / "first.html") == ["Fig. 1", "Fig. 2"]
        assert _numbers(out / "second.html") == ["Fig. 3", "Fig. 4"]
    finally:
        sphinx.close()


def _numbers(page) -> list[str]:
    """The figure numbers a page's captions show, in order."""
    import re

    return re.findall(r'<span class="caption-number">(Fig\. \d+) </span>', page.read_text(encoding="utf-8"))


#: Builds a site twice, with the theme's own sidebar on every page and then with ``_nav_once``, and prints the
#: pages that differ and how many sidebars ``_nav_once`` made without the theme.
_BOTH_SIDEBARS = """
import json, sys
from pathlib import Path
from caravan_book.build import sphinx_app

root, work = Path(sys.argv[1]), Path(sys.argv[2])
made = []
marked = sphinx_app._marked
sphinx_app._marked = lambda html, name: made.append(name) or marked(html, name)
keep, outs = sphinx_app._nav_once, []
for name, nav in (("theme", lambda app: None), ("kept", keep)):
    sphinx_app._nav_once = nav
    sphinx = sphinx_app.WarmSphinx(root, work / name)
    outs.append(sphinx.build(fresh=True))
    sphinx.close()
pages = sorted(str(p.relative_to(outs[0])) for p in outs[0].rglob("*.html"))
differ = [p for p in pages if (outs[0] / p).read_bytes() != (outs[1] / p).read_bytes()]
print(json.dumps({"pages": pages, "differ": differ, "made": made}))
"""


@pytest.mark.build
def test_the_sidebar_made_once_per_folder_is_the_themes_own_on_every_page(book_copy, tmp_path):
    """``_nav_once`` renders the sidebar for one page of a folder and marks each other page's own item in it:
    every page of the built book is byte for byte the page the theme's own sidebar makes, and most sidebars
    were made without the theme."""
    import json
    import subprocess
    import sys

    from conftest import subprocess_env

    done = subprocess.run(
        [sys.executable, "-c", _BOTH_SIDEBARS, str(book_copy), str(tmp_path / "sites")],
        capture_output=True, text=True, env=subprocess_env(book_copy), timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "book/generated/numbers-2018-tijuana.html" in result["pages"]
    assert result["differ"] == []
    assert len(set(result["made"])) >= 8, result["made"]  # the notebook pages of book/generated, but the first
