"""Issue 21: no input loses data, publishes an unsourced quotation or writes where the tool does not own; bad input
is one line with the documented exit code (0 done, 1 a page/tool/disk failed, 2 bad input, 3 busy)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, edit_csv, run_cli, subprocess_env
from review_helpers import FIXTURE, INCIDENT, SOURCE, review_fictional

pytestmark = pytest.mark.build


def _one_line(done, code: int, *words: str) -> str:
    err = done.stderr.strip()
    assert done.returncode == code, done.stderr[-2000:]
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    for word in words:
        assert word in err, err
    return err


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.DictReader(fh))


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs of its own (for a full or read-only disk); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()

    def make(size: str) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        return mount

    yield make
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _review(tmp_path: Path, data: Path) -> Path:
    out = tmp_path / "review"
    done = run_cli(
        "extract", FIXTURE, "--source", SOURCE, "--incident", INCIDENT, "--new-incident", "--out", out,
        "--data", data, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    review_fictional(out)
    return out


def _articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    if SEEDS.is_dir():
        for article in SEEDS.glob("*.txt"):
            (folder / article.name).symlink_to(article)
    shutil.copy(FIXTURE, folder / FIXTURE.name)
    return folder


def _accept(review: Path, data: Path, seeds: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "caravan_book", "accept", str(review), "--data", str(data), "--seeds", str(seeds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env(), cwd=cwd,
    )  # fmt: skip


# ---------------------------------------------------------------- data that must not be lost
def test_two_accepts_at_once_merge_once_and_lose_no_row(tmp_path, data_copy):
    review = _review(tmp_path, data_copy)
    seeds = _articles(tmp_path)
    before = {name: _rows(data_copy / f"{name}.csv") for name in ("events", "figures", "statements")}
    first, second = _accept(review, data_copy, seeds, tmp_path), _accept(review, data_copy, seeds, tmp_path)
    results = sorted([(p.wait(timeout=600), p.communicate()) for p in (first, second)], key=lambda r: r[0])
    (code_a, (out_a, err_a)), (code_b, (_out_b, err_b)) = results
    assert code_a == 0 and "merged" in out_a, err_a
    # the second waited for the first, then saw its rows: the same rows again are duplicates (bad input)
    assert code_b == 2 and "is a duplicate" in err_b, err_b
    after = {name: _rows(data_copy / f"{name}.csv") for name in before}
    assert after == {name: n + 1 for name, n in before.items()}
    assert run_cli("check", "--data", data_copy, "--seeds", seeds).returncode == 0


def test_a_merge_a_crash_stopped_between_two_renames_is_finished_by_the_next_check(tmp_path, data_copy):
    seeds = _articles(tmp_path)
    merged = Path(shutil.copytree(data_copy, tmp_path / "merged"))
    done = run_cli("accept", _review(tmp_path, merged), "--data", merged, "--seeds", seeds, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    changed = [name for name, digest in _digest(merged).items() if _digest(data_copy).get(name) != digest]
    assert len(changed) >= 3, changed
    # what a crash after the journal and the first rename leaves: one file swapped, the others waiting beside theirs
    renames = []
    for name in changed:
        new = f".{name}.accept-new"
        shutil.copy2(merged / name, data_copy / new)
        renames.append([new, name])
    (data_copy / ".accept-journal.json").write_text(json.dumps(renames), encoding="utf-8")
    (data_copy / renames[0][0]).replace(data_copy / renames[0][1])
    check = run_cli("check", "--data", data_copy, "--seeds", seeds)
    assert check.returncode == 0, check.stderr
    assert "finished an accept that was interrupted" in check.stderr
    assert _digest(data_copy) == _digest(merged)
    assert not [p.name for p in data_copy.iterdir() if p.name.startswith(".")]


def test_a_merge_a_crash_stopped_before_its_journal_is_undone(tmp_path, data_copy):
    before = _digest(data_copy)
    (data_copy / ".figures.csv.accept-new").write_text("figure_id\nhalf-written", encoding="utf-8")
    check = run_cli("check", "--data", data_copy)
    assert check.returncode == 0, check.stderr
    assert "undid an accept that was interrupted" in check.stderr
    assert _digest(data_copy) == before


def test_accept_on_a_full_disk_is_one_line_and_changes_nothing(tmp_path, data_copy, tmpfs):
    review = _review(tmp_path, data_copy)
    # tmpfs gives each file whole 4 KiB pages: room for the data, not for the merged files beside it
    size = sum(-(-p.stat().st_size // 4096) * 4096 for p in data_copy.rglob("*") if p.is_file())
    disk = tmpfs(f"{size + 12 * 4096}")
    data = Path(shutil.copytree(data_copy, disk / "data"))
    before = _digest(data)
    done = run_cli("accept", review, "--data", data, "--seeds", _articles(tmp_path), cwd=tmp_path)
    _one_line(done, 1, "No space left on device")
    assert _digest(data) == before


def test_accept_into_a_read_only_data_folder_is_one_line(tmp_path, data_copy, tmpfs):
    review = _review(tmp_path, data_copy)
    disk = tmpfs("8m")
    data = Path(shutil.copytree(data_copy, disk / "data"))
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    done = run_cli("accept", review, "--data", data, "--seeds", _articles(tmp_path), cwd=tmp_path)
    _one_line(done, 1, "Read-only file system")


def test_handout_on_a_full_disk_does_not_say_it_wrote_the_pdf(tmp_path, tmpfs):
    disk = tmpfs("64k")  # a handout is a few hundred KB
    pdf = disk / "handout.pdf"
    done = run_cli("handout", "comparison", "--pdf", pdf, cwd=tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "wrote" not in done.stdout and "Traceback" not in done.stderr
    assert not pdf.exists() and list(disk.iterdir()) == []


# ---------------------------------------------------------------- quotations not in their article
@pytest.mark.parametrize("command", ["run", "handout"])
def test_run_and_handout_refuse_a_made_up_quotation_before_any_notebook(tmp_path, data_copy, command):
    with open(data_copy / "statements.csv", newline="", encoding="utf-8") as fh:
        excerpt = next(csv.DictReader(fh))["excerpt"]
    # the quotation stays inside its excerpt (check's table rules pass), the excerpt is not in the article
    edit_csv(data_copy / "statements.csv", 0, "excerpt", excerpt + " And words the article never printed.")
    out = tmp_path / ("page.html" if command == "run" else "page.pdf")
    flag = "-o" if command == "run" else "--pdf"
    done = run_cli(command, "responses", flag, out, cwd=tmp_path, env={"CARAVAN_BOOK_DATA": str(data_copy)})
    _one_line(done, 2, "statements.csv, row 2, column 'excerpt'")
    assert "papermill" not in done.stderr and not out.exists()


# ---------------------------------------------------------------- files the tool does not own
@pytest.mark.parametrize(
    "args",
    [
        ["run", "narrative", "-o", "notebooks/narrative.ipynb"],
        ["run", "narrative", "-o", "_build/html/index.html"],
        ["handout", "narrative", "--pdf", "data/README.pdf"],
        [
            "extract",
            "tests/fixtures/fictional-caravan-article.txt",
            "--source",
            "x-2029",
            "--incident",
            INCIDENT,
            "--new-incident",
            "--out",
            "data/reviews/x",
        ],
    ],
)
def test_outputs_inside_the_project_sources_data_or_site_are_refused(project_copy, args):
    def sources() -> dict[str, str]:  # the validated-table cache under _build/ may be written: not a source
        return {k: v for k, v in _digest(project_copy).items() if not k.startswith("_build/.table-cache")}

    before = sources()
    done = run_cli(*args, root=project_copy, cwd=project_copy)
    _one_line(done, 2, "which the project owns")
    assert sources() == before


def test_build_out_refuses_a_folder_it_did_not_make(project_copy, tmp_path):
    mine = tmp_path / "mine"
    (mine / "source").mkdir(parents=True)
    (mine / "source" / "_config.yml").write_text("my own file\n", encoding="utf-8")
    (mine / "html").mkdir()
    spec = tmp_path / "book.yml"
    spec.write_text("pages:\n  - notebook: comparison\n", encoding="utf-8")
    done = run_cli("build", "--params", spec, "--out", mine, root=project_copy)
    _one_line(done, 2, "caravan-book did not make", ".caravan-book-edition")
    assert (mine / "source" / "_config.yml").read_text(encoding="utf-8") == "my own file\n"


# ---------------------------------------------------------------- bad input: one line, exit 2
@pytest.mark.parametrize(
    "args,words",
    [
        (["run", "narrative", "-p", "incident", "2018-tijuana", "-p", "incident", "2021-tapachula"], ["given twice"]),
        (["run", "narrative", "-p", "sources", ""], ["-p sources is empty"]),
        (["check", "--data", "/etc/passwd"], ["not a folder"]),
        (["accept", "tests", "--data", "/etc/passwd"], ["not a folder"]),
    ],
)
def test_arguments_that_were_let_through_are_one_line(tmp_path, args, words):
    _one_line(run_cli(*args, cwd=REPO), 2, *words)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "file,column,value,rule",
    [
        ("events.csv", "date", "2018-1-5", "is not a real date written YYYY-MM-DD"),
        ("events.csv", "date", "0018-11-25", "is not a real date written YYYY-MM-DD"),
        ("events.csv", "date", "2300-01-01", "is not a real date written YYYY-MM-DD"),
        ("events.csv", "date", "２０１８-１１-２５", "is not a real date written YYYY-MM-DD"),
        ("events.csv", "summary", "Police \u202eesolc\u202c the border.", "direction control U+202E"),
        ("statements.csv", "role", "Mayor \u2066of\u2069 Tijuana", "direction control U+2066"),
    ],
)
def test_check_refuses_what_it_let_through(data_copy, file, column, value, rule):
    edit_csv(data_copy / file, 0, column, value)
    done = run_cli("check", "--data", data_copy)
    err = _one_line(done, 2, rule)
    assert err.startswith(f"{data_copy / file}, row 2, column '{column}'") or f"{file}, row 2, column '{column}'" in err


def test_check_refuses_a_header_column_given_twice(data_copy):
    path = data_copy / "facts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0].rstrip("\r\n") + ",value\n" + "".join(line.rstrip("\r\n") + ",x\n" for line in lines[1:]))
    _one_line(run_cli("check", "--data", data_copy), 2, "facts.csv, row 1, column 'value': appears twice in the header")


def test_help_states_the_exit_codes():
    done = subprocess.run([sys.executable, "-m", "caravan_book", "--help"], capture_output=True, text=True,
                          env=subprocess_env(), cwd=REPO)  # fmt: skip
    assert "3  busy" in done.stdout and "2  bad input" in done.stdout and "1  a page" in done.stdout
    assert "| 3 | busy" in (REPO / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- rules across tables, numbers, articles
def _table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _cell(path: Path, row: int, column: str) -> str:
    return _table(path)[row][column]


@pytest.mark.parametrize(
    "file,row,column,value,words",
    [
        ("events.csv", 0, "date", "1988-11-25", "is more than 3 years from the start of"),
        ("claims.csv", 0, "fiscal_year", "2030", "is not in the reference tables this test reads"),
        ("claims.csv", 0, "figure_id", "2018-oscar-zapata-age-independent", "which is not a border count"),
        ("figures.csv", 0, "value", "NaN", "NaN and inf are not allowed"),
        ("figures.csv", 0, "value", "inf", "NaN and inf are not allowed"),
    ],
)
def test_check_refuses_what_it_let_through_across_tables(data_copy, file, row, column, value, words):
    if column == "figure_id" and value not in (data_copy / "figures.csv").read_text(encoding="utf-8"):
        value = next(r["figure_id"] for r in _table(data_copy / "figures.csv")
                     if r["metric"].startswith("age_of"))  # fmt: skip
    edit_csv(data_copy / file, row, column, value)
    _one_line(
        run_cli("check", "--data", data_copy, "--no-excerpts"), 2, f"{file}, row {row + 2}, column '{column}'", words
    )


def test_check_refuses_events_moved_to_an_incident_their_article_is_not_about(data_copy):
    incident = _cell(data_copy / "events.csv", 0, "incident")
    other = next(r["incident"] for r in _table(data_copy / "incidents.csv")
                 if r["incident"] != incident)  # fmt: skip
    edit_csv(data_copy / "events.csv", 0, "incident", other)
    _one_line(run_cli("check", "--data", data_copy, "--no-excerpts"), 2, "events.csv, row 2, column 'incident'",
              "is not the incident of its article")  # fmt: skip


def test_a_negative_number_is_said_to_be_negative_only(data_copy):
    edit_csv(data_copy / "figures.csv", 0, "value", "-5")
    _one_line(run_cli("check", "--data", data_copy, "--no-excerpts"), 2, "is negative")


def test_an_nfd_excerpt_is_said_to_be_a_unicode_normalisation_difference(data_copy):
    import unicodedata

    row = next(i for i, r in enumerate(_table(data_copy / "events.csv"))
               if unicodedata.normalize("NFD", r["excerpt"]) != r["excerpt"])  # fmt: skip
    edit_csv(
        data_copy / "events.csv",
        row,
        "excerpt",
        unicodedata.normalize("NFD", _cell(data_copy / "events.csv", row, "excerpt")),
    )
    seeds = SEEDS if SEEDS.is_dir() else pytest.skip("needs the source articles")
    _one_line(run_cli("check", "--data", data_copy, "--seeds", seeds), 2, "Unicode normalisation")


@pytest.mark.parametrize("command", ["check", "build"])
def test_an_article_that_is_not_utf8_is_one_line(tmp_path, project_copy, command):
    seeds = SEEDS if SEEDS.is_dir() else pytest.skip("needs the source articles")
    articles = Path(shutil.copytree(seeds, tmp_path / "articles"))
    victim = sorted(articles.glob("*.txt"))[0]
    victim.write_bytes(victim.read_text(encoding="utf-8").encode("latin-1", "replace") + b"\xe9\xff\xfe \xe9t\xe9")
    done = run_cli(command, root=project_copy, env={"CARAVAN_BOOK_SEEDS": str(articles)})
    assert done.returncode == 2, done.stderr[-2000:]
    assert (
        "Traceback" not in done.stderr and f"{victim.name}: is not UTF-8 text" in done.stderr.strip().splitlines()[-1]
    )


def test_a_folder_with_19353_figure_rows_that_passes_check_makes_a_numbers_page(tmp_path, data_copy):
    """Thousands of copies of one disputed figure (new ids, same words): check lets them through, so the page must
    cope: the chart gets one point per voice and value, not Altair's MaxRowsError."""
    rows = _table(data_copy / "figures.csv")
    disputed = [r for r in rows if r["metric"] == "crowd_at_border_fence"]
    copies = [dict(disputed[i % len(disputed)], figure_id=f"copy-{i}") for i in range(19353 - len(rows))]
    with open(data_copy / "figures.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + copies)
    assert run_cli("check", "--data", data_copy).returncode == 0
    out = tmp_path / "numbers.html"
    done = run_cli("run", "numbers", "-p", "incident", "2018-tijuana", "-o", out, cwd=tmp_path,
                   env={"CARAVAN_BOOK_DATA": str(data_copy)})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MaxRowsError" not in out.read_text(encoding="utf-8")


def _last_line(done, code: int, *words: str) -> None:
    """A command that said what it was doing, then stopped with one line."""
    assert done.returncode == code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and all(word in last for word in words), last


def test_run_to_a_full_disk_is_one_line(tmp_path, tmpfs):
    disk = tmpfs("16k")
    done = run_cli("run", "comparison", "-o", disk / "page.html", cwd=tmp_path)
    _last_line(done, 1, "No space left on device")
    assert "wrote" not in done.stdout and not (disk / "page.html").exists()


def test_extract_to_a_full_disk_is_one_line(tmp_path, tmpfs):
    disk = tmpfs("8k")
    done = run_cli("extract", FIXTURE, "--source", SOURCE, "--incident", INCIDENT, "--new-incident",
                   "--out", disk / "review", cwd=tmp_path)  # fmt: skip
    _last_line(done, 1, "No space left on device")
    assert "wrote" not in done.stdout


def test_a_read_only_build_folder_is_one_line(project_copy, tmp_path):
    build = project_copy / "_build"
    build.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", str(build)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        done = run_cli("build", root=project_copy)
        _last_line(done, 1, "Read-only file system")
    finally:
        subprocess.run(["umount", "-l", str(build)], capture_output=True)
