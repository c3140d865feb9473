"""The ninth standards review's findings on the leads, the corrections' pages and the numbers page's promise
(M1, M2, m1, m2, m7, m9), each failing on the text the review quoted."""

from __future__ import annotations

import json
import re

import pytest

from caravan_book.data import queries
from caravan_book.data.selection import select, select_pair
from caravan_book.story import comparison, narrative, responses
from caravan_book.story.common import news_lead
from tests.conftest import REPO

TIJUANA = select("2018-tijuana", "all", None)
TAPACHULA = select("2021-tapachula", "all", None)
VERSIONS = "Other versions of the figure for the group at the border fence"


def _flat(markdown: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("**", "").split())


# ---------------------------------------------------------------- M1: every lead gives a number's other versions
def test_the_responses_and_comparison_leads_give_the_other_versions_of_the_number_they_state():
    for lead in (news_lead(TIJUANA), comparison.comparison_lead(*select_pair("2018-tijuana", "2021-tapachula"))):
        text = _flat(lead)
        assert "a group of around 500 migrants" in text
        assert f"{VERSIONS}: the same article also gives “a group of about 500 migrants”" in text
        assert "the BBC gives “nearly 500 migrants”, from Mexico's Interior Ministry" in text
    assert VERSIONS in _flat(narrative.lead(TIJUANA))  # the one lead that had them still has them


# ---------------------------------------------------------------- M2: a one-article lead gives its first line
def test_a_page_on_one_article_quotes_the_articles_first_line_in_its_lead():
    headline = queries.sources(TAPACHULA).iloc[0]["headline"]
    assert "'Biden for all' banners" in headline
    assert f"whose first line reads: “{headline}”" in _flat(narrative.lead(TAPACHULA))
    assert "whose first line reads" not in _flat(narrative.lead(TIJUANA))  # four articles: their own lead


# ---------------------------------------------------------------- m9: counts a 15-year-old can read
def test_the_responses_lead_counts_people_and_statements_in_plain_words():
    text = _flat(responses.responses_lead(TIJUANA))
    assert re.search(r"The articles quote \d+ people or groups, \d+ times in all\.", text), text[:200]
    assert "each speaker counted once, by the name in bold" not in text
    assert "statements it dates" not in _flat(responses.responses_lead(TAPACHULA))


# ---------------------------------------------------------------- m7: the numbers page promises what it does
def test_the_numbers_page_does_not_promise_a_claim_check_it_may_not_have():
    source = (REPO / "notebooks" / "numbers.ipynb").read_text(encoding="utf-8")
    assert "Then it checks the articles' claims against" not in source
    assert "any claim of the articles that those tables can test" in source


# ---------------------------------------------------------------- m1, m2: a correction is on the pages it changed
@pytest.mark.build
def test_a_correction_is_at_the_end_of_the_page_whose_sentence_it_changed_and_only_there(built_book):
    pages = json.loads((built_book / "book" / "generated" / "trust.json").read_text(encoding="utf-8"))["pages"]
    responses_2018 = {row["fact_id"] for row in pages["book/generated/responses-2018-tijuana"]["corrections"]}
    assert "statements/2018-nielsen-prosecute-bbc" in responses_2018  # shown inside another statement's sentence
    narrative_2021 = {row["fact_id"] for row in pages["book/generated/narrative-2021-tapachula"]["corrections"]}
    assert "facts/2021-stated-reasons-asylum-caption-mailonline" not in narrative_2021  # now where one was heading
    comparison_page = {row["fact_id"] for row in pages["book/generated/comparison"]["corrections"]}
    assert "facts/2021-stated-reasons-asylum-caption-mailonline" in comparison_page
