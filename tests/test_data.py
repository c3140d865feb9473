"""The shipped data is clean, and every class of bad row is caught with its place."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
from conftest import INCIDENT_IDS, REPO, edit_csv, require_seeds, run_cli

from caravan_book.build import sections
from caravan_book.data import tables
from caravan_book.data.schemas import TABLES
from caravan_book.text.numbers import parse_number_text


def test_shipped_data_is_clean_including_excerpts():
    assert tables.check_folder(REPO / "data", require_seeds()) == []


@pytest.mark.build
def test_cli_check_reports_clean_data():
    done = run_cli("check")
    assert done.returncode == 0, done.stderr
    assert "clean (every excerpt verified against the " in done.stdout


def test_incident_ids_are_unique_and_every_page_names_one():
    ids = tables.load("incidents")["incident"].tolist()
    assert ids == INCIDENT_IDS and len(set(ids)) == len(ids)
    named = {
        value
        for page in sections.load().pages
        for name, value in page.parameters.items()
        if name in ("incident", "left", "right")
    }
    assert named and named <= set(ids), named - set(ids)


def test_tables_are_typed():
    figures = tables.load("figures")
    assert pd.api.types.is_float_dtype(figures["value"])
    assert pd.api.types.is_datetime64_any_dtype(figures["as_of"])
    assert pd.api.types.is_integer_dtype(tables.load("encounters_monthly")["total_swb_encounters"])


def test_typos_of_the_articles_are_not_copied_into_values():
    statements = tables.load("statements")
    assert not statements["speaker"].str.contains("Nielson").any()
    assert (statements["speaker"] == "Kirstjen Nielsen").any()
    september = tables.load("figures").query("metric == 'swb_encounters_month' and as_of.dt.month == 9")
    assert september["value"].tolist() == [192000.0]
    assert "192,00 " not in " ".join(september["excerpt"]) + " "


def test_disagreements_keep_one_row_per_source():
    troops = tables.load("figures").query("metric == 'us_troops_at_border'")
    assert troops["source_id"].nunique() >= 2
    assert troops["value"].nunique() >= 2


# --------------------------------------------------------------- broken copies
def _line_of(path, row_index: int) -> int:
    """The file line of data row ``row_index`` (header is line 1, one line per record here)."""
    return row_index + 2


BAD_CELLS = [
    # file, row, column, bad value, what the message must say
    ("figures.csv", 3, "value", "192,00", "'192,00' is not a number"),
    ("figures.csv", 0, "qualifier", "roughly", "'roughly' is not allowed; allowed values: exactly, about, at least"),
    ("figures.csv", 1, "value_text", "9,999", "is not written in the row's excerpt"),
    ("figures.csv", 2, "value", "501", "does not match value_text"),
    ("events.csv", 4, "date", "2018-02-30", "'2018-02-30' is not a real date written YYYY-MM-DD"),
    (
        "events.csv",
        5,
        "source_id",
        "nytimes",
        "'nytimes' is not a known source_id of sources.csv (known: bbc, border-closure-report",
    ),
    ("statements.csv", 6, "incident", "2019-nowhere", "'2019-nowhere' is not a known incident of incidents.csv"),
    ("statements.csv", 7, "quote", "words nobody said", "is not found word for word in the row's excerpt"),
    ("statements.csv", 8, "group", "journalists", "allowed values: us-federal, mexico-federal"),
    ("places.csv", 1, "latitude", "120", "'120.0' is not a latitude between -90 and 90"),
    ("places.csv", 2, "longitude", "east", "'east' is not a number"),
    ("events.csv", 3, "event_id", "Bad Id!", "is not an id of lowercase letters, digits and hyphens"),
    ("facts.csv", 0, "topic", "weather", "allowed values: us_administration"),
    ("sources.csv", 0, "published", "26/11/2018", "is not a real date written YYYY-MM-DD"),
    ("events.csv", 2, "summary", "", "is empty but a value is required"),
    ("figures.csv", 4, "metric", "made_up_metric", "'made_up_metric' is not a known metric of metrics.csv"),
    ("statements.csv", 9, "quote_kind", "paraphrase", "allowed values: direct, reported"),
    (
        "figures.csv",
        0,
        "as_printed",
        "a group of about 500 people",
        "is not a phrase of the row's excerpt, character for character",
    ),
    ("figures.csv", 2, "as_printed", "joined a march from their shelter", "does not contain value_text"),
    ("figures.csv", 3, "as_printed", "", "is empty but a value is required"),
    ("figures.csv", 5, "prominence", "4", "allowed values: 1 (the news), 2 (context), 3 (detail)"),
    ("events.csv", 6, "date_precision", "fortnight", "allowed values: day, week, early month, month, year, before"),
    ("events.csv", 7, "prominence", "", "is empty but a value is required"),
    ("statements.csv", 10, "prominence", "first", "'first' is not a whole number"),
    ("claims.csv", 0, "figure_id", "2021-made-up", "is not a known figure_id of figures.csv"),
    ("claims.csv", 1, "test", "vibes", "allowed values: fiscal_year_total, month_total"),
    # a record claim is judged on what its sentence counts: arrests, or attempts to enter
    ("claims.csv", 3, "test", "record_attempts", "speaks of none of trying to, attempt"),
    ("claims.csv", 4, "test", "record", "speaks of none of arrest, detain"),
]


@pytest.mark.parametrize("file,row,column,value,message", BAD_CELLS, ids=[f"{f}:{c}" for f, _, c, _, _ in BAD_CELLS])
def test_bad_cell_is_reported_with_file_row_column_value_and_rule(data_copy, file, row, column, value, message):
    edit_csv(data_copy / file, row, column, value)
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    expected_place = f"{file}, row {_line_of(data_copy / file, row)}, column '{column}'"
    matching = [p for p in problems if expected_place in p and message in p]
    assert matching, f"expected {expected_place} … {message!r} in:\n" + "\n".join(problems)


def test_duplicate_id_is_reported(data_copy):
    first = tables.load("figures", data_copy)["figure_id"].iloc[0]
    edit_csv(data_copy / "figures.csv", 5, "figure_id", first)
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    assert any("figures.csv, row 7, column 'figure_id'" in p and "duplicate" in p for p in problems), problems


def test_excerpt_not_in_article_is_reported(data_copy):
    seeds = require_seeds()
    edit_csv(data_copy / "events.csv", 0, "excerpt", "A sentence that no article contains.")
    problems = [str(p) for p in tables.check_folder(data_copy, seeds)]
    assert any(
        "events.csv, row 2, column 'excerpt'" in p and "is not found word for word in" in p and ".txt" in p
        for p in problems
    ), problems


def test_row_with_wrong_number_of_fields_is_reported(data_copy):
    path = data_copy / "places.csv"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("Nowhere,city,1,2\n")
    lines = path.read_text(encoding="utf-8").count("\n")
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    assert any(f"places.csv, row {lines}" in p and "has 4 fields but the header has 7" in p for p in problems), problems


def test_missing_and_unexpected_columns_are_reported(data_copy):
    path = data_copy / "facts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    header[header.index("topic")] = "subject"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    assert any("facts.csv, row 1, column 'topic'" in p and "missing from the header" in p for p in problems), problems
    assert any("facts.csv, row 1, column 'subject'" in p and "not an expected column" in p for p in problems), problems


def test_missing_file_is_reported(data_copy):
    (data_copy / "statements.csv").unlink()
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    assert any("statements.csv: file is missing" in p for p in problems), problems


@pytest.mark.build
def test_cli_check_on_broken_copy_exits_non_zero_without_traceback(data_copy):
    edit_csv(data_copy / "figures.csv", 3, "value", "192,00")
    edit_csv(data_copy / "places.csv", 0, "latitude", "-91")
    done = run_cli("check", "--data", data_copy)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert any(re.search(r"figures\.csv, row 5, column 'value': '192,00' is not a number", line) for line in lines), (
        lines
    )
    assert any("places.csv, row 2, column 'latitude'" in line for line in lines), lines
    assert lines[-1] == "2 problem(s) found."


def test_as_printed_keeps_the_articles_qualifier_and_unit_words():
    """The article's own phrase, not the book's normalised qualifier.

    For example 'almost 7,500 migrants', not 'nearly 7,500 people'."""
    figures = tables.load("figures").set_index("figure_id")
    assert figures.loc["2018-migrants-arrived-bbc", "as_printed"].endswith("almost 7,500 migrants over the past weeks")
    assert figures.loc["2018-arrests-border-closure-report", "as_printed"] == "Forty two people were arrested"
    assert figures.loc["2021-asylum-seekers-awaiting-mailonline", "as_printed"].startswith("Roughly 55,000")
    for _, f in figures.iterrows():
        assert f["value_text"] in f["as_printed"] and f["as_printed"] in f["excerpt"]


def test_month_only_dates_are_recorded_as_months():
    events = tables.load("events").set_index("event_id")
    assert events.loc["2021-supreme-court-order-mailonline", "date_precision"] == "month"  # "In August"
    assert events.loc["2018-teargas-bbc", "date_precision"] == "day"  # "Sunday"


def test_reference_series_runs_through_the_2021_caravan_and_after():
    later = tables.load("encounters_monthly_fy2022")
    assert (later["fiscal_year"].min(), later["fiscal_year"].max()) == (2022, 2023)
    october = later[(later["calendar_year"] == 2021) & (later["calendar_month"] == 10)]
    assert int(october["total_swb_encounters"].iloc[0]) == 164_837
    assert int(later[later["fiscal_year"] == 2022]["total_swb_encounters"].sum()) == 2_378_944
    assert int(later[later["fiscal_year"] == 2023]["total_swb_encounters"].sum()) == 2_475_669
    files = set(tables.load("provenance")["file"])
    assert {
        "reference/cbp_swb_encounters_monthly_fy2022_fy2023.csv",
        "reference/cbp_swb_encounters_monthly_by_citizenship_fy2022_fy2023.csv",
    } <= files


def test_every_table_has_a_schema_file_present():
    for spec in TABLES.values():
        assert (REPO / "data" / spec.file).is_file(), spec.file


@pytest.mark.parametrize(
    "text,value",
    [
        ("5,800", 5800),
        ("1.7 million", 1_700_000),
        ("Forty two", 42),
        ("900 billion", 9e11),
        ("three", 3),
        ("192,000", 192000),
    ],
)
def test_numbers_read_as_articles_print_them(text, value):
    assert parse_number_text(text) == value


@pytest.mark.parametrize("text", ["192,00", "lots", "", "1,2345"])
def test_malformed_numbers_are_not_numbers(text):
    assert parse_number_text(text) is None


def test_a_changed_file_is_validated_again(data_copy):
    assert len(tables.load("places", data_copy)) > 0
    edit_csv(data_copy / "places.csv", 0, "latitude", "95")
    tables.clear_cache()
    with pytest.raises(tables.DataError, match="is not a latitude"):
        tables.load("places", data_copy)


def test_direct_quote_must_stand_between_quotation_marks(data_copy):
    statements = tables.load("statements", data_copy)
    reported = statements.index[statements["quote_kind"] == "reported"][0]
    edit_csv(data_copy / "statements.csv", int(reported), "quote_kind", "direct")
    problems = [str(p) for p in tables.check_folder(data_copy, None)]
    place = f"statements.csv, row {int(reported) + 2}, column 'quote_kind'"
    assert any(place in p and "does not print the quote between quotation marks" in p for p in problems), problems


def test_every_metric_has_a_label_and_every_label_is_used():
    metrics = set(tables.load("metrics")["metric"])
    assert metrics == set(tables.load("figures")["metric"])


#: Words by which an article gives a reason: someone says, wants, hopes or flees, or the sentence says what they
#: are going to do. A banner or a flag that a crowd carries is not one of them.
REASON_WORDS = ("say", "said", "want", "hope", "fleeing", "to apply", "demanded", "protest")


def test_stated_reasons_are_reasons_someone_gives_not_things_carried():
    facts = tables.load("facts")
    for _, fact in facts[facts["topic"] == "stated_reasons"].iterrows():
        excerpt = fact["excerpt"].lower()
        assert any(word in excerpt for word in REASON_WORDS), f"{fact['fact_id']}: not a reason anyone gives"


def test_a_stated_incident_date_is_printed_in_its_excerpt():
    """A date marked stated is one the article prints: its day and month stand in the excerpt."""
    for _, incident in tables.load("incidents").iterrows():
        if incident["start_date_basis"] == "stated":
            when = incident["start_date"]
            assert f"{when.day} {when:%B}" in incident["excerpt"], incident["incident"]


def test_a_claims_own_words_stand_in_its_figures_sentence():
    claims = tables.load("claims").merge(tables.load("figures"), on="figure_id")
    worded = claims[claims["claim_words"].notna()]
    assert not worded.empty
    for _, claim in worded.iterrows():
        assert claim["claim_words"] in claim["excerpt"], claim["claim_id"]


def _readme_rows(table: str) -> dict[str, str]:
    """data/README.md's rows of one table's section: column -> its row."""
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    section = text.split(f"## {table}.csv", 1)[1].split("\n## ", 1)[0]
    return {m[1]: m[0] for m in re.finditer(r"^\| `(\w+)` \|.*$", section, flags=re.M)}


@pytest.mark.parametrize(
    ("table", "column", "vocabulary"),
    [
        ("sources", "outlet_basis", "outlet_basis"),
        ("sources", "published_basis", "basis"),
        ("incidents", "start_date_basis", "basis"),
        ("incidents", "publication", "publication"),
        ("events", "date_basis", "basis"),
        ("events", "date_precision", "date_precisions"),
        ("figures", "qualifier", "qualifiers"),
        ("figures", "as_of_basis", "basis"),
        ("statements", "group", "groups"),
        ("statements", "date_basis", "basis"),
        ("statements", "channel", "channels"),
        ("statements", "quote_kind", "quote_kinds"),
        ("facts", "topic", "fact_topics"),
        ("claims", "test", "claim_tests"),
    ],
)
def test_data_readme_names_every_value_a_vocabulary_column_allows(table, column, vocabulary):
    """The vocabulary is written once (text/vocabulary.yml), the schema allows it, and the data dictionary
    names each of its values."""
    from caravan_book.text.vocabulary import allowed

    values = list(allowed(vocabulary))
    checks = [str(c.error) for c in TABLES[table].columns[column].checks]
    assert "is not allowed; allowed values: " + ", ".join(values) in checks
    row = _readme_rows(table).get(column)
    assert row, f"data/README.md does not describe {table}.{column}"
    missing = [v for v in values if f"`{v}`" not in row]
    assert not missing, f"data/README.md, {table}.{column}: {missing} not named"
