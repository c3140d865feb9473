"""Put Altair charts on a page that works offline.

The site carries one copy of the Vega bundle (from ``vl_convert``) in ``book/_static``,
wrapped in a function so its names do not clash with Sphinx's globals. Each chart is a
``<figure>`` that calls ``vegaEmbed`` on its spec, with a caption naming its source, a
text alternative, and the chart's data as a table and a CSV download one click away.

With ``CARAVAN_BOOK_MEDIUM=print`` (handouts) the chart is drawn to SVG in Python
instead, so the page needs no JavaScript at all.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import urllib.parse
from pathlib import Path

#: Where the output goes: "web" (the Sphinx site, default), "page" (a standalone HTML page)
#: or "print" (handouts: charts drawn to SVG, exercises without solutions).
MEDIUM_ENV = "CARAVAN_BOOK_MEDIUM"
MEDIUMS = ("web", "page", "print")
BUNDLE_NAME = "vega-bundle.js"


def medium() -> str:
    value = os.environ.get(MEDIUM_ENV, "web")
    return value if value in MEDIUMS else "web"


def _bundle_stamp() -> str:
    from importlib.metadata import version

    return f"/* vega bundle from vl-convert-python {version('vl-convert-python')} */\n"


def bundle_source() -> str:
    """The Vega, Vega-Lite and vega-embed bundle, wrapped in a function scope.

    It depends only on the installed vl-convert, so it is generated once per environment and
    kept beside it (``<venv>/share/caravan-book``); generating it takes a second or two.
    """
    import sys
    from importlib.metadata import version

    cache = Path(sys.prefix) / "share" / "caravan-book" / f"vega-bundle-{version('vl-convert-python')}.js"
    if cache.is_file():
        return cache.read_text(encoding="utf-8")
    import vl_convert

    source = _bundle_stamp() + "(function () {\n" + vl_convert.javascript_bundle() + "\n})();\n"
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source, encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only environment still works
    return source


def write_bundle(static_dir: Path) -> bool:
    """Write the bundle into ``static_dir`` unless the same version is there; True if it changed."""
    target = static_dir / BUNDLE_NAME
    if target.is_file():
        with open(target, encoding="utf-8") as fh:
            if fh.readline() == _bundle_stamp():
                return False
    source = bundle_source()
    static_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(source, encoding="utf-8")
    tmp.replace(target)
    return True


def _script_json(spec: dict) -> str:
    """JSON that is safe inside a <script> element, whatever the data's text holds."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _chart_id(spec_json: str) -> str:
    return "chart-" + hashlib.sha1(spec_json.encode("utf-8")).hexdigest()[:12]


def embed_html(chart, alt_text: str) -> str:
    """The chart alone: vegaEmbed into a div, or an inline SVG in print mode."""
    spec = chart.to_dict(validate=False)  # charts are built by the package and tested; skip re-validation
    spec.pop("$schema", None)  # a remote address; vegaEmbed is told the mode instead
    # legends below the plot keep charts within the page's text column
    config = spec.setdefault("config", {})
    config.setdefault("legend", {"orient": "bottom", "direction": "vertical"})
    # the figure's container carries the text alternative; marks get no ARIA of their own
    config.setdefault("aria", False)
    if medium() == "print":
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec).replace("<svg ", '<svg aria-hidden="true" ', 1)
        return f'<div class="caravan-chart caravan-chart-svg" role="img" aria-label="{html.escape(alt_text)}">{svg}</div>'
    spec_json = _script_json(spec)
    chart_id = _chart_id(spec_json + alt_text)
    return (
        f'<div id="{chart_id}" class="caravan-chart" role="img" tabindex="0" aria-label="{html.escape(alt_text)}"></div>\n'
        "<script>\n"
        "(function () {\n"
        f'  var el = document.getElementById("{chart_id}");\n'
        "  if (!window.vegaEmbed) { el.textContent = 'This chart needs JavaScript; its data is in the table below.'; return; }\n"
        f"  window.vegaEmbed(el, {spec_json}, {{mode: 'vega-lite', actions: false, renderer: 'svg'}})\n"
        "    .then(function () {\n"
        "      var svg = el.querySelector('svg');\n"
        "      if (svg) { svg.setAttribute('aria-hidden', 'true'); }\n"
        "      el.setAttribute('data-rendered', 'true');\n"
        "    })\n"
        "    .catch(function (err) { el.textContent = 'The chart could not be drawn: ' + err; });\n"
        "})();\n"
        "</script>"
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


def figure_html(chart, *, caption: str, alt_text: str, data, name: str) -> str:
    return (
        '<figure class="caravan-figure">\n'
        + embed_html(chart, alt_text)
        + f"\n<figcaption>{html.escape(caption)}</figcaption>\n"
        + f'<p class="caravan-chart-description"><strong>What the chart shows:</strong> {html.escape(alt_text)}</p>\n'
        + data_html(data, name)
        + "\n</figure>"
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
    """Make plain Altair display use the offline embed (or SVG in print mode)."""
    import altair as alt

    alt.renderers.register("caravan", _renderer)
    alt.renderers.enable("caravan")
