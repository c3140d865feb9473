"""What a reader sees: every page of the built site in headless Debian chromium, network off.

Playwright drives Debian's chromium (``$CARAVAN_BOOK_CHROMIUM``, default /usr/bin/chromium;
its own browser download does not work here). Every
request that is not a local file is blocked and recorded. axe-core (pinned in package.json)
checks accessibility. Layout is checked on a phone (390 px) and a desktop (1280 px): no chart or
table wider than the text column. Page weight is measured as a first visit over HTTP from a
server on 127.0.0.1, counting every request the page makes.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import threading
from functools import partial
from pathlib import Path

import pytest
from conftest import REPO, count_charts, open_offline
from test_site import CHARTS_PER_PAGE, expected_charts, html_pages

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1280)
#: First-visit budgets, uncompressed, all requests: a page with a chart, a page without.
CHART_PAGE_BUDGET = 1024 * 1024
PLAIN_PAGE_BUDGET = 600 * 1024

#: For each chart, table and code block: its box, the article's content box, and whether it scrolls sideways.
LAYOUT_JS = """() => {
  const article = document.querySelector('.bd-article') || document.querySelector('main') || document.body;
  const style = getComputedStyle(article), box = article.getBoundingClientRect();
  const column = {left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)};
  const charts = [...document.querySelectorAll('.caravan-chart')].map(chart => {
    const drawing = chart.querySelector('svg.caravan-chart-drawing');
    const r = (drawing || chart).getBoundingClientRect();
    const view = drawing && drawing.viewBox.baseVal;  // the drawing's own size: how much it is scaled
    const scale = view ? Math.min(r.width / view.width, r.height / view.height) : 0;
    return {left: r.left, right: r.right, width: r.width, height: r.height, tag: drawing ? drawing.tagName : null,
            loaded: !!drawing, drawings: chart.querySelectorAll('svg, img').length, scale};
  });
  // no table or code block may be wider than the column, nor scroll sideways inside a box of its own
  const boxes = [...article.querySelectorAll('table, pre, figure')].filter(t => t.offsetParent !== null).map(t => {
    let el = t, scrolls = false;
    while (el && el !== article) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1) {
        scrolls = true;
      }
      el = el.parentElement;
    }
    const r = t.getBoundingClientRect();
    return {tag: t.tagName.toLowerCase(), left: r.left, right: r.right, scrolls,
            overflows: t.scrollWidth > t.clientWidth + 1 && getComputedStyle(t).overflowX !== 'visible'};
  });
  return {column, charts, boxes, pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


def test_every_page_renders_its_charts_offline_without_errors(built_book, browser):
    site = built_book / "_build" / "html"
    pages = html_pages(site)
    assert len(pages) >= 10
    charts_seen = 0
    for path in pages:
        context, page, errors, remote = open_offline(browser, path)
        try:
            charts_seen += count_charts(page)
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
        assert count_charts(page) == expected_charts("narrative", {"incident": "2021-tapachula"})
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
        context, page, _errors, _remote = open_offline(browser, path)
        try:
            count_charts(page)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            for violation in result["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
                    found.append(f"{path.relative_to(site)}: {violation['id']} ({violation['impact']}): {targets}")
            unlabeled = page.evaluate(
                "() => [...document.querySelectorAll('.caravan-chart')]"
                ".filter(c => !c.getAttribute('aria-label')).length"
            )
            assert unlabeled == 0, f"{path.name}: a chart has no text alternative"
        finally:
            context.close()
    assert not found, "\n".join(found)


def _content_pages(site):
    """The site's pages, without the redirect to the first page (which is checked itself)."""
    return [p for p in html_pages(site) if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_tables_and_code_fit_the_column(built_book, browser, width):
    """On a phone and a desktop, every chart, table and code block is drawn inside the article's column, none
    scrolls sideways (not even inside a box of its own), and on a desktop each chart uses at least three
    quarters of the column."""
    site = built_book / "_build" / "html"
    context = browser.new_context(viewport={"width": width, "height": 844}, offline=True)
    problems, charts_seen = [], 0
    try:
        page = context.new_page()
        for path in _content_pages(site):
            page.goto(path.as_uri(), wait_until="load")
            charts_seen += count_charts(page)
            layout = page.evaluate(LAYOUT_JS)
            left, right = layout["column"]["left"] - 1, layout["column"]["right"] + 1
            column = right - left - 2
            name = f"{path.relative_to(site)} at {width} px"
            if layout["pageWidth"] > layout["viewport"]:
                problems.append(f"{name}: the page scrolls sideways ({layout['pageWidth']} > {layout['viewport']} px)")
            for n, chart in enumerate(layout["charts"], 1):
                if not chart["loaded"] or chart["width"] < 100 or chart["height"] < 50 or chart["drawings"] != 1:
                    problems.append(f"{name}: chart {n} is not drawn once ({chart})")
                if chart["left"] < left or chart["right"] > right:
                    problems.append(
                        f"{name}: chart {n} spans {chart['left']:.0f}-{chart['right']:.0f} px, "
                        f"the column {left:.0f}-{right:.0f}"
                    )
                if width >= 1000 and chart["width"] < 0.75 * column:
                    problems.append(f"{name}: chart {n} is {chart['width']:.0f} px wide, under 3/4 of {column:.0f}")
            for n, box in enumerate(layout["boxes"], 1):
                if box["left"] < left or box["right"] > right or box["scrolls"] or box["overflows"]:
                    problems.append(
                        f"{name}: {box['tag']} {n} spans {box['left']:.0f}-{box['right']:.0f} px "
                        f"(the column {left:.0f}-{right:.0f}){' and scrolls sideways' if box['scrolls'] else ''}"
                    )
    finally:
        context.close()
    assert charts_seen == sum(CHARTS_PER_PAGE.values())
    assert not problems, "\n".join(problems)


#: The smallest label of each chart on screen (CSS px): each text element's font size times the drawing's scale.
LABEL_PX_JS = """() => [...document.querySelectorAll('.caravan-chart svg.caravan-chart-drawing')].map(svg => {
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && t.getBoundingClientRect().width)
    .map(t => { const m = t.getScreenCTM(); return parseFloat(t.getAttribute('font-size')) * Math.hypot(m.a, m.b); });
  return {texts: sizes.length, smallest: Math.min(...sizes), first: (svg.querySelector('text') || {}).textContent};
})"""


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_labels_are_at_least_12_px_on_screen(built_book, browser, width):
    """Every label of every chart of the site is at least 12 px on screen on a phone (390 px) and a desktop."""
    site = built_book / "_build" / "html"
    context = browser.new_context(viewport={"width": width, "height": 844}, offline=True)
    small, charts_seen = [], 0
    try:
        page = context.new_page()
        for path in _content_pages(site):
            page.goto(path.as_uri(), wait_until="load")
            for n, chart in enumerate(page.evaluate(LABEL_PX_JS), 1):
                charts_seen += 1
                if not chart["texts"] or chart["smallest"] < 12:
                    small.append(f"{path.relative_to(site)} chart {n} at {width} px: {chart}")
    finally:
        context.close()
    assert charts_seen == sum(CHARTS_PER_PAGE.values())
    assert not small, "\n".join(small)


def test_wide_tables_are_cards_on_a_phone(built_book, browser):
    """On a phone, a table of three columns or more is a stack of cards: each cell on its own line, under the
    name of its column."""
    page_file = built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html"
    context = browser.new_context(viewport={"width": 390, "height": 844}, offline=True)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        cards = page.evaluate(
            """() => [...document.querySelectorAll('.bd-article table.caravan-cards-on')].map(t => {
                 const cell = t.querySelector('tbody td[data-label]');
                 return {display: getComputedStyle(cell).display, label: cell.dataset.label,
                         before: getComputedStyle(cell, '::before').content};
               })"""
        )
    finally:
        context.close()
    assert cards, "no table became cards"
    for card in cards:
        assert card["display"] == "block" and card["label"] and card["label"] in card["before"], card


def test_tap_and_keyboard_show_a_marks_exact_value(built_book, browser):
    """The introduction's promise: a tap on a mark, or the arrow keys once a chart has the focus, show a box
    with the mark's exact value (its title)."""
    page_file = built_book / "_build" / "html" / "book" / "generated" / "responses-2018-tijuana.html"
    context = browser.new_context(viewport={"width": 390, "height": 844}, offline=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        mark = page.locator(".caravan-chart svg path:has(> title)").first
        title = mark.locator("title").text_content().strip()
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = page.locator(".caravan-tip").first
        tip.wait_for(state="visible", timeout=5000)
        assert " ".join(tip.text_content().split()) == " ".join(title.replace(";", " ").split())
        page.keyboard.press("Escape")
        chart = page.locator(".caravan-chart").first
        chart.focus()
        page.keyboard.press("ArrowRight")
        tip.wait_for(state="visible", timeout=5000)
        assert tip.get_attribute("role") == "status" and tip.text_content().strip()
        page.keyboard.press("Escape")
        tip.wait_for(state="hidden", timeout=5000)
    finally:
        context.close()


def test_each_group_has_one_colour_on_every_page(built_book):
    """A group of speakers (US federal government, migrants, ...) is drawn in the same colour on every page."""
    colours: dict[str, set[str]] = {}
    for path in (built_book / "_build" / "html" / "book" / "generated").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for fill, title in re.findall(r'<path [^>]*?fill="(#[0-9a-f]{6})"[^>]*><title>([^<]*)</title>', text):
            group = re.search(r"Group: ([^;]+)", title)
            if group:
                colours.setdefault(group.group(1).strip(), set()).add(fill)
    assert len(colours) >= 3, colours
    assert all(len(fills) == 1 for fills in colours.values()), colours
    assert len({next(iter(f)) for f in colours.values()}) == len(colours)  # and no two groups share one


#: The drawer a toggle opens on a phone: its box, its links, and whether its first link is what a
#: finger at that point would touch (not covered by the page or a backdrop).
DRAWER_JS = """selector => {
  const drawer = document.querySelector(selector);
  if (!drawer) return null;
  const r = drawer.getBoundingClientRect(), style = getComputedStyle(drawer);
  const links = [...drawer.querySelectorAll('a[href]')].filter(a => a.getBoundingClientRect().height > 0);
  let reachable = false;
  if (links.length) {
    const l = links[0].getBoundingClientRect();
    const hit = document.elementFromPoint(l.left + Math.min(10, l.width / 2), l.top + l.height / 2);
    reachable = !!hit && (hit === links[0] || links[0].contains(hit));
  }
  return {left: r.left, right: r.right, top: r.top, width: r.width, height: r.height,
          shown: style.display !== 'none' && style.visibility !== 'hidden' && r.width > 0 && r.height > 0,
          links: links.length, reachable, viewport: innerWidth};
}"""
DRAWER_IN_VIEW_JS = (
    f"sel => {{ const b = ({DRAWER_JS})(sel); return !!b && b.shown && b.left >= -1 && b.right <= b.viewport + 1 }}"
)
PHONE_DRAWERS = (("primary", ".bd-sidebar-primary"), ("secondary", ".bd-sidebar-secondary"))


def _in_view(box: dict) -> bool:
    return box["shown"] and box["left"] >= -1 and box["right"] <= box["viewport"] + 1 and box["width"] >= 200


@pytest.mark.parametrize(("toggle", "drawer"), PHONE_DRAWERS, ids=[t for t, _ in PHONE_DRAWERS])
def test_phone_toggle_opens_its_drawer(built_book, browser, toggle, drawer):
    """At 390 px, tapping the site menu (the primary toggle) or the contents button (the secondary
    toggle) slides its drawer into view, with links a finger can reach; a tap beside it closes it.
    Some theme versions bind their handler to the first, hidden, toggle of the page: then a tap
    only shows a tooltip (sphinx-book-theme 1.3.0 with pydata-sphinx-theme 0.17.1)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page_file = built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html"
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, offline=True)
    try:
        page = context.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        button = page.locator(f".{toggle}-toggle:visible")
        assert button.count() == 1, f"{button.count()} visible .{toggle}-toggle buttons at 390 px"
        closed = page.evaluate(DRAWER_JS, drawer)
        assert closed is not None, f"no {drawer} on the page"
        assert not _in_view(closed), f"the {toggle} drawer is open before the tap: {closed}"
        button.tap()
        with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is wrong
            page.wait_for_function(DRAWER_IN_VIEW_JS, arg=drawer, timeout=5000)
        page.wait_for_timeout(400)  # let the slide-in finish before measuring
        opened = page.evaluate(DRAWER_JS, drawer)
        assert _in_view(opened), f"tapping the {toggle} toggle left its drawer out of view: {opened}"
        assert opened["links"] >= 3, f"the {toggle} drawer holds {opened['links']} links"
        assert opened["reachable"], f"the {toggle} drawer's first link is covered: {opened}"
        # a tap beside the drawer (on the dimmed page) closes it again
        beside = opened["left"] / 2 if opened["left"] > 40 else (opened["right"] + opened["viewport"]) / 2
        page.touchscreen.tap(beside, 400)
        page.wait_for_timeout(400)
        assert not _in_view(page.evaluate(DRAWER_JS, drawer)), f"a tap beside the {toggle} drawer left it open"
    finally:
        context.close()


#: A search control a reader sees: the field ("Search Ctrl+K"), an icon button, or a plain input.
SEARCH_CONTROLS = ".search-button-field:visible, .search-button:visible, input[type=search]:visible"


def test_desktop_shows_one_search_box(built_book, browser):
    """At 1280 px every page (but the search page, whose results form is its content) shows one
    search control, not a header bar's and the sidebar's."""
    site = built_book / "_build" / "html"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    counts = {}
    try:
        page = context.new_page()
        for path in html_pages(site):
            text = path.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in text or 'id="search-results"' in text:
                continue
            page.goto(path.as_uri(), wait_until="load")
            counts[str(path.relative_to(site))] = page.locator(SEARCH_CONTROLS).count()
    finally:
        context.close()
    assert len(counts) >= 10
    wrong = {name: n for name, n in counts.items() if n != 1}
    assert not wrong, f"pages without exactly one visible search box: {wrong}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the base class's signature
        pass


@pytest.fixture(scope="module")
def served_site(built_book):
    """The built site over HTTP on 127.0.0.1 (a first visit needs a real server, not file: URLs)."""
    site = built_book / "_build" / "html"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


TRANSFER_JS = """() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
  .map(e => ({url: e.name, bytes: e.decodedBodySize}))"""


def test_first_visit_within_budget_and_no_chart_library(served_site, browser):
    """A first visit (empty cache) to each page, every request counted uncompressed: a chart page
    stays within 1 MiB, a page without charts within 600 KiB. Charts are SVG drawn at build time,
    so no page asks for a chart library, and no page downloads an icon font or the icon script."""
    site, base = served_site
    over, heavy = [], []
    for path in html_pages(site):
        name = str(path.relative_to(site))
        context = browser.new_context(viewport={"width": 390, "height": 844})
        try:
            page = context.new_page()
            page.goto(base + name, wait_until="networkidle")
            entries = page.evaluate(TRANSFER_JS)
            charts = page.locator(".caravan-chart").count()
        finally:
            context.close()
        total = sum(e["bytes"] for e in entries)
        budget = CHART_PAGE_BUDGET if charts else PLAIN_PAGE_BUDGET
        if total > budget:
            largest = sorted(entries, key=lambda e: -e["bytes"])[:3]
            over.append(
                f"{name}: {total / 1024:.0f} KiB > {budget / 1024:.0f} KiB; largest: "
                + ", ".join(f"{Path(e['url']).name} {e['bytes'] / 1024:.0f} KiB" for e in largest)
            )
        heavy += [
            f"{name}: {e['url']}"
            for e in entries
            if any(k in e["url"] for k in ("vega", "fontawesome", "webfonts/fa-"))
        ]
        assert len(entries) > 3, f"{name}: the page's own styles and scripts were not counted"
    assert not over, "\n".join(over)
    assert not heavy, "\n".join(heavy)


def test_printed_charts_fit_the_page(built_book, browser):
    """In print (A4 width, print styles), each chart is drawn inside the text column, no taller than
    two thirds of the page, so it can sit on a page with its introduction, and its labels are at least 8 pt."""
    page_file = built_book / "_build" / "html" / "book" / "generated" / "numbers-2018-tijuana.html"
    context = browser.new_context(viewport={"width": 794, "height": 1123}, offline=True)
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(page_file.as_uri(), wait_until="load")
        layout = page.evaluate(LAYOUT_JS)
        labels = page.evaluate(LABEL_PX_JS)
    finally:
        context.close()
    left, right = layout["column"]["left"] - 1, layout["column"]["right"] + 1
    assert [c["tag"].lower() for c in layout["charts"]] == ["svg"] * 3
    assert all(chart["smallest"] * 0.75 >= 8 for chart in labels), labels  # every label, CSS px to pt
    for chart in layout["charts"]:
        assert left <= chart["left"] and chart["right"] <= right, (chart, layout["column"])
        assert 50 < chart["height"] <= 0.65 * 1123, chart
