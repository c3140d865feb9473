"""The README's examples are run as written, so they stay true."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, subprocess_env

from caravan_book.build import editions

README = (REPO / "README.md").read_text(encoding="utf-8")
TOOLS = {
    ".venv/bin/caravan-book": [sys.executable, "-m", "caravan_book"],
    ".venv/bin/papermill": [sys.executable, "-m", "papermill"],
}


def _commands() -> list[str]:
    """Every command line of the README that runs one of the project's tools (comments stripped)."""
    found = []
    for line in README.splitlines():
        line = line.strip().strip("`")
        if line.startswith(tuple(TOOLS)) and " --params " not in line:
            found.append(line.split("  #")[0].strip())
    return found


def test_the_readme_has_examples_to_run():
    assert len(_commands()) >= 6


@pytest.mark.parametrize("command", _commands())
@pytest.mark.build
def test_readme_command_works_as_written(command, tmp_path):
    for name in ("data", "notebooks"):  # the project folders the examples name, as seen from the project
        (tmp_path / name).symlink_to(REPO / name)
    words = shlex.split(command)
    done = subprocess.run(
        TOOLS[words[0]] + words[1:], cwd=tmp_path, env=subprocess_env(), capture_output=True, text=True, timeout=300
    )  # fmt: skip
    assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"
    for written in re.findall(r"(?:-o|--pdf|ipynb) (\S+\.(?:html|ipynb|pdf))", command):
        assert (tmp_path / written).is_file(), written


def test_readme_custom_book_file_is_valid(tmp_path):
    block = re.search(r"```yaml\n(.*?)```", README, re.S)
    assert block, "the README shows a custom book file"
    spec_file = tmp_path / "my-class.yml"
    spec_file.write_text(block.group(1).replace("\n  ", "\n"), encoding="utf-8")
    spec = editions.read_custom(spec_file)
    assert editions.custom_pages(spec, spec_file)
    assert yaml.safe_load(spec_file.read_text(encoding="utf-8"))["title"]
