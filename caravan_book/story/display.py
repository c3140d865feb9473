"""Turn data rows into plain, attributed sentences (Markdown) for the notebooks.

Every string that comes from a data file goes through :func:`md`, so a row holding
``<script>`` or Markdown syntax shows as text and never as markup.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from caravan_book.data.kinds import DAY_OR_NEXT, ON_OR_AFTER, ON_OR_BEFORE, WEEK_SPANS
from caravan_book.data.kinds import PRECISION_ORDER as PRECISION_ORDER  # the pages' order of dates, re-exported
from caravan_book.story.escape import md as md  # re-exported: every page's escaping
from caravan_book.text.quotes import in_context
from caravan_book.text.vocabulary import PRINTED_QUALIFIERS

#: Marks a date the book worked out (from a weekday, say) instead of reading it in the article.
INFERRED = "†"
INFERRED_KEY = f"{INFERRED} A date marked {INFERRED} is worked out by the book; the article does not print it in full."


def _sic_words() -> dict[str, list[str]]:
    """source_id -> the words each article prints wrongly (``defects.csv`` rows whose id ends in ``-sic``)."""
    from caravan_book.data import tables

    rows = tables.load("defects")
    marked = rows[rows["defect_id"].str.endswith("-sic")]
    out: dict[str, list[str]] = {}
    for source, words in zip(marked["source_id"], marked["excerpt"], strict=False):
        out.setdefault(str(source), []).append(str(words))
    return out


def quoted(text, source_id) -> Markup:
    """The article's words, escaped like all data text, with [sic] after the words the article prints wrongly."""
    shown = md(text)
    for words in _sic_words().get(str(source_id), []):
        escaped = md(words)
        shown = shown.replace(escaped, escaped + " \\[sic\\]")
    return Markup(shown)


def code(text: str) -> str:
    """Data text shown as code (file names): Markdown still reads the text between two HTML tags, so it is
    escaped as :func:`md` escapes."""
    return f"<code>{md(text)}</code>"


def fmt_number(value) -> str:
    """1234567 -> '1,234,567'; 1.5 -> '1.5'."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


#: Precisions that bound a date on one side only: drawn from the bound with an open end, never with a made-up
#: first (or last) day. "reported" is a statement whose date the article does not give: on or before its date.
OPEN_BEFORE = ("before", ON_OR_BEFORE, "reported")
OPEN_AFTER = ("after", ON_OR_AFTER)


def date_text(
    when: pd.Timestamp,
    basis: str | None = None,
    precision: str | None = "day",
    weekday: bool = False,
    article: str | None = None,
) -> str:
    """The one display of a date, as precise as the article gives it, with † when the book worked it out.

    '25 November 2018' (with ``weekday``, 'Sunday 25 November 2018'), 'the week of 19–25 November 2018',
    'early September 2021', 'August 2021', '2018', 'before 6 November 2018'. A date known only to the month is
    never shown with a day (the data stores the first of the month as a placeholder). Prose, tables, chart
    marks and their tooltips, CSV downloads and handouts all print dates with this function. ``article`` is the
    precision of the reporting article's own date, for a "reported" date ('not stated; reported on 25 or 26
    November 2018').
    """
    from caravan_book.story.templates import render_text  # templates imports this module

    end = date_span(when, precision)[1] if precision in WEEK_SPANS else when
    nxt = when + pd.Timedelta(days=1)
    return render_text(
        "common/date.txt.j2",
        precision=precision if isinstance(precision, str) else "day",
        next_day=nxt.day,
        next_month=f"{nxt:%B}",
        next_year=nxt.year,
        reported=date_text(when, None, article) if precision == "reported" and article else None,
        day=when.day,
        month=f"{when:%B}",
        year=when.year,
        end_day=end.day,
        end_month=f"{end:%B}",
        end_year=end.year,
        weekday=f"{when:%A}" if weekday else None,
        mark=INFERRED if basis == "inferred" else "",
    )


def date_span(when: pd.Timestamp, precision: str | None = "day") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a date can mean: a chart draws a day as a point and anything vaguer as this span.

    A one-sided bound has no first day (``NaT``: "before 6 November" ends on 5 November, "on or before" on the
    day itself) or no last day ("after 20 January" starts on the 21st); "day or next" is the two days.
    """
    if precision == "year":
        return when, when + pd.offsets.YearEnd(0)
    if precision == "month":
        return when, when + pd.offsets.MonthEnd(0)
    if precision == "early month":
        return when, when + pd.Timedelta(days=9)
    if precision in WEEK_SPANS:
        return when, when + pd.Timedelta(days=WEEK_SPANS[precision])
    if precision == "before":
        return pd.NaT, when - pd.Timedelta(days=1)
    if precision in OPEN_BEFORE:
        return pd.NaT, when
    if precision == ON_OR_AFTER:
        return when, pd.NaT
    if precision in OPEN_AFTER:
        return when + pd.Timedelta(days=1), pd.NaT
    if precision == DAY_OR_NEXT:
        return when, when + pd.Timedelta(days=1)
    return when, when


def event_date(row, weekday: bool = False) -> str:
    """The display of a row's own date (an event or a statement: ``date``, ``date_basis``, ``date_precision``)."""
    article = row.get("published_precision") if row.get("date_precision") == "reported" else None
    return date_text(
        row["date"],
        row.get("date_basis"),
        row.get("date_precision"),
        weekday=weekday,
        article=article if isinstance(article, str) else None,
    )


def weekday_printed(when: pd.Timestamp, rows) -> bool:
    """Whether an article prints the weekday of this day (the book adds no weekday an article does not give)."""
    return any(f"{when:%A}" in str(r.get("excerpt", "")) for _, r in rows.iterrows())


def fmt_date(when: pd.Timestamp, basis: str | None = None, precision: str | None = "day") -> str:
    """A date as :func:`date_text` shows it (the name other pages use)."""
    return date_text(when, basis, precision)


def outlet_name(row) -> str:
    """How the book names an article: its short label (see sources.csv)."""
    label = row.get("label") if hasattr(row, "get") else None
    return label if isinstance(label, str) else str(row["outlet"])


def article_phrase(row) -> str:
    """How a sentence names an article (``common/article.md.j2``): the outlet's label, or, when the text names no
    outlet, 'an article by Daniel Herborn (outlet not named)' / 'an unsigned article (outlet not named)'."""
    from caravan_book.story.templates import render

    byline = row.get("byline")
    name = outlet_name(row)
    return render(
        "common/article.md.j2",
        basis=row.get("outlet_basis"),
        byline=byline if isinstance(byline, str) and byline.strip() else None,
        outlet=name,
        upper=name.isupper(),  # "the BBC"
    ).strip()


def capital(text: str) -> str:
    """The text with its first letter in capitals (for a sentence that opens with a name)."""
    return text[:1].upper() + text[1:]


def cite(row) -> str:
    """A short citation: the article's label and its publication date (marked if inferred)."""
    return f"{md(outlet_name(row))}, {published_date(row)}"


def published_date(row) -> str:
    """The one display of an article's own date, as precise as the book can give it ('25 or 26 November 2018†')."""
    precision = row.get("published_precision")
    return date_text(row["published"], row["published_basis"], precision if isinstance(precision, str) else "day")


def article(word: str) -> str:
    """'a' or 'an' before a word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def printed(row) -> str:
    """The article's own phrase for a figure (``as_printed``), in quotation marks, number in bold."""
    phrase = md(row["as_printed"])
    number = md(row["value_text"])
    return "“" + phrase.replace(number, f"**{number}**", 1) + "”"


def speaker_of_figure(row) -> str:
    """Who gives a number: the person or body the article names, or the article in its own voice."""
    from caravan_book.story.templates import render

    claimant = row["attributed_to"] if isinstance(row["attributed_to"], str) else None
    return render("common/figure-speaker.md.j2", claimant=claimant, article=Markup(article_phrase(row))).strip()


def figure_sentence(row) -> str:
    """'Mexico's Interior Ministry, according to the BBC: “nearly 500 migrants” (November 2018†).'

    A figure's date is shown to the day only when the article states it; a worked-out date is shown
    by month, since it is often a placeholder ("earlier this month" is stored as the 1st).
    """
    when = f" ({figure_date(row)})" if "as_of" in row else ""
    return f"{capital(speaker_of_figure(row))}: {printed(row)}{when}."


def figure_date(row) -> str:
    """The one display of a figure's date: a fiscal year's total by its months ("fiscal year 2021: October 2020
    to September 2021"), never a made-up last day; another figure to the day only when the article states it,
    else by month with its †."""
    from caravan_book.story.templates import render_text  # templates imports this module

    when = pd.Timestamp(row["as_of"])
    year = when.year + 1 if when.month >= 10 else when.year
    return render_text(
        "common/figure-date.txt.j2",
        fiscal_year=year if str(row.get("metric", "")).endswith("_fiscal_year") else None,
        first=date_text(pd.Timestamp(year - 1, 10, 1), None, "month"),
        last=date_text(pd.Timestamp(year, 9, 1), None, "month"),
        when=date_text(when, _figure_basis(row, when), _figure_precision(row)),
    ).strip()


def _figure_precision(row) -> str:
    """How precisely a figure's date is shown: its own ``as_of_precision`` when the data gives one ("before" 6
    November), else to the day when the article states it and by month when the book worked it out."""
    precision = row.get("as_of_precision")
    if isinstance(precision, str) and precision:
        return precision
    return "day" if row.get("as_of_basis") == "stated" else "month"


def _figure_basis(row, when: pd.Timestamp) -> str | None:
    """A figure's date shown by its month is printed, not worked out (no †), when the article prints its own
    date in that month ('Posted on November 26, 2018' prints November 2018)."""
    basis = row.get("as_of_basis")
    published = row.get("published")
    printed = row.get("published_basis") == "stated" and isinstance(published, pd.Timestamp)
    by_month = _figure_precision(row) == "month"
    if basis != "stated" and by_month and printed and (published.year, published.month) == (when.year, when.month):
        return "stated"
    return basis


def printed_qualifier(row) -> str | None:
    """The article's own qualifier word before the number ('Roughly', 'around', 'almost'), if any."""
    phrase, number = str(row["as_printed"]), str(row["value_text"])
    before = phrase[: phrase.find(number)].rstrip()
    for word in PRINTED_QUALIFIERS:
        if before.lower().endswith(word) and (len(before) == len(word) or not before[-len(word) - 1].isalpha()):
            return before[-len(word) :]
    return None


def quote_block(row) -> str:
    """A statement with speaker, role, channel, date and source (words in ``common/quote.md.j2``).

    A direct quotation of some length is the speaker's own words, in quotation marks. Reported speech and short
    fragments are shown as the article's whole sentence, in quotation marks and named as the article's, so the
    article's summary (and any loaded word in it) is never printed as the book's own words.
    """
    from caravan_book.story.templates import render  # the templates module uses md() from here

    return render(
        "common/quote.md.j2",
        speaker=row["speaker"],
        role=row["role"] if isinstance(row.get("role"), str) else None,
        channel=row["channel"],
        via=row["attributed_via"] if isinstance(row.get("attributed_via"), str) else None,
        when=event_date(row),
        sentence=in_context(row) or not isinstance(row.get("quote"), str),
        text=quoted(
            row["excerpt"] if in_context(row) or not isinstance(row.get("quote"), str) else row["quote"],
            row["source_id"],
        ),
        article=Markup(article_phrase(row)),
        cite=Markup(cite(row)),
    ).strip()


def bullet_list(items) -> str:
    return "\n".join(f"- {item}" for item in items)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{fmt_number(count)} {singular if count == 1 else (plural_form or singular + 's')}"


def reading_minutes(words: int, per_minute: int = 200) -> int:
    return max(1, round(words / per_minute))
