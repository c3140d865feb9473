"""A build that cannot be broken: two at once, stopped half-way, a damaged site, removed sections, quotations
that are not in their article, and output paths that would overwrite something. Real processes and signals,
each bounded in time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from conftest import SEEDS, edit_csv, run_cli, subprocess_env

from caravan_book.build import sections

pytestmark = pytest.mark.build

PAGES = "_build/html/book/generated"


def _start_build(root: Path, *args: str, tmp: Path | None = None, **popen) -> subprocess.Popen:
    env = subprocess_env(root, **({"TMPDIR": str(tmp)} if tmp else {}))
    return subprocess.Popen(
        [sys.executable, "-m", "caravan_book", "build", *args],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )  # fmt: skip


def _wait_for_papermill(root: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until a notebook is running (its work folder exists) in the build of ``root``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list((root / "_build").glob(".run-*.tmp")):
            time.sleep(1.0)  # let the kernels start
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    pytest.fail("no notebook started running")


def _processes_of(root: Path) -> list[psutil.Process]:
    """Processes (workers, kernels, builds) still working on the project copy ``root``."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("CARAVAN_BOOK_ROOT") == str(root) and process.pid != os.getpid():
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _no_leftovers(root: Path) -> None:
    deadline = time.monotonic() + 15
    while _processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_of(root) == [], [p.cmdline()[:3] for p in _processes_of(root)]
    hidden = [
        p.name for p in (root / "book" / "generated").iterdir() if p.name.startswith(".") and p.name != ".pages.json"
    ]
    assert hidden == [], hidden
    assert list((root / "_build").glob(".*.tmp")) == []


def test_two_builds_at_once_one_waits_its_turn_and_the_site_is_whole(book_copy):
    first = _start_build(book_copy, "--force")
    _wait_for_papermill(book_copy, first)
    second = run_cli("build", "--force", root=book_copy, timeout=60)
    assert second.returncode == 3
    assert "another build of" in second.stderr and "is running" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    site = book_copy / "_build" / "html"
    assert (site / "index.html").is_file()
    pages = {p.stem for p in (site / "book" / "generated").glob("*.html")}
    assert pages == {p.page for p in sections.load().pages} | {"teachers-guide", "corrections"}


@pytest.mark.parametrize("target", ["group", "build"])
def test_a_stopped_build_leaves_no_process_and_no_temporary_file(book_copy, target, kernel_tmp):
    index = (book_copy / "_build" / "html" / "index.html").read_bytes()
    tmp = kernel_tmp  # the kernels' connection and socket files go here
    build = _start_build(book_copy, "--force", tmp=tmp, start_new_session=True)
    _wait_for_papermill(book_copy, build)
    if target == "group":  # what a CI cancel or a timeout does
        os.killpg(build.pid, signal.SIGTERM)
    else:
        build.send_signal(signal.SIGTERM)
    _out, err = build.communicate(timeout=60)
    assert build.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    _no_leftovers(book_copy)
    assert list(tmp.iterdir()) == []
    assert (book_copy / "_build" / "html" / "index.html").read_bytes() == index  # the last site is intact
    again = run_cli("build", root=book_copy, timeout=300)
    assert again.returncode == 0, again.stderr


def test_a_build_whose_parent_is_killed_stops_too(book_copy, tmp_path):
    """SIGTERM to `make` alone: make does not pass it on, so the build must notice its parent is gone."""
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"site:\n\t{sys.executable} -m caravan_book build --force\n")
    env = subprocess_env(book_copy)
    make = subprocess.Popen(
        ["make", "-s", "-f", str(makefile), "site"], cwd=book_copy, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for_papermill(book_copy, make)
        make.send_signal(signal.SIGTERM)
        make.wait(timeout=30)
        _no_leftovers(book_copy)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)


def test_a_damaged_site_is_rebuilt_and_removed_sections_disappear(book_copy):
    site = book_copy / "_build" / "html"
    (site / "book" / "glossary.html").unlink()
    (site / "stray.html").write_text("left here by hand")
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    assert "site is up to date" not in done.stderr
    assert (site / "book" / "glossary.html").is_file() and not (site / "stray.html").exists()

    sections_file = book_copy / "sections.yml"
    spec = yaml.safe_load(sections_file.read_text(encoding="utf-8"))
    for part in spec["parts"]:
        part["pages"] = [p for p in part["pages"] if p.get("page") != "responses-2021-tapachula"]
    sections_file.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    intro = book_copy / "book" / "intro.md"  # the introduction's own link to the page goes too
    kept = [line for line in intro.read_text(encoding="utf-8").splitlines() if "responses-2021-tapachula" not in line]
    intro.write_text("\n".join(kept) + "\n", encoding="utf-8")
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    assert "responses-2021-tapachula" not in (book_copy / "_toc.yml").read_text(encoding="utf-8")
    assert not (book_copy / PAGES / "responses-2021-tapachula.html").exists()
    assert not (book_copy / "book" / "generated" / "responses-2021-tapachula.ipynb").exists()


def test_a_typo_in_sections_yml_is_one_line_with_the_allowed_keys(book_copy):
    sections_file = book_copy / "sections.yml"
    sections_file.write_text(
        sections_file.read_text(encoding="utf-8").replace(
            "parameters: {incident: 2018-tijuana}}", "parameter: {incident: 2018-tijuana}}", 1
        )
    )
    done = run_cli("build", root=book_copy)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "sections.yml: parts[1].pages[1].parameter is not a known key" in lines[0], lines


def test_the_build_refuses_to_publish_an_excerpt_that_is_not_in_its_article(book_copy):
    index = (book_copy / "_build" / "html" / "index.html").read_bytes()
    edit_csv(book_copy / "data" / "events.csv", 0, "excerpt", "Words that no article printed.")
    done = run_cli("build", root=book_copy)
    # with the articles, the excerpt is compared with its article; on a clone, the ledger does not vouch for it
    code, why = (2, "is not found word for word in") if SEEDS.is_dir() else (2, "is not vouched for by the excerpt")
    assert done.returncode == code, done.stderr
    assert "events.csv, row 2, column 'excerpt'" in done.stderr and why in done.stderr
    assert "Traceback" not in done.stderr
    assert (book_copy / "_build" / "html" / "index.html").read_bytes() == index


@pytest.mark.parametrize(
    "args,message",
    [
        (["build", "--student", "--out", "_build"], "would overwrite the published book or the project"),
        (["build", "--student", "--out", "_build/html"], "would overwrite the published book or the project"),
        (["build", "--student", "--out", "data/student"], "is inside the project's data/ folder"),
        (["build", "--student", "--out", "README.md"], "is a file; give a folder"),
        (["run", "narrative", "-o", "notebooks"], "which the project owns"),
        (["run", "narrative", "-o", "../page.pdf"], "must end in .ipynb or .html"),
        (["run", "narrative", "-o", "folder.html"], "is a folder"),
        (["run", "narrative", "-o", "/proc/caravan.html"], "cannot write in /proc"),
        (["handout", "narrative", "--pdf", "/proc/caravan.pdf"], "cannot write in /proc"),
        (["run", "narrative", "-o", "README.md/page.html"], "cannot write in"),
    ],
    ids=[
        "out-build",
        "out-site",
        "out-data",
        "out-file",
        "o-project",
        "o-suffix",
        "o-folder",
        "o-unwritable",
        "pdf-unwritable",
        "o-under-file",
    ],
)
def test_output_paths_are_checked_before_any_notebook_runs(project_copy, args, message):
    (project_copy / "README.md").write_text("a file")
    (project_copy / "folder.html").mkdir()
    before = sorted(p.name for p in project_copy.iterdir() if p.name != "_build")
    started = time.monotonic()
    done = run_cli(*args, root=project_copy, cwd=project_copy, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert time.monotonic() - started < 20  # refused before papermill started a kernel
    assert sorted(p.name for p in project_copy.iterdir() if p.name != "_build") == before


def test_a_trailing_space_in_an_incident_is_not_in_the_file_name(tmp_path):
    """Without -o the page is named after its section and parameters: a space typed after the
    incident does not reach the file name."""
    done = run_cli("run", "narrative", "-p", "incident", "2021-tapachula ", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["narrative-2021-tapachula.html"]
    assert done.stdout.strip().splitlines()[-1] == "wrote narrative-2021-tapachula.html"


def test_a_changed_style_sheet_reaches_the_published_site(book_copy):
    """A warm Jupyter Book build does not copy _static again by itself; the build notices and does."""
    with (book_copy / "book" / "_static" / "caravan.css").open("a", encoding="utf-8") as sheet:
        sheet.write("\n/* changed by a test */\n")
    done = run_cli("build", root=book_copy)
    assert done.returncode == 0, done.stderr
    published = (book_copy / "_build" / "html" / "_static" / "caravan.css").read_text(encoding="utf-8")
    assert "changed by a test" in published
