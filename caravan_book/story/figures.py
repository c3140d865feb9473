"""Put Altair charts on a page as static SVG, drawn once at build time.

Each chart is drawn by ``vl_convert`` to SVG while the notebook runs, so a page needs no chart
library at all: nothing to download, nothing blocking the first paint, and the same markup works
on the site, on a standalone page and in a printed handout. There is one drawing per chart: the SVG
keeps its ``viewBox`` and CSS scales it to the width of the text column (labels are drawn large
enough to stay readable on a phone's column). Its marks carry ``<title>`` elements, so a mouse
pointer shows the details Vega's tooltips did, and the book's script shows the same text in a box
on a tap or from the keyboard.

Drawings are cached on disk by a hash of their spec and the vl-convert version (``settings.CHART_CACHE_ENV``), so a
chart that several pages or builds draw alike is drawn once.

In a notebook a chart is one display output: ``image/svg+xml`` (the drawing), ``image/png`` (the same
drawing, which JupyterLab shows even in a notebook it does not trust) and ``text/plain`` (the text
description), with the caption, description and data in the output's metadata. The book's pages turn
that output back into a ``<figure>`` with the inline SVG (``FigureRenderer``, a myst-nb mime
renderer), whose ``<figcaption>`` holds the source, a text description and the chart's data as a
table and a CSV download one click away.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import html
import json
import math
import re
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from caravan_book import atomic, settings

#: Font sizes of the drawing (px at its drawn size). A chart is drawn about 470 px wide and scaled to
#: the column (at most 1.3 times, at least three quarters of the column): about 18 px on a desktop, 10 px on a
#: phone, 10 pt on paper.
LABEL_SIZE = 14
TITLE_SIZE = 16
#: A chart draws at most this many data rows (marks) per dataset; more is refused with a clear error,
#: since a chart of thousands of marks is unreadable and slow to draw: aggregate the data first.
MAX_MARKS = 2000
#: Longest line of a wrapped axis label (characters).
WIDE_WRAP_CHARS = 28
#: Axes whose labels may be longer than this (px) get wrapped labels.
LABEL_LIMIT = 170
#: Height of one line of a wrapped axis label (px).
LINE_HEIGHT = 16
#: Where a figure's caption, description and data travel in a notebook output's metadata.
METADATA_KEY = "caravan_figure"
#: The image mime types of a chart's output.
SVG_MIME, PNG_MIME = "image/svg+xml", "image/png"
#: Scale of the PNG copy (for notebook readers that do not show SVG).
PNG_SCALE = 1.5


def _prepared_spec(chart: Any) -> dict:
    """The chart's Vega-Lite spec with the settings every drawing shares."""
    spec = chart.to_dict(validate=False)  # charts are built by the package and tested; skip re-validation
    spec.pop("$schema", None)
    for rows in (spec.get("datasets") or {}).values():
        if isinstance(rows, list) and len(rows) > MAX_MARKS:
            raise ValueError(f"a chart may draw at most {MAX_MARKS} rows of data, not {len(rows)}: aggregate them")
    config = spec.setdefault("config", {})
    # legends below the plot keep charts within the page's text column
    config.setdefault("legend", {"orient": "bottom", "direction": "vertical"})
    config["legend"].update(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE, labelLimit=330)
    config.setdefault("background", None)  # the page's background shows through (no white box)
    config.setdefault("axis", {}).update(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE)
    config.setdefault("axisX", {}).setdefault("labelOverlap", True)  # drop a tick label rather than print two as one
    config.setdefault("header", {}).update(labelFontSize=LABEL_SIZE, titleFontSize=LABEL_SIZE)
    config.setdefault("title", {}).update(fontSize=TITLE_SIZE)
    config.setdefault("text", {}).setdefault("fontSize", LABEL_SIZE)
    return spec


_SIZE = re.compile(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"')


def cache_dir() -> Path:
    return settings.chart_cache_dir()


@cache
def _converter_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def drawing_key(spec: dict, kind: str) -> str:
    """The cache key of a drawing: its spec, its kind (svg, png) and the vl-convert version."""
    text = json.dumps([kind, _converter_version(), spec], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _draw(spec: dict, kind: str) -> bytes:
    """Draw a spec as ``kind`` ("svg" or "png"), from the cache when the same spec was drawn before."""
    key = drawing_key(spec, kind)
    cached = cache_dir() / key[:2] / f"{key}.{kind}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    import vl_convert

    if kind == "svg":
        data = vl_convert.vegalite_to_svg(spec).encode("utf-8")
    else:
        white = {**spec, "config": {**spec["config"], "background": "white"}}
        data = bytes(vl_convert.vegalite_to_png(white, scale=PNG_SCALE))
    with contextlib.suppress(OSError):  # a read-only cache folder only costs drawing time
        atomic.write_bytes(cached, data)
    return data


def _svg(spec: dict) -> tuple[str, float, float]:
    """Draw a Vega-Lite spec to SVG; return the SVG and its width and height in CSS px."""
    svg = _draw(spec, "svg").decode("utf-8")
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


def fitted_spec(spec: dict) -> dict:
    """A copy of ``spec`` whose long axis labels wrap onto several lines instead of being cut off
    (rows made taller to hold them)."""
    fitted = copy.deepcopy(spec)
    step = _row_step(fitted, WIDE_WRAP_CHARS)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("height"), dict) and "step" in node["height"]:
                node["height"] = {"step": max(node["height"]["step"], step)}
            if node.get("labelLimit", 0) > LABEL_LIMIT:
                node["labelExpr"] = _wrap_expr(WIDE_WRAP_CHARS)
                node["labelLineHeight"] = LINE_HEIGHT
            for key, value in node.items():
                if key not in ("tooltip", "data", "datasets"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(fitted)
    return fitted


#: The drawing's own attributes: CSS scales it (``--drawn`` is its drawn width); the figure describes it.
DRAWING_ATTRIBUTES = {"class": "caravan-chart-drawing", "aria-hidden": "true", "focusable": "false"}


def _sized(svg: str, width: float) -> str:
    """Let CSS scale the SVG to its column: keep the viewBox, drop the fixed size."""
    svg = re.sub(r'(<svg[^>]*?) width="[\d.]+" height="[\d.]+"', r"\1", svg, count=1)
    svg = svg.replace(' class="marks"', "", 1)
    attributes = {**DRAWING_ATTRIBUTES, "style": f"--drawn: {width:.0f}px"}
    return svg.replace("<svg", "<svg" + "".join(f' {k}="{v}"' for k, v in attributes.items()), 1)


def drawing(chart: Any) -> tuple[str, dict]:
    """The chart's one drawing, ready for a page (inline SVG with a title per data mark), and its spec."""
    spec = fitted_spec(_prepared_spec(chart))
    svg, width, _ = _svg(spec)
    return _sized(_titles_for_marks(svg, tooltip_names(spec)), width), spec


def png(spec: dict) -> bytes:
    """The same drawing as a PNG (for notebook readers that do not trust SVG)."""
    return _draw(spec, "png")


def embed_html(chart: Any, alt_text: str) -> str:
    """The chart alone: its inline SVG in a labelled box (the figure template without its caption)."""
    from caravan_book.story.templates import render

    svg, _ = drawing(chart)
    return render("figures/chart.html.j2", svg=Markup(svg), alt_text=Markup(html.escape(alt_text))).strip()


#: What a spreadsheet reads as the start of a formula (OWASP, CSV injection); a plain number such as -6 is a number.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _table_parts(data, name: str) -> dict:
    import pandas as pd

    shown = data.copy()
    for column in shown.columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d")

    # a spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a formula:
    # such text cells get a leading apostrophe, as OWASP's advice on CSV injection says (numbers stay numbers)
    def defused(cell):
        if isinstance(cell, str) and cell[:1] in _FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(cell):
            return "'" + cell
        return cell

    download = shown.copy()
    for column in download.columns:
        if not pd.api.types.is_numeric_dtype(download[column]):
            download[column] = download[column].map(defused)
    download.columns = [defused(str(c)) for c in download.columns]
    csv_text = download.to_csv(index=False, lineterminator="\r\n")  # RFC 4180; a cell holding a CR is quoted
    return {
        "rows": len(shown),
        "filename": html.escape(name + ".csv"),
        "href": "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text),
        "table": shown.to_html(index=False, escape=True, border=0, classes="caravan-data-table", na_rep=""),
    }


def _figure_markup(svg: str, parts: dict) -> str:
    """The ``<figure>`` of a chart from its drawing and the escaped parts of its caption (a template)."""
    from caravan_book.story.templates import render

    values = {key: value if isinstance(value, int) else Markup(value) for key, value in parts.items()}
    return render("figures/figure.html.j2", svg=Markup(svg), **values).strip()


def caption_parts(*, caption: str, alt_text: str, data: Any, name: str) -> dict:
    """What a figure's caption holds, HTML-escaped: source, description and data (table and CSV link)."""
    return {"caption": html.escape(caption), "alt_text": html.escape(alt_text), **_table_parts(data, name)}


def figure_html(chart: Any, *, caption: str, alt_text: str, data: Any, name: str) -> str:
    """The chart with everything that explains it inside its ``<figcaption>``: source, description, data.

    HTML allows a ``figcaption`` only as the first or last child of a ``figure``, so the description
    and the data table live inside it rather than after it.
    """
    svg, _ = drawing(chart)
    return _figure_markup(svg, caption_parts(caption=caption, alt_text=alt_text, data=data, name=name))


def output_html(data: dict, metadata: dict) -> str | None:
    """The ``<figure>`` of a chart's notebook output (its SVG and the caption in its metadata); None if
    the output is not one of the book's charts."""
    parts = (metadata.get(SVG_MIME) or {}).get(METADATA_KEY) if isinstance(metadata, dict) else None
    svg = data.get(SVG_MIME)
    if not isinstance(parts, dict) or not svg:
        return None
    return _figure_markup(svg if isinstance(svg, str) else "".join(svg), parts)


class Figure:
    """A chart with its caption, text alternative and data: one image output in Jupyter."""

    def __init__(self, chart, *, caption: str, alt_text: str, data, name: str):
        self.chart, self.caption, self.alt_text, self.data, self.name = chart, caption, alt_text, data, name

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        svg, spec = drawing(self.chart)
        parts = caption_parts(caption=self.caption, alt_text=self.alt_text, data=self.data, name=self.name)
        bundle = {
            SVG_MIME: svg,
            PNG_MIME: base64.b64encode(png(spec)).decode("ascii"),
            "text/plain": self.alt_text,
        }
        return bundle, {SVG_MIME: {METADATA_KEY: parts}}


def _renderer(spec: dict, **metadata) -> tuple[dict, dict]:
    import altair as alt

    chart = alt.Chart.from_dict(spec, validate=False)
    description = spec.get("description") or (spec.get("title") if isinstance(spec.get("title"), str) else "A chart")
    svg, fitted = drawing(chart)
    return {SVG_MIME: svg, PNG_MIME: base64.b64encode(png(fitted)).decode("ascii"), "text/plain": str(description)}, {}


def enable() -> None:
    """Make plain Altair display draw static SVG too, like the book's own figures."""
    import altair as alt

    alt.renderers.register("caravan", _renderer)
    alt.renderers.enable("caravan")
