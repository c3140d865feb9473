"""What a reader sees: every page of the built site in headless Debian chromium, network off.

Playwright drives Debian's chromium (``$CARAVAN_BOOK_CHROMIUM``, default /usr/bin/chromium;
its own browser download does not work here). Every
request that is not a local file is blocked and recorded. axe-core (pinned in package.json)
checks accessibility.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from caravan_book import publish
from conftest import REPO
from test_site import html_pages

pytestmark = pytest.mark.xdist_group("site")

CHROMIUM = Path(publish.CHROMIUM)
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is required: apt-get install chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def open_offline(browser, path: Path):
    """Open a page with every non-local request blocked; return page, console errors, blocked requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    page = context.new_page()
    errors: list[str] = []
    remote: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog opened: {dialog.message}"), dialog.dismiss()))

    def block(route):
        remote.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(LOCAL), block)
    page.on("request", lambda request: remote.append(request.url) if not request.url.startswith(LOCAL) else None)
    page.goto(path.as_uri(), wait_until="load")
    return context, page, errors, remote


def wait_for_charts(page) -> int:
    count = page.locator(".caravan-chart").count()
    if count:
        page.wait_for_function(
            "n => document.querySelectorAll('.caravan-chart[data-rendered=true] svg').length === n", arg=count, timeout=20000
        )
    return count


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
    assert charts_seen >= 13


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
