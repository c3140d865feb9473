"""Sphinx extension: keep the built site self-contained and accessible.

Jupyter Book 1 always loads sphinx-thebe, which writes a CDN address into an inline
script on every page (and declares it twice, a console error). Live code cells are not
used in this book, so the thebe scripts are dropped, with any script from another host.

Two theme buttons and myst-nb's code toggles carry an ``aria-label`` that hides their visible
text (axe: label-content-name-mismatch); after the build those labels are fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

_THEME_FIXES = (
    # the search field shows "Search Ctrl+K": its name must include what it shows
    (re.compile(r'(<button class="btn search-button-field search-button__button[^"]*" title="Search") aria-label="Search"'), r"\1"),
    # the colour-mode button shows its current mode's icon titled Light / Dark / System Settings
    (re.compile(r'(<button class="[^"]*theme-switch-button[^"]*") aria-label="Color mode"'), r'\1 aria-label="Light, Dark or System Settings: color mode"'),
    # myst-nb's code toggles read "Show code cell source" but are labelled "Toggle hidden content"
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
)


def _is_remote_or_thebe(script) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.startswith(("http://", "https://", "//")) or filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_scripts(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            files[:] = [f for f in files if not _is_remote_or_thebe(f) and "sphinx-thebe" not in str(getattr(f, "filename", ""))]


def _fix_theme_labels(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in _THEME_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _drop_scripts, priority=900)
    app.connect("build-finished", _fix_theme_labels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
