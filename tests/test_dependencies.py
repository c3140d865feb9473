"""Dependencies declared in pyproject.toml and locked in requirements.lock; ``-p`` values typed by the project."""

from __future__ import annotations

import os
import re
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
