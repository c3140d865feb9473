"""The reader's page furniture that Sphinx adds: the glossary words of each page, and a header without the
source downloads.

**Words on this page.** Most of a page's words are data text (the articles' quotations, the summaries), which
the book never rewrites and never marks up. So each reader page (the pages ``sections.yml`` makes from a
notebook) gets one line, right after its opening paragraph (its lead) and before its first section, that
links to the glossary every glossary term the page uses (found in the page's text, quotations included) and
the page's key terms from ``sections.yml`` (the teacher's guide lists the same ones). The line's words are the template
``book/templates/common/words-on-page.txt.j2``; each term is a ``{term}`` cross-reference, so Sphinx warns if
one does not resolve. Terms are read from ``book/glossary.md``; both files are noted as dependencies of every
reader page, so a changed glossary or key term rereads the pages.

**Thebe.** sphinx-thebe, which Jupyter Book always loads, appends a Binder and kernel configuration to every
page; the book has no launch button, so the two scripts are taken out.

**Header.** sphinx-book-theme 1.2.0 has one switch for its whole "Download this page" group
(``use_download_button``: the source notebook, the source file and the print button). The source downloads are
developer material (the notebooks are in the project's repository, see the README); the print button is how a
reader prints a handout. So the group is kept and only its two source links are taken out.
"""

from __future__ import annotations

import hashlib
import html
import re
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

from caravan_book.settings import BOOK_DIR, SECTIONS_FILE

GLOSSARY_FILE = BOOK_DIR / "glossary.md"
WORDS_TEMPLATE = "common/words-on-page.txt.j2"
#: The theme's header buttons that download the page's source (kept: the print button).
SOURCE_BUTTONS = ("download-notebook-button", "download-source-button")
#: What sphinx-thebe's two scripts on every page hold.
THEBE_MARKS = ("text/x-thebe-config", "kernelName = ")
_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_GLOSSARY_BLOCK = re.compile(r"^```\{glossary\}\n(.*?)^```", re.M | re.S)


@cache
def glossary_terms(path: Path = GLOSSARY_FILE) -> tuple[tuple[str, ...], ...]:
    """Each glossary entry's terms (its first term, then its other names), as ``book/glossary.md`` writes them:
    the unindented lines of the glossary block, one entry per run of them."""
    found = _GLOSSARY_BLOCK.search(path.read_text(encoding="utf-8"))
    entries: list[tuple[str, ...]] = []
    current: list[str] = []
    for line in found.group(1).splitlines() if found else []:
        if line and not line[0].isspace() and not line.startswith(":"):
            current.append(line.strip())
        elif current:
            entries.append(tuple(current))
            current = []
    if current:
        entries.append(tuple(current))
    return tuple(entries)


def _pattern(term: str) -> re.Pattern[str]:
    """A term as a page may print it: each word also in the plural (and a plural term's last letter optional:
    "rubber bullet"), words apart by a space or a hyphen; a
    lower-case term in any case ("Tear gas"), a capitalised one or an acronym as written ("CBP", not "cbp")."""
    words = [re.escape(w[:-1] if w.endswith("s") and len(w) > 3 else w) + "(?:s|es)?" for w in term.split()]
    flags = re.I if term == term.lower() else 0
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(words) + r"(?![\w-])", flags)


@cache
def _patterns() -> tuple[tuple[tuple[str, re.Pattern[str], str], ...], ...]:
    """Each entry's terms with their pattern and the text every match contains (the first word's stem; lower
    case when the pattern ignores case): a page without that text is not searched (most terms are not on a page,
    and a page's text, with its charts' labels and data tables, is long)."""
    found = []
    for entry in glossary_terms():
        terms = []
        for term in entry:
            first = term.split()[0]
            stem = first[:-1] if first.endswith("s") and len(first) > 3 else first
            needle = stem.lower() if term == term.lower() else stem
            terms.append((term, _pattern(term), needle if needle.isascii() else ""))
        found.append(tuple(terms))
    return tuple(found)


def terms_used(text: str, key_terms: tuple[str, ...] = ()) -> list[str]:
    """The glossary terms ``text`` uses, one per glossary entry (the name the text uses, or the entry's first
    term), with ``key_terms`` always among them; sorted as a glossary is, without regard to case."""
    chosen: dict[tuple[str, ...], str] = {}
    wanted = {k.lower() for k in key_terms}
    lower = text.lower()
    for entry, patterns in zip(glossary_terms(), _patterns(), strict=True):
        keyed = [t for t in entry if t.lower() in wanted]
        if keyed:
            chosen[entry] = keyed[0]
            continue
        for term, pattern, needle in patterns:
            if needle and needle not in (lower if term == term.lower() else text):
                continue
            if pattern.search(text):
                chosen[entry] = term
                break
    return sorted(chosen.values(), key=str.lower)


@cache
def _reader_pages() -> dict[str, tuple[str, ...]]:
    """docname -> key terms, for each page ``sections.yml`` makes from a notebook."""
    from caravan_book.build import sections

    book = sections.load()
    return {f"book/generated/{p.page}": p.key_terms or tuple(book.notebooks[p.notebook].key_terms) for p in book.pages}


def _page_text(doctree: nodes.Node) -> str:
    """What a reader reads on the page: its text, and the words of its HTML parts (a chart's labels, its data
    table and download link), without scripts and styles."""
    skip = (nodes.raw, nodes.literal_block, nodes.comment, nodes.system_message)
    texts = [
        node.astext()
        for node in doctree.findall(nodes.Text)
        if not any(isinstance(parent, skip) for parent in _parents(node))
    ]
    for raw in doctree.findall(nodes.raw):
        if "html" in raw.get("format", "").split():
            shown = _HIDDEN_HTML.sub(" ", raw.astext())
            texts.append(html.unescape(_TAG.sub(" ", shown)))
    return " ".join(texts)


def _parents(node: nodes.Node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def words_paragraph(terms: list[str], docname: str) -> nodes.paragraph:
    """The "Words on this page" line: the template's words, then each term as a glossary cross-reference."""
    from caravan_book.story.templates import render_text

    para = nodes.paragraph(classes=["caravan-words"])
    para += nodes.strong(text=render_text(WORDS_TEMPLATE, part="label").strip())
    para += nodes.Text(" ")
    separator = render_text(WORDS_TEMPLATE, part="separator").strip("\n")
    for i, term in enumerate(terms):
        if i:
            para += nodes.Text(separator)
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="term", reftarget=term, refexplicit=False, refwarn=True, refdoc=docname
        )
        ref += nodes.inline(term, term, classes=["xref", "std", "std-term"])
        para += ref
    para += nodes.Text(render_text(WORDS_TEMPLATE, part="end").strip("\n"))
    return para


def _add_words(app: Any, doctree: nodes.document) -> None:
    docname = app.env.docname
    pages = _reader_pages()
    if docname not in pages:
        return
    app.env.note_dependency(str(GLOSSARY_FILE))
    app.env.note_dependency(str(SECTIONS_FILE))
    terms = terms_used(_page_text(doctree), pages[docname])
    if not terms:
        return
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    para = words_paragraph(terms, docname)
    top.insert(_after_lead(top), para)


def _after_lead(top: nodes.section) -> int:
    """Where the "Words on this page" line goes (review 4, m1): right after the page's opening paragraph (the
    lead's cell, when a notebook's output makes it), and never after the page's first section."""
    for i, child in enumerate(top.children):
        if isinstance(child, nodes.section):
            return i
        if isinstance(child, nodes.paragraph) or next(iter(child.findall(nodes.paragraph)), None) is not None:
            return i + 1
    return len(top.children)


def _header(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"] = [b for b in button["buttons"] if b.get("label") not in SOURCE_BUTTONS]


def _drop_thebe(app: Any, doctree: nodes.document, docname: str) -> None:
    """sphinx-thebe (loaded by Jupyter Book) appends a Binder and kernel configuration to every page, though
    the book has no launch button: developer material, taken out."""
    for raw in list(doctree.findall(nodes.raw)):
        if any(mark in raw.astext() for mark in THEBE_MARKS):
            raw.parent.remove(raw)


def setup(app: Any) -> dict:
    app.connect("doctree-read", _add_words)
    app.connect("doctree-resolved", _drop_thebe, priority=600)  # after sphinx-thebe's (500)
    app.connect("html-page-context", _header, priority=600)  # after the theme's buttons (501)
    # a change to this file changes what every reader page reads as: Sphinx rereads them all
    version = int(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8], 16)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": version}
