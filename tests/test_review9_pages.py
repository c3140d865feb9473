"""The ninth standards review's minor findings (m3, m4, m5, m6, m8, m10), held against the data and the text the
pages print (the story functions the notebooks display), each failing on the text the review quoted."""

from __future__ import annotations

import re

from caravan_book.data import tables
from caravan_book.data.selection import select
from caravan_book.story import comparison, exercises, narrative, numbers, responses
from caravan_book.story.display import event_date
from tests.conftest import REPO, require_seeds

TIJUANA = select("2018-tijuana", "all", None)
TAPACHULA = select("2021-tapachula", "all", None)


def _flat(markdown: str) -> str:
    """Rendered Markdown as a reader reads it: no escapes, no bold marks, one space between words."""
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("**", "").split())


def _article_text(number: str) -> str:
    path = next(require_seeds().glob(f"{number}_*.txt"))
    return " ".join(path.read_text(encoding="utf-8").split())


# ---------------------------------------------------------------- m4: the articles say "shouting", never "chant"
def test_the_marchers_and_residents_shouted_as_the_articles_say():
    assert "and shouting: “We aren’t criminals! We are hard workers!”" in _article_text("001")
    assert "marched up to the group shouting" in _article_text("002")
    statements = tables.load("statements").set_index("statement_id")
    for sid in (
        "2018-marchers-chant-bbc",
        "2018-residents-not-welcome-independent-ap",
        "2018-residents-get-out-independent-ap",
    ):
        assert statements.loc[sid, "channel"] == "shouting", sid
    page = _flat(responses.responses_text(TIJUANA))
    assert "Marchers (shouting, 25 November 2018†)" in page
    assert "Local residents (shouting via Associated Press" in page
    assert "(chant" not in page
    summary = _flat(responses.responses_summary(TIJUANA))
    assert "2 shouted" in summary and "chanted" not in summary
    assert "chanted" not in _flat(narrative.lead(TIJUANA))


# ---------------------------------------------------------------- m5: "has declared" is dated by its report
def test_trumps_invasion_remark_is_dated_by_the_article_that_reports_it():
    row = tables.load("statements").set_index("statement_id").loc["2018-trump-invasion-independent-ap"]
    assert row["date_precision"] == "reported"
    assert "midterm elections" in row["date_note"]
    page = _flat(responses.responses_text(TIJUANA))
    assert "Donald Trump, US President (statement, not stated; reported on 15 or 16 November 2018†)" in page
    assert "Donald Trump, US President (statement, before 6 November 2018†)" not in page


# ---------------------------------------------------------------- m6: Title 42 expelled many, not most
def test_the_glossary_does_not_say_title_42_expelled_most_people_stopped():
    glossary = " ".join((REPO / "book" / "glossary.md").read_text(encoding="utf-8").split())
    entry = glossary[glossary.index("Title 42 The part of the US Code") :][:600]
    assert "most people stopped at the border" not in entry
    assert "many people stopped at the border" in entry


# ---------------------------------------------------------------- m8: both sides of the force, in the article's words
def test_the_comparison_solution_gives_both_sides_of_the_force_in_the_articles_words():
    assert "with children on their shoulders pushing through" in _article_text("004")
    text = _flat(exercises.comparison(TIJUANA, TAPACHULA))
    assert "They report this force: tear gas fired by US border officers and, according to Kirstjen Nielsen" in text
    assert "projectiles" in text[text.index("They report this force:") :][:300]
    assert "people carrying backpacks and “with children on their shoulders” pushed through" in text
    assert "carrying backpacks and children" not in text
    table = _flat(comparison.comparison_table(TIJUANA, TAPACHULA))
    assert "carrying backpacks and children" not in table


# ---------------------------------------------------------------- m10: one article is "the article"; "data" lower case
def test_pages_built_from_one_article_say_the_article():
    solution = _flat(exercises.narrative(TAPACHULA))
    assert "the articles give only" not in solution
    assert "the article gives only a limit" in solution
    assert "the articles give only" in _flat(exercises.narrative(TIJUANA))  # four articles: still plural
    lead = _flat(numbers.numbers_lead(TAPACHULA))
    assert "(the articles say migrants arrested or detained)" not in lead
    assert "(the article says migrants arrested or detained)" in lead
    assert ", Data obtained by the Washington Post" not in lead
    assert ", data obtained by the Washington Post, according to MailOnline" in lead


# ---------------------------------------------------------------- m3: "earlier this week" fits both days of the article
def test_the_threat_of_earlier_this_week_is_dated_to_a_span_that_fits_both_article_days():
    source = tables.load("sources").set_index("source_id").loc["bbc"]
    assert source["published_precision"] == "day or next"
    for table, key in (("events", "event_id"), ("statements", "statement_id")):
        row = tables.load(table).set_index(key).loc["2018-trump-lose-control-bbc"]
        assert event_date(row) == "between 19 and 26 November 2018†", table
    page = _flat(responses.responses_text(TIJUANA))
    assert "Donald Trump, US President (statement, between 19 and 26 November 2018†)" in page
    assert "the week of 19–25 November 2018†" not in page
    timeline = _flat(narrative.day_by_day(TIJUANA) + narrative.events_by_day(TIJUANA))
    assert "the week of 19–25 November 2018†" not in timeline
