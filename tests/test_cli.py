"""The command line and plain papermill, as rerunners and teachers use them (real kernels)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid

import nbformat
import psutil
import pytest
from bs4 import BeautifulSoup
from conftest import INCIDENTS, REPO, run_cli, subprocess_env

from caravan_book import cli
from caravan_book.data import tables


@pytest.mark.build
def test_list_shows_parameters_from_papermill_with_allowed_values():
    done = run_cli("list")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for section in ("narrative", "numbers", "responses", "comparison", "methods"):
        assert f"{section}:" in out
    assert 'incident  type: str  default: "2018-tijuana"' in out
    assert f"allowed: {INCIDENTS}" in out
    assert "the incident to tell" in out  # help text from the parameters cell
    assert 'right  type: str  default: "2021-tapachula"' in out


BAD_INPUT = [
    (["run", "narrativ"], "unknown section 'narrativ'; choose one of: narrative, numbers"),
    (["run", "narrative", "-p", "colour", "red"], "has no parameter colour; its parameters: incident, sources, as_of"),
    (["run", "narrative", "-p", "incident", "2019-nowhere"], f"choose one of: {INCIDENTS}"),
    (["run", "narrative", "-p", "incident", "2018"], "incident must be text such as '2018-tijuana', not int 2018"),
    (["run", "numbers", "-p", "sources", "nytimes"], "unknown source(s): nytimes; choose from: herborn"),
    (["run", "numbers", "-p", "as_of", "2018-13-01"], "is not a real calendar date"),
    (["run", "numbers", "-p", "as_of", "yesterday"], "is not a date written YYYY-MM-DD"),
    (["run", "numbers", "-p", "as_of", "1999-01-01"], "is before any chosen source"),
    (
        ["run", "responses", "-p", "sources", "mailonline"],
        "none of the chosen sources (mailonline) reports on 2018-tijuana; sources that do:",
    ),
    (["run", "comparison", "-p", "left", "2021-tapachula"], "left and right are both '2021-tapachula'"),
    (
        ["handout", "narrative", "-p", "incident", "x", "--pdf", "OUT.pdf"],
        f"choose one of: {INCIDENTS}",
    ),
]


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[" ".join(a[:4]) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_clear_message_and_no_file(tmp_path, monkeypatch, capsys, args, message):
    """In-process through cli.main (the same code path as the command, without a new interpreter each time)."""
    monkeypatch.chdir(tmp_path)
    args = [a if a != "OUT.pdf" else str(tmp_path / "out.pdf") for a in args]
    if args[0] == "run":
        args += ["-o", str(tmp_path / "out.html")]
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.build
def test_bad_input_as_a_real_command_exits_2_without_traceback_or_file(tmp_path):
    """One true subprocess: exit code, stderr and files as a user's shell sees them."""
    done = run_cli("run", "narrative", "-p", "incident", "2019-nowhere", "-o", tmp_path / "out.html", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: incident '2019-nowhere' is not a known incident; choose one of: {INCIDENTS}"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.build
def test_bad_custom_book_file_exits_2_and_leaves_no_kernel(tmp_path, kernel_tmp):
    """A custom book's kernels start while its pages are checked: a bad page stops them, leaving no process and
    no file (the kernels' connection and socket files go to the run's own temporary folder here)."""
    spec = tmp_path / "book.yml"
    spec.write_text("pages:\n  - notebook: narrative\n    parameters: {incident: 2030-mars}\n")
    temporary = kernel_tmp
    marker = uuid.uuid4().hex
    done = run_cli("build", "--params", spec, "--out", tmp_path / "out", env={"TMPDIR": str(temporary), "MARK": marker})
    assert done.returncode == 2
    assert "page 1 (narrative): incident '2030-mars' is not a known incident; choose one of:" in done.stderr
    assert not (tmp_path / "out" / "html").exists()
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("MARK") == marker:
                left.append(process.cmdline())
    assert left == []
    assert list(temporary.iterdir()) == []


@pytest.mark.build
def test_run_to_executed_notebook(tmp_path):
    out = tmp_path / "tapachula.ipynb"
    done = run_cli("run", "narrative", "-p", "incident", "2021-tapachula", "-p", "sources", "mailonline", "-o", out)
    assert done.returncode == 0, done.stderr
    notebook = nbformat.read(out, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'incident = "2021-tapachula"' in injected[0].source
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("MailOnline" in o.get("data", {}).get("text/markdown", "") for o in outputs)
    assert [p.name for p in tmp_path.iterdir()] == ["tapachula.ipynb"]  # no temporary file left


@pytest.mark.build
def test_run_to_standalone_html_page(tmp_path):
    out = tmp_path / "page.html"
    done = run_cli("run", "responses", "-p", "incident", "2021-tapachula", "-o", out)
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text().startswith("The official responses")
    assert soup.select("figure.caravan-figure .caravan-chart")
    assert soup.select("figure.caravan-figure .caravan-chart svg[viewBox]")  # charts drawn at build time
    assert not soup.select("script")  # the page needs no script at all
    assert "Solution" in soup.get_text()


def _papermill(notebook: str, out, **parameters: str) -> subprocess.CompletedProcess:
    """Plain papermill, as a rerunner types it, on one of the book's notebooks."""
    options = [arg for name, value in parameters.items() for arg in ("-p", name, value)]
    command = [sys.executable, "-m", "papermill", str(REPO / "notebooks" / f"{notebook}.ipynb"), str(out), *options]
    return subprocess.run(command, capture_output=True, text=True, env=subprocess_env(), timeout=300)


@pytest.mark.build
def test_plain_papermill_validates_inside_the_notebook(tmp_path):
    out = tmp_path / "out.ipynb"
    done = _papermill("numbers", out, incident="2019-nowhere")
    assert done.returncode != 0
    notebook = nbformat.read(out, as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors[0]["ename"] == "ParameterError"
    assert errors[0]["traceback"] == [
        f"ParameterError: incident '2019-nowhere' is not a known incident; choose one of: {INCIDENTS}"
    ]


@pytest.mark.build
def test_plain_papermill_runs_with_new_parameters(tmp_path):
    out = tmp_path / "out.ipynb"
    done = _papermill("comparison", out, left="2021-tapachula", right="2018-tijuana")
    assert done.returncode == 0, done.stderr
    notebook = nbformat.read(out, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'left = "2021-tapachula"' in injected[0].source and 'right = "2018-tijuana"' in injected[0].source
    titles = tables.load("incidents").set_index("incident")["title"]
    tables_shown = [
        BeautifulSoup(o["data"]["text/markdown"], "html.parser").select_one("table.caravan-compare")
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "caravan-compare" in o.get("data", {}).get("text/markdown", "")
    ]
    assert len(tables_shown) == 1
    columns = [th.get_text(" ", strip=True) for th in tables_shown[0].select("thead th[scope=col]")]
    assert columns == [titles["2021-tapachula"], titles["2018-tijuana"]]  # left is the first column
    place = tables_shown[0].find("th", string="Place").find_next_siblings("td")
    assert [td.get_text(strip=True) for td in place] == ["Tapachula", "Tijuana"]


def _custom_book(tmp_path):
    spec = tmp_path / "period3.yml"
    spec.write_text(
        "title: Caravans for period 3\n"
        "pages:\n"
        "  - notebook: numbers\n    parameters: {incident: 2021-tapachula, sources: mailonline}\n"
        "  - notebook: comparison\n"
        "include: [glossary]\n"
    )
    return spec


@pytest.mark.build
def test_custom_book_and_student_edition(tmp_path):
    spec = _custom_book(tmp_path)
    teacher = run_cli("build", "--params", spec, "--out", tmp_path / "teacher")
    assert teacher.returncode == 0, teacher.stderr
    site = tmp_path / "teacher" / "html"
    assert "book/index.html" in (site / "index.html").read_text(encoding="utf-8")
    index = BeautifulSoup((site / "book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Caravans for period 3" in index.get_text()
    pages = sorted(p.name for p in (site / "book" / "generated").glob("*.html"))
    assert pages == ["comparison.html", "numbers-2021-tapachula-mailonline.html", "teachers-guide.html"]
    numbers = (site / "book" / "generated" / "numbers-2021-tapachula-mailonline.html").read_text(encoding="utf-8")
    assert 'class="solution' in numbers and 'class="exercise' in numbers

    student = run_cli("build", "--params", spec, "--student", "--out", tmp_path / "student")
    assert student.returncode == 0, student.stderr
    student_site = tmp_path / "student" / "html"
    numbers = (student_site / "book" / "generated" / "numbers-2021-tapachula-mailonline.html").read_text(
        encoding="utf-8"
    )
    assert 'class="exercise' in numbers
    assert 'class="solution' not in numbers
    assert not (student_site / "book" / "generated" / "teachers-guide.html").exists()

    # no solution reaches a student by any path: pages, downloads, _sources, the search index
    solutions = set()
    for page in (site / "book" / "generated").glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for solution in soup.select(".solution"):
            for block in solution.select("p, li, td"):
                text = " ".join(block.get_text(" ").split())
                if len(text) > 40:
                    solutions.add(text[:60])
    assert len(solutions) >= 3
    leaks = []
    for path in (tmp_path / "student").rglob("*"):  # the whole folder the teacher named, not only the site
        if path.is_file():
            text = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
            leaks += [f"{path.relative_to(tmp_path)}: {s}" for s in solutions if s in text]
    assert not leaks, leaks[:5]
    assert not list((tmp_path / "student").rglob("*.ipynb"))
    # the sidebar tells the pages apart
    sidebar = BeautifulSoup(numbers, "html.parser").select("nav.bd-links a")
    names = [" ".join(a.get_text().split()) for a in sidebar]
    assert len(names) == len(set(names)), names
    assert "The numbers: The caravan from Tapachula; as told by MailOnline" in names, names
