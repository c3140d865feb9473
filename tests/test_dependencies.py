"""Dependencies declared in pyproject.toml and locked in requirements.lock; ``-p`` values typed by the project."""

from __future__ import annotations

import os
import re
import shutil
import tomllib

import pytest
from conftest import REPO

from caravan_book.cli import typed_value


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _lock() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"requirements.lock: {line!r} is not pinned with =="
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_the_lock_pins_every_declared_dependency_and_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    pins = _lock()
    assert not [r for r in declared if _name(r) not in pins], "run `make lock` after changing pyproject.toml"
    for theme in ("pydata-sphinx-theme", "sphinx-book-theme"):  # one line each in pyproject, the same in the lock
        (line,) = [r for r in project["dependencies"] if _name(r) == theme]
        assert line == f"{theme}=={pins[theme]}"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("True", True),
        ("False", False),
        ("None", None),
        ("2018", 2018),
        ("-3", -3),
        ("1.5", 1.5),
        ("2018-tijuana", "2018-tijuana"),
        ("true", "true"),
        ("", ""),
        ("herborn,mailonline", "herborn,mailonline"),
    ],
)
def test_parameter_values_are_typed_the_way_papermill_types_them(text, value):
    typed = typed_value(text)
    assert typed == value and type(typed) is type(value)


def test_an_installed_package_works_on_the_project_in_the_current_folder(monkeypatch, tmp_path):
    """Installed with ``pip install .`` the package is not in a checkout: the current folder is the project
    when it holds sections.yml; ``$CARAVAN_BOOK_ROOT`` wins over both."""
    from caravan_book import settings

    site_packages, project, other = tmp_path / "site-packages", tmp_path / "project", tmp_path / "other"
    for folder in (site_packages, project, other):
        folder.mkdir()
    (project / "sections.yml").write_text("parts: []\n", encoding="utf-8")
    # set, then removed, through monkeypatch: so the value _project_root puts in the environment is undone
    # after the test too (a delenv of an unset variable records nothing, and later tests' kernels would
    # inherit this test's project)
    monkeypatch.setenv("CARAVAN_BOOK_ROOT", "")
    monkeypatch.delenv("CARAVAN_BOOK_ROOT")
    monkeypatch.setattr(settings, "_CHECKOUT", site_packages)
    (project / "notebooks").mkdir()
    monkeypatch.chdir(project / "notebooks")  # as a kernel runs, in a folder of the project
    assert settings._project_root() == project.resolve()
    assert os.environ["CARAVAN_BOOK_ROOT"] == str(project.resolve())  # for the kernels and Jupyter Book
    monkeypatch.setenv("CARAVAN_BOOK_ROOT", str(other))
    assert settings._project_root() == other.resolve()
    monkeypatch.delenv("CARAVAN_BOOK_ROOT")
    monkeypatch.setattr(settings, "_CHECKOUT", REPO)  # an editable install: its own checkout, wherever it runs
    assert settings._project_root() == REPO


#: What an installed package runs that reads its own files (package data): the message catalogue, the data
#: vocabulary, the dating notes and the redirect page, each checked against the words it should give.
_INSTALLED_USES = r"""
import sys
from datetime import date
from pathlib import Path

import caravan_book
from caravan_book.build import sphinx_offline
from caravan_book.data import kinds, tables
from caravan_book.errors import DataError, DataProblem
from caravan_book.text.dates import find_dates

assert Path(caravan_book.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), caravan_book.__file__
assert tables.check_folder(Path(sys.argv[2])) == []
assert kinds.GROUPS["us-federal"] == "US federal government" and "press briefing" in kinds.CHANNELS
two = DataError([DataProblem("f.csv", 2, "c", "x", "is blank")] * 2)
assert str(two).startswith("2 problem(s) in the data:"), str(two)
(found,) = find_dates("earlier this week", date(2018, 11, 26), True)
assert found.note.startswith("'earlier this week': the Monday of the publication week"), found.note
page = sphinx_offline.fix_page('<meta http-equiv="Refresh" content="0; url=book/a.html">', project="T")
assert "Go to the first page of the book" in page and 'href="book/a.html"' in page, page
print("ok")
"""


@pytest.mark.build
def test_a_wheel_holds_the_package_data_and_works_installed(tmp_path):
    """``pip install`` of the package gives it its YAML catalogues and templates (pyproject's package-data):
    the wheel is built from a copy of the checkout (no egg-info left in it), installed into a folder of its
    own, and imported from there."""
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "caravan_book", source / "caravan_book", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", tmp_path, source], check=True)
    (wheel,) = tmp_path.glob("caravan_book-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    package_data = {
        p.relative_to(REPO).as_posix() for p in (REPO / "caravan_book").rglob("*") if p.suffix in (".yml", ".html")
    }
    assert package_data and package_data <= shipped, sorted(package_data - shipped)
    target = tmp_path / "installed"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", target, wheel], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CARAVAN_BOOK_ROOT")}
    env.update(PYTHONPATH=str(target), CARAVAN_BOOK_ROOT=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", _INSTALLED_USES, target, REPO / "data"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
