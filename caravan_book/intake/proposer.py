"""``caravan-book extract``: propose sourced rows from a new article, for a person to review.

The extractor reads a plain-text article and proposes rows for the article tables (figures,
statements, events, places, defects, the article's own ``sources`` row and, for a new incident, the
``incidents`` row), each with the sentence it came from as the excerpt. Excerpts are slices of the
article, so they are verbatim by construction. Each row says why it was proposed: the rule that
matched (``rule``), the excerpt's character offsets in the article (``start``, ``end``), a
``confidence`` and a ``reason`` saying what a person must still decide (:mod:`caravan_book.intake.io`
writes them). Lines starting with ``#`` are notes about the article (e.g. that it is fictional),
not part of it: no row comes from them and the headline is the first line after them.

Everything is one pass over the sentences with lookups of bounded size, so a run is linear in the
article's length; ``progress`` is called every few hundred sentences on long inputs.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from caravan_book.errors import ParameterError
from caravan_book.intake import figures as fig
from caravan_book.intake import places as plc
from caravan_book.intake import quotations as quo
from caravan_book.intake.vocabulary import why
from caravan_book.text.article import Article, Sentence, collapse, read_article
from caravan_book.text.dates import DateMention, find_dates, printed_dates
from caravan_book.text.slugs import slug as text_slug
from caravan_book.text.vocabulary import WEEKDAYS

#: The tables a review folder may hold, in the order they are merged (tables others point into first).
REVIEW_TABLES = ("places", "incidents", "sources", "metrics", "events", "figures", "statements", "defects")
_WEEKDAYS = WEEKDAYS
#: A date phrase that measures a span ("the past two weeks", "the last 10 days"): a duration, not a day.
_SPAN = re.compile(
    r"(?:the\s+)?(?:past|last)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|few|several)\s+\w+", re.I
)
#: Verbs of a sentence that tells the departure or the event an incident is about.
_DEPARTURE = re.compile(
    r"\b(?:set (?:off|out)|sets (?:off|out)|left|leaves?|departed|departs?|began (?:walking|"
    r"marching))\b"
)
_EVENT = re.compile(
    r"\b(?:closed|clashed|stormed|crossed|arrived|reached|gathered|broke|pushed past|fired|"
    r"rushed|tried to cross|marched)\b"
)
PROGRESS_EVERY = 500
#: An article longer than this (characters) shows its progress on stderr.
LONG = 100_000


def _progress_on_stderr(done: int, total: int) -> None:
    print(f"extract: {done}/{total}", file=sys.stderr, flush=True)


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
    speakers: quo.Speakers
    metric_index: fig.MetricIndex = field(default_factory=lambda: fig.MetricIndex([], {}))


@dataclass
class Proposal:
    """The rows proposed for each table, and what the run noticed."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in REVIEW_TABLES})
    known_places: list[str] = field(default_factory=list)

    def add(
        self,
        table: str,
        row: dict[str, Any],
        reason: list[str],
        rule: str,
        span: tuple[int, int] | None = None,
        confidence: str = "medium",
    ) -> dict[str, Any]:
        from caravan_book.data.schemas import TABLES

        columns = TABLES[table].columns
        full = {c: row.get(c, "") for c in columns}
        notes = [r for r in reason if r]
        if "prominence" in columns and not full["prominence"]:
            full["prominence"] = 2
            notes.append(why("prominence"))
        full["status"] = "proposed"
        full["reason"] = "; ".join(notes)
        full["rule"] = rule
        full["start"], full["end"] = span if span else ("", "")
        full["confidence"] = confidence
        self.rows[table].append(full)
        return full


_STOP_WORDS = frozenset(
    {"the", "a", "an", "of", "to", "and", "in", "on", "at", "for", "is", "was", "were", "that", "by", "with"}
)


def slug(text: str, words: int = 4) -> str:
    return text_slug(text, words, _STOP_WORDS) or "row"


class Ids(set):
    """Ids taken, remembering the next number tried for each base (so a thousand repeats stay linear)."""

    def __init__(self, items=()) -> None:
        super().__init__(items)
        self.next: dict[str, int] = {}


def _unique(base: str, used: set[str], sep: str = "-") -> str:
    """``base``, or ``base-2``, ``base-3``… : the first not in ``used`` (which it joins)."""
    counters = used.next if isinstance(used, Ids) else {}
    candidate, n = base, counters.get(base, 2)
    if n > 2:
        candidate = f"{base}{sep}{n}"
    while candidate in used:
        candidate, n = f"{base}{sep}{n}", n + 1
    counters[base] = n
    used.add(candidate)
    return candidate


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def note_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines that are notes about the article, not the article: lines starting with ``#``."""
    return [(m.start(), m.end()) for m in re.finditer(r"(?m)^[ \t]*#[^\n]*", text)]


def _date_line(text: str) -> int | None:
    m = re.search(r"\b(?:Posted|Published|Updated)(?: on)?\s+\S", text[:2000])
    return m.start() if m else None


def _headline(text: str) -> tuple[int, int]:
    """The first line that is not a note: the headline."""
    for m in re.finditer(r"(?m)^[^\n]*\S[^\n]*$", text[:5000]):
        if not m.group().lstrip().startswith("#"):
            return m.start(), m.end()
    return 0, 0


@dataclass
class Sentences:
    """The article's sentences that are the article (not notes, not the date line), and their paragraphs."""

    items: list[Sentence]
    paragraphs: dict[int, tuple[int, int]]
    headline: tuple[int, int]


def article_sentences(article: Article) -> Sentences:
    notes = note_lines(article.text[:20000])
    date_line = _date_line(article.text)
    keep = []
    for s in article.sentences:
        if any(a <= s.start < b for a, b in notes):
            continue
        if date_line is not None and s.start <= date_line < s.end:
            continue  # "Posted on November 26, 2018" dates the article, not an event
        keep.append(s)
    paragraphs: dict[int, tuple[int, int]] = {}
    for s in keep:
        a, b = paragraphs.get(s.paragraph, (s.start, s.end))
        paragraphs[s.paragraph] = (min(a, s.start), max(b, s.end))
    return Sentences(keep, paragraphs, _headline(article.text))


def excerpt(article: Article, start: int, end: int) -> tuple[str, tuple[int, int]]:
    """The article's characters from ``start`` to ``end``, stripped, and their offsets (a slice: verbatim)."""
    piece = article.text[start:end]
    lead = len(piece) - len(piece.lstrip())
    text = piece.strip()
    return text, (start + lead, start + lead + len(text))


def _speaker_row(ctx: Context, printed: str | None) -> tuple[str, dict[str, str], str]:
    if not printed:
        return "", {}, ""
    return ctx.speakers.match(printed)


# ------------------------------------------------------------------------------------- events
def event_mentions(
    text: str, mentions: list[DateMention], published: date, has_figure: bool
) -> tuple[list[DateMention], list[DateMention]]:
    """The mentions that date an event of the sentence, and the weekdays that contradict a printed date.

    A year alone dates background, not an event. A weekday printed with a day and month ("By Monday,
    June 2") is not a second date: it agrees with the printed date or contradicts it (a defect).
    "That Tuesday" points back to a date told before.
    A month or a year in a sentence that gives a figure dates the figure ("14,500 in May"), not an
    event, unless a verb of speech comes just before it ("said in August"). A date after the
    publication date is a plan, not an event; a month or year inside a quotation is the speaker's.
    """
    conflicts: list[DateMention] = []
    printed_days = [m for m in mentions if re.search(r"\d", m.phrase) and m.precision == "day"]
    keep: list[DateMention] = []
    quoted = [(a, b) for a, b, _ in quo.quotations_in(text)]
    numbers = [(m.start(), m.end()) for m in re.finditer(r"\d[\d,.]*\d|\d", text)]

    def printed_month(m: DateMention) -> bool:
        return m.precision in ("month", "year") and bool(re.search(r"[A-Z]|\d{4}", m.phrase)) and "ago" not in m.phrase

    def beside_a_number(m: DateMention) -> bool:
        return any((0 <= m.start - b <= 45 or 0 <= a - m.end <= 25) and not (m.start <= a < m.end) for a, b in numbers)

    statistic = has_figure and any(printed_month(m) and beside_a_number(m) for m in mentions)
    for m in mentions:
        weekday = m.phrase.rstrip("’s'")
        if weekday in _WEEKDAYS:
            beside = [d for d in printed_days if 0 <= d.start - m.end <= 3 or 0 <= m.start - d.end <= 3]
            if beside:
                if beside[0].day.weekday() != _WEEKDAYS.index(weekday):
                    conflicts.append(m)
                continue
            if re.search(r"\bthat\s+$", text[max(0, m.start - 6) : m.start]):
                continue
        if m.day > published or m.precision == "year":
            continue  # a plan, not an event; a year alone dates no event of a news story (data/ has none)
        if _SPAN.match(m.phrase):
            continue  # "the past two weeks": how long something lasted, no day of an event
        if re.search(r"\bsince\s+$", text[max(0, m.start - 7) : m.start], re.I):
            continue  # "turned back 11,000 since 19 October": where a count or a span starts, not an event that day
        if re.match(r"[’']s\b", text[m.end : m.end + 3]):
            continue  # "last week's midterm elections": the date of a thing the sentence names, not its event
        if weekday in _WEEKDAYS and re.search(rf"\b{quo.SPEECH}\s+(?:on\s+)?$", text[max(0, m.start - 16) : m.start]):
            continue  # "said on Sunday": the day of a statement (a statements row), not of an event
        if m.precision in ("month", "year"):
            before = text[max(0, m.start - 12) : m.start]
            if statistic and not re.search(rf"\b{quo.SPEECH}\s+$", before):
                continue
            if any(a <= m.start < b for a, b in quoted):
                continue
        keep.append(m)
    return keep, conflicts


# ------------------------------------------------------------------------------------ the run
@dataclass
class _State:
    last_person: str | None = None
    last_body: str | None = None
    last_named: str | None = None
    earlier: list[str] = field(default_factory=list)
    never: set[str] = field(default_factory=set)


def _who(ctx: Context, sentence: Sentence, reading: plc.PlaceReading, state: _State) -> tuple[str | None, str, str]:
    """The sentence's speaker (as printed or resolved), the rule, and a note when resolved."""
    found = quo.speaker_in(sentence.text, state.never)
    note = ""
    if found:
        who, rule = found
        if re.match(r"^(?:The|Its|A|An)\s", who) and re.search(r"\b[a-z]+$", who):
            resolved, note = quo.resolve_reference(
                who,
                state.earlier,
                ctx.article.text[max(0, sentence.start - 3000) : sentence.end],
                list(ctx.speakers.known),
            )
            if not note and who.split()[0] in ("Its",):
                return None, "", ""
            who = resolved
        if quo.is_institution(who):
            state.last_body = who
        else:
            state.last_person = who
        state.last_named = who
        state.earlier = [*state.earlier[-50:], who]
        return who, rule, note
    m = quo.PRONOUN.search(sentence.text)
    if m:
        p = m["p"].lower()
        earlier = (state.last_person if p in ("he", "she") else state.last_body) or state.last_named
        if earlier:
            return earlier, "pronoun", why("speaker_reference", printed=m["p"], name=earlier)
    return None, "", ""


def propose(ctx: Context, progress: Callable[[int, int], None] | None = None) -> Proposal:
    art = ctx.article
    out = Proposal()
    used: dict[str, set[str]] = {t: Ids(ids) for t, ids in ctx.existing_ids.items()}
    year = ctx.published.year
    prior: date | None = None
    new_metrics: dict[str, dict[str, Any]] = {}
    numbers_seen: dict[str, list[tuple[str, Sentence]]] = {}
    sents = article_sentences(art)
    reading = plc.read_places(art.text, list(ctx.places["place"]), [(s.text, s.start) for s in sents.items])
    out.known_places = list(reading.known)
    state = _State(never=reading.never_speakers())
    seen_texts: set[str] = set()
    figure_keys: set[tuple[Any, ...]] = set()
    headline_figures: list[tuple[fig.Found, dict[str, Any], list[str], tuple[int, int]]] = []
    lead_done = False
    incident_pick: tuple[str, DateMention, Sentence] | None = None
    first_dated: tuple[DateMention, Sentence] | None = None
    defects: list[tuple[str, Sentence, str]] = []
    total = len(sents.items)
    quote_cache: dict[int, list[tuple[int, int, str]]] = {}

    for index, sentence in enumerate(sents.items):
        if progress and index % PROGRESS_EVERY == 0 and total > PROGRESS_EVERY:
            progress(index, total)
        key_text = collapse(sentence.text)
        if key_text in seen_texts:
            continue  # the same sentence printed again (a repeated caption): its rows are proposed once
        seen_texts.add(key_text)
        in_headline = sents.headline[0] <= sentence.start < sents.headline[1]
        bullet = sentence.text.startswith("•") or art.text[
            max(0, sentence.start - 4) : sentence.start
        ].strip().endswith("•")
        all_mentions = find_dates(sentence.text, ctx.published, ctx.year_printed, prior)
        text_ex, span = excerpt(art, sentence.start, sentence.end)
        named, speaker_rule, speaker_note = _who(ctx, sentence, reading, state)
        speaker, info, speaker_reason = _speaker_row(ctx, named)
        speaker_reason = speaker_reason or speaker_note

        skip = [(m.start, m.end) for m in all_mentions if m.precision != "year" or not m.phrase[:1].isdigit()]
        found, unreadable = fig.numbers_in(sentence.text, skip)
        mentions, conflicts = event_mentions(sentence.text, all_mentions, ctx.published, bool(found or unreadable))
        if bullet:
            mentions = []  # a summary point: its events are told in the body
        for c in conflicts:
            defects.append(("weekday", sentence, c.phrase))

        # ---- events
        seen_days: set[date] = set()
        for mention in mentions:
            if mention.day in seen_days:
                continue
            seen_days.add(mention.day)
            if first_dated is None:
                first_dated = (mention, sentence)
            if incident_pick is None and mention.precision == "day" and not bullet:
                kind = (
                    "departure"
                    if _DEPARTURE.search(sentence.text)
                    else ("event" if _EVENT.search(sentence.text) else "")
                )
                if kind:
                    incident_pick = (kind, mention, sentence)
            place = plc.event_place(sentence.text, reading)
            out.add(
                "events",
                {
                    "event_id": _unique(f"{mention.day.year}-{slug(sentence.text)}-{ctx.source_id}", used["events"]),
                    "incident": ctx.incident,
                    "date": mention.day.isoformat(),
                    "date_basis": mention.basis,
                    "date_note": mention.note,
                    "date_precision": mention.precision,
                    "place": place,
                    "summary": "",
                    "actor": speaker,
                    "source_id": ctx.source_id,
                    "excerpt": text_ex,
                },
                [
                    why("event", phrase=mention.phrase),
                    why("event_place", place=place) if place else "",
                    why("event_summary"),
                    "" if speaker else why("event_actor"),
                ],
                rule=f"event:{mention.precision}-{mention.basis}",
                span=span,
                confidence="high"
                if mention.basis == "stated" and mention.precision == "day"
                else ("medium" if mention.precision == "day" else "low"),
            )
        if mentions:
            prior = mentions[-1].day

        # ---- figures
        for bad in unreadable:
            numbers_seen.setdefault("unreadable", []).append((bad, sentence))
        body_figures = []
        for number in found:
            numbers_seen.setdefault(number.value_text.replace(",", ""), []).append((number.value_text, sentence))
            dated = next((m for m in all_mentions if m.start >= number.end), None) if found else None
            dated = dated or (all_mentions[0] if all_mentions else None)
            figure = {
                "incident": ctx.incident,
                "value": _plain(number.value),
                "value_text": number.value_text,
                "as_printed": number.as_printed,
                "unit": number.unit,
                "qualifier": number.qualifier,
                "as_of": (dated.day if dated else ctx.published).isoformat(),
                "as_of_basis": dated.basis if dated else "inferred",
                "attributed_to": speaker,
                "source_id": ctx.source_id,
                "excerpt": text_ex,
                "note": "" if dated else "As of the article's publication date (the text does not date the figure).",
            }
            notes = [
                why("figure", printed=number.as_printed, unit_rule=number.unit_rule),
                why("unit_missing") if number.unit == "number" else "",
                speaker_reason or ("" if speaker else why("own_voice")),
            ]
            if in_headline:
                headline_figures.append((number, figure, notes, span))
                continue
            body_figures.append((number, figure, notes))
        if body_figures and not lead_done and not bullet and not in_headline:
            lead_done = True
            for number, figure, notes, hspan in headline_figures:
                repeated = any(b.value == number.value and b.qualifier == number.qualifier for b, _, _ in body_figures)
                if not repeated:
                    _add_figure(
                        ctx,
                        out,
                        number,
                        figure,
                        [*notes, why("headline_kept")],
                        hspan,
                        used,
                        new_metrics,
                        figure_keys,
                        year,
                        check_repeat=False,
                    )
                else:
                    figure_keys.discard(_figure_key(number, figure))
            headline_figures = []
        for number, figure, notes in body_figures:
            if bullet and any(
                h.value == number.value and h.qualifier == number.qualifier for h, _, _, _ in headline_figures
            ):
                continue  # a summary point repeating the headline
            _add_figure(ctx, out, number, figure, notes, span, used, new_metrics, figure_keys, year)

        # ---- statements: quotations, then reported speech
        if sentence.paragraph not in quote_cache:
            p_start, p_end = sents.paragraphs[sentence.paragraph]
            quote_cache.clear()  # one paragraph at a time: memory stays bounded
            quote_cache[sentence.paragraph] = sorted(
                (p_start + s, p_start + e, q) for s, e, q in quo.quotations_in(art.text[p_start:p_end])
            )
        in_paragraph = quote_cache[sentence.paragraph]
        first = bisect.bisect_left(in_paragraph, (sentence.start,))
        quotes = []
        for q in in_paragraph[first:]:
            if q[0] >= sentence.end:
                break
            quotes.append(q)
        inside = first > 0 and sentence.end <= in_paragraph[first - 1][1] + 2
        in_clause = [q for q in quotes if quo.in_reported_clause(sentence.text, q[0] - sentence.start, q[2])]
        if in_clause and len(in_clause) == len(quotes):
            quotes = []  # words quoted inside reported speech: the reported clause is the statement
        for q_start, end, quote in quotes:
            if in_headline:
                continue
            who, who_info, who_reason = speaker, info, speaker_reason
            rule = f"direct;speaker={speaker_rule}" if who else "direct"
            if not named and state.last_named:
                who, who_info, who_reason = _speaker_row(ctx, state.last_named)
                who_reason = who_reason or why("speaker_earlier", who=state.last_named)
                rule = "direct;speaker=earlier-sentence"
            scare = quo.is_scare_quote(sentence.text, q_start - sentence.start, quote, bool(named))
            if scare:
                continue
            last_end = max(sentence.end, end)
            for s in sents.items[index : index + 8]:
                if s.paragraph == sentence.paragraph and s.start < end <= s.end + 1:
                    last_end = max(last_end, s.end)
                    break
            excerpt_q, q_span = excerpt(art, sentence.start, last_end)
            out.add(
                "statements",
                _statement(ctx, who, who_info, quote, "direct", excerpt_q, all_mentions, year, used),
                [
                    why("direct") if len(quote.split()) > 3 and not quote[:1].islower() else why("fragment"),
                    who_reason,
                    "" if who else why("speaker_none"),
                    "" if who_info else why("speaker_info"),
                ],
                rule=rule,
                span=q_span,
                confidence="high" if named and len(quote.split()) > 3 else "medium",
            )
        if (
            not quotes
            and not inside
            and named
            and not in_headline
            and (in_clause or not quo._DOUBLE.search(sentence.text))
        ):
            said = quo.reported(sentence.text)
            if said:
                out.add(
                    "statements",
                    _statement(ctx, speaker, info, said, "reported", text_ex, all_mentions, year, used),
                    [why("reported", rule=speaker_rule), speaker_reason, "" if info else why("speaker_info")],
                    rule=f"reported;speaker={speaker_rule}",
                    span=span,
                    confidence="medium",
                )
    for number, figure, notes, hspan in headline_figures:  # no body sentence gave a figure
        _add_figure(ctx, out, number, figure, notes, hspan, used, new_metrics, figure_keys, year)
    if progress and total > PROGRESS_EVERY:
        progress(total, total)

    _places(ctx, out, reading)
    _defects(ctx, out, numbers_seen, defects)
    _source_row(ctx, out, sents)
    if ctx.new_incident:
        _incident_row(ctx, out, incident_pick, first_dated, reading, sents)
    return out


def _figure_key(number: fig.Found, figure: dict[str, Any]) -> tuple[Any, ...]:
    return (number.value, number.qualifier, number.unit, figure["attributed_to"], figure["as_of"])


def _add_figure(
    ctx: Context,
    out: Proposal,
    number: fig.Found,
    figure: dict[str, Any],
    notes: list[str],
    span: tuple[int, int],
    used: dict[str, set[str]],
    new_metrics: dict[str, dict[str, Any]],
    figure_keys: set[tuple[Any, ...]],
    year: int,
    check_repeat: bool = True,
) -> None:
    """One figure row, unless the article already gave the same figure from the same source (rule 3)."""
    key = _figure_key(number, figure)
    if check_repeat and key in figure_keys:
        return
    figure_keys.add(key)
    metric = fig.guess_metric(ctx.metric_index, figure["excerpt"], number)
    if metric:
        label = ctx.metric_index.labels[metric]
        metric_reason = why("metric_guess", metric=metric, label=label)
    else:
        metric_reason = why("metric_new")
        metric = _unique(
            f"new_{re.sub(r'[^a-z0-9]+', '_', number.unit.lower()).strip('_') or 'count'}", used["metrics"], sep="_"
        )
        new_metrics[metric] = {"metric": metric, "label": "", "description": "", "compare_group": ""}
        out.add(
            "metrics",
            new_metrics[metric],
            [why("metric_row", printed=number.as_printed)],
            rule="metric:new",
            span=span,
            confidence="low",
        )
    row = {
        "figure_id": _unique(f"{year}-{slug(number.as_printed, 3)}-{ctx.source_id}", used["figures"]),
        **figure,
        "metric": metric,
    }
    out.add(
        "figures",
        row,
        [*notes[:1], metric_reason, *notes[1:]],
        rule=f"figure;{number.unit_rule}",
        span=span,
        confidence="low" if number.unit == "number" else ("high" if number.unit_rule.endswith("noun") else "medium"),
    )


def _statement(
    ctx: Context,
    speaker: str,
    info: dict[str, str],
    quote: str,
    kind: str,
    excerpt_text: str,
    mentions: list[DateMention],
    year: int,
    used: dict[str, set[str]],
) -> dict[str, Any]:
    dated = next((m for m in mentions if m.day <= ctx.published), None)
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
        "channel": quo.channel(excerpt_text),
        "quote": quote,
        "quote_kind": kind,
        "attributed_via": "",
        "source_id": ctx.source_id,
        "excerpt": excerpt_text,
    }


def _places(ctx: Context, out: Proposal, reading: plc.PlaceReading) -> None:
    """Unknown places are proposed for coordinates (known ones are reported by the CLI)."""
    for name, rule, at in reading.new:
        out.add(
            "places",
            {"place": name},
            [why("place_new", name=name)],
            rule=rule,
            span=(at, at + len(name)),
            confidence="medium",
        )


def _defects(
    ctx: Context,
    out: Proposal,
    numbers: dict[str, list[tuple[str, Sentence]]],
    weekday: list[tuple[str, Sentence, str]],
) -> None:
    """A number printed two ways ("192,00" beside "192,000"); a weekday that contradicts its printed date."""
    used = Ids(ctx.existing_ids.get("defects", set()))
    seen: set[str] = set()
    for bad, sentence in numbers.get("unreadable", []):
        if collapse(sentence.text) in seen:
            continue  # the same sentence printed twice (a repeated caption): one defect row
        seen.add(collapse(sentence.text))
        digits = bad.replace(",", "")
        twins = [
            text
            for key, hits in numbers.items()
            if key != "unreadable" and key.startswith(digits) and 0 < len(key) - len(digits) <= 2
            for text, _ in hits
        ]
        text_ex, span = excerpt(ctx.article, sentence.start, sentence.end)
        defect = why("defect_twin_text", bad=bad, twin=twins[0]) if twins else why("defect_unreadable_text", bad=bad)
        out.add(
            "defects",
            {
                "defect_id": _unique(f"{ctx.source_id}-number-{slug(bad)}", used),
                "source_id": ctx.source_id,
                "defect": defect,
                "excerpt": text_ex,
            },
            [why("defect_number")],
            rule="defect:number",
            span=span,
            confidence="high" if twins else "medium",
        )
    for _kind, sentence, phrase in weekday:
        mentions = find_dates(sentence.text, ctx.published, ctx.year_printed)
        printed = [m for m in mentions if re.search(r"\d", m.phrase) and m.precision == "day"]
        day = printed[0].day if printed else ctx.published
        text_ex, span = excerpt(ctx.article, sentence.start, sentence.end)
        out.add(
            "defects",
            {
                "defect_id": _unique(f"{ctx.source_id}-weekday-{slug(phrase)}", used),
                "source_id": ctx.source_id,
                "defect": why(
                    "defect_weekday_text",
                    day=f"{day.day} {day:%B %Y}",
                    weekday=f"{day:%A}",
                    printed=phrase.rstrip("’s"),
                ),
                "excerpt": text_ex,
            },
            [why("defect_weekday")],
            rule="defect:weekday",
            span=span,
            confidence="high",
        )


def _source_row(ctx: Context, out: Proposal, sents: Sentences) -> None:
    if ctx.source_id in ctx.existing_ids.get("sources", set()):
        return
    start, end = sents.headline
    headline = ctx.article.text[start:end].strip()
    lines = [line.strip() for line in ctx.article.text[end : end + 2000].splitlines() if line.strip()]
    byline = next((line[3:].strip() for line in lines[:5] if re.match(r"^By [A-Z]", line)), "")
    label = f"{byline.split()[-1]} article (outlet not named)" if byline else ""
    out.add(
        "sources",
        {
            "source_id": ctx.source_id,
            "outlet": "unnamed outlet",
            "label": label,
            "outlet_basis": "not stated",
            "headline": headline,
            "byline": byline,
            "published": ctx.published.isoformat(),
            "published_basis": ctx.published_basis,
            "published_note": ctx.published_note,
            "document": ctx.article.path.name,
            "incident": ctx.incident,
            "contributes": "",
        },
        [why("source")],
        rule="source:first-line-after-notes",
        span=(start, end),
        confidence="medium",
    )


def _incident_row(
    ctx: Context,
    out: Proposal,
    pick: tuple[str, DateMention, Sentence] | None,
    first: tuple[DateMention, Sentence] | None,
    reading: plc.PlaceReading,
    sents: Sentences,
) -> None:
    if pick:
        kind, mention, sentence = pick
    elif first:
        kind, (mention, sentence) = "event", first
    else:
        kind, mention, sentence = "", None, (sents.items[0] if sents.items else ctx.article.sentences[0])
    place = plc.event_place(sentence.text, reading) or (reading.known[0] if reading.known else "")
    country = ""
    if place in set(ctx.places["place"]):
        country = ctx.places.set_index("place").loc[place, "country"]
    text_ex, span = excerpt(ctx.article, sentence.start, sentence.end)
    out.add(
        "incidents",
        {
            "incident": ctx.incident,
            "title": "",
            "start_date": mention.day.isoformat() if mention else ctx.published.isoformat(),
            "start_date_basis": mention.basis if mention else "inferred",
            "place": place,
            "country": country,
            "summary": "",
            "source_id": ctx.source_id,
            "excerpt": text_ex,
            "publication": "draft",
        },
        [
            why("incident"),
            why("incident_sentence", kind=kind, phrase=mention.phrase, start=span[0], end=span[1])
            if mention and kind
            else why("incident_none"),
            "" if place else why("incident_place"),
        ],
        rule=f"incident:{kind or 'first-sentence'}",
        span=span,
        confidence="medium" if pick else "low",
    )


# ------------------------------------------------------------------------------- inputs, output
def _published(value: str | None, article: Article) -> tuple[date, str, str, bool]:
    """Publication date, its basis and note, and whether the article prints it (from a date line)."""
    printed = printed_dates(article.text[:2000]) if _date_line(article.text) is not None else []
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


def load_context(
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
    speakers = quo.Speakers(
        {
            row["speaker"]: {k: row[k] for k in ("role", "institution", "group", "country") if isinstance(row[k], str)}
            for _, row in statements.iterrows()
        }
    )
    existing = {name: set(tables.load(name, data).iloc[:, 0]) for name in REVIEW_TABLES}
    metrics, figures = tables.load("metrics", data), tables.load("figures", data)
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
        metrics,
        figures,
        tables.load("places", data),
        existing,
        speakers,
        fig.MetricIndex.build(metrics, figures),
    )


def extract(
    article_path: Path,
    source_id: str,
    incident: str,
    out: Path,
    published: str | None = None,
    new_incident: bool = False,
    data: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, int], Proposal]:
    """Read the article, propose rows, write the review folder; the counts of rows per table."""
    from caravan_book.intake.io import write_review
    from caravan_book.settings import data_dir

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ParameterError(f"{out}: already exists; choose a new review folder with --out")
    article = read_article(article_path)
    ctx = load_context(article, source_id, incident, new_incident, published, (data or data_dir()).resolve())
    if progress is None and len(article.text) > LONG:
        progress = _progress_on_stderr
    proposal = propose(ctx, progress)
    if out.is_dir():
        out.rmdir()
    return write_review(proposal, article, out), proposal
