"""Sphinx extension: keep the built site self-contained, light, valid and accessible.

- Jupyter Book 1 always loads sphinx-thebe, which writes a CDN address into an inline script
  on every page (and declares it twice, a console error). Live code cells are not used in this
  book, so the thebe scripts are dropped, with any script from another host.
- The theme draws about fifteen icons with Font Awesome: a 1.45 MiB script plus icon fonts on
  every page. The script is dropped and each icon element is given a ``caravan-icon-*`` class
  that ``caravan.css`` draws with a small SVG mask, so no page downloads an icon font.
- Every page gets a meta description taken from its first paragraph (search results and link
  previews show it), and the redirect ``index.html`` becomes a complete HTML document.
- Markup the Nu checker rejects is repaired after the build: paragraphs inside myst-nb's code
  toggles' ``<summary>`` and the repeated ``exercise-content``/``solution-content`` ids of
  sphinx-exercise.
- Two theme buttons and myst-nb's code toggles carry an ``aria-label`` that hides their visible
  text (axe: label-content-name-mismatch); those labels are fixed.
"""

from __future__ import annotations

import html
import re
import string
from pathlib import Path
from typing import Any

from caravan_book import atomic
from caravan_book.build.filememo import FileMemo

_THEME_FIXES = (
    # the search field shows "Search Ctrl+K": its name must include what it shows
    (
        re.compile(
            r'(<button class="btn search-button-field search-button__button[^"]*" title="Search") aria-label="Search"'
        ),
        r"\1",
    ),
    # the colour-mode button shows its current mode's icon titled Light / Dark / System Settings
    (
        re.compile(r'(<button class="[^"]*theme-switch-button[^"]*") aria-label="Color mode"'),
        r'\1 aria-label="Light, Dark or System Settings: color mode"',
    ),
    # myst-nb's code toggles read "Show code cell source" but are labelled "Toggle hidden content"
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # a <summary> may hold only phrasing content: myst-nb puts its two titles in <p> elements
    (re.compile(r'<p class="((?:collapsed|expanded) admonition-title)">(.*?)</p>'), r'<span class="\1">\2</span>'),
)

#: Font Awesome classes: the font family, sizes, and the icon name that ``caravan.css`` draws.
_FA_STYLE = {"fa-solid", "fas", "fab", "fa-brands", "fa-regular", "far", "fa-lg", "fa-fw"}
_ICON_CLASS = re.compile(r'class="([^"]*\bfa-[a-z0-9-]+[^"]*)"')
_UNIQUE_IDS = ("exercise-content", "solution-content")
#: Assets a page loads only if its body has what they style or drive: (file name part, body pattern).
_OPTIONAL_ASSETS = (
    ("sphinx-design", re.compile(r'class="[^"]*\bsd-')),
    ("design-tabs.js", re.compile(r'class="[^"]*\bsd-tab')),
    ("mystnb.", re.compile(r'class="[^"]*\bcell\b')),
    ("copybutton", re.compile(r"<pre")),
    ("clipboard.min.js", re.compile(r"<pre")),
    ("pygments.css", re.compile(r"<pre")),
)
#: The theme loads Sphinx's search scripts and index on every page for a search-as-you-type box
#: this book does not use (the search page loads them itself); and its icon script.
_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>'
)
#: pydata-sphinx-theme 0.16 loads it with a plain <script src>, 0.17 with <script defer src>.
_ICON_SCRIPT = re.compile(
    r'\s*<script (?:defer )?src="[^"]*fontawesome\.js[^"]*"></script>'
    r'|\s*<link [^>]*href="[^"]*fontawesome\.js[^"]*"[^>]*>'
)
#: Font Awesome's icon rules in the theme's stylesheet (about 90 KiB): no page uses them any more.
_FA_RULES = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"[^"]*"\}')
_THEME_CSS = ("_static", "styles", "pydata-sphinx-theme.css")
_DESCRIPTION_LIMIT = 155
#: The page the redirect ``index.html`` becomes ($title: the book's, $target: its first page).
REDIRECT_PAGE = Path(__file__).with_name("redirect.html")


def _is_remote_or_thebe(script: Any) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return (
        filename.startswith(("http://", "https://", "//"))
        or filename.endswith("sphinx-thebe.js")
        or "THEBE_JS_URL" in body
    )


def _is_dropped(asset: Any) -> bool:
    """Scripts and styles the site does without: other hosts, thebe, the icon script."""
    filename = str(getattr(asset, "filename", "") or "")
    return _is_remote_or_thebe(asset) or "sphinx-thebe" in filename or "fontawesome" in filename


def _text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def lead_description(body: str) -> str:
    """The page's lead for ``<meta name="description">``: its first real paragraph, cut at a word.

    Parameter notes and admonitions are skipped, so the description is the news the page leads
    with; long leads are cut before ``_DESCRIPTION_LIMIT`` characters, at a word, with an ellipsis.
    """
    for match in re.finditer(r"<p(?: class=\"([^\"]*)\")?>(.*?)</p>", body, flags=re.DOTALL):
        classes = match.group(1) or ""
        if "caravan-params" in classes or "admonition-title" in classes:
            continue
        text = _text_of(match.group(2))
        if len(text) < 40:
            continue
        if len(text) > _DESCRIPTION_LIMIT:
            text = text[: _DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return ""


def _needed(asset: Any, body: str) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    return all(pattern.search(body) for part, pattern in _OPTIONAL_ASSETS if part in filename)


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body", "")
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            files[:] = [f for f in files if not _is_dropped(f) and _needed(f, body)]
    description = lead_description(context.get("body", "")) or _book_title(app)
    context["metatags"] = (
        context.get("metatags", "") + f'\n<meta name="description" content="{html.escape(description)}">'
    )


def _icon_classes(match: re.Match[str]) -> str:
    """``fa-solid fa-bars fa-lg`` becomes ``caravan-icon caravan-icon-bars``; other classes stay."""
    classes = match.group(1).split()
    icons = [c[3:] for c in classes if c.startswith("fa-") and c not in _FA_STYLE]
    kept = [c for c in classes if not c.startswith("fa-") and c not in _FA_STYLE]
    if not icons:
        return match.group(0)
    return 'class="' + " ".join(kept + ["caravan-icon"] + [f"caravan-icon-{name}" for name in icons]) + '"'


def _unique_ids(text: str) -> str:
    """Number the ids sphinx-exercise repeats in every exercise (``exercise-content-2`` ...)."""
    for name in _UNIQUE_IDS:
        parts = text.split(f'id="{name}"')
        text = parts[0] + "".join(f'id="{name}-{n}"{part}' for n, part in enumerate(parts[1:], 1))
    return text


def _redirect_page(text: str, project: str) -> str:
    """Jupyter Book's ``index.html`` is one bare ``<meta http-equiv>`` line: make it a real page (``redirect.html``,
    with the book's title and the first page's address, both escaped for HTML)."""
    match = re.search(r'url=([^"\s]+)', text)
    if not match:
        return text
    page = string.Template(REDIRECT_PAGE.read_text(encoding="utf-8"))
    return page.substitute(target=html.escape(match.group(1)), title=html.escape(project))


def fix_page(text: str, *, project: str = "") -> str:
    """Every post-build repair of one HTML page (see the module docstring)."""
    if 'http-equiv="Refresh"' in text and 'class="bd-' not in text:  # the redirect, not a theme page
        return _redirect_page(text, project)
    for pattern, replacement in _THEME_FIXES:
        text = pattern.sub(replacement, text)
    text = _ICON_CLASS.sub(_icon_classes, text)
    text = _ICON_SCRIPT.sub("", text)
    if 'id="search-results"' not in text:  # the search page needs its search scripts
        text = _SEARCH_SCRIPTS.sub("", text)
    return _unique_ids(text)


def _book_title(app: Any) -> str:
    """The book's title (Jupyter Book sets ``html_title`` from ``_config.yml``; ``project`` stays unset)."""
    return str(app.config.html_title or app.config.project)


#: The pages ``_fix_pages`` has looked at: a warm Sphinx (the preview) rewrites only the pages that changed, and
#: the others need no second look.
_FIXED: FileMemo[None] = FileMemo()


def _fix_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    project = _book_title(app)

    def fix(page: Path) -> None:
        text = page.read_text(encoding="utf-8")
        fixed = fix_page(text, project=project)
        if fixed != text:
            atomic.write_text(page, fixed)

    for page in Path(app.outdir).rglob("*.html"):
        if "_static" not in page.parts:
            _FIXED.get(page, fix)
    theme_css = Path(app.outdir).joinpath(*_THEME_CSS)
    if theme_css.is_file():
        css = theme_css.read_text(encoding="utf-8")
        stripped = _FA_RULES.sub("", css)
        if stripped != css:
            atomic.write_text(theme_css, stripped)


def setup(app: Any) -> dict:
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _fix_pages, priority=900)  # after sphinx-external-toc writes index.html
    return {"parallel_read_safe": True, "parallel_write_safe": True}
