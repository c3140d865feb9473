"""``caravan-book extract``: propose sourced rows from a new article, for a person to review.

The extractor reads a plain-text article and proposes rows for the article tables (figures,
statements, events, places, defects, and the article's own ``sources`` row), each with the sentence
it came from as the excerpt. Excerpts are slices of the article, so they are verbatim by
construction. It writes a review folder of CSV files whose columns are the schema's columns
(:data:`caravan_book.data.schemas.TABLES`) plus ``status`` (``proposed``) and ``reason`` (why the row was
proposed and what a person must still decide); it never writes into ``data/``. ``caravan-book
accept`` (:mod:`caravan_book.intake.accept`) merges the rows a person marks ``accepted``.

The rules are plain and rule-based (pysbd for sentences, dateparser for dates, the project's own
number parser), so a reviewer can predict what was proposed and why.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from caravan_book import atomic
from caravan_book.errors import ParameterError
from caravan_book.text.article import Article, Sentence, read_article
from caravan_book.text.dates import DateMention, find_dates, printed_dates
from caravan_book.text.numbers import parse_number_text
from caravan_book.text.slugs import slug as text_slug
from caravan_book.text.vocabulary import MONTHS, QUALIFIER_WORDS, WEEKDAYS

#: Columns every review file adds to the schema's columns.
REVIEW_COLUMNS = ("status", "reason")
STATUSES = ("proposed", "accepted", "rejected")
#: The tables a review folder may hold, in the order they are merged (tables others point into first).
REVIEW_TABLES = ("places", "incidents", "sources", "metrics", "events", "figures", "statements", "defects")
ARTICLE_FOLDER = "article"
PROMINENCE_REASON = "prominence 2 is a placeholder: set 1 (the news), 2 (context) or 3 (detail)"

# ---------------------------------------------------------------------------------------- numbers
_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    "|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million"
    "|billion"
)
_WORD_NUMBER = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:(?:[\s-]+(?:and\s+)?)(?:{_NUMBER_WORDS}))*\b", re.IGNORECASE)
_DIGIT_NUMBER = re.compile(
    r"(?<![\w.,$])(?P<dollar>\$)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<scale>\s+(?:thousand|million|billion)\b)?"
    r"(?P<percent>%|\s+per ?cent\b)?"
)
_QUALIFIERS = QUALIFIER_WORDS
_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>" + "|".join(sorted(_QUALIFIERS, key=len, reverse=True)) + r")\s+$", re.IGNORECASE
)
_UNIT_WORDS = {
    "people": "people",
    "migrants": "people",
    "persons": "people",
    "refugees": "people",
    "residents": "people",
    "asylum-seekers": "people",
    "men": "people",
    "women": "people",
    "individuals": "people",
    "km": "km",
    "kilometres": "km",
    "kilometers": "km",
    "miles": "miles",
    "mi": "miles",
    "troops": "troops",
    "soldiers": "troops",
    "years": "years",
    "year-old": "years",
    "years-old": "years",
    "dollars": "US dollars",
}
_SKIP_AFTER = {
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
    "percent",
    "he",
    "she",
    "they",
    "it",
    "said",
    "but",
}
_ADJECTIVES = {
    "more",
    "new",
    "other",
    "additional",
    "central",
    "american",
    "young",
    "small",
    "local",
    "mexican",
    "us",
    "u.s.",
    "unaccompanied",
    "honduran",
    "guatemalan",
    "salvadoran",
    "haitian",
    "further",
}


@dataclass
class Found:
    """A number in a sentence: where it stands and how the article writes it."""

    value: float
    value_text: str
    as_printed: str
    unit: str
    qualifier: str
    start: int
    end: int


def _unit_after(rest: str) -> tuple[str, int]:
    """The unit a number counts, from the words after it, and how many characters of ``rest`` it uses."""
    words = list(re.finditer(r"[A-Za-z][\w’'-]*", rest[:60]))
    for i, word in enumerate(words[:3]):
        between = rest[(words[i - 1].end() if i else 0) : word.start()]
        if i == 0 and between.strip() not in ("",):
            return "", 0  # punctuation right after the number: no unit printed
        if i and not re.fullmatch(r"\s+", between):
            break
        low = word.group().lower()
        if low in _UNIT_WORDS:
            return _UNIT_WORDS[low], word.end()
        if low in _SKIP_AFTER:
            break
        if low in _ADJECTIVES or word.group()[0].isupper():
            continue
        return low, word.end()
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
        spans.append((m.start("num"), m.end("scale") if m["scale"] else m.end("num"), text, hint))
    for m in _WORD_NUMBER.finditer(sentence):
        low = m.group().lower()
        if low in ("one", "zero", "hundred", "thousand", "million", "billion"):
            continue  # "one of them", "hundreds": not a count a reader would look for
        if any(s < m.end() and m.start() < e for s, e, _, _ in spans):
            continue
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
        before = sentence[:start]
        q = _QUALIFIER_BEFORE.search(before)
        qualifier = _QUALIFIERS[q["q"].lower()] if q else "exactly"
        first = q.start() if q else start
        if sentence[first - 1 : first] == "$":
            first -= 1
        rest = sentence[end:]
        pct = re.match(r"%|\s+per ?cent\b", rest)
        if pct:
            unit, used = "percent", pct.end()
        elif is_year:
            unit, used = "year", 0
        else:
            unit, used = _unit_after(rest)
            unit = hint or unit or "number"
        as_printed = sentence[first : end + used].strip()
        if text.startswith("$") or hint == "US dollars":
            unit = "US dollars"
        found.append(Found(value, text.lstrip("$"), as_printed, unit, qualifier, first, end + used))
    return found, unreadable


# ----------------------------------------------------------------------------------- quotations
_DOUBLE = re.compile(r"[“\"](?P<q>[^“”\"\n]+)(?:[”\"]|$)")
_SINGLE = re.compile(r"(?<![\w])[‘'](?P<q>(?:[^‘’'\n]|[’'](?=\w))+)[’'](?![\w])")
_NAME = (
    r"(?:(?:Mr|Mrs|Ms|Dr|President|Secretary|Mayor|Governor|Senator|Press Secretary)\.?\s+)?"
    r"[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|de|del|la|van|von))*"
)
_BODY = (
    r"(?:[A-Z][\w’'.-]*|the)(?:’s|'s)?\s+(?:[a-z]+\s+){0,3}(?:ministry|department|agency|government|office|police"
    r"|spokesman|spokeswoman|spokesperson|institute|officials|authorities)"
)
_SPEECH = r"(?:said|says|told|wrote|tweeted|added|warned|insisted|claimed|stated|explained|declared|announced|called)"
_SPEAKER_PATTERNS = (
    re.compile(rf"\b[Aa]ccording to (?P<who>{_BODY}|(?:the )?{_NAME})"),
    re.compile(rf"(?P<who>{_BODY}|{_NAME})(?:,[^,“”\"]{{1,90}},|,)?\s+(?:also\s+|later\s+|had\s+|has\s+)?{_SPEECH}\b"),
    re.compile(rf"\b{_SPEECH}\s+(?P<who>{_NAME})"),
)
_PRONOUN = re.compile(rf"\b(?:he|she|they|it)\s+(?:also\s+)?{_SPEECH}\b", re.IGNORECASE)
_NOT_NAMES = {
    "The",
    "A",
    "An",
    "But",
    "However",
    "And",
    "It",
    "This",
    "That",
    "In",
    "On",
    "At",
    "As",
    "He",
    "She",
    "They",
    "We",
    "I",
    "Its",
    "His",
    "Her",
    "Their",
    "Some",
    "Many",
    "Other",
    "When",
    "While",
    "After",
    "Before",
    "Earlier",
    "Later",
    "Meanwhile",
    "Also",
    "Then",
    "There",
    "One",
    "Two",
    "Speaking",
}


def quotations_in(paragraph: str) -> list[tuple[int, int, str]]:
    """Quoted passages of a paragraph: start and end of the words inside the marks, and the words.

    A quotation left open runs to the end of its paragraph (articles open each paragraph of a long
    quotation with a mark and close only the last), which is what ``check`` accepts too.
    """
    spans: list[tuple[int, int, str]] = []

    def keep(start: int, words: str) -> None:
        lead = len(words) - len(words.lstrip())
        quote = words.strip().rstrip(", ")
        if re.search(r"[A-Za-z]", quote) and not any(s <= start + lead < e for s, e, _ in spans):
            spans.append((start + lead, start + lead + len(quote), quote))

    for pattern in (_DOUBLE, _SINGLE):
        for m in pattern.finditer(paragraph):
            keep(m.start("q"), m["q"])
    for m in re.finditer(r"(?:^|(?<=\s))[‘'](?=[A-Za-z])", paragraph):
        if not any(s - 1 <= m.start() < e for s, e, _ in spans):
            keep(m.end(), paragraph[m.end() :])  # opened and not closed: to the end of the paragraph
    return sorted(spans)


def _clean_name(name: str) -> str:
    """A speaker as the sentence names them, without sentence openers ("However") or a final possessive.

    A body named with "the" keeps it, capitalised: "the state government" -> "The state government".
    """
    words = re.sub(r"(?:’s|'s)$", "", name.strip()).split()
    while words and words[0] in _NOT_NAMES and words[0] != "The":
        words = words[1:]
    if words and words[0].lower() == "the":
        rest = words[1:]
        # "The Associated Press" -> "Associated Press"; "the state government" keeps "The"
        words = rest if rest and rest[0][:1].isupper() else ["The", *rest]
    while words and words[0] in _NOT_NAMES and words[0] != "The":
        words = words[1:]
    return " ".join(words).strip(" ,.")


def speaker_in(text: str) -> str | None:
    """The speaker a sentence names ("said X", "X said", "according to X", "X told Y"), or None."""
    blanked = re.sub(r"[“\"][^“”\"]*[”\"]|(?<![\w])[‘'][^‘’']*[’'](?![\w])", " … ", text)
    for pattern in _SPEAKER_PATTERNS:
        for m in pattern.finditer(blanked):
            who = _clean_name(m["who"])
            if who and who[0].isupper() and who != "The":
                return who
    return None


@dataclass
class Speakers:
    """Known speakers (from the data), so "Mr Trump" is proposed as "Donald Trump" with a reason."""

    known: dict[str, dict[str, str]] = field(default_factory=dict)

    def match(self, printed: str) -> tuple[str, dict[str, str], str]:
        """Speaker name, what the data knows of them, and a reason when the name was changed."""
        norm = printed.replace("’", "'").lower()
        for name, info in self.known.items():
            if name.replace("’", "'").lower() == norm:
                return name, info, ""
        inside = [name for name in self.known if len(name.split()) > 1 and f" {name} " in f" {printed} "]
        if len(inside) == 1:  # "US Homeland Security Secretary Kirstjen Nielsen"
            return inside[0], self.known[inside[0]], f"speaker printed '{printed}'; read as {inside[0]}"
        last = printed.split()[-1] if printed.split() else ""
        hits = [name for name in self.known if len(name.split()) > 1 and name.split()[-1] == last]
        if len(hits) == 1 and last[:1].isupper():
            return hits[0], self.known[hits[0]], f"speaker '{printed}' read as {hits[0]} (a known speaker)"
        close = difflib.get_close_matches(printed, list(self.known), n=1, cutoff=0.88)
        if close:
            return close[0], self.known[close[0]], f"speaker printed '{printed}'; read as {close[0]} (check spelling)"
        return printed, {}, ""


def _channel(excerpt: str) -> str:
    low = excerpt.lower()
    for word, channel in (
        ("tweet", "tweet"),
        ("town hall", "town hall"),
        ("briefing", "press briefing"),
        ("chant", "chant"),
        ("speech", "speech"),
        ("interview", "interview"),
        ("told ", "interview"),
        ("report", "report"),
    ):
        if word in low:
            return channel
    return "statement"


# ------------------------------------------------------------------------------------ the run
@dataclass
class Context:
    source_id: str
    incident: str
    new_incident: bool
    published: date
    published_basis: str
    published_note: str
    year_printed: bool
    article: Article
    data: Path
    metrics: pd.DataFrame
    figures: pd.DataFrame
    places: pd.DataFrame
    existing_ids: dict[str, set[str]]
    speakers: Speakers


@dataclass
class Proposal:
    """The rows proposed for each table, and what the run noticed."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in REVIEW_TABLES})
    known_places: list[str] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any], reason: list[str]) -> dict[str, Any]:
        from caravan_book.data.schemas import TABLES

        columns = TABLES[table].columns
        full = {c: row.get(c, "") for c in columns}
        notes = [r for r in reason if r]
        if "prominence" in columns and not full["prominence"]:
            full["prominence"] = 2
            notes.append(PROMINENCE_REASON)
        full["status"] = "proposed"
        full["reason"] = "; ".join(notes)
        self.rows[table].append(full)
        return full


_STOP_WORDS = frozenset(
    {"the", "a", "an", "of", "to", "and", "in", "on", "at", "for", "is", "was", "were", "that", "by", "with"}
)


def slug(text: str, words: int = 4) -> str:
    return text_slug(text, words, _STOP_WORDS) or "row"


def _unique(base: str, used: set[str], sep: str = "-") -> str:
    """``base``, or ``base-2``, ``base-3``… : the first not in ``used`` (which it joins)."""
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}{sep}{n}", n + 1
    used.add(candidate)
    return candidate


def _tokens(text: str) -> set[str]:
    stop = {
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
    }
    return {
        w.rstrip("s") for w in re.findall(r"[a-z]+", text.lower().replace("_", " ")) if w not in stop and len(w) > 2
    }


def guess_metric(ctx: Context, sentence: str, found: Found) -> tuple[str | None, str]:
    """The metric of metrics.csv whose name and label share most words with the sentence, if enough do."""
    window = _tokens(sentence)
    units = ctx.figures.groupby("metric")["unit"].agg(lambda s: set(s)) if len(ctx.figures) else pd.Series(dtype=object)
    best, best_score = None, 0.0
    for metric, label in zip(ctx.metrics["metric"], ctx.metrics["label"], strict=True):
        words = _tokens(metric) | _tokens(label)
        if not words:
            continue
        shared = len(words & window)
        score = shared / len(words) + (0.01 if found.unit in units.get(metric, set()) else 0)  # unit breaks ties
        if shared >= 2 and score >= 0.6 and score > best_score:
            best, best_score = metric, score
    if best:
        label = ctx.metrics.set_index("metric").loc[best, "label"]
        return best, f"metric {best} ('{label}') shares words with the sentence: check it is the same quantity"
    return None, "no metric of metrics.csv matched: a new metric is proposed in metrics.csv; name and describe it"


def _speaker_row(ctx: Context, printed: str | None) -> tuple[str, dict[str, str], str]:
    if not printed:
        return "", {}, ""
    return ctx.speakers.match(printed)


def propose(ctx: Context) -> Proposal:
    art = ctx.article
    out = Proposal()
    used = {t: set(ids) for t, ids in ctx.existing_ids.items()}
    year = ctx.published.year
    prior: date | None = None
    last_speaker: str | None = None
    new_metrics: dict[str, dict[str, Any]] = {}
    numbers_seen: dict[str, list[tuple[str, Sentence]]] = {}
    date_line = _date_line(art)
    first_event: tuple[DateMention, Sentence] | None = None

    for sentence in art.sentences:
        if date_line is not None and sentence.start <= date_line < sentence.end:
            continue  # "Posted on November 26, 2018" dates the article, not an event
        mentions = find_dates(sentence.text, ctx.published, ctx.year_printed, prior)
        excerpt = art.excerpt(sentence.start, sentence.end)
        named = speaker_in(sentence.text)
        if named:
            last_speaker = named
        elif _PRONOUN.search(sentence.text) and last_speaker:
            named = last_speaker
        speaker, info, speaker_reason = _speaker_row(ctx, named)

        # ---- events
        seen_days: set[date] = set()
        for mention in mentions:
            if mention.day in seen_days:
                continue
            seen_days.add(mention.day)
            if first_event is None or mention.day < first_event[0].day:
                first_event = (mention, sentence)
            event = {
                "event_id": _unique(f"{mention.day.year}-{slug(sentence.text)}-{ctx.source_id}", used["events"]),
                "incident": ctx.incident,
                "date": mention.day.isoformat(),
                "date_basis": mention.basis,
                "date_note": mention.note,
                "date_precision": mention.precision,
                "place": _first_place(ctx, sentence.text),
                "summary": "",
                "actor": speaker,
                "source_id": ctx.source_id,
                "excerpt": excerpt,
            }
            out.add(
                "events",
                event,
                [
                    f"dated by '{mention.phrase}'",
                    "write a neutral summary in the book's voice",
                    "" if speaker else "name the actor",
                ],
            )
        if mentions:
            prior = mentions[-1].day

        # ---- figures
        skip = [(m.start, m.end) for m in mentions if m.precision != "year" or not m.phrase[:1].isdigit()]
        found, unreadable = numbers_in(sentence.text, skip)
        for bad in unreadable:
            numbers_seen.setdefault("unreadable", []).append((bad, sentence))
        for number in found:
            numbers_seen.setdefault(number.value_text.replace(",", ""), []).append((number.value_text, sentence))
            metric, metric_reason = guess_metric(ctx, sentence.text, number)
            if metric is None:
                metric = _unique(
                    f"new_{re.sub(r'[^a-z0-9]+', '_', number.unit.lower()).strip('_') or 'count'}",
                    used["metrics"],
                    sep="_",
                )
                new_metrics[metric] = {
                    "metric": metric,
                    "label": "",
                    "description": "",
                    "compare_group": "",
                }
                out.add(
                    "metrics",
                    new_metrics[metric],
                    [f"new metric for '{number.as_printed}'", "write a label and a plain description"],
                )
            dated = mentions[0] if mentions else None
            figure = {
                "figure_id": _unique(f"{year}-{slug(number.as_printed, 3)}-{ctx.source_id}", used["figures"]),
                "incident": ctx.incident,
                "metric": metric,
                "value": _plain(number.value),
                "value_text": number.value_text,
                "as_printed": number.as_printed,
                "unit": number.unit,
                "qualifier": number.qualifier,
                "as_of": (dated.day if dated else ctx.published).isoformat(),
                "as_of_basis": dated.basis if dated else "inferred",
                "attributed_to": speaker,
                "source_id": ctx.source_id,
                "excerpt": excerpt,
                "note": "" if dated else "As of the article's publication date (the text does not date the figure).",
            }
            out.add(
                "figures",
                figure,
                [
                    f"'{number.as_printed}'",
                    metric_reason,
                    speaker_reason or ("" if speaker else "stated in the outlet's own voice?"),
                ],
            )

        # ---- statements: quotations, then reported speech
        in_paragraph = paragraph_quotes(art, sentence)
        quotes = [q for q in in_paragraph if sentence.start <= q[0] < sentence.end]
        inside = any(s <= sentence.start and sentence.end <= e + 2 for s, e, _ in in_paragraph)
        for _start, end, quote in quotes:
            last = next(s for s in art.sentences if s.paragraph == sentence.paragraph and s.start < end <= s.end + 1)
            excerpt_q = art.excerpt(sentence.start, max(last.end, sentence.end))
            who, who_info, who_reason = speaker, info, speaker_reason
            if not named and last_speaker:
                who, who_info, who_reason = _speaker_row(ctx, last_speaker)
                who_reason = who_reason or f"speaker from an earlier sentence ({last_speaker}): check"
            out.add(
                "statements",
                _statement(ctx, who, who_info, quote, "direct", excerpt_q, mentions, year, used),
                [
                    "quoted" if len(quote.split()) > 3 else "a word or phrase in quotation marks: a scare quote?",
                    who_reason,
                    "" if who else "no speaker named: fill speaker",
                    "" if who_info else "fill role, institution, group and country",
                ],
            )
        if not quotes and not inside and named and not _DOUBLE.search(sentence.text):
            reported = _reported(sentence.text)
            if reported:
                out.add(
                    "statements",
                    _statement(ctx, speaker, info, reported, "reported", excerpt, mentions, year, used),
                    ["reported speech", speaker_reason, "" if info else "fill role, institution, group and country"],
                )

    _places(ctx, out)
    _defects(ctx, out, numbers_seen)
    _source_row(ctx, out)
    if ctx.new_incident:
        _incident_row(ctx, out, first_event)
    return out


def paragraph_quotes(article: Article, sentence: Sentence) -> list[tuple[int, int, str]]:
    """The quotations of the sentence's paragraph, with offsets into the whole article."""
    start, end = article.paragraph_of(sentence)
    return [(start + s, start + e, q) for s, e, q in quotations_in(article.text[start:end])]


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _statement(
    ctx: Context,
    speaker: str,
    info: dict[str, str],
    quote: str,
    kind: str,
    excerpt: str,
    mentions: list[DateMention],
    year: int,
    used: dict[str, set[str]],
) -> dict[str, Any]:
    dated = mentions[0] if mentions else None
    who = slug(speaker.split()[-1] if speaker else "unnamed", 1)
    return {
        "statement_id": _unique(f"{year}-{who}-{slug(quote, 3)}-{ctx.source_id}", used["statements"]),
        "incident": ctx.incident,
        "speaker": speaker,
        "role": info.get("role", ""),
        "institution": info.get("institution", ""),
        "group": info.get("group", ""),
        "country": info.get("country", ""),
        "date": (dated.day if dated else ctx.published).isoformat(),
        "date_basis": dated.basis if dated else "inferred",
        "date_note": dated.note if dated else "Not dated in the article; the publication date is used.",
        "channel": _channel(excerpt),
        "quote": quote,
        "quote_kind": kind,
        "attributed_via": "",
        "source_id": ctx.source_id,
        "excerpt": excerpt,
    }


_REPORTED_AFTER = re.compile(rf"\b{_SPEECH}(?:\s+[A-Z]\w+)?(?:\s+that)?\s+(?P<q>[a-z].{{15,}}?)[.!?]?$")
_REPORTED_BEFORE = re.compile(rf"^(?P<q>.{{15,}}?),\s+(?:he|she|they|it|[A-Z][^,]{{0,60}})\s+{_SPEECH}\.?$")


def _reported(text: str) -> str | None:
    """The reported words of "X said (that) …" or "…, X said", cut from the sentence."""
    m = _REPORTED_BEFORE.search(text) or _REPORTED_AFTER.search(text)
    return m["q"].strip() if m else None


def _first_place(ctx: Context, text: str) -> str:
    for place in ctx.places["place"]:
        if re.search(rf"\b{re.escape(place)}\b", text):
            return place
    return ""


_PLACE_CANDIDATE = re.compile(
    r"\b(?:in|at|from|near|to|towards?|outside|through|into|across)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})"
)
#: Words that follow "in", "to", "from" but name people, not places ("to Mexican authorities").
_DEMONYMS = {
    "Mexican",
    "American",
    "Honduran",
    "Guatemalan",
    "Salvadoran",
    "Haitian",
    "Venezuelan",
    "Cuban",
    "Nicaraguan",
}
_NOT_PLACES = _DEMONYMS | {
    *WEEKDAYS,
    *MONTHS,
    "Mr",
    "Mrs",
    "Ms",
    "President",
    "Congress",
    "The",
}


def _places(ctx: Context, out: Proposal) -> None:
    """Places the article names: known ones are reported; unknown ones are proposed for coordinates."""
    text = ctx.article.text
    for place in ctx.places["place"]:
        if re.search(rf"\b{re.escape(place)}\b", text):
            out.known_places.append(place)
    seen: set[str] = set(out.known_places)
    for sentence in ctx.article.sentences:
        for m in _PLACE_CANDIDATE.finditer(sentence.text):
            name = m["place"]
            if name.split()[0] in _NOT_PLACES or any(w in _DEMONYMS for w in name.split()) or name in seen:
                continue
            seen.add(name)
            out.add(
                "places",
                {"place": name},
                [
                    f"named in the article ('{m.group()}'); not in places.csv",
                    "is it a place? add kind, latitude, longitude, country, coordinates_source and reliability, "
                    "or reject it",
                ],
            )


def _defects(ctx: Context, out: Proposal, numbers: dict[str, list[tuple[str, Sentence]]]) -> None:
    """A number printed two ways: "192,00" where the article elsewhere prints "192,000"."""
    used = set(ctx.existing_ids.get("defects", set()))
    seen: set[str] = set()
    for bad, sentence in numbers.get("unreadable", []):
        if " ".join(sentence.text.split()) in seen:
            continue  # the same sentence printed twice (a repeated caption): one defect row
        seen.add(" ".join(sentence.text.split()))
        digits = bad.replace(",", "")
        twins = [
            text
            for key, hits in numbers.items()
            if key != "unreadable" and key.startswith(digits) and 0 < len(key) - len(digits) <= 2
            for text, _ in hits
        ]
        excerpt = ctx.article.excerpt(sentence.start, sentence.end)
        if twins:
            defect = f"Prints a number as '{bad}' where the same article prints '{twins[0]}'; one of them is a typo."
        else:
            defect = f"Prints a number as '{bad}', which does not read as a number."
        out.add(
            "defects",
            {
                "defect_id": _unique(f"{ctx.source_id}-number-{slug(bad)}", used),
                "source_id": ctx.source_id,
                "defect": defect,
                "excerpt": excerpt,
            },
            ["a number that does not read; the figure, if any, should use the correct printing"],
        )


def _date_line(article: Article) -> int | None:
    m = re.search(r"\b(?:Posted|Published|Updated)(?: on)?\s+\S", article.text[:2000])
    return m.start() if m else None


def _source_row(ctx: Context, out: Proposal) -> None:
    if ctx.source_id in ctx.existing_ids.get("sources", set()):
        return
    lines = [line.strip() for line in ctx.article.text.splitlines() if line.strip()]
    byline = next((line[3:].strip() for line in lines[:6] if re.match(r"^By [A-Z]", line)), "")
    label = f"{byline.split()[-1]} article (outlet not named)" if byline else ""
    out.add(
        "sources",
        {
            "source_id": ctx.source_id,
            "outlet": "unnamed outlet",
            "label": label,
            "outlet_basis": "not stated",
            "headline": lines[0],
            "byline": byline,
            "published": ctx.published.isoformat(),
            "published_basis": ctx.published_basis,
            "published_note": ctx.published_note,
            "document": ctx.article.path.name,
            "incident": ctx.incident,
            "contributes": "",
        },
        [
            "the article's own row",
            "set outlet, outlet_basis and label if the text names its outlet",
            "headline is the first line: check it is one",
            "write what the article contributes",
        ],
    )


def _incident_row(ctx: Context, out: Proposal, first: tuple[DateMention, Sentence] | None) -> None:
    place = out.known_places[0] if out.known_places else (out.rows["places"][0]["place"] if out.rows["places"] else "")
    country = ""
    if place in set(ctx.places["place"]):
        country = ctx.places.set_index("place").loc[place, "country"]
    sentence = first[1] if first else ctx.article.sentences[0]
    out.add(
        "incidents",
        {
            "incident": ctx.incident,
            "title": "",
            "start_date": first[0].day.isoformat() if first else ctx.published.isoformat(),
            "start_date_basis": first[0].basis if first else "inferred",
            "place": place,
            "country": country,
            "summary": "",
            "source_id": ctx.source_id,
            "excerpt": ctx.article.excerpt(sentence.start, sentence.end),
        },
        [
            "a new incident: write its title and a neutral summary without numbers",
            "start date from the earliest date the article gives: check it",
            "place: the first place named that is in places.csv: check it" if place else "name its place",
        ],
    )


# ------------------------------------------------------------------------------- inputs, output
def _published(value: str | None, article: Article) -> tuple[date, str, str, bool]:
    """Publication date, its basis and note, and whether the article prints it (from a date line)."""
    printed = printed_dates(article.text[:2000]) if _date_line(article) is not None else []
    if value is None:
        if not printed:
            raise ParameterError(
                f"{article.path}: the article prints no date line; "
                "give its publication date with --published YYYY-MM-DD"
            )
        return printed[0], "stated", "The text prints its date line.", True
    try:
        day = date.fromisoformat(value)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
    except ValueError:
        raise ParameterError(f"--published {value!r} is not a date written YYYY-MM-DD (e.g. 2021-10-23)") from None
    if day in printed:
        return day, "stated", "The text prints its date line.", True
    return day, "inferred", "Not printed in the text; given to caravan-book extract with --published.", False


def _load_context(
    article: Article, source_id: str, incident: str, new_incident: bool, published: str | None, data: Path
) -> Context:
    from caravan_book.data import tables
    from caravan_book.data.schemas import ID_PATTERN, INCIDENT_PATTERN

    if not re.match(ID_PATTERN, source_id):
        raise ParameterError(f"--source {source_id!r} is not an id of lowercase letters, digits and hyphens")
    incidents = tables.load("incidents", data)
    known = list(incidents["incident"])
    if new_incident:
        if incident in known:
            raise ParameterError(f"--new-incident: {incident!r} already exists in incidents.csv; drop --new-incident")
        if not re.match(INCIDENT_PATTERN, incident):
            raise ParameterError(f"--incident {incident!r} is not an incident id like 2024-juarez (year, hyphen, name)")
    elif incident not in known:
        raise ParameterError(
            f"unknown incident {incident!r}; choose one of: {', '.join(known)} (or add --new-incident to start one)"
        )
    day, basis, note, year_printed = _published(published, article)
    statements = tables.load("statements", data)
    speakers = Speakers(
        {
            row["speaker"]: {k: row[k] for k in ("role", "institution", "group", "country") if isinstance(row[k], str)}
            for _, row in statements.iterrows()
        }
    )
    existing = {name: set(tables.load(name, data).iloc[:, 0]) for name in REVIEW_TABLES}
    return Context(
        source_id,
        incident,
        new_incident,
        day,
        basis,
        note,
        year_printed,
        article,
        data,
        tables.load("metrics", data),
        tables.load("figures", data),
        tables.load("places", data),
        existing,
        speakers,
    )


def write_review(proposal: Proposal, article: Article, out: Path) -> dict[str, int]:
    """Write the review folder atomically (a temporary folder renamed into place); rows per file."""
    from caravan_book.data.schemas import TABLES

    counts: dict[str, int] = {}
    with atomic.atomic_dir(out.resolve()) as tmp:
        for table in REVIEW_TABLES:
            spec = TABLES[table]
            columns = [*spec.columns, *REVIEW_COLUMNS]
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in proposal.rows[table]:
                writer.writerow({c: row.get(c, "") for c in columns})
            atomic.write_text(tmp / spec.file, text.getvalue(), newline="")
            counts[table] = len(proposal.rows[table])
        atomic.copy_file(article.path, tmp / ARTICLE_FOLDER / article.path.name, keep_times=True)
    return counts


def extract(
    article_path: Path,
    source_id: str,
    incident: str,
    out: Path,
    published: str | None = None,
    new_incident: bool = False,
    data: Path | None = None,
) -> tuple[dict[str, int], Proposal]:
    """Read the article, propose rows, write the review folder; the counts of rows per table."""
    from caravan_book.settings import data_dir

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ParameterError(f"{out}: already exists; choose a new review folder with --out")
    article = read_article(article_path)
    ctx = _load_context(article, source_id, incident, new_incident, published, (data or data_dir()).resolve())
    proposal = propose(ctx)
    if out.is_dir():
        out.rmdir()
    return write_review(proposal, article, out), proposal
