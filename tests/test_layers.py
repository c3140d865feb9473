"""The layers of the package (README, "The package"): import-linter holds them and fails on an upward import;
the command line's light paths load no pandas; a page reruns when code it can reach changes, and only then."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, run_cli, subprocess_env

from caravan_book import settings
from caravan_book.build import pagecache, sections
from caravan_book.story import templates

PACKAGE = REPO / "caravan_book"
LAYERS_CONTRACT = "layers: build | intake > story > data > text"
HEAVY = ("pandas", "pandera", "altair")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the project's contracts, on the package copy in ``root``."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    lines = [f"[importlinter]\nroot_package = {config['root_package']}\ninclude_external_packages = True\n"]
    for number, contract in enumerate(config["contracts"]):
        lines.append(f"[importlinter:contract:{number}]")
        for key, value in contract.items():
            lines.append(
                f"{key} =" + "".join(f"\n    {item}" for item in value)
                if isinstance(value, list)
                else f"{key} = {value}"
            )
        lines.append("")
    (root / ".importlinter").write_text("\n".join(lines), encoding="utf-8")
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint), "--config", str(root / ".importlinter"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env={**subprocess_env(), "PYTHONPATH": str(root)},
        timeout=300,
    )


@pytest.mark.build
def test_import_linter_passes_on_the_tree_and_fails_on_an_upward_import(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "caravan_book", ignore=shutil.ignore_patterns("__pycache__"))
    kept = _lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert f"{LAYERS_CONTRACT} KEPT" in kept.stdout
    upward = tmp_path / "caravan_book" / "text" / "numbers.py"
    upward.write_text(upward.read_text(encoding="utf-8") + "\nfrom caravan_book.build import book  # noqa\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"{LAYERS_CONTRACT} BROKEN" in broken.stdout
    assert "caravan_book.text.numbers -> caravan_book.build.book" in broken.stdout


@pytest.mark.build
@pytest.mark.parametrize("args", [["--help"], ["list"], ["check", "--no-such-option"], ["run", "no-such-section"]])
def test_the_light_paths_of_the_command_line_load_no_pandas(args):
    """``-X importtime`` names every module the process imported (on stderr)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "caravan_book", *args],
        capture_output=True,
        text=True,
        env=subprocess_env(REPO),
        cwd=REPO,
        timeout=300,
    )
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert imported, done.stderr[-2000:]
    assert not imported & set(HEAVY), (args, sorted(imported & set(HEAVY)))


def test_every_setting_is_read_in_settings_and_listed_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for variable in settings.VARIABLES:
        assert f"| `{variable}` |" in readme, variable
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not re.fullmatch(r"CARAVAN_BOOK_[A-Z_]+", node.value), f"{path}: {node.value} (read settings)"


def _pages_reaching(module: str) -> set[str]:
    return {page.page for page in sections.load().pages if module in pagecache.page_modules(page.source)}


def test_a_page_depends_on_the_code_its_notebook_reaches_and_on_no_other():
    every = {page.page for page in sections.load().pages}
    numbers_pages = {page.page for page in sections.load().pages if page.notebook in ("numbers", "comparison")}
    assert _pages_reaching("caravan_book.story.numbers") == numbers_pages  # comparison imports from numbers
    assert _pages_reaching("caravan_book.story.narrative") == {
        page.page for page in sections.load().pages if page.notebook == "narrative"
    }
    assert _pages_reaching("caravan_book.data.tables") == every
    for unreachable in ("caravan_book.cli", "caravan_book.intake.proposer", "caravan_book.build.book"):
        assert not _pages_reaching(unreachable), unreachable


def test_a_page_depends_on_the_words_files_of_the_modules_it_reaches():
    """The vocabulary and the messages are YAML beside their modules: editing one reruns the
    pages whose code reaches the module (the page cache keys on them as on the code)."""
    page = sections.load().pages[0]
    files = set(pagecache.code_files(page.source))
    for words in ("text/vocabulary.yml", "messages.yml"):
        assert PACKAGE / words in files, words


def test_page_modules_only_define_at_their_top_level():
    """``story.NAME`` imports the page modules before the one that defines NAME, to look: the page cache
    leaves those out of the page, which is right only while importing them runs nothing."""
    from caravan_book import story

    for name in story.PAGE_MODULES:
        path = PACKAGE / "story" / f"{name}.py"
        for node in ast.parse(path.read_bytes()).body:
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            defines = isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef | ast.Assign)
            assert docstring or defines or isinstance(node, ast.AnnAssign), f"{path.name}:{node.lineno}"


def test_a_rendered_template_is_logged_and_keys_its_page(tmp_path, monkeypatch):
    """The log is written at each render (a kernel that runs several pages logs each page's own); the key
    follows the template and what it includes, and no other template."""
    folder = tmp_path / "templates"
    (folder / "part").mkdir(parents=True)
    (folder / "page.md.j2").write_text("{% include 'part/one.md.j2' %} {{ n }}\n", encoding="utf-8")
    (folder / "part" / "one.md.j2").write_text("One.\n", encoding="utf-8")
    (folder / "other.md.j2").write_text("Other.\n", encoding="utf-8")
    monkeypatch.setattr(templates, "TEMPLATES_DIR", folder)
    templates.environment.cache_clear()  # its loader reads the folder above
    try:
        log = tmp_path / "used.txt"
        monkeypatch.setenv(settings.USAGE_LOG_ENV, str(log))
        assert templates.render("page.md.j2", n=2) == "One.\n 2\n"
        templates.render("page.md.j2", n=3)
        used = log.read_text(encoding="utf-8").split()
        assert used == ["template:page.md.j2", "template:page.md.j2"]
        page = sections.load().pages[0]
        key = pagecache.page_key(page, used)
        (folder / "other.md.j2").write_text("Changed.\n", encoding="utf-8")
        assert pagecache.page_key(page, used) == key
        (folder / "part" / "one.md.j2").write_text("One, changed.\n", encoding="utf-8")
        assert pagecache.page_key(page, used) != key
    finally:
        templates.environment.cache_clear()


def _ran(done: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"\] (\S+): done", done.stderr))


def test_editing_the_cli_or_the_extractor_reruns_no_page_and_a_story_module_reruns_its_pages(book_copy):
    """A real build in a copy whose package is a copy too (``PYTHONPATH``), so the test can edit the code."""
    code = book_copy / "code"
    shutil.copytree(PACKAGE, code / "caravan_book", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(code)}
    if SEEDS.is_dir():  # as the built book found them, beside the checkout
        env[settings.SEEDS_ENV] = str(SEEDS)
    for name in ("intake/proposer.py", "cli.py"):
        with open(code / "caravan_book" / name, "a", encoding="utf-8") as fh:
            fh.write("# edited by a test\n")
    done = run_cli("build", root=book_copy, env=env, cwd=book_copy)  # not the checkout: its package would win
    assert done.returncode == 0, done.stderr
    assert "0 notebook(s) run" in done.stdout, done.stderr
    with open(code / "caravan_book" / "story" / "numbers.py", "a", encoding="utf-8") as fh:
        fh.write("# edited by a test\n")
    done = run_cli("build", root=book_copy, env=env, cwd=book_copy)
    assert done.returncode == 0, done.stderr
    assert _ran(done) == {p.page for p in sections.load().pages if p.notebook in ("numbers", "comparison")}
