"""The data's vocabulary as the code names it: the allowed values of its columns (``text/vocabulary.yml``),
their order and the id patterns. A light module (no pandera): the pages use these, and a page's kernel never
imports the schemas, which need pandera, unless it has a table to validate (``tables.load``)."""

from __future__ import annotations

from caravan_book.text.vocabulary import allowed

#: Every vocabulary column's values are in ``text/vocabulary.yml`` (the one list; data/README.md describes them).
BASIS = allowed("basis")
OUTLET_BASIS = allowed("outlet_basis")
QUOTE_KINDS = allowed("quote_kinds")
#: An incident is a draft (a custom book may hold it) until it is marked published (the book shows it).
PUBLICATION = allowed("publication")
#: How much of a date the article states, each with what the stored date then is (``vocabulary.yml``).
DATE_PRECISIONS = tuple(allowed("date_precisions"))
#: The precisions that span days from their Monday: the days from it to the span's last day (a week: 6).
WEEK_SPANS: dict[str, int] = allowed("week_spans")
#: Two of them the code names (a date on or before its article's, one of two days).
ON_OR_BEFORE, DAY_OR_NEXT, ON_OR_AFTER = "on or before", "day or next", "on or after"
#: The order of precisions on one date: a bound ("before 6 November", "on or before") comes before the day
#: itself, "25 or 26 November" after the days of the 25th, "after" and "on or after" last (the timeline's order).
PRECISION_ORDER = {
    "before": 0,
    ON_OR_BEFORE: 0,
    "reported": 0,
    "year": 1,
    "month": 2,
    "early month": 3,
    **dict.fromkeys(WEEK_SPANS, 4),
    "day": 5,
    DAY_OR_NEXT: 6,
    "after": 7,
    ON_OR_AFTER: 7,
}
#: Editorial importance, set by judgment: 0 = the lead (what a page opens with), 1 = the news, 2 = important
#: context, 3 = detail.
PROMINENCE = tuple(allowed("prominence"))
QUOTE_MARKS = "“”\"'‘’"
CHANNELS = allowed("channels")
FACT_TOPICS = allowed("fact_topics")
#: How an article's claim is tested against CBP's tables (see data/claims.py).
CLAIM_TESTS = allowed("claim_tests")
#: Which part of a fact a correction changes (corrections.csv's optional ``part``).
CORRECTION_PARTS = allowed("correction_parts")
#: Speaker groups, in the order the responses section presents them, with their headings.
GROUPS: dict[str, str] = allowed("groups")
MONTHS = ("OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP")
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
INCIDENT_PATTERN = r"^\d{4}-[a-z]+(-[a-z]+)*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
#: Country names for the codes the data uses, so pages say "Tijuana, Mexico", never "Tijuana (MX)".
COUNTRY_NAMES: dict[str, str] = allowed("countries")
