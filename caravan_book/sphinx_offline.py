"""Sphinx extension: keep the built site self-contained.

Jupyter Book 1 always loads sphinx-thebe, which writes a CDN address into an inline
script on every page (and declares it twice, a console error). Live code cells are not
used in this book, so the thebe scripts are dropped, with any script from another host.
"""

from __future__ import annotations


def _is_remote_or_thebe(script) -> bool:
    filename = str(getattr(script, "filename", "") or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.startswith(("http://", "https://", "//")) or filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def _drop_scripts(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files:
            files[:] = [f for f in files if not _is_remote_or_thebe(f) and "sphinx-thebe" not in str(getattr(f, "filename", ""))]


def setup(app):
    app.connect("html-page-context", _drop_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
