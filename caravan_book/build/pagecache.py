"""Which pages must run again: a page's key is a digest of everything its output depends on.

The project keeps this small piece of its own instead of using jupyter-cache (which Jupyter Book offers):
jupyter-cache keys a notebook on its code cells only, and these pages depend on more than their code: the
parameters, the package's code the page can reach, the chart medium, the templates it rendered and the data
tables it read. Each kernel logs the tables it loads and the templates it renders, at each use
(``settings.USAGE_LOG_ENV``, ``data.files.record_use``), so a changed row of figures.csv reruns only the pages
that read figures.csv, and an edited sentence only the pages that print it.

The code is found statically, per notebook (``page_modules``): the ``caravan_book`` modules its code cells
import, the page modules its ``story.NAME`` calls resolve to (``story.__getattr__``'s lazy re-exports), and
everything those import, anywhere in their files (lazy imports in functions count). Found from the sources,
not from a kernel's ``sys.modules``, the set is the same whether a kernel runs one page or many. So editing
``intake/extract.py`` or ``cli.py`` reruns no page (no page can reach them: import-linter's layers), and
editing ``story/numbers.py`` reruns the pages whose code reaches it.
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import cache
from pathlib import Path

from caravan_book import atomic, settings, story, versions
from caravan_book.build.filememo import FileMemo
from caravan_book.build.sections import Page
from caravan_book.data.files import TABLE_FILES
from caravan_book.story import templates

CACHE_NAME = ".pages.json"
PACKAGE = "caravan_book"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
STORY = f"{PACKAGE}.story"
PAGE_MODULES = tuple(f"{STORY}.{name}" for name in story.PAGE_MODULES)


_BYTES: FileMemo[bytes] = FileMemo()


def read_bytes(path: Path) -> bytes:
    """A file's bytes, read again only when it changed (``filememo``): the preview asks for every page's key
    after each edit, each reading the package's code and the tables it used."""
    return _BYTES.get(path, Path.read_bytes)


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def module_file(name: str) -> Path | None:
    """The file of module ``caravan_book.…`` ``name``, or None if it is not one."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def _bound_names(path: Path) -> dict[str, bool]:
    """The names a module binds at its top level (what ``vars(module)`` would hold), each with whether it is
    surely callable (a function, a class or an imported name; an assigned value may not be)."""
    names: dict[str, bool] = {}
    for node in ast.parse(path.read_bytes()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update({(alias.asname or alias.name).split(".")[0]: True for alias in node.names})
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update({t.id: names.get(t.id, False) for t in targets if isinstance(t, ast.Name)})
    return names


def _story_attribute(name: str) -> set[str]:
    """The modules ``story.NAME`` runs: a submodule, one of ``story.MODULES``, or the first page module in
    ``story.PAGE_MODULES``'s order that defines the name, as ``story.__getattr__`` finds it (with any earlier
    one that binds it to a value that may not be callable); every page module when no module binds the name.

    ``__getattr__`` also imports the page modules before that one, to look; their top level only defines
    (``tests/test_caches.py`` holds them to it), so they are not part of the page."""
    if name in story.MODULES:
        return {story.MODULES[name]}
    if module_file(f"{STORY}.{name}"):
        return {f"{STORY}.{name}"}
    found: set[str] = set()
    for module in PAGE_MODULES:
        path = module_file(module)
        bound = _bound_names(path) if path else {}
        if name in bound:
            found.add(module)
            if bound[name]:
                return found
    return found or set(PAGE_MODULES)


def references(tree: ast.AST, package: str = PACKAGE) -> set[str]:
    """The ``caravan_book`` modules that code names: its imports, anywhere in it, and the modules its
    ``story.NAME`` uses resolve to. ``package`` is the package the code is in (for relative imports)."""
    found: set[str] = set()
    story_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if module_file(alias.name):
                    found.add(alias.name)
                    if alias.name == STORY and alias.asname:
                        story_names.add(alias.asname)
                    elif alias.name == STORY:  # caravan_book.story.NAME: not followed here, so all of them
                        found.update(PAGE_MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            if not module_file(base):
                continue
            found.add(base)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if module_file(full):
                    found.add(full)
                    if full == STORY:
                        story_names.add(alias.asname or alias.name)
                elif base == STORY:
                    found.update(_story_attribute(alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in story_names:
            found.update(_story_attribute(node.attr))
    return found


@cache
def _module_references(name: str) -> frozenset[str]:
    path = module_file(name)
    if path is None:
        return frozenset()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return frozenset(references(ast.parse(path.read_bytes()), package))


def closure(names: set[str]) -> set[str]:
    """``names``, the packages they are in, and every module they reach through imports."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or not module_file(name):
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # importing a module runs its packages
        todo += _module_references(name)
    return seen


def notebook_code(source: Path) -> str:
    """A notebook's code cells, without IPython's magics and shell lines (not Python)."""
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            text = "".join(cell.get("source", []))
            lines += [line for line in text.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


@cache
def page_modules(source: Path) -> tuple[str, ...]:
    """The ``caravan_book`` modules a notebook's pages can run, found statically (see the module's doc). A
    notebook whose code cannot be parsed depends on every module of the story, data and text layers."""
    try:
        tree = ast.parse(notebook_code(source))
    except (SyntaxError, ValueError):
        every = {
            ".".join((PACKAGE, *path.relative_to(PACKAGE_DIR).with_suffix("").parts))
            for layer in ("story", "data", "text")
            for path in (PACKAGE_DIR / layer).rglob("*.py")
        }
        return tuple(sorted(closure(every)))
    return tuple(sorted(closure(references(tree))))


def code_files(source: Path) -> list[Path]:
    """The files of ``page_modules(source)``, with each module's own words file: the YAML of the same name beside
    it (``text/vocabulary.yml``, ``text/dates.yml``, ``messages.yml``), so an edited vocabulary reaches the pages."""
    modules = [path for name in page_modules(source) if (path := module_file(name))]
    return sorted(modules + [p.with_suffix(".yml") for p in modules if p.with_suffix(".yml").is_file()])


def code_digest(source: Path) -> str:
    """The files of ``code_files(source)``, each with its name."""
    files = code_files(source)
    return digest(*(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + read_bytes(p) for p in files))


def split_usage(used: list[str]) -> tuple[list[str], list[str]]:
    """A page's usage log, as (tables, templates)."""
    prefix = templates.USAGE_PREFIX
    names = sorted(set(used))
    return [n for n in names if not n.startswith(prefix)], [n[len(prefix) :] for n in names if n.startswith(prefix)]


_REFERENCES: FileMemo[list[str]] = FileMemo()


def _references_in(path: Path) -> list[str]:
    import jinja2.meta

    source = path.read_text(encoding="utf-8")
    return [ref for ref in jinja2.meta.find_referenced_templates(templates.environment().parse(source)) if ref]


def _template_references(path: Path) -> list[str]:
    """The templates one template file includes, imports or extends, parsed again only when the file changed:
    the preview asks for every page's key after each edit, and parsing is most of its cost."""
    return _REFERENCES.get(path, _references_in)


def _template_closure(names: tuple[str, ...]) -> list[Path]:
    """``templates.template_closure``, each file parsed once until it changes (``_template_references``)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        path = templates.TEMPLATES_DIR / name
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        todo += _template_references(path)
    return sorted(templates.TEMPLATES_DIR / name for name in seen)


def page_key(page: Page, used: list[str], context: str = "") -> str:
    """What a page's output depends on: notebook, parameters, the package code it can reach (``code_digest``),
    the versions of the libraries that shape a page and the cache epoch (``versions``), chart medium, the
    tables and templates it used (``used``: its usage log), and ``context`` (facts of the build that pages
    print, such as whether excerpts were checked)."""
    tables, rendered = split_usage(used)
    tables_part = [
        name.encode() + digest(read_bytes(settings.data_dir() / TABLE_FILES[name])).encode() for name in tables
    ]
    templates_part = [
        p.relative_to(templates.TEMPLATES_DIR).as_posix().encode() + b"\0" + read_bytes(p)
        for p in _template_closure(tuple(rendered))
    ]
    return digest(
        read_bytes(page.source),
        json.dumps(page.parameters, sort_keys=True).encode(),
        code_digest(page.source).encode(),
        versions.fingerprint().encode(),
        settings.medium().encode(),
        context.encode(),
        *tables_part,
        b"templates",
        *templates_part,
    )


def read(out_dir: Path) -> dict:
    try:
        cache = json.loads((out_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: every page runs again
        return {}
    return cache if isinstance(cache, dict) else {}


def write(out_dir: Path, cache: dict) -> None:
    atomic.write_text(out_dir / CACHE_NAME, json.dumps(cache, indent=1, sort_keys=True))


def is_current(page: Page, out_dir: Path, cache: dict, context: str = "") -> bool:
    entry = cache.get(page.page)
    if not entry or not (out_dir / f"{page.page}.ipynb").is_file():
        return False
    try:
        return entry["key"] == page_key(page, entry["tables"], context)
    except (OSError, KeyError, TypeError):
        return False
