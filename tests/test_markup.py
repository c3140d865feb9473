"""The built site's markup: valid HTML (the W3C Nu checker), a description and favicon on every
page, and the chart figures' structure. Also the pieces that produce it, on small inputs.

The Nu checker is ``vnu-jar`` from npm (pinned in package.json), run by Java once over all pages.
"""

from __future__ import annotations

import base64
import importlib.util
import re
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import REPO, subprocess_env
from test_site import html_pages, soup_of

from caravan_book import settings
from caravan_book.build import sphinx_offline
from caravan_book.story import figures as render

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(pages: list) -> list[str]:
    """Errors the Nu checker finds in ``pages`` (one JVM run for all of them), by the benchmark's one call."""
    spec = importlib.util.spec_from_file_location("site_benchmark", REPO / "benchmarks" / "site_benchmark.py")
    assert spec and spec.loader
    site_benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site_benchmark)
    try:
        messages = site_benchmark.nu_messages(list(pages))
    except RuntimeError as error:
        pytest.fail(str(error))
    return [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}" for m in messages]


@pytest.mark.browser
def test_every_page_is_valid_html(built_book):
    pages = html_pages(built_book / "_build" / "html")
    assert len(pages) >= 10
    errors = nu_errors(pages)
    assert errors == [], "\n".join(errors[:40])


@pytest.mark.browser
def test_nu_checker_reports_what_it_should(tmp_path):
    """The check above can fail: the figure markup of earlier builds is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<figure><div id="a"></div><figcaption>c</figcaption><p>after</p></figure><p id="a">x</p></body></html>',
        encoding="utf-8",
    )
    errors = nu_errors([bad])
    assert any("not allowed as child of element “figure”" in e for e in errors), errors
    assert any("Duplicate ID" in e for e in errors), errors


def test_every_page_has_a_description_favicon_and_language(built_book):
    site = built_book / "_build" / "html"
    for path in html_pages(site):
        soup = soup_of(path)
        name = str(path.relative_to(site))
        assert soup.html.get("lang") == "en", name
        assert soup.title and soup.title.get_text(strip=True), name
        description = soup.find("meta", attrs={"name": "description"})
        assert description and 20 <= len(description["content"]) <= 160, name
        icon = soup.find("link", rel="icon")
        assert icon and (path.parent / icon["href"]).is_file(), name
    lead = soup_of(site / "book" / "generated" / "numbers-2018-tijuana.html")
    text = lead.find("meta", attrs={"name": "description"})["content"].rstrip("…")
    assert text in " ".join(lead.select_one("article").get_text(" ").split())  # the page's own first words


def test_no_icon_font_or_chart_library_in_any_page(built_book):
    site = built_book / "_build" / "html"
    for path in html_pages(site):
        text = path.read_text(encoding="utf-8")
        assert "fontawesome" not in text and "vega" not in text.lower().split("</head>")[0], path.name
        assert 'class="fa-' not in text and " fa-solid" not in text, path.name
    assert not list((site / "_static").glob("vega*.js"))  # charts are SVG: the site ships no chart library


def test_figures_hold_caption_last_and_no_code_in_summaries(built_book):
    page = built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html"
    soup = soup_of(page)
    for figure in soup.select("figure.caravan-figure"):
        children = [c for c in figure.children if getattr(c, "name", None)]
        assert [c.name for c in children] == ["div", "figcaption"]
        assert figure.select_one("figcaption details.caravan-chart-data table")
        chart = figure.select_one(".caravan-chart")
        assert chart["data-rendered"] == "true" and chart.select_one("svg[viewBox][aria-hidden=true]")
    assert not soup.select("summary p")


# ------------------------------------------------------------------ the pieces, on small inputs
def _bar_chart(
    labels: list[str], width: int, title: str = "A title long enough that a phone must break it onto two lines"
) -> alt.Chart:
    frame = pd.DataFrame({"who": labels, "value": range(1, len(labels) + 1)})
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(y=alt.Y("who:N", axis=alt.Axis(labelLimit=280)), x="value:Q", tooltip=["who", "value"])
        .properties(width=width)
    )


def test_a_chart_is_drawn_once_with_every_label_and_a_title_per_mark(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CHART_CACHE_ENV, str(tmp_path / "cache"))
    labels = ["A source with a long name — and a speaker quoted by it (via an agency)", "Short"]
    html = render.embed_html(_bar_chart(labels, 420), "Two bars")
    assert html.count("<svg") == 1 and "<img" not in html  # one drawing, scaled by CSS
    assert 'role="img"' in html and 'aria-label="Two bars"' in html and "viewBox" in html
    assert "…" not in html  # long labels wrapped, not cut off
    titles = re.findall(r"<title>([^<]*)</title>", html)
    assert titles == [f"value: 1; who: {labels[0]}", "value: 2; who: Short"]  # data marks only, not axes or title
    sizes = {float(size) for size in re.findall(r'font-size="([\d.]+)px"', html)}
    assert min(sizes) >= render.LABEL_SIZE  # every label at least 14 px at its drawn size
    chart_spec = _bar_chart(labels, 420).to_dict()
    # fields the tooltips do not name (here: none kept) give no title
    assert "<title>" not in render._titles_for_marks(render._svg(chart_spec)[0], {"Count"})


def test_drawings_are_cached_by_spec_and_converter_version(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CHART_CACHE_ENV, str(tmp_path / "cache"))
    first = render.embed_html(_bar_chart(["a", "b"], 300), "Two bars")
    cached = list((tmp_path / "cache").rglob("*.svg"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    assert render.embed_html(_bar_chart(["a", "b"], 300), "Two bars") == first  # the same spec: from the cache
    assert cached[0].stat().st_mtime_ns == stamp
    render.embed_html(_bar_chart(["a", "c"], 300), "Two bars")
    assert len(list((tmp_path / "cache").rglob("*.svg"))) == 2  # another spec: another drawing
    spec = _bar_chart(["a", "b"], 300).to_dict()
    assert render.drawing_key(spec, "svg") != render.drawing_key(spec, "png")


def test_a_figure_is_one_image_output_in_a_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CHART_CACHE_ENV, str(tmp_path / "cache"))
    frame = pd.DataFrame({"who": ["a"], "value": [1]})
    figure = render.Figure(_bar_chart(["a", "b"], 300), caption="Source: x", alt_text="Two bars", data=frame, name="n")
    data, metadata = figure._repr_mimebundle_()
    assert set(data) == {"image/svg+xml", "image/png", "text/plain"}  # no HTML: JupyterLab shows the PNG untrusted
    assert data["image/svg+xml"].count("<svg") == 1
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    page = render.output_html(data, metadata)  # what the book's pages show: the figure with its caption
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("figure.caravan-figure > div.caravan-chart > svg")
    assert soup.select_one("figcaption details.caravan-chart-data table")
    assert render.output_html({"image/png": data["image/png"]}, {}) is None  # not one of the book's charts


def test_a_chart_of_too_many_marks_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CHART_CACHE_ENV, str(tmp_path / "cache"))
    frame = pd.DataFrame({"x": range(render.MAX_MARKS + 1)})
    with pytest.raises(ValueError, match="aggregate"):
        render.embed_html(alt.Chart(frame).mark_point().encode(x="x:Q"), "Many points")


def test_fix_page_repairs_ids_summaries_icons_and_redirect():
    page = (
        '<html><head><script defer src="_static/scripts/fontawesome.js?x=1"></script></head><body>'
        '<summary aria-label="Toggle hidden content"><p class="collapsed admonition-title">Show</p></summary>'
        '<section id="exercise-content"></section><section id="exercise-content"></section>'
        '<i class="fa-solid fa-bars fa-lg"></i></body></html>'
    )
    fixed = sphinx_offline.fix_page(page, project="Book")
    assert 'id="exercise-content-1"' in fixed and 'id="exercise-content-2"' in fixed
    assert '<summary><span class="collapsed admonition-title">Show</span></summary>' in fixed
    assert 'class="caravan-icon caravan-icon-bars"' in fixed and "fontawesome" not in fixed
    plain = page.replace("<script defer src=", "<script src=")  # how pydata-sphinx-theme 0.16 loads it
    assert "fontawesome" not in sphinx_offline.fix_page(plain, project="Book")
    redirect = sphinx_offline.fix_page(
        '<meta http-equiv="Refresh" content="0; url=book/intro.html" />\n', project="Book"
    )
    assert (
        redirect.startswith("<!DOCTYPE html>") and '<html lang="en">' in redirect and "<title>Book</title>" in redirect
    )


def test_lead_description_skips_notes_and_cuts_at_a_word():
    body = '<p class="caravan-params">This page was made with: all sources</p><p>Short.</p><p>' + "Word " * 60 + "</p>"
    text = sphinx_offline.lead_description(body)
    assert text.startswith("Word Word") and text.endswith("…") and len(text) <= 155


#: Draws a chart with text in a fresh interpreter and prints its PNG's digest and FONTCONFIG_FILE afterwards.
_DRAW_IN_A_FRESH_PROCESS = """
import hashlib, os, sys
if sys.argv[1] == "package":
    from caravan_book.story import figures
    vl_convert = figures.converter()
else:
    import vl_convert
spec = {"data": {"values": [{"who": "Tijuana", "n": 3}]}, "mark": "bar",
        "encoding": {"y": {"field": "who"}, "x": {"field": "n", "type": "quantitative"}}}
print(hashlib.sha256(bytes(vl_convert.svg_to_png(vl_convert.vegalite_to_svg(spec)))).hexdigest())
print(os.environ.get("FONTCONFIG_FILE"))
"""


@pytest.mark.build
def test_charts_are_drawn_with_the_fonts_vl_convert_ships_not_the_systems(tmp_path):
    """vl-convert reads a system font from its file on every use (drawing took three times as long). The package's
    first drawing hides the system's fonts, so the text is drawn as a process that sees no font folder draws it,
    and FONTCONFIG_FILE is left as it was for everything else (chromium prints the handouts with it)."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><dir>{empty}</dir></fontconfig>\n")
    script = tmp_path / "draw.py"
    script.write_text(_DRAW_IN_A_FRESH_PROCESS)

    def draw(how: str, fontconfig: str) -> list[str]:
        env = subprocess_env(FONTCONFIG_FILE=fontconfig)
        done = subprocess.run([sys.executable, str(script), how], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    package = draw("package", "the-caller's-value")
    assert package[1] == "the-caller's-value"
    assert package[0] == draw("plain", str(config))[0]  # the same pixels as with no system font at all
