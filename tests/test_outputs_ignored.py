"""What the commands write by default lands where .gitignore expects it: after a rerunner's `run`, `extract`
and `handout` in the project folder, `git status` is still clean."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import REPO, copy_project, run_cli, subprocess_env

ARTICLE = REPO / "tests" / "fixtures" / "fictional-caravan-article.txt"

COMMANDS = [
    pytest.param(["run", "methods"], "methods.html", id="run without -o"),
    pytest.param(
        ["run", "narrative", "-p", "incident", "2021-tapachula", "-o", "x.html"], "x.html", id="run -o x.html"
    ),
    pytest.param(["run", "methods", "-o", "x.ipynb"], "x.ipynb", id="run -o x.ipynb"),
    pytest.param(
        ["extract", ARTICLE, "--source", "ruiz-2029", "--incident", "2029-villa-esperanza", "--new-incident"],
        "review-ruiz-2029",
        id="extract without --out",
    ),
    pytest.param(
        ["handout", "methods", "--pdf", "methods.pdf"], "methods.pdf", id="handout", marks=pytest.mark.browser
    ),
]


def _git(folder, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=folder,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.build
@pytest.mark.parametrize("command,written", COMMANDS)
def test_default_outputs_leave_git_status_clean(tmp_path, command, written):
    project = copy_project(tmp_path / "project")
    shutil.copy2(REPO / ".gitignore", project / ".gitignore")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the project as cloned")
    done = run_cli(*command, root=project, cwd=project)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (project / written).exists(), sorted(p.name for p in project.iterdir())
    assert _git(project, "status", "--porcelain", "--untracked-files=all") == ""
