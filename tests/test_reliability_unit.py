"""Issue 21, the parts that need no process: the escaper, CSV downloads, a custom book's dates and title."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from caravan_book.build import config, editions
from caravan_book.story.display import code, md
from caravan_book.story.figures import caption_parts

pytestmark = pytest.mark.unit

PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in y %}",
    "{# c #}",
    "{sub-ref}`today`",
    "```{eval-rst}",
    ":::{note}",
    "<img src=x onerror=alert(1)>",
    "$\\frac{1}{2}$",
    "*em* [a](x) `c`",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_escaper_leaves_no_template_role_directive_html_or_math(payload):
    for shown in (md(payload), code(payload)):
        assert re.search(r"(?<!\\)[{}`$:*\[\]<>]", shown.replace("<code>", "").replace("</code>", "")) is None, shown
    rendered = MarkdownIt("commonmark").render(md(payload))  # the text comes back character for character
    assert rendered.strip().removeprefix("<p>").removesuffix("</p>").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&quot;", '"'
    ).replace("&amp;", "&") == " ".join(payload.split())


def test_chart_csv_downloads_defuse_formulas():
    frame = pd.DataFrame(
        {"actor": ['=HYPERLINK("http://x")', "+1x", "-1x", "@SUM(A1)", "\tx", "\rx", "Police"], "n": range(7)}
    )
    parts = caption_parts(caption="c", alt_text="a", data=frame, name="chart")
    href = parts["href"]
    rows = list(csv.reader(io.StringIO(urllib.parse.unquote(href.split(",", 1)[1]), newline="")))
    cells = [row[0] for row in rows[1:]]
    assert cells[:6] == ['\'=HYPERLINK("http://x")', "'+1x", "'-1x", "'@SUM(A1)", "'\tx", "'\rx"]
    assert cells[6] == "Police" and [row[1] for row in rows[1:]] == [str(n) for n in range(7)]
    assert "=HYPERLINK" in parts["table"]  # the table on the page shows the text as it is


def test_an_unquoted_yaml_date_in_a_custom_book_is_the_date_as_written(tmp_path):
    spec = tmp_path / "book.yml"
    spec.write_text("pages:\n  - notebook: narrative\n    parameters: {incident: 2018-tijuana, as_of: 2018-11-27}\n")
    pages = editions.custom_pages(editions.read_custom(spec), spec)
    assert pages[0].parameters["as_of"] == "2018-11-27"


@pytest.mark.parametrize("title", ["<img src=x onerror=alert(1)>", 'A "quoted" title', "A \u202eright-to-left title"])
def test_a_custom_book_title_with_markup_is_refused(tmp_path, title):
    spec = tmp_path / "book.yml"
    spec.write_text(f"title: {json.dumps(title)}\npages:\n  - notebook: comparison\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="title is shown as plain text"):
        editions.read_custom(spec)
