"""Sphinx extension: number the exercises of every page from 1.

Sphinx numbers an enumerable node (sphinx-exercise's exercises) across the whole book when the table of
contents is not numbered, so the third page's first exercise is "Exercise 9". Each page of this book can be
assigned on its own, and a handout or a custom book numbers its exercises from 1: so does the site. After
Sphinx has assigned the numbers, each page's exercises are renumbered 1, 2, 3 … in their order; the
solutions' titles and every reference read the same table, so they follow.
"""

from __future__ import annotations

from typing import Any

FIGTYPE = "exercise"


def renumber(fignumbers: dict[str, dict[str, dict[str, tuple[int, ...]]]]) -> None:
    """Renumber ``env.toc_fignumbers`` in place: per document, the exercises 1, 2, 3 … in their order."""
    for numbers in fignumbers.values():
        exercises = numbers.get(FIGTYPE)
        if exercises:
            ordered = sorted(exercises, key=exercises.__getitem__)
            numbers[FIGTYPE] = {node_id: (n,) for n, node_id in enumerate(ordered, 1)}


def _renumber(app: Any, env: Any) -> None:
    renumber(env.toc_fignumbers)


def _renumber_updated(app: Any, env: Any) -> list[str]:
    renumber(env.toc_fignumbers)
    return []


def setup(app: Any) -> dict:
    # Sphinx assigns the numbers on env-get-updated, after the documents are read, at every build, even one
    # that reads nothing (a changed HTML option): renumbered right after, so a build that only writes the
    # pages never prints the book-wide numbers; env-check-consistency comes next when documents were read
    app.connect("env-get-updated", _renumber_updated, priority=900)
    app.connect("env-check-consistency", _renumber)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
