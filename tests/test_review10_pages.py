"""The tenth standards review's findings fixed before publication (M1, m6, m7), each failing on the text the
review quoted."""

from __future__ import annotations

import re

from caravan_book.data import queries
from caravan_book.data.selection import select, select_pair
from caravan_book.story import exercises, narrative

TIJUANA = select("2018-tijuana", "all", None)
TAPACHULA = select("2021-tapachula", "all", None)


def _flat(markdown: str) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", markdown).replace("**", "").split())


def test_an_event_dated_by_its_report_tells_only_what_its_sentence_says():
    """M1: a row dated "reported" told the departure, which the article dates "On Saturday" in another row."""
    events = queries.timeline(TAPACHULA)
    reported = events[events["date_precision"] == "reported"]
    assert not reported["summary"].str.contains("set off").any()
    size = events.set_index("event_id").loc["2021-caravan-size-mailonline", "summary"]
    assert "said they hoped in the end to reach the US border" in size
    lead = _flat(narrative.lead(TAPACHULA))
    assert lead.index("set off on foot from Tapachula") < lead.index("MailOnline reports")  # the departure leads


def test_a_loaded_word_in_the_2018_lead_is_quoted_as_the_articles():
    """m6: the lead had put Herborn's "storm" into softer words of the book's own."""
    lead = _flat(narrative.lead(TIJUANA))
    assert "“attempting to storm the border” in Tijuana, Mexico, in the words of the article by Daniel Herborn" in lead
    assert "trying to cross the border from Tijuana" not in lead


def test_a_southwest_border_count_is_never_called_the_whole_border():
    """m7: the solutions said "along the whole border" of CBP's Southwest border counts."""
    texts = [exercises.numbers(TIJUANA), exercises.comparison(*select_pair("2018-tijuana", "2021-tapachula"))]
    for text in map(_flat, texts):
        assert "whole border" not in text.replace("whole Southwest (US–Mexico) border", "")
        assert "whole Southwest (US–Mexico) border" in text
