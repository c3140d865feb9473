"""The build's own Sphinx application (``build/sphinx_app.py``): made as Jupyter Book makes it, and safe to make
while the build's page threads run."""

from __future__ import annotations

import gc

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
