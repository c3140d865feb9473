"""Text from the data is shown as text: a row holding markup never becomes markup in the site."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import count_charts, edit_csv, open_offline, run_cli

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned = 1</script>"
IMAGE = '<img src=x onerror="window.__pwned = 2">'


def test_markup_in_data_rows_shows_as_text(project_copy, tmp_path, browser):
    data = project_copy / "data"
    edit_csv(data / "events.csv", 0, "summary", f"Hostile summary {SCRIPT} end")
    edit_csv(data / "events.csv", 1, "actor", f"Hostile actor {IMAGE}")
    edit_csv(data / "statements.csv", 0, "role", f"Hostile role {IMAGE}")
    edit_csv(data / "facts.csv", 0, "value", f"Hostile fact {SCRIPT}")
    edit_csv(data / "figures.csv", 0, "attributed_to", f"Hostile source {IMAGE} *bold* [link](x)")
    spec = tmp_path / "hostile.yml"
    spec.write_text(
        "pages:\n"
        "  - notebook: narrative\n    parameters: {incident: 2018-tijuana}\n"
        "  - notebook: numbers\n    parameters: {incident: 2018-tijuana}\n"
        "  - notebook: responses\n    parameters: {incident: 2018-tijuana}\n"
        "  - notebook: comparison\n"
    )
    done = run_cli("build", "--params", spec, "--out", tmp_path / "out", root=project_copy)
    assert done.returncode == 0, done.stderr
    generated = tmp_path / "out" / "html" / "book" / "generated"
    pages = sorted(generated.glob("*.html"))
    assert len(pages) == 5
    shown = ""
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.select('img[src="x"]'), page.name
        assert not [s for s in soup.select("script") if "__pwned" in (s.string or "") and "\\u003c" not in s.string], (
            page.name
        )
        assert not soup.select("main a[href='x']"), page.name  # Markdown in data is not a link
        shown += soup.get_text().replace("\u201d", '"').replace("\u201c", '"')  # Sphinx's smart quotes
    for text in (
        "Hostile summary <script>window.__pwned = 1</script> end",
        'Hostile role <img src=x onerror="window.__pwned = 2">',
        "Hostile fact <script>",
        "*bold* [link](x)",
    ):
        assert text in shown, text
    for page in pages:
        context, tab, errors, remote = open_offline(browser, page)
        try:
            count_charts(tab)
            assert tab.evaluate("() => window.__pwned") is None, page.name
            assert errors == [] and remote == [], (page.name, errors, remote)
        finally:
            context.close()
