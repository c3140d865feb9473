"""The book's charts on its pages: a myst-nb mime renderer for the charts' notebook outputs.

A chart is one notebook output (``image/svg+xml``, ``image/png`` and ``text/plain``; see
``caravan_book.story.figures``). On a page it becomes a ``<figure>`` with the inline SVG and the caption
carried in the output's metadata; the PNG copy, there for notebook readers, is not shipped with the site.
Registered under the ``myst_nb.mime_renderers`` entry point in pyproject.toml.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes

from caravan_book.story import figures


def _is_chart(data: Any) -> bool:
    meta = getattr(data, "output_metadata", None) or {}
    return isinstance(meta.get(figures.SVG_MIME), dict) and figures.METADATA_KEY in meta[figures.SVG_MIME]


class FigureRenderer:
    """Draw a chart's output as its figure (SVG inline); drop the chart's PNG copy."""

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = []

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        if not _is_chart(data):
            return None
        if data.mime_type == figures.PNG_MIME or data.mime_type == "text/plain":
            return []
        if data.mime_type != figures.SVG_MIME:
            return None
        markup = figures.output_html({figures.SVG_MIME: data.string}, data.output_metadata)
        return [nodes.raw("", markup, format="html")] if markup else None
