"""``caravan-book extract`` and ``accept`` on a short fictional article (never a seed article).

The article, tests/fixtures/fictional-caravan-article.txt, was written for these tests: it has a
date line, numbers in digits and words, quotations with and without a named speaker, weekday and
relative dates, an unknown place and a number printed two ways.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shlex
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from conftest import INCIDENTS, REPO, SEEDS, copy_project, run_cli
from review_helpers import FIXTURE, INCIDENT, SOURCE, edit_review, extract_new_incident, review_fictional

from caravan_book.data import schemas
from caravan_book.intake.figures import numbers_in
from caravan_book.intake.io import REVIEW_COLUMNS
from caravan_book.intake.proposer import extract, why
from caravan_book.text.article import collapse
from caravan_book.text.dates import find_dates

PROMINENCE_REASON = why("prominence")


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def extract_fixture(tmp_path: Path, data: Path) -> Path:
    out = tmp_path / "review"
    done = extract_new_incident(out, "--data", data, cwd=tmp_path)
    assert f"wrote {out}/" in done.stdout and "places already in places.csv: Mexico City" in done.stdout
    return out


def seeds_with_fixture(tmp_path: Path) -> Path:
    """The seed articles (if present) and the fictional one, as a person's folder of articles would be."""
    folder = tmp_path / "articles"
    folder.mkdir()
    if SEEDS.is_dir():
        for article in SEEDS.glob("*.txt"):
            (folder / article.name).symlink_to(article)
    shutil.copy(FIXTURE, folder / FIXTURE.name)
    return folder


@pytest.mark.build
def test_extract_proposes_sourced_rows_in_schema_columns_and_leaves_data_alone(tmp_path, data_copy):
    before = digest(data_copy)
    review = extract_fixture(tmp_path, data_copy)
    assert digest(data_copy) == before  # extract never writes into a data folder
    article = collapse(FIXTURE.read_text(encoding="utf-8"))
    for name in ("places", "incidents", "sources", "metrics", "events", "figures", "statements", "defects"):
        spec = schemas.TABLES[name]
        path = review / spec.file
        assert header(path) == [*spec.columns, *REVIEW_COLUMNS], name
        for row in read(path):
            assert row["status"] == "proposed" and row["reason"].strip()
            if "excerpt" in row:
                assert collapse(row["excerpt"]) in article, row["excerpt"]
    figures = {(r["value"], r["value_text"], r["qualifier"]) for r in read(review / "figures.csv")}
    assert {
        ("1200", "1,200", "about"),
        ("300", "300", "more than"),
        ("45", "Forty five", "exactly"),
        ("1500000", "1.5 million", "exactly"),
        ("12000", "12,000", "exactly"),
    } <= figures
    assert not any(text == "12,00" for _, text, _ in figures)
    grown = next(r for r in read(review / "figures.csv") if r["value_text"] == "800")
    assert grown["attributed_to"] == "The state government"  # "According to the state government, …"
    pesos = next(r for r in read(review / "figures.csv") if r["value_text"] == "1.5 million")
    assert pesos["unit"] == "pesos" and pesos["as_of"] == "2029-03-12" and pesos["as_of_basis"] == "inferred"
    quotes = {r["quote"]: r for r in read(review / "statements.csv")}
    assert quotes["We are walking because we have no other road"]["speaker"] == "Marta Solis"
    assert quotes["We are walking because we have no other road"]["quote_kind"] == "direct"
    assert quotes["We gave them what we could"]["speaker"] == "Luis Ortega"  # "he said", after "Luis Ortega, said"
    reported = quotes["the town had hosted the group for two weeks"]
    assert reported["quote_kind"] == "reported" and reported["speaker"] == "Luis Ortega"
    events = {r["date"]: r for r in read(review / "events.csv")}
    assert events["2029-03-13"]["date_basis"] == "inferred" and "'Tuesday'" in events["2029-03-13"]["date_note"]
    march = next(r for r in read(review / "events.csv") if "on 2 March" in r["excerpt"])
    assert (march["date"], march["date_basis"]) == ("2029-03-02", "stated")  # year from the printed date line
    assert events["2029-03-12"]["date_basis"] == "inferred"  # "earlier this week"
    places = read(review / "places.csv")
    assert [p["place"] for p in places] == ["Villa Esperanza"] and places[0]["latitude"] == ""
    (defect,) = read(review / "defects.csv")
    assert "'12,00'" in defect["defect"] and "'12,000'" in defect["defect"]
    (source,) = read(review / "sources.csv")
    assert (source["published"], source["published_basis"], source["byline"]) == ("2029-03-14", "stated", "Ana Ruiz")
    assert (review / "article" / FIXTURE.name).read_bytes() == FIXTURE.read_bytes()


@pytest.mark.build
def test_accept_merges_accepted_rows_and_the_merged_data_passes_check(tmp_path, data_copy):
    review = extract_fixture(tmp_path, data_copy)
    review_fictional(review)
    counts = {name: len(read(data_copy / f"{name}.csv")) for name in ("figures", "statements", "events", "places")}
    seeds = seeds_with_fixture(tmp_path)
    done = run_cli("accept", review, "--data", data_copy, "--seeds", seeds, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "merged 1 incidents, 1 sources, 1 metrics, 1 events, 1 figures, 1 statements, 1 defects" in done.stdout
    assert {name: len(read(data_copy / f"{name}.csv")) for name in counts} == {
        "figures": counts["figures"] + 1,
        "statements": counts["statements"] + 1,
        "events": counts["events"] + 1,
        "places": counts["places"],
    }  # the rejected place is left out
    merged = read(data_copy / "figures.csv")[-1]
    assert (merged["figure_id"], merged["metric"], merged["value_text"]) == (
        "2029-about-1-200-ruiz-2029",
        "caravan_size_fictional",
        "1,200",
    )
    assert "status" not in merged and "reason" not in merged
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".")]  # no temporary file left
    check = run_cli("check", "--data", data_copy, "--seeds", seeds)
    assert check.returncode == 0, check.stderr
    listing = run_cli("list", env={"CARAVAN_BOOK_DATA": str(data_copy)})
    assert "2029-villa-esperanza  The Villa Esperanza caravan (fictional example)" in listing.stdout
    again = run_cli("accept", review, "--data", data_copy, "--seeds", seeds, cwd=tmp_path)
    assert again.returncode == 2 and "is a duplicate" in again.stderr  # accepting twice is refused


@pytest.mark.build
def test_accept_keeps_the_mode_each_data_file_had(tmp_path, data_copy):
    """accept replaces the data files it merges into: each keeps its mode (it used to leave them 0600)."""
    review = extract_fixture(tmp_path, data_copy)
    review_fictional(review)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((review / "figures.csv").stat().st_mode) == 0o666 & ~mask  # extract's files: umask's mode
    files = sorted(data_copy.glob("*.csv"))
    modes = {p.name: (0o644, 0o664, 0o640)[i % 3] for i, p in enumerate(files)}
    for path in files:
        path.chmod(modes[path.name])
    before = digest(data_copy)
    done = run_cli("accept", review, "--data", data_copy, "--seeds", seeds_with_fixture(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    changed = {p.name for p in files if digest(data_copy)[p.name] != before[p.name]}
    assert {"figures.csv", "statements.csv", "events.csv"} <= changed  # the merge really rewrote files
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == modes


@pytest.mark.build
def test_existing_lines_keep_their_bytes_when_rows_are_appended(tmp_path, data_copy):
    review = extract_fixture(tmp_path, data_copy)
    review_fictional(review)
    statements = (data_copy / "statements.csv").read_bytes()
    done = run_cli("accept", review, "--data", data_copy, "--seeds", seeds_with_fixture(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (data_copy / "statements.csv").read_bytes().startswith(statements)


@pytest.mark.parametrize(
    "file,column,value,rule",
    [
        ("statements.csv", "group", "activist", "'activist' is not allowed; allowed values: us-federal"),
        (
            "figures.csv",
            "excerpt",
            "About 1,200 migrants set off by bus from Villa Esperanza",
            "is not found word for word in fictional-caravan-article.txt",
        ),
        ("figures.csv", "value", "1300", "does not match value_text"),
        ("events.csv", "date", "2029-02-30", "is not a real date written YYYY-MM-DD"),
    ],
)
@pytest.mark.build
def test_accept_reports_a_wrong_edit_at_its_review_file_row_and_column_and_merges_nothing(
    tmp_path, data_copy, file, column, value, rule
):
    review = extract_fixture(tmp_path, data_copy)
    review_fictional(review)
    rows = read(review / file)
    index = next(i for i, r in enumerate(rows) if r["status"] == "accepted")
    edit_review(review, file, {"status": "accepted"}, {column: value})
    before = digest(data_copy)
    done = run_cli("accept", review, "--data", data_copy, "--seeds", seeds_with_fixture(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert f"review/{file}, row {index + 2}, column '{column}'" in done.stderr
    assert rule in done.stderr
    assert "nothing was merged" in done.stderr and "Traceback" not in done.stderr
    assert digest(data_copy) == before


@pytest.mark.build
def test_accept_refuses_an_unknown_status_before_merging(tmp_path, data_copy):
    review = extract_fixture(tmp_path, data_copy)
    edit_review(review, "figures.csv", None, {"status": "yes"})
    done = run_cli("accept", review, "--data", data_copy, cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "review/figures.csv, row 2, column 'status': 'yes' is not allowed; allowed values: proposed, accepted, "
        "rejected" in done.stderr
    )


def _bad_articles(folder: Path) -> dict[str, Path]:
    files = {
        "empty": b"  \n\n",
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00",
        "latin-1": "Año de la caravana".encode("latin-1"),
        "undated": b"About 300 people set off on Tuesday, a volunteer said.\n",
    }
    for name, content in files.items():
        (folder / f"{name}.txt").write_bytes(content)
    return {name: folder / f"{name}.txt" for name in files}


BAD_EXTRACT = [
    ("empty", [], "is empty; give a plain-text article"),
    ("binary", [], "is a binary file"),
    ("latin-1", [], "is not UTF-8 text (byte 1 cannot be read)"),
    ("missing", [], "no such file"),
    ("undated", [], "prints no date line; give its publication date with --published YYYY-MM-DD"),
    (
        "fixture",
        ["--incident", "2030-mars"],
        f"unknown incident '2030-mars'; choose one of: {INCIDENTS}",
    ),
    ("fixture", ["--published", "14/03/2029"], "--published '14/03/2029' is not a date written YYYY-MM-DD"),
    ("fixture", ["--published", "2029-02-30"], "--published '2029-02-30' is not a date written YYYY-MM-DD"),
    ("fixture", ["--source", "Ruiz 2029"], "--source 'Ruiz 2029' is not an id of lowercase letters"),
    ("fixture", ["--incident", "2018-tijuana", "--new-incident"], "'2018-tijuana' already exists in incidents.csv"),
]


@pytest.mark.parametrize("article,extra,message", BAD_EXTRACT, ids=[f"{a} {' '.join(e)}" for a, e, _ in BAD_EXTRACT])
@pytest.mark.build
def test_bad_extract_input_stops_with_one_line_exit_2_and_no_file(tmp_path, article, extra, message):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    paths = {**_bad_articles(inputs), "missing": inputs / "missing.txt", "fixture": FIXTURE}
    work = tmp_path / "work"
    work.mkdir()
    args = {"--source": "ruiz-2029", "--incident": "2018-tijuana"}
    flags = [e for e in extra if e.startswith("--new")]
    pairs = [e for e in extra if not e.startswith("--new")]
    args.update(dict(zip(pairs[::2], pairs[1::2], strict=True)))
    done = run_cli("extract", paths[article], *[x for kv in args.items() for x in kv], *flags, cwd=work)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert list(work.iterdir()) == []


@pytest.mark.build
def test_extract_refuses_to_overwrite_a_review_folder(tmp_path, data_copy):
    review = extract_fixture(tmp_path, data_copy)
    before = digest(review)
    done = run_cli("extract", FIXTURE, "--source", SOURCE, "--incident", "2018-tijuana", "--out", review, cwd=tmp_path)
    assert done.returncode == 2 and "already exists; choose a new review folder" in done.stderr
    assert digest(review) == before


@pytest.mark.build
def test_list_shows_the_incidents_that_exist():
    done = run_cli("list")
    assert done.returncode == 0, done.stderr
    assert "incidents (data/incidents.csv):" in done.stdout
    assert "2018-tijuana  Tear gas at the Tijuana–San Ysidro border  (from 2018-11-25; sources: herborn" in done.stdout
    assert "2021-tapachula  The caravan from Tapachula  (from 2021-10-23; sources: mailonline)" in done.stdout


def test_the_review_files_follow_the_schema_and_fill_the_columns_it_adds(tmp_path):
    """The review files have the schema's columns (as_printed, prominence, date_precision among them), filled."""
    _, proposal = extract(FIXTURE, SOURCE, INCIDENT, tmp_path / "review", new_incident=True, data=REPO / "data")
    assert header(tmp_path / "review" / "figures.csv") == [*schemas.TABLES["figures"].columns, *REVIEW_COLUMNS]
    printed = {r["value_text"]: r["as_printed"] for r in proposal.rows["figures"]}
    assert printed["1,200"] in ("about 1,200 people", "About 1,200 migrants")
    assert printed["Forty five"] == "Forty five police officers" and printed["300"] == "more than 300"
    assert printed["1.5 million"] == "1.5 million pesos"
    for row in proposal.rows["figures"] + proposal.rows["events"] + proposal.rows["statements"]:
        assert row["prominence"] == 2 and PROMINENCE_REASON in row["reason"]
    precision = {r["date"]: r["date_precision"] for r in proposal.rows["events"]}
    assert precision["2029-03-13"] == "day"
    assert "compare_group" in header(tmp_path / "review" / "metrics.csv")


@pytest.mark.parametrize(
    "sentence,phrase,day,basis,precision",
    [
        ("It happened on Sunday.", "Sunday", date(2018, 11, 25), "inferred", "day"),
        ("It happened on 19 October.", "19 October", date(2018, 10, 19), "inferred", "day"),
        ("Posted on November 26, 2018.", "November 26, 2018", date(2018, 11, 26), "stated", "day"),
        ("They left more than a month ago.", "more than a month ago", date(2018, 10, 26), "inferred", "month"),
        ("He spoke earlier this week.", "earlier this week", date(2018, 11, 19), "inferred", "day"),
        ("In August, the court ruled.", "In August", date(2018, 8, 1), "inferred", "month"),
        ("It lasts to 15 December.", "15 December", date(2018, 12, 15), "inferred", "day"),
    ],
)
def test_dates_are_worked_out_against_the_publication_date(sentence, phrase, day, basis, precision):
    (mention,) = find_dates(sentence, date(2018, 11, 26), year_printed=False)
    assert (mention.phrase, mention.day, mention.basis, mention.precision) == (phrase, day, basis, precision)


def test_numbers_are_read_the_way_the_article_writes_them():
    found, unreadable = numbers_in(
        "Forty two people, 1.7 million encounters, 5,800 troops, 95 percent and 192,00 incidents, at 2am on 3rd May.",
        [],
    )
    assert [(f.value, f.value_text, f.unit) for f in found] == [
        (42.0, "Forty two", "people"),
        (1_700_000.0, "1.7 million", "encounters"),
        (5800.0, "5,800", "troops"),
        (95.0, "95", "percent"),
    ]
    assert unreadable == ["192,00"]


def _guide_blocks() -> list[str]:
    """The code blocks of the guide page, in order."""
    text = (REPO / "book" / "add-a-story.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:sh|yaml)\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.build
def test_the_guide_works_step_by_step_on_a_fresh_copy_of_the_project(tmp_path):
    """Follow book/add-a-story.md: its own commands, on a copy of the project, up to a custom book."""
    root = copy_project(tmp_path / "project")
    (root / "tests" / "fixtures").mkdir(parents=True)
    shutil.copy(FIXTURE, root / "tests" / "fixtures" / FIXTURE.name)
    blocks = _guide_blocks()
    commands = [shlex.split(b.replace("\\\n", " ")) for b in blocks if b.startswith("caravan-book")]
    extract_cmd, accept_cmd, check_cmd, build_cmd = commands
    yml = next(b for b in blocks if b.startswith("# villa.yml"))
    assert extract_cmd[:2] == ["caravan-book", "extract"] and build_cmd[:2] == ["caravan-book", "build"]
    done = run_cli(*extract_cmd[1:], root=root, cwd=root)
    assert done.returncode == 0, done.stderr
    review_fictional(root / "review-ruiz-2029")
    done = run_cli(*accept_cmd[1:], root=root, cwd=root)
    assert done.returncode == 0, done.stderr
    # accept compared the new rows with the review's article: the data's ledger now vouches for them
    assert '"source_id": "ruiz-2029"' in (root / "data" / "excerpts-ledger.json").read_text(encoding="utf-8")
    articles = seeds_with_fixture(tmp_path)
    done = run_cli(*check_cmd[1:], root=root, cwd=root, env={"CARAVAN_BOOK_SEEDS": str(articles)})
    assert done.returncode == 0 and "clean (every excerpt verified against the articles" in done.stdout, done.stderr
    (root / "villa.yml").write_text(yml, encoding="utf-8")
    done = run_cli(*build_cmd[1:], root=root, cwd=root, env={"CARAVAN_BOOK_SEEDS": str(articles)})
    assert done.returncode == 0, done.stderr
    page = root / "_build" / "villa" / "html" / "book" / "generated" / "narrative-2029-villa-esperanza.html"
    text = page.read_text(encoding="utf-8")
    assert "The Villa Esperanza caravan (fictional example)" in text
    assert "The caravan sets off on foot from Villa Esperanza." in text


@pytest.mark.build
def test_accept_takes_a_review_saved_by_a_spreadsheet(tmp_path, data_copy):
    """A byte-order mark, Windows line endings and "Accepted" with a capital, as spreadsheets save them."""
    review = extract_fixture(tmp_path, data_copy)
    review_fictional(review)
    edit_review(review, "figures.csv", {"status": "accepted"}, {"status": "Accepted"})
    for path in review.glob("*.csv"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    done = run_cli("accept", review, "--data", data_copy, "--seeds", seeds_with_fixture(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 figures" in done.stdout


@pytest.mark.parametrize(
    "setup,code,message",
    [  # 2: bad input, a wrong folder or files with problems
        ("missing", 2, "is not a folder; give the review folder written by caravan-book extract"),
        ("empty", 2, "holds none of the review files (places.csv, incidents.csv"),
        ("no-status", 2, "figures.csv, row 1, column 'status': is missing from the header"),
    ],
)
@pytest.mark.build
def test_bad_review_folder_is_reported_with_its_place(tmp_path, data_copy, setup, code, message):
    review = tmp_path / "review"
    if setup == "empty":
        review.mkdir()
    elif setup == "no-status":
        review.mkdir()
        (review / "figures.csv").write_text("figure_id,incident\nx,2018-tijuana\n", encoding="utf-8")
    before = digest(data_copy)
    done = run_cli("accept", review, "--data", data_copy, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert message in done.stderr.strip().splitlines()[0], done.stderr
    assert "Traceback" not in done.stderr
    assert digest(data_copy) == before
