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
import os
import re
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from caravan_book import atomic, settings

#: Smallest font size of the drawing (px at its drawn size). A chart is scaled to its column (on a desktop up to
#: 1.3 times its drawn size, at least three quarters of the column), so :func:`drawing` draws its labels larger
#: when needed: large enough that, scaled down to a phone's column, they are still :data:`SCREEN_MIN` px.
LABEL_SIZE = 14
#: The title is this much larger than the labels (px at the drawn size).
TITLE_EXTRA = 2
#: The text column of a 390 px phone (px): the narrowest column the drawings are made for.
PHONE_COLUMN = 342
#: The smallest label on screen (px) once a drawing is scaled to :data:`PHONE_COLUMN`.
SCREEN_MIN = 12.2
#: The largest label size a drawing is drawn with (px at its drawn size): a drawing that would need more (text
#: that widens it as its labels grow) keeps this size instead of growing without end.
MAX_LABEL_SIZE = 3 * LABEL_SIZE
#: A chart draws at most this many data rows (marks) per dataset; more is refused with a clear error. The
#: book's own charts aggregate before they reach it (``charts.MAX_ROWS``).
MAX_MARKS = 2000
#: Width (px at the drawn size) a title's or a panel name's lines may take, and the width of an average character as
#: a share of the font size.
TITLE_WIDTH, CHAR_WIDTH = 340, 0.56
#: Longest line of a wrapped axis label (characters).
WIDE_WRAP_CHARS = 32
#: Axes whose labels may be longer than this (px) get wrapped labels.
LABEL_LIMIT = 170
#: Height of one line of a wrapped axis label, as a multiple of its font size.
LINE_SPACING = 1.15
#: Where a figure's caption, description and data travel in a notebook output's metadata.
METADATA_KEY = "caravan_figure"
#: The image mime types of a chart's output.
SVG_MIME, PNG_MIME = "image/svg+xml", "image/png"
#: Scale of the PNG copy (for notebook readers that do not show SVG).
PNG_SCALE = 1.5
#: Part of every drawing's cache key: changed when the way a kind is drawn changes (2: the PNG from the SVG; 3: text
#: drawn with the fonts vl-convert ships, :func:`converter`).
DRAWING_RECIPE = 3


def _prepared_spec(chart: Any, size: int = LABEL_SIZE) -> dict:
    """The chart's Vega-Lite spec with the settings every drawing shares, its labels ``size`` px."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)  # built by the package and tested
    spec = copy.deepcopy(spec)
    spec.pop("$schema", None)
    for rows in (spec.get("datasets") or {}).values():
        if isinstance(rows, list) and len(rows) > MAX_MARKS:
            raise ValueError(f"a chart may draw at most {MAX_MARKS} rows of data, not {len(rows)}: aggregate them")
    config = spec.setdefault("config", {})
    # legends below the plot keep charts within the page's text column
    config.setdefault("legend", {"orient": "bottom", "direction": "vertical"})
    config["legend"].update(labelFontSize=size, titleFontSize=size, labelLimit=330)
    config.setdefault("background", None)  # the page's background shows through (no white box)
    config.setdefault("axis", {}).update(labelFontSize=size, titleFontSize=size)
    config.setdefault("axisX", {}).setdefault("labelOverlap", True)  # drop a tick label rather than print two as one
    config.setdefault("header", {}).update(labelFontSize=size, titleFontSize=size)
    config.setdefault("title", {}).update(fontSize=size + TITLE_EXTRA)
    config.setdefault("text", {})["fontSize"] = size  # every text mark: the charts give none a size of their own
    # long titles and panel names break onto lines of about the plot's width, so they do not widen the drawing
    chars = max(16, round(TITLE_WIDTH / (CHAR_WIDTH * (size + TITLE_EXTRA))))
    title = spec.get("title")
    if isinstance(title, str):
        spec["title"] = _lines(title, chars)
    elif isinstance(title, dict) and isinstance(title.get("text"), str):
        title["text"] = _lines(title["text"], chars)
    config["header"]["labelExpr"] = _wrap_expr(max(16, round(TITLE_WIDTH / (CHAR_WIDTH * size))))
    return spec


def _lines(text: str, chars: int) -> str | list[str]:
    """A title broken at spaces into lines of at most ``chars`` characters (a list, as Vega takes several lines)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines if len(lines) > 1 else text


#: The drawing's opening tag, with its width and height (px).
_OPENING = re.compile(r'<svg[^>]*? width="([\d.]+)" height="([\d.]+)"[^>]*>')


def cache_dir() -> Path:
    return settings.chart_cache_dir()


@cache
def _converter_version() -> str:
    from importlib.metadata import version

    return version("vl-convert-python")


def drawing_key(spec: dict, kind: str) -> str:
    """The cache key of a drawing: its spec, its kind (svg, png) and the vl-convert version."""
    text = json.dumps(
        [kind, DRAWING_RECIPE, _converter_version(), spec], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _draw(spec: dict, kind: str) -> bytes:
    """Draw a spec as ``kind`` ("svg" or "png"), from the cache when the same spec was drawn before.

    The PNG is the SVG drawing on a white background, rasterised (``svg_to_png``): the same picture as
    ``vegalite_to_png`` gives (which lays the chart out again, then rasterises its SVG the same way), in about
    a third of the time."""
    key = drawing_key(spec, kind)
    cached = cache_dir() / key[:2] / f"{key}.{kind}"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    vl_convert = converter()
    if kind == "svg":
        data = vl_convert.vegalite_to_svg(spec).encode("utf-8")
    else:
        data = bytes(vl_convert.svg_to_png(_on_white(_draw(spec, "svg").decode("utf-8")), scale=PNG_SCALE))
    with contextlib.suppress(OSError):  # a read-only cache folder only costs drawing time
        atomic.write_bytes(cached, data)
    return data


def _on_white(svg: str) -> str:
    """The drawing on a white background, as Vega draws one (a rectangle of its size, first)."""
    match = _OPENING.search(svg)
    if not match:
        raise ValueError("vl-convert returned an SVG without a width and height")
    width, height = match.groups()
    return svg[: match.end()] + f'<rect width="{width}" height="{height}" fill="white"/>' + svg[match.end() :]


#: A fontconfig file whose only font folder is its own, which holds no font (see :func:`converter`).
FONT_CONFIG = Path(__file__).with_name("fontconfig") / "fonts.conf"
#: The first drawing of a process: a point and its axis, so that text is measured and the font database made.
_FIRST_DRAWING = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}
_started = False  # whether this process made its first drawing (not a functools cache: the kernels clear those)


def converter() -> Any:
    """``vl_convert``, its first drawing made with no system font in sight.

    vl-convert measures and draws text with a font database it makes on its first drawing: the system's fonts (the
    folders fontconfig names) and the Liberation Sans it ships, which it keeps in memory. A system font is read
    from its file again on every use: a build opened and memory-mapped LiberationSans about 75,000 times, and the
    book's 29 drawings took 2.2 s, against 0.8 s with the fonts in memory. So the first drawing is made with a
    fontconfig file (``FONTCONFIG_FILE``, which vl-convert's font database reads) whose only folder holds no font
    (:data:`FONT_CONFIG`; a file in the package, so a kernel stopped mid-drawing leaves nothing behind), and
    the variable is put back at once: the database holds the shipped fonts only. Measured here: the SVG drawings
    are byte for byte the same (this system's Liberation Sans has the same metrics) and the PNG copies differ by
    a few anti-aliased pixels. The charts are also measured alike on a machine with other fonts. (A process that
    drew with vl-convert before this keeps the database it made.) The build's warm kernels call it while the data
    is checked: the first drawing also starts vl-convert's JavaScript runtime (about 0.4 s)."""
    global _started
    import vl_convert

    if _started:
        return vl_convert
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONT_CONFIG)
    try:
        vl_convert.vegalite_to_svg(_FIRST_DRAWING)
    finally:
        if before is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = before
    _started = True
    return vl_convert


def _svg(spec: dict) -> tuple[str, float, float]:
    """Draw a Vega-Lite spec to SVG; return the SVG and its width and height in CSS px."""
    svg = _draw(spec, "svg").decode("utf-8")
    match = _OPENING.search(svg)
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
        # guides, and marks that draw a whole series at once (a line: one row's values would misname it)
        guide = re.search(r'aria-roledescription="(axis|legend|title|line mark|area mark|trail mark)"', attributes)
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


def _row_step(spec: dict, wrap_chars: int, line: int) -> int:
    """Height of a bar's row: room for the longest label's lines once wrapped at ``wrap_chars``.

    The labels are the values of the fields whose axes have a long ``labelLimit``; each is broken at spaces as
    the drawing's wrap expression breaks it (:func:`_lines`), so its lines are counted, not guessed."""
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
    lines = 1
    for rows in (spec.get("datasets") or {}).values():
        for row in rows:
            for field in fields:
                wrapped = _lines(str(row.get(field, "")), wrap_chars)
                lines = max(lines, len(wrapped) if isinstance(wrapped, list) else 1)
    return lines * line + 12


def fitted_spec(spec: dict, size: int = LABEL_SIZE) -> dict:
    """A copy of ``spec`` whose long axis labels wrap onto several lines instead of being cut off
    (rows made taller to hold them); with larger labels, fewer characters a line (the same width)."""
    fitted = copy.deepcopy(spec)
    chars = max(12, round(WIDE_WRAP_CHARS * LABEL_SIZE / size))
    line = round(size * LINE_SPACING)
    step = _row_step(fitted, chars, line)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("height"), dict) and "step" in node["height"]:
                node["height"] = {"step": max(node["height"]["step"], step)}
            if node.get("labelLimit", 0) > LABEL_LIMIT:
                node["labelExpr"] = _wrap_expr(chars)
                node["labelLineHeight"] = line
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
    """The chart's one drawing, ready for a page (inline SVG with a title per data mark), and its spec.

    Drawn first with :data:`LABEL_SIZE` labels; a drawing so wide that a phone's column would show them under
    :data:`SCREEN_MIN` px is drawn again with labels that large (a few times at most, as larger labels widen it)."""
    source = chart.to_dict(validate=False)
    size = LABEL_SIZE
    for _ in range(4):
        spec = fitted_spec(_prepared_spec(source, size), size)
        svg, width, _ = _svg(spec)
        needed = min(MAX_LABEL_SIZE, math.ceil(SCREEN_MIN * width / PHONE_COLUMN))
        if needed <= size:
            break
        size = needed
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
