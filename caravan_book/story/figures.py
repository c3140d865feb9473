"""Put Altair charts on a page as static SVG, drawn at build time.

Each chart is drawn by ``vl_convert`` to SVG while the notebook runs, so a page needs no chart
library at all: nothing to download, nothing blocking the first paint, and the same markup works
on the site, on a standalone page and in a printed handout. The SVG keeps its ``viewBox`` and is
scaled by CSS to the width of the text column.

A chart wider than a phone's column also gets a narrow drawing (plot areas shrunk, long axis
labels wrapped onto several lines) that CSS shows instead of the wide one when the column is
narrow, so a reader on a phone sees every bar and label at a readable size without scrolling
sideways. The wide drawing is inline ``<svg>``; its marks carry ``<title>`` elements, so a mouse
pointer shows the same details Vega's tooltips did. The narrow one is an ``<img>`` of the SVG
(touch screens have no hover, and one inline ``<svg>`` per chart keeps the markup simple).

Each chart is a ``<figure>`` whose ``<figcaption>`` holds the source, a text description and
the chart's data as a table and a CSV download one click away.
"""

from __future__ import annotations

import base64
import copy
import html
import math
import re
import textwrap
import urllib.parse
from typing import Any

#: A chart drawn wider than this (CSS px) also gets a narrow drawing for phones.
NARROW_WIDTH = 340
#: Longest line of a wrapped axis label, and of a wrapped title, in the narrow drawing (characters).
WRAP_CHARS = 26
#: The same in the wide drawing, whose label columns are up to about 280 px wide.
WIDE_WRAP_CHARS = 40
TITLE_CHARS = 42
#: Widest line of a wrapped axis label in the narrow drawing (px).
LABEL_LIMIT = 170
#: Height of one line of a wrapped axis label (px).
LINE_HEIGHT = 13


def _prepared_spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec with the settings every drawing shares."""
    spec = chart.to_dict(validate=False)  # charts are built by the package and tested; skip re-validation
    spec.pop("$schema", None)
    config = spec.setdefault("config", {})
    # legends below the plot keep charts within the page's text column
    config.setdefault("legend", {"orient": "bottom", "direction": "vertical"})
    config.setdefault("background", None)  # the page's background shows through (no white box)
    config.setdefault("axisX", {}).setdefault("labelOverlap", True)  # drop a tick label rather than print two as one
    return spec


_SIZE = re.compile(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"')


def _svg(spec: dict) -> tuple[str, float, float]:
    """Draw a Vega-Lite spec to SVG; return the SVG and its width and height in CSS px."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    match = _SIZE.search(svg)
    if not match:
        raise ValueError("vl-convert returned an SVG without a width and height")
    return svg, float(match.group(1)), float(match.group(2))


_LABELLED = re.compile(r'<(path|rect|line|text|g)( [^>]*?)aria-label="([^"]*)"([^>]*?)(/?)>')
_ARIA_ATTR = re.compile(r' (?:role|aria-roledescription|aria-label)="[^"]*"')


def tooltip_names(spec: Any) -> set[str]:
    """The names a chart's tooltips give their values (each tooltip entry's title, else its field)."""
    names: set[str] = set()
    if isinstance(spec, dict):
        tips = spec.get("tooltip")
        for tip in tips if isinstance(tips, list) else [tips] if isinstance(tips, dict) else []:
            if isinstance(tip, dict) and (tip.get("title") or tip.get("field")):
                names.add(str(tip.get("title") or tip.get("field")))
        for key, value in spec.items():
            if key not in ("data", "datasets"):
                names |= tooltip_names(value)
    elif isinstance(spec, list):
        for value in spec:
            names |= tooltip_names(value)
    return names


def _titles_for_marks(svg: str, keep: set[str]) -> str:
    """Turn each mark's ARIA label (Vega writes the tooltip fields there) into an SVG ``<title>``.

    Browsers show a ``<title>`` when the pointer rests on the mark, which keeps the details Vega's
    tooltips showed. Vega's label also names the mark's other encoded fields by their raw names
    (``month_start: 2018-11-15``), so only the parts named in the chart's tooltips (``keep``) are
    kept, and marks with none (text labels, rules) get no title. The whole SVG is hidden from
    assistive technology, since the figure carries a text description and the data table, so the
    ARIA attributes themselves are dropped.
    """

    def mark(match: re.Match[str]) -> str:
        tag, before, label, after, closing = match.groups()
        attrs = _ARIA_ATTR.sub("", before + after)
        attributes = before + after
        guide = re.search(r'aria-roledescription="(axis|legend|title)"', attributes)
        is_mark = 'role="graphics-symbol"' in attributes and guide is None  # data marks, not axes or legends
        fields: list[str] = []
        for part in label.split("; "):  # a value holding "; " (a summary of two clauses) stays whole
            if ": " in part or not fields:
                fields.append(part)
            else:
                fields[-1] += "; " + part
        parts = [part for part in fields if part.partition(": ")[0] in keep]
        if not is_mark or not parts:
            return f"<{tag}{attrs}{closing}>"
        title = f"<title>{'; '.join(parts)}</title>"  # already escaped by Vega
        return f"<{tag}{attrs}>{title}</{tag}>" if closing else f"<{tag}{attrs}>{title}"

    svg = _LABELLED.sub(mark, svg)
    return _ARIA_ATTR.sub("", svg)


def _wrap_expr(chars: int) -> str:
    """A Vega expression that breaks an axis label into lines of at most ``chars`` characters."""
    pattern = "(.{1,%d})(\\\\s+|$)".replace("%d", str(chars))
    return "split(trim(replace(datum.label, regexp('" + pattern + "', 'g'), '$1\\n')), '\\n')"


def _wrapped_title(title: Any) -> Any:
    """A long title as lines of at most ``TITLE_CHARS`` characters (Vega draws a list as lines)."""
    if isinstance(title, str) and len(title) > TITLE_CHARS:
        return textwrap.wrap(title, TITLE_CHARS)
    if isinstance(title, dict) and isinstance(title.get("text"), str):
        return {**title, "text": _wrapped_title(title["text"])}
    return title


def _row_step(spec: dict, wrap_chars: int) -> int:
    """Height of a bar's row: room for the longest label's lines once wrapped at ``wrap_chars``.

    The labels are the values of the fields whose axes have a long ``labelLimit``; a label of
    ``n`` characters takes about ``n / wrap_chars`` lines once wrapped at word boundaries."""
    fields: list[str] = []

    def find(node: Any) -> None:
        if isinstance(node, dict):
            axis = node.get("axis")
            if isinstance(axis, dict) and axis.get("labelLimit", 0) > LABEL_LIMIT and "field" in node:
                fields.append(node["field"])
            for value in node.values():
                find(value)
        elif isinstance(node, list):
            for value in node:
                find(value)

    find(spec)
    longest = 0
    for rows in (spec.get("datasets") or {}).values():
        for row in rows:
            for field in fields:
                longest = max(longest, len(str(row.get(field, ""))))
    lines = max(1, math.ceil(longest * 1.15 / wrap_chars))  # word breaks leave lines a little short
    return lines * LINE_HEIGHT + 12


def fitted_spec(spec: dict, *, shrink: float = 0, narrow: bool = False) -> dict:
    """A copy of ``spec`` whose long axis labels wrap onto several lines instead of being cut off
    (rows made taller to hold them). With ``narrow``, for a column about ``NARROW_WIDTH`` px wide:
    every plot width cut by ``shrink`` px (never below 120 px), labels and titles wrapped shorter."""
    fitted = copy.deepcopy(spec)
    wrap_chars = WRAP_CHARS if narrow else WIDE_WRAP_CHARS
    step = _row_step(fitted, wrap_chars)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            width = node.get("width")
            if narrow and isinstance(width, (int, float)) and not isinstance(width, bool):
                node["width"] = max(120, int(width - shrink))
            if isinstance(node.get("height"), dict) and "step" in node["height"]:
                node["height"] = {"step": max(node["height"]["step"], step)}
            if node.get("labelLimit", 0) > LABEL_LIMIT:
                if narrow:
                    node["labelLimit"] = LABEL_LIMIT
                node["labelExpr"] = _wrap_expr(wrap_chars)
                node["labelLineHeight"] = LINE_HEIGHT
            if narrow and "title" in node:
                node["title"] = _wrapped_title(node["title"])
            for key, value in node.items():
                if key not in ("tooltip", "data", "datasets"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(fitted)
    if narrow:
        # fewer ticks on a horizontal axis, so numbers such as "4,000 6,000" do not run together
        fitted.setdefault("config", {}).setdefault("axisX", {}).setdefault("tickCount", 4)
    return fitted


def narrow_drawing(spec: dict, width: float) -> str | None:
    """The narrow SVG of a chart drawn ``width`` px wide, or None if it already fits a phone."""
    if width <= NARROW_WIDTH + 10 or _has_key(spec, "projection"):
        return None  # fits already; a map is a picture, scaled as a whole rather than cropped
    shrink = width - NARROW_WIDTH
    svg, narrow_width, _ = _svg(fitted_spec(spec, shrink=shrink, narrow=True))
    if narrow_width > NARROW_WIDTH + 10:  # still too wide (labels, titles, legend need more): cut the plot more
        svg, narrow_width, _ = _svg(fitted_spec(spec, shrink=shrink + narrow_width - NARROW_WIDTH, narrow=True))
    return svg


def _has_key(node: Any, key: str) -> bool:
    if isinstance(node, dict):
        return key in node or any(_has_key(v, key) for v in node.values() if isinstance(v, (dict, list)))
    if isinstance(node, list):
        return any(_has_key(v, key) for v in node)
    return False


def _sized(svg: str, width: float, extra_class: str) -> str:
    """Let CSS scale the SVG to its column: keep the viewBox, cap it at its drawn width."""
    svg = re.sub(r'(<svg[^>]*?) width="[\d.]+" height="[\d.]+"', r"\1", svg, count=1)
    svg = svg.replace(' class="marks"', "", 1)
    return svg.replace(
        "<svg ",
        f'<svg class="{extra_class}" aria-hidden="true" focusable="false" style="max-width: {width:.0f}px" ',
        1,
    )


def embed_html(chart: Any, alt_text: str) -> str:
    """The chart alone: a wide inline SVG and, for charts wider than a phone's column, a narrow one."""
    spec = _prepared_spec(chart)
    svg, width, _ = _svg(fitted_spec(spec))
    wide = _sized(_titles_for_marks(svg, tooltip_names(spec)), width, "caravan-chart-wide")
    narrow_svg = narrow_drawing(spec, width)
    parts = [wide]
    classes = "caravan-chart"
    if narrow_svg is not None:
        classes += " caravan-chart-has-narrow"
        narrow_svg = _ARIA_ATTR.sub("", narrow_svg)
        narrow_width = float(_SIZE.search(narrow_svg).group(1))  # type: ignore[union-attr]
        data = base64.b64encode(narrow_svg.encode("utf-8")).decode("ascii")
        parts.append(
            f'<img class="caravan-chart-narrow" alt="" src="data:image/svg+xml;base64,{data}" '
            f'style="max-width: {narrow_width:.0f}px">'
        )
    return (
        f'<div class="{classes}" role="img" aria-label="{html.escape(alt_text)}" data-rendered="true">'
        + "".join(parts)
        + "</div>"
    )


def data_html(data, name: str) -> str:
    """The chart's data: a table behind a toggle and a CSV download (no other host involved)."""
    import pandas as pd

    shown = data.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    csv_text = shown.to_csv(index=False)
    href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
    table = shown.to_html(index=False, escape=True, border=0, classes="caravan-data-table", na_rep="")
    filename = html.escape(name + ".csv")
    return (
        '<details class="caravan-chart-data">'
        f"<summary>The data behind this chart ({len(shown)} {'row' if len(shown) == 1 else 'rows'})</summary>\n"
        f'<p><a download="{filename}" href="{href}">Download the data as CSV ({filename})</a></p>\n'
        f"{table}\n</details>"
    )


def figure_html(chart: Any, *, caption: str, alt_text: str, data: Any, name: str) -> str:
    """The chart with everything that explains it inside its ``<figcaption>``: source, description, data.

    HTML allows a ``figcaption`` only as the first or last child of a ``figure``, so the description
    and the data table live inside it rather than after it.
    """
    return (
        '<figure class="caravan-figure">\n'
        + embed_html(chart, alt_text)
        + "\n<figcaption>\n"
        + f'<p class="caravan-chart-source">{html.escape(caption)}</p>\n'
        + f'<p class="caravan-chart-description"><strong>What the chart shows:</strong> {html.escape(alt_text)}</p>\n'
        + data_html(data, name)
        + "\n</figcaption>\n</figure>"
    )


class Figure:
    """A chart with its caption, text alternative and data, displayed as HTML in Jupyter."""

    def __init__(self, chart, *, caption: str, alt_text: str, data, name: str):
        self.chart, self.caption, self.alt_text, self.data, self.name = chart, caption, alt_text, data, name

    def _repr_html_(self) -> str:
        return figure_html(self.chart, caption=self.caption, alt_text=self.alt_text, data=self.data, name=self.name)


def _renderer(spec: dict, **metadata) -> dict:
    import altair as alt

    chart = alt.Chart.from_dict(spec, validate=False)
    description = spec.get("description") or (spec.get("title") if isinstance(spec.get("title"), str) else "A chart")
    return {"text/html": embed_html(chart, str(description))}


def enable() -> None:
    """Make plain Altair display draw static SVG too, like the book's own figures."""
    import altair as alt

    alt.renderers.register("caravan", _renderer)
    alt.renderers.enable("caravan")
