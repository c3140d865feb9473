"""Figures: the numbers a sentence prints, with the qualifier before them and the noun they count.

A unit is a noun the number counts, looked up in :data:`UNITS` (the vocabulary; ``visas``,
``meals``, ``nights`` among them), never the next word blindly: "2,400 sets off" has no counted noun
after the number, so the unit comes from the phrase around it ("Caravan of 2,400": people) or is left
for the reviewer. Everything here is linear in the sentence's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from caravan_book.intake import vocabulary as vocab
from caravan_book.text.numbers import parse_number_text
from caravan_book.text.vocabulary import QUALIFIER_WORDS

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million"
    "|billion"
)
_WORD_NUMBER = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:(?:[\s-]+(?:and\s+)?)(?:{_NUMBER_WORDS}))*\b", re.IGNORECASE)
_DIGIT_NUMBER = re.compile(
    r"(?<![\w.,$])(?P<dollar>\$)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<scale>\s+(?:thousand|million|billion)\b)?"
    r"(?P<percent>%|\s+per ?cent\b|\s+percent\b)?"
)
QUALIFIERS: dict[str, str] = dict(QUALIFIER_WORDS)  # the shared vocabulary (text/vocabulary.py)
_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+$", re.IGNORECASE
)
#: The vocabulary of counted nouns: the noun as printed (singular or plural) -> the unit recorded.
UNITS: dict[str, str] = {
    **dict.fromkeys(
        (
            "people",
            "person",
            "persons",
            "migrants",
            "migrant",
            "refugees",
            "asylum-seekers",
            "asylum seekers",
            "men",
            "women",
            "individuals",
            "residents",
            "members",
            "adults",
            "marchers",
            "demonstrators",
        ),
        "people",
    ),
    **{
        w: w
        for w in (
            "children",
            "families",
            "troops",
            "officers",
            "agents",
            "police",
            "arrests",
            "encounters",
            "visas",
            "meals",
            "beds",
            "shelters",
            "buses",
            "trucks",
            "vehicles",
            "gangs",
            "nights",
            "days",
            "weeks",
            "months",
            "hours",
            "deaths",
            "bodies",
            "injuries",
            "claims",
            "applications",
            "permits",
            "pesos",
            "incidents",
            "cases",
            "countries",
            "cities",
            "states",
            "tents",
            "flights",
            "deportations",
        )
    },
    **vocab.words("units"),
    "soldiers": "troops",
    "guards": "troops",
    "years": "years",
    "year-old": "years",
    "years-old": "years",
    "year-olds": "years",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "miles": "miles",
    "mi": "miles",
}
#: Singular forms ("one night", "1 year") read as their plural unit.
_SINGULAR = {
    "night": "nights",
    "day": "days",
    "week": "weeks",
    "month": "months",
    "hour": "hours",
    "year": "years",
    "child": "children",
    "family": "families",
    "officer": "officers",
    "visa": "visas",
    "mile": "miles",
}
#: Words that end the search for a noun: a verb, a preposition, a pronoun.
_STOP = set(
    [
        "of",
        "and",
        "or",
        "the",
        "a",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "who",
        "that",
        "were",
        "was",
        "are",
        "is",
        "have",
        "had",
        "has",
        "as",
        "than",
        "per",
        "more",
        "he",
        "she",
        "they",
        "it",
        "said",
        "but",
        "sets",
        "set",
        "left",
        "arrived",
        "reached",
    ]
)
#: A phrase before the number that says it counts people ("caravan of 2,400", "a group of about 800").
_PEOPLE_BEFORE = re.compile(r"\b(?:caravan|group|crowd|contingent|column)s?\s+of\s+(?:\w+\s+)?$", re.IGNORECASE)
#: A number set off by commas after a name is an age ("Oscar Zapata, 31,").
_AGE = re.compile(r"[A-Z][\w’'-]+,\s+$")


@dataclass
class Found:
    """A number in a sentence: where it stands, how the article writes it, the rule that read its unit."""

    value: float
    value_text: str
    as_printed: str
    unit: str
    qualifier: str
    start: int
    end: int
    unit_rule: str


def unit_after(rest: str) -> tuple[str, int]:
    """The counted noun among the (at most four) words after a number, and how many characters it uses."""
    words = list(re.finditer(r"[A-Za-z][\w’'-]*", rest[:80]))
    for i, word in enumerate(words[:4]):
        between = rest[(words[i - 1].end() if i else 0) : word.start()]
        if not re.fullmatch(r"\s*" if i == 0 else r"\s+", between):
            break  # punctuation: the phrase has ended
        low = word.group().lower()
        if i + 1 < len(words) and re.fullmatch(r"\s+", rest[word.end() : words[i + 1].start()]):
            pair = f"{low} {words[i + 1].group().lower()}"
            if pair in UNITS:
                return UNITS[pair], words[i + 1].end()
        if low in UNITS:
            unit = UNITS[low]
            if low in ("police",) and i + 1 < len(words) and words[i + 1].group().lower() in ("officers", "agents"):
                continue
            tail = re.match(r"\s+(?:a|per)\s+day\b", rest[word.end() :])
            if tail:
                return f"{unit} per day", word.end() + tail.end()
            return unit, word.end()
        if i == 0 and low in _SINGULAR:
            return _SINGULAR[low], word.end()
        if low in _STOP:
            break
    return "", 0


def numbers_in(sentence: str, skip: list[tuple[int, int]]) -> tuple[list[Found], list[str]]:
    """The figures of a sentence, and the numbers printed in a form that does not read (e.g. ``192,00``)."""
    found: list[Found] = []
    unreadable: list[str] = []
    spans: list[tuple[int, int, str, str]] = []  # start, end, value_text, unit hint
    for m in _DIGIT_NUMBER.finditer(sentence):
        after = sentence[m.end() : m.end() + 3]
        if re.match(r"(?:am|pm|a\.m|p\.m|:\d|st\b|nd\b|rd\b|th\b)", after, re.IGNORECASE):
            continue  # a time of day or an ordinal
        if m["num"].endswith(",") or m["num"].endswith("."):
            spans.append((m.start("num"), m.end("num") - 1, m["num"][:-1], ""))
            continue
        text = m["num"] + (m["scale"] or "")
        hint = "percent" if m["percent"] else ("US dollars" if m["dollar"] else "")
        end = m.end("scale") if m["scale"] else m.end("num")
        spans.append((m.start("num"), end, text, hint))
    for m in _WORD_NUMBER.finditer(sentence):
        low = m.group().lower()
        if low in ("one", "zero", "hundred", "thousand", "million", "billion"):
            continue  # "one of them", "hundreds": not a count a reader would look for
        if any(s < m.end() and m.start() < e for s, e, _, _ in spans):
            continue
        if re.search(r"\b(?:the|those|these)\s+$", sentence[max(0, m.start() - 8) : m.start()], re.IGNORECASE):
            continue  # "the two sides": a reference to things named before, not a count
        spans.append((m.start(), m.end(), m.group(), ""))
    for start, end, text, hint in sorted(spans):
        if any(s < end and start < e for s, e in skip):
            continue  # part of a date
        value = parse_number_text(text)
        if value is None:
            if re.fullmatch(r"\d{1,3}(,\d+)+", text):
                unreadable.append(text)
            continue
        digits = text.replace(",", "")
        is_year = re.fullmatch(r"(?:19|20)\d\d", digits) is not None
        before = sentence[max(0, start - 40) : start]
        if is_year and re.search(
            r"(?:January|February|March|April|May|June|July|August|September|October"
            r"|November|December|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.?,?\s+(?:\d{1,2},?\s+)?$",
            before,
        ):
            continue  # the year of a printed date ("October 2020")
        q = _QUALIFIER_BEFORE.search(before)
        qualifier = QUALIFIERS[q["q"].lower()] if q else "exactly"
        first = start - (len(before) - q.start()) if q else start
        if sentence[first - 1 : first] == "$":
            first -= 1
        rest = sentence[end : end + 120]
        pct = re.match(r"%|\s+per ?cent\b|\s+percent\b", rest)
        used = 0
        if pct:
            unit, used, rule = "percent", pct.end(), "unit:percent"
        elif hint == "US dollars":
            unit, rule = "US dollars", "unit:dollar-sign"
        elif is_year:
            unit, rule = "year", "unit:year"
        elif re.match(r"-year-old", rest):
            unit, used, rule = "years", len("-year-old"), "unit:age"
        else:
            unit, used = unit_after(rest)
            rule = "unit:counted-noun"
            if not unit and _AGE.search(before) and re.match(r",", rest):
                unit, rule = "years", "unit:age-after-name"
            elif not unit and (group := _PEOPLE_BEFORE.search(before)):
                first = group.start() + start - len(before)
                unit, rule = "people", "unit:group-of"
            elif not unit:
                unit, rule = "number", "unit:none"
        as_printed = sentence[first : end + used].strip()
        if rule == "unit:age-after-name":
            lead = max(0, start - 60)
            name = re.search(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*,\s+$", sentence[lead:start])
            if name:
                first = lead + name.start()
                as_printed = sentence[first : end + 1].strip()
        found.append(Found(value, text.lstrip("$"), as_printed, unit, qualifier, first, end + used, rule))
    return found, unreadable


def tokens(text: str) -> set[str]:
    stop = set(
        [
            "the",
            "of",
            "a",
            "an",
            "in",
            "on",
            "at",
            "to",
            "and",
            "or",
            "by",
            "for",
            "that",
            "who",
            "with",
            "from",
            "number",
            "people",
            "as",
            "is",
            "was",
            "were",
            "its",
            "their",
            "this",
            "had",
            "have",
            "has",
        ]
    )
    return {
        w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower().replace("_", " ")) if w not in stop and len(w) > 2
    }


@dataclass
class MetricIndex:
    """The words of each metric's name and label, and the units its figures use: built once per run."""

    entries: list[tuple[str, set[str], set[str]]]
    labels: dict[str, str]

    @classmethod
    def build(cls, metrics: pd.DataFrame, figures: pd.DataFrame) -> MetricIndex:
        units: dict[str, set[str]] = {}
        for metric, unit in zip(figures.get("metric", []), figures.get("unit", []), strict=False):
            units.setdefault(metric, set()).add(unit)
        entries = [
            (metric, tokens(metric) | tokens(label), units.get(metric, set()))
            for metric, label in zip(metrics["metric"], metrics["label"], strict=True)
        ]
        return cls(entries, dict(zip(metrics["metric"], metrics["label"], strict=True)))


def guess_metric(index: MetricIndex, sentence: str, found: Found) -> str | None:
    """The metric of metrics.csv whose name and label share most words with the sentence, if enough do."""
    window = tokens(sentence)
    best, best_score = None, 0.0
    for metric, words, units in index.entries:
        if not words:
            continue
        shared = len(words & window)
        score = shared / len(words) + (0.01 if found.unit in units else 0)  # unit breaks ties
        if shared >= 2 and score >= 0.6 and score > best_score:
            best, best_score = metric, score
    return best
