"""What a reader sees: every page of the built site in headless Debian chromium, network off.

Playwright drives Debian's chromium (``$CARAVAN_BOOK_CHROMIUM``, default /usr/bin/chromium;
its own browser download does not work here). Every
request that is not a local file is blocked and recorded. axe-core (pinned in package.json)
checks accessibility.
"""

from __future__ import annotations

import pytest

from conftest import REPO, open_offline, wait_for_charts
from test_site import CHARTS_PER_PAGE, html_pages


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def test_every_page_renders_its_charts_offline_without_errors(built_book, browser):
    site = built_book / "_build" / "html"
    pages = html_pages(site)
    assert len(pages) >= 10
    charts_seen = 0
    for path in pages:
        context, page, errors, remote = open_offline(browser, path)
        try:
            charts_seen += wait_for_charts(page)
            for box in page.locator(".caravan-chart svg").all():
                size = box.bounding_box()
                assert size and size["width"] > 100 and size["height"] > 50, path.name
            assert errors == [], f"{path.name}: {errors}"
            assert remote == [], f"{path.name} asked another host for: {remote}"
        finally:
            context.close()
    assert charts_seen == sum(CHARTS_PER_PAGE.values())


def test_standalone_page_renders_offline(tmp_path, browser):
    from conftest import run_cli

    out = tmp_path / "page.html"
    assert run_cli("run", "narrative", "-p", "incident", "2021-tapachula", "-o", out).returncode == 0
    context, page, errors, remote = open_offline(browser, out)
    try:
        assert wait_for_charts(page) == 2
        assert errors == [] and remote == []
    finally:
        context.close()


def test_accessibility_no_serious_or_critical_violation(built_book, browser):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    site = built_book / "_build" / "html"
    found = []
    for path in html_pages(site):
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8"):
            continue  # a redirect to the first page, which is checked itself
        context, page, errors, remote = open_offline(browser, path)
        try:
            wait_for_charts(page)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
                    found.append(f"{path.relative_to(site)}: {violation['id']} ({violation['impact']}): {targets}")
            unlabeled = page.evaluate(
                "() => [...document.querySelectorAll('.caravan-chart')].filter(c => !c.getAttribute('aria-label')).length"
            )
            assert unlabeled == 0, f"{path.name}: a chart has no text alternative"
        finally:
            context.close()
    assert not found, "\n".join(found)
