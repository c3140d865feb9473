"""Find the dates a sentence gives and work them out against the article's publication date.

A news sentence dates an event in three ways: it prints the date ("19 October", "November 26,
2018"), names a weekday ("on Sunday"), or says how long ago ("earlier this week", "more than a
month ago"). Each :class:`DateMention` carries the day worked out, whether the text states it or it
is inferred (the rule of ``data/README.md``), how precise it is, and a note saying how it was reached,
so a reviewer can check the reasoning rather than redo it. dateparser reads the month names and
dateutil's ``relativedelta`` counts "N weeks ago" back by the calendar; the choice of year and of which
weekday is ours (no library knows a news article's habits), and is written in the note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dateparser
from dateutil.relativedelta import relativedelta

from caravan_book.messages import Catalogue
from caravan_book.text.vocabulary import MONTHS, NUMBER_WORDS, WEEKDAYS

#: The notes saying how each date was worked out (``dates.yml``, next to this module).
_NOTES = Catalogue(Path(__file__).with_name("dates.yml"))

_MONTH = "(?:" + "|".join(MONTHS) + r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_WEEKDAYS = WEEKDAYS
#: "a", "an", one to twelve, or digits: how many days, weeks, months or years ago
_COUNT = "(?:a|an|" + "|".join(w for w, n in NUMBER_WORDS.items() if 1 <= n <= 12) + r"|\d{1,2})"

_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?P<month>{_MONTH})(?:,? (?P<year>(?:19|20)\d\d))?\b"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:, (?P<year>(?:19|20)\d\d))?(?![\d,]*\d)"
)
_MONTH_ONLY = re.compile(
    rf"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Tt]hrough|of|[Ee]arly|[Ll]ate|[Mm]id-?) "
    rf"(?:(?:early|late|mid-?) )?(?P<month>{_MONTH})(?: (?P<year>(?:19|20)\d\d))?\b"
)
_YEAR_ONLY = re.compile(
    r"\b(?:[Ii]n|[Bb]y the end of|[Ee]nd of|[Ee]arly|[Ll]ate|[Tt]his year,?) (?P<year>(?:19|20)\d\d)\b"
)
_WEEKDAY = re.compile(rf"\b(?P<weekday>{'|'.join(_WEEKDAYS)})(?:’s|'s)?\b")
_AGO = re.compile(
    rf"\b(?:(?P<bound>more than|over|nearly|about|almost|some) )?(?P<count>{_COUNT}) "
    rf"(?P<unit>day|week|month|year)s? ago\b"
    rf"|\b[Tt]he (?:past|last) (?P<count2>{_COUNT}) (?P<unit2>day|week|month|year)s\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    phrase: str
    start: int
    end: int
    day: date
    basis: str  # stated / inferred
    precision: str  # day / month / year
    note: str


def _month_day(month: str, day: str | None = None) -> tuple[int, int] | None:
    """Month (and day) of a printed date, read by dateparser (so "Sept." and "Oct." are understood)."""
    parsed = dateparser.parse(f"{day or 1} {month} 2000", languages=["en"], settings={"STRICT_PARSING": True})
    return (parsed.month, parsed.day) if parsed else None


def _nearest_year(month: int, day: int, published: date) -> date | None:
    """The year that puts a day-and-month nearest to the publication date (news reports recent days)."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs(d - published)) if candidates else None


def _ago(count: str, unit: str, published: date) -> date | None:
    """``count`` ``unit``s before the publication day, by the calendar (dateutil: a month before 31 March is
    the last day of February)."""
    low = count.lower()
    n = 1 if low in ("a", "an") else int(low) if low.isdigit() else NUMBER_WORDS.get(low)
    return published - relativedelta(**{f"{unit}s": n}) if n else None


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_back(day: date) -> date:
    return (day - relativedelta(months=1)).replace(day=1)


def _this_week(published: date, prior: date | None) -> date:
    start = _week_start(published)
    return start - timedelta(days=7) if start == published else start


@dataclass(frozen=True)
class _Relative:
    """A relative phrase: its name (the key of its note in ``dates.yml``), the words that say it, how precise it
    is, and the day it means for an article published on ``published`` (``prior``: the article's last date)."""

    name: str
    pattern: str
    precision: str
    day: Callable[[date, date | None], date | None]


#: The relative phrases, one row each.
_RELATIVE = (
    _Relative("today", r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", "day", lambda p, _: p),
    _Relative("yesterday", r"\byesterday\b", "day", lambda p, _: p - timedelta(days=1)),
    _Relative("tomorrow", r"\btomorrow\b", "day", lambda p, _: p + timedelta(days=1)),
    _Relative("this_week", r"\b(?:earlier|later) this week\b|\bthis week\b", "day", _this_week),
    _Relative("last_week", r"\blast week\b", "day", lambda p, _: _week_start(p) - timedelta(days=7)),
    _Relative("next_week", r"\bnext week\b", "day", lambda p, _: _week_start(p) + timedelta(days=7)),
    _Relative("this_month", r"\b(?:earlier|later) this month\b|\bthis month\b", "month", lambda p, _: p.replace(day=1)),
    _Relative("last_month", r"\blast month\b", "month", lambda p, _: _month_back(p)),
    _Relative("last_year", r"\blast year\b", "year", lambda p, _: date(p.year - 1, 1, 1)),
    _Relative(
        "same_day",
        r"\b(?:earlier|later) (?:in )?(?:the|that) day\b|\bthe same day\b|\bthat (?:day|night|morning|evening)\b",
        "day",
        lambda _, prior: prior,
    ),
)


def find_dates(text: str, published: date, year_printed: bool, prior: date | None = None) -> list[DateMention]:
    """Every date the sentence gives, left to right, worked out against ``published``.

    ``year_printed`` says the article prints its own date, so a printed day and month take their year
    from it and count as stated (``data/README.md``, rule 4). ``prior`` is the last date the article
    gave before this sentence, for "earlier in the day".
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, day: date | None, basis: str, precision: str, note: str) -> None:
        if day is None or any(s < match.end() and match.start() < e for s, e in taken):
            return
        taken.append((match.start(), match.end()))
        found.append(DateMention(match.group(), match.start(), match.end(), day, basis, precision, note))

    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            md = _month_day(m["month"], m["day"])
            if md is None:
                continue
            if m["year"]:
                try:
                    add(
                        m, date(int(m["year"]), *md), "stated", "day", _NOTES.say("printed_with_year", phrase=m.group())
                    )
                except ValueError:
                    continue
            else:
                day = _nearest_year(*md, published)
                if year_printed:
                    add(m, day, "stated", "day", _NOTES.say("year_from_date_line"))
                else:
                    add(
                        m,
                        day,
                        "inferred",
                        "day",
                        _NOTES.say("nearest_year", phrase=m.group(), published=published.isoformat()),
                    )
    for m in _MONTH_ONLY.finditer(text):
        md = _month_day(m["month"])
        if md is None:
            continue
        if m["year"]:
            add(
                m,
                date(int(m["year"]), md[0], 1),
                "stated",
                "month",
                _NOTES.say("month_with_year", phrase=m.group()),
            )
        else:
            day = _nearest_year(md[0], 1, published)
            if day and day > published:
                day = date(day.year - 1, day.month, 1)
            add(
                m,
                day,
                "inferred",
                "month",
                _NOTES.say("month_without_year", phrase=m.group()),
            )
    for m in _YEAR_ONLY.finditer(text):
        add(m, date(int(m["year"]), 1, 1), "stated", "year", _NOTES.say("year_only", phrase=m.group()))
    for m in _WEEKDAY.finditer(text):
        target = _WEEKDAYS.index(m["weekday"])
        back = (published.weekday() - target) % 7
        add(
            m,
            published - timedelta(days=back),
            "inferred",
            "day",
            _NOTES.say("weekday", weekday=m["weekday"], published=published.isoformat()),
        )
    for m in _AGO.finditer(text):
        count, unit = (m["count"], m["unit"]) if m["count"] else (m["count2"], m["unit2"])
        day = _ago(count, unit.lower(), published)
        precision = {"day": "day", "week": "day", "month": "month", "year": "year"}[unit.lower()]
        add(
            m,
            day,
            "inferred",
            precision,
            _NOTES.say("ago_bound" if m["bound"] else "ago", phrase=m.group(), published=published.isoformat()),
        )
    for relative in _RELATIVE:
        for m in re.finditer(relative.pattern, text, flags=re.IGNORECASE):
            day = relative.day(published, prior)
            note = _NOTES.say(relative.name, phrase=m.group(), published=published.isoformat())
            add(m, day, "inferred", relative.precision, note)
    return sorted(found, key=lambda d: d.start)


def printed_dates(text: str) -> list[date]:
    """Dates printed with day, month and year anywhere in a text (to find a date line)."""
    days = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            md = _month_day(m["month"], m["day"])
            if m["year"] and md:
                with suppress(ValueError):  # 31 February and the like: not a date
                    days.append(date(int(m["year"]), *md))
    return days
