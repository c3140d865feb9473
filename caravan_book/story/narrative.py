"""The book's prose, built from the data: every sentence that carries a fact names its source.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.prose.md`, so it shows as text and never as markup.
"""

from __future__ import annotations

import contextlib
import html

import pandas as pd

from caravan_book import queries
from caravan_book.params import Selection, select
from caravan_book.prose import (
    INFERRED_KEY,
    article_phrase,
    bullet_list,
    capital,
    cite,
    code,
    figure_sentence,
    fmt_date,
    fmt_number,
    in_context,
    md,
    outlet_name,
    plural,
    printed,
    quote_block,
    speaker_of_figure,
)
from caravan_book.render import medium
from caravan_book.schemas import GROUPS


def metric_label(metric: str) -> str:
    """The plain-English name of a metric (metrics.csv), or of a 'metric (Month YYYY)' quantity."""
    name, _, period = metric.partition(" (")
    label = queries.metric_labels().get(name, name.replace("_", " "))
    return md(label + (f" ({period}" if period else ""))


def collapsible(title: str, body: str) -> str:
    """A section the reader opens: a dropdown on the site, details on a page, plain text in print."""
    kind = medium()
    if kind == "print":
        return f"**{title}**\n\n{body}"
    if kind == "page":
        return f"<details><summary>{title}</summary>\n\n{body}\n\n</details>"
    return f":::{{dropdown}} {title}\n{body}\n:::"


def source_list(sel: Selection) -> str:
    rows = queries.sources(sel)
    return bullet_list(f"{cite(r)}: “{md(r['headline'])}”" for _, r in rows.iterrows())


# ---------------------------------------------------------------- what happened
def lead(sel: Selection) -> str:
    info = queries.incident(sel)
    events = queries.timeline(sel)
    count = len(sel.sources)
    inferred = int((events["date_basis"] == "inferred").sum())
    articles = "one article" if count == 1 else f"{plural(count, 'article')}"
    their = "it reports" if count == 1 else "they report"
    dates = (
        f"For {plural(inferred, 'event')}, {'the article does' if count == 1 else 'the articles do'} not print the "
        "full "
        "date: the book worked it out "
        "(for example from a weekday such as “Sunday”) and marks it †."
        if inferred
        else "Every date on this page is printed in the articles."
    )
    if events.empty:
        return (
            f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
            f"This page is built from {articles}. No events from {'it' if count == 1 else 'them'} are in the data "
            f"yet, so the sections below are empty.\n\n"
            f"{'The article' if count == 1 else 'The articles'} used here:\n\n{source_list(sel)}"
        )
    return (
        f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
        f"This page is built from {articles} and the {plural(len(events), 'event')} {their}. "
        f"Each event names the article it comes from. {dates}\n\n"
        f"{'The article' if count == 1 else 'The articles'} used here:\n\n{source_list(sel)}"
    )


def _story_key(event_id: str, source_id: str) -> str:
    """The event an id names, without its article: '2018-teargas-bbc' -> '2018-teargas'."""
    return event_id[: -len(source_id) - 1] if event_id.endswith("-" + source_id) else event_id


def _day_heading(day: pd.Timestamp, group: pd.DataFrame, weekday: bool = False) -> str:
    """A day's heading, or the month's when the articles give only the month."""
    basis = "inferred" if (group["date_basis"] == "inferred").all() else "stated"
    precision = "month" if (group["date_precision"] == "month").all() else "day"
    shown = fmt_date(day, basis, precision)
    return f"{day:%A} {shown}" if weekday and precision == "day" else shown


def _days(events: pd.DataFrame):
    """Events by day; events the articles date only by month are gathered under their month, before its days."""
    month_only = events["date_precision"] == "month"
    key = events["date"].where(~month_only, events["date"].dt.to_period("M").dt.to_timestamp())
    return events.groupby([key.rename("day"), (~month_only).rename("has_day")], sort=True)


def day_by_day(sel: Selection) -> str:
    """For each day (or month), its main events: the news first, one line per event however many articles report it."""
    events = queries.timeline(sel)
    if events.empty:
        return "No events are in the data for this selection yet."
    events["story"] = [_story_key(e, s) for e, s in zip(events["event_id"], events["source_id"], strict=False)]
    lines = []
    for (day, _), group in _days(events):
        top = group[group["prominence"] == group["prominence"].min()]
        items = []
        for _, story_rows in top.groupby("story", sort=False):
            first = story_rows.iloc[0]
            others = [outlet_name(r) for _, r in story_rows.iloc[1:].iterrows()]
            also = f" (also reported by {', '.join(md(o) for o in others)})" if others else ""
            items.append(f"{md(first['summary'])} — *{md(outlet_name(first))}*{also}")
        more = len(group) - len(top)
        tail = f" (and {plural(more, 'other event')} in the full list below)" if more else ""
        if len(items) == 1:
            lines.append(f"**{_day_heading(day, group)}**{tail}: {items[0]}")
        else:
            lines.append(f"**{_day_heading(day, group)}**{tail}:\n" + "\n".join(f"  - {item}" for item in items))
    return bullet_list(lines) + f"\n\n{INFERRED_KEY}"


def events_by_day(sel: Selection) -> str:
    """Every event with the article's own words, in a section the reader opens."""
    events = queries.timeline(sel)
    if events.empty:
        return ""
    blocks = []
    for (day, _), group in _days(events):
        items = []
        for _, e in group.iterrows():
            place = f" ({md(e['place'])})" if isinstance(e["place"], str) else ""
            items.append(f"{md(e['summary'])}{place} — *{md(outlet_name(e))}*: “{md(e['excerpt'])}”")
        blocks.append(f"**{_day_heading(day, group, weekday=True)}**\n\n" + bullet_list(items))
    title = f"All {plural(len(events), 'event')}, each with the article's own words"
    return collapsible(title, "\n\n".join(blocks))


def inferred_dates(sel: Selection) -> str:
    events = queries.timeline(sel)
    guessed = events[events["date_basis"] == "inferred"]
    if guessed.empty:
        return "Every date on this page is printed in the articles."
    items = [
        f"{fmt_date(e['date'], None, e['date_precision'])}: {md(e['summary'])} — "
        f"{md(e['date_note']) or 'the article gives no full date.'}"
        for _, e in guessed.iterrows()
    ]
    title = f"How the book dated {plural(len(guessed), 'event')} the articles do not fully date"
    return collapsible(title, bullet_list(items))


def stated_reasons(sel: Selection) -> str:
    """Why the migrants travelled, as the articles report it, each with the article's own words."""
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == "stated_reasons"]
    if rows.empty:
        return "The selected articles do not say why the migrants travelled."
    reasons = bullet_list(
        f"{md(capital(str(r['value'])))} — {capital(article_phrase(r))}: “{md(r['excerpt'])}”"
        for _, r in rows.iterrows()
    )
    carried = frame[frame["topic"] == "carried"]
    if carried.empty:
        return reasons
    return (
        reasons
        + "\n\nWhat they carried, which the articles report but which is not a stated reason:\n\n"
        + bullet_list(
            f"{md(capital(str(r['value'])))} — {capital(article_phrase(r))}: “{md(r['excerpt'])}”"
            for _, r in carried.iterrows()
        )
    )


# ---------------------------------------------------------------- numbers
def figures_table(sel: Selection) -> str:
    """Every number, the news first: what is counted, the article's own words, who gives it, the article."""
    frame = queries.figures(sel)
    lines = [
        "| What is counted | The article's words | Who gives the number | Article |",
        "| --- | --- | --- | --- |",
    ]
    for _, f in frame.iterrows():
        who = md(f["attributed_to"]) if isinstance(f["attributed_to"], str) else "the article, in its own voice"
        lines.append(f"| {md(f['metric_label'])} | {printed(f)} | {who} | {md(outlet_name(f))} |")
    return "\n".join(lines)


def disagreement_text(sel: Selection) -> str:
    frame = queries.disagreements(sel)
    if frame.empty:
        return (
            "The selected articles do not give different numbers for the same thing, so there is no "
            "disagreement to show here."
        )
    parts = []
    for quantity, group in frame.groupby("quantity", sort=False):
        versions = bullet_list(figure_sentence(r) for _, r in group.iterrows())
        parts.append(f"**{metric_label(quantity)}**\n\n{versions}")
    return (
        f"The sources give different numbers for {plural(frame['quantity'].nunique(), 'thing')}. "
        "The book keeps every version, each with who gave it and the article's own words, and does not "
        "average them: the sources counted at different moments, in different places, or passed on what "
        "someone else said.\n\n" + "\n\n".join(parts)
    )


def monthly_reported(sel: Selection) -> pd.DataFrame:
    """Article figures that are monthly border counts (to plot against CBP's table)."""
    frame = queries.figures(sel)
    return frame[frame["metric"] == "swb_encounters_month"].reset_index(drop=True)


def _month_count(month: pd.Timestamp) -> tuple[pd.Timestamp | None, int | None]:
    """The incident's month in CBP's table, or the latest month before it."""
    latest = queries.latest_month_until(month)
    return (latest, queries.encounters_in_month(latest)) if latest is not None else (None, None)


def monthly_text(sel: Selection) -> str:
    """The incident's month in CBP's table, and how it compares with the months before and after."""
    month = queries.incident_month(sel)
    first, last = queries.monthly_span()
    count = queries.encounters_in_month(month)
    if count is None:
        return (
            f"CBP's monthly table runs from {first:%B %Y} to {last:%B %Y}, so it does not include "
            f"{month:%B %Y}, the month of this incident."
        )
    around = queries.encounters_around(sel, months=6).set_index("months_from_incident")["total_swb_encounters"]
    text = (
        f"In {month:%B %Y}, the month of this incident, US Customs and Border Protection (CBP) counted "
        f"**{fmt_number(count)}** encounters at the Southwest border (fiscal year {queries.fiscal_year(month)})."
    )
    if -6 in around.index and 6 in around.index:
        before, after = int(around.loc[-6]), int(around.loc[6])
        text += f" Six months earlier the count was {fmt_number(before)}; six months later it was {fmt_number(after)}."
    return text


#: Short names of the ways of counting, for verdicts a student can repeat.
COUNTING_SHORT = {
    "total_swb_encounters": "all CBP encounters (Title 8 and Title 42, Border Patrol and ports of entry)",
    "usbp_total_encounters": "Border Patrol encounters (Title 8 and Title 42)",
    "usbp_title8_apprehensions": "Title 8 apprehensions alone",
}


def _counting_line(counted: tuple[str, str, int, bool, int | None], check: dict) -> str:
    """One official number used to test a claim, what it shows, and whether it bears the claim out."""
    column, when, official, holds, since = counted
    line = f"{capital(queries.COUNTINGS[column])}, {when}: **{fmt_number(official)}**"
    claimed = int(check["figure"]["value"])
    if check["test"] == "highest_since":
        year_count = queries.yearly_counts(column, check["fiscal_year"]).get(claimed)
        then = f" (fiscal year {claimed}: {fmt_number(year_count)})" if year_count is not None else ""
        if since is None:
            line += (
                f". That is higher than every earlier year in the tables, {claimed} included{then}: the highest "
                f"since {claimed}, and in fact a record, so the claim understates"
            )
        elif since < claimed:
            line += (
                f". That is higher than every year from {claimed} on{then}; the last year at or above it is "
                f"{since}, so the claim understates"
            )
        elif since > claimed:
            line += f". Fiscal year {since} was higher, so it is the highest only since {since}, not since {claimed}"
        else:
            line += f". The last year at or above it is {claimed}{then}"
    elif check["test"] == "peak_month":
        peak, count = check["compared"]
        line += (
            f". That is the highest month of fiscal year {check['fiscal_year']}"
            if peak.to_period("M") == pd.Timestamp(check["figure"]["as_of"]).to_period("M")
            else f". The highest month of fiscal year {check['fiscal_year']} was {peak:%B %Y} ({fmt_number(count)})"
        )
    elif check["test"] == "fell_from_month_before":
        before, count = check["compared"]
        change = (official - count) / count * 100
        line += f"; {before:%B %Y}: {fmt_number(count)}, so the count {'fell' if change < 0 else 'rose'} by "
        line += f"{abs(change):.1f}%"
    elif check["test"] in ("record", "highest_in_years"):
        if since is None:
            line += f". That is higher than every earlier year in the tables (from {check['first_year']})"
        else:
            line += f". Fiscal year {since} was higher"
    return line + (". This bears the claim out." if holds else ". This does not bear the claim out.")


def _verdict(check: dict) -> str:
    held = [COUNTING_SHORT[line[0]] for line in check["lines"] if line[3]]
    failed = [COUNTING_SHORT[line[0]] for line in check["lines"] if not line[3]]
    if check["verdict"] == "holds only if":
        return f"**Verdict: holds only if you count {' or '.join(held)}.** It does not hold for {' or '.join(failed)}."
    return f"**Verdict: {check['verdict']}.**"


def _claim_words(check: dict) -> str:
    """The article's words for a claim: its own phrase (claims.claim_words) or the figure's, in quotation marks."""
    words = check.get("claim_words")
    return f"“{md(words)}”" if isinstance(words, str) and words.strip() else printed(check["figure"])


def claims_text(sel: Selection) -> str:
    """Every claim of the articles that CBP's tables can test, with its source, the figures used and a verdict."""
    checks = queries.claim_checks(sel)
    if not checks:
        return (
            "The articles on this incident make no claim that CBP's tables can test (a monthly or yearly total, "
            "or a record). The chart below shows the Border Patrol's long yearly series for context."
        )
    parts = []
    for n, check in enumerate(checks, 1):
        f = check["figure"]
        note = f" {md(check['note'])}" if isinstance(check["note"], str) else ""
        if check["test"] in ("record", "highest_since", "highest_in_years"):
            note += (
                f" Up to fiscal year {check['last_yearly']}, the tables hold only the Border Patrol's yearly "
                "apprehensions, so each count below is compared with that series for those years."
            )
        lines = [_counting_line(counted, check) for counted in check["lines"]]
        parts.append(
            f"**Claim {n}.** {capital(speaker_of_figure(f))}: {_claim_words(check)}.{note}\n\n"
            + bullet_list(lines)
            + f"\n\n{_verdict(check)}"
        )
    return (
        f"The articles make {plural(len(checks), 'claim')} that CBP's tables can test. For each: the claim and who "
        "makes it, the official figures, and a verdict.\n\n"
        + "\n\n".join(parts)
        + "\n\n**Two cautions for every verdict.** Since March 2020, many people stopped at the border were expelled "
        "at once under Title 42, a public-health rule, instead of being apprehended under Title 8, the usual "
        "immigration law; the yearly table before 2020 holds only apprehensions. And CBP counts encounters, not "
        "people: someone expelled who tries again is counted again, which happened often under Title 42. So a "
        "“record” can depend on which count you use, and none of these counts is a number of different people."
    )


def record_claim(sel: Selection) -> tuple[pd.DataFrame, dict | None]:
    """The fiscal year of the articles' record claims, checked with queries.record_check (for the chart)."""
    checks = [c for c in queries.claim_checks(sel) if c["test"] in ("record", "highest_since", "highest_in_years")]
    if not checks:
        return pd.DataFrame(), None
    since = [c for c in checks if c["test"] == "highest_since"]
    last_year = int(queries.apprehensions_annual()["fiscal_year"].max())
    claim_year = int(since[0]["figure"]["value"]) if since else last_year
    return pd.DataFrame([c["figure"] for c in checks]), queries.record_check(claim_year, checks[0]["fiscal_year"])


# ---------------------------------------------------------------- responses
def _statement_blocks(rows: pd.DataFrame) -> list[str]:
    """Quote blocks; statements shown in the same article sentence are shown once."""
    blocks, shown = [], set()
    for _, r in rows.iterrows():
        key = (r["speaker"], r["source_id"], r["excerpt"])
        if in_context(r):
            if key in shown:
                continue
            shown.add(key)
        blocks.append(quote_block(r))
    return blocks


def responses_text(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return "The selected articles quote no one on this incident."
    parts = []
    for group, rows in frame.groupby("group", sort=False):
        intro = f"**{md(GROUPS[group])}** — {plural(len(rows), 'statement')}"
        quotes = "\n\n".join(_statement_blocks(rows))
        parts.append(f"{intro}\n\n{quotes}")
    return "\n\n---\n\n".join(parts) + f"\n\n{INFERRED_KEY}"


def responses_lead(sel: Selection) -> str:
    """Each group's leading statement, one per group, so every side is heard before the full lists."""
    frame = queries.statements(sel)
    if frame.empty:
        return ""
    items = []
    for group, rows in frame.groupby("group", sort=False):
        first = rows.iloc[0]
        items.append(f"**{md(GROUPS[group])}**\n\n{quote_block(first)}")
    return (
        "First, one statement from each group the articles quote, the one the articles give most weight to, "
        "so that every side is heard before the full lists:\n\n" + "\n\n".join(items)
    )


#: How a channel reads after a count ("5 at a town hall"); ``statement`` also covers words whose channel the
#: article does not give (see data/README.md).
CHANNEL_PHRASES = {
    "statement": "in statements or without saying how",
    "tweet": "on Twitter",
    "interview": "in interviews",
    "press briefing": "at press briefings",
    "town hall": "at a town hall",
    "chant": "chanted",
    "speech": "in speeches",
    "report": "in reports",
}


def responses_summary(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return (
            f"No statements from {'this article' if len(sel.sources) == 1 else 'these articles'} are in the data yet."
        )
    counts = frame.groupby("group", sort=False).size()
    items = [f"{md(GROUPS[g])}: {plural(int(n), 'statement')}" for g, n in counts.items()]
    channels = frame["channel"].value_counts()
    by_channel = "; ".join(f"{fmt_number(int(n))} {CHANNEL_PHRASES.get(c, md(c))}" for c, n in channels.items())
    direct = int((frame["quote_kind"] == "direct").sum())
    return (
        f"The {'article reports' if len(sel.sources) == 1 else 'articles report'} "
        f"{plural(len(frame), 'statement')} by {plural(frame['speaker'].nunique(), 'speaker')}. "
        f"{plural(direct, 'statement')} {'is' if direct == 1 else 'are'} quoted in the speaker's own words, shown in "
        f"quotation marks; the other {fmt_number(len(frame) - direct)} {'is' if len(frame) - direct == 1 else 'are'} "
        "the article's own summary of what was said, shown as such.\n\n"
        f"By group:\n\n{bullet_list(items)}\n\nHow the words reached the articles: {by_channel}. "
        "A statement printed in two articles is listed once for each article, so you can compare their wording."
    )


# ---------------------------------------------------------------- discussion questions
def discussion(section: str, sel: Selection | None = None) -> str:
    """Discussion questions that fit the page's selection (one article or several)."""
    several = sel is None or len(sel.sources) > 1
    questions = {
        "narrative": [
            "Which events on this page did a reporter see, and which did they learn from officials or agencies? How "
            "can you tell?",
            "If you only had one of these articles, what would you miss?"
            if several
            else "This page uses a single article. What would you want a second source to confirm?",
            "Pick one event reported by two articles. Do they describe it with the same words? Why might they differ?"
            if several
            else "The article dates some events only roughly (a weekday, a month). How would the story change if you "
            "knew the exact day?",
        ],
        "numbers": [
            "Why might a reporter write “about” or “at least” instead of an exact number?",
            "When two sources disagree, should a news story pick one number? What else could it do?",
            "A record claim can be true for one way of counting and false for another. Why does it matter what is "
            "counted?",
        ],
        "responses": [
            "Do the governments and the migrants describe the same events in the same way? Give an example.",
            "What is the difference between a speaker's own words in quotation marks and an article's summary of "
            "what they said?",
            "Whose voices are missing from these articles?",
        ],
        "comparison": [
            "Which differences between the two caravans come from the places, and which from the governments of the "
            "time?",
            "The articles about the two caravans come from different outlets. How might that shape the comparison?",
            "What would you want to know that none of the articles tells us?",
        ],
    }[section]
    return (
        "These questions have no single right answer. Talk them through with a partner, and point to the "
        "line of the page that supports what you say.\n\n" + "\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1))
    )


# ---------------------------------------------------------------- comparison
def _h(text) -> str:
    """Data text for a raw HTML table: whitespace collapsed, HTML escaped (Markdown is not parsed there)."""
    return html.escape(" ".join(str(text).split()), quote=False)


def _article_html(row) -> str:
    if row.get("outlet_basis") == "not stated":
        byline = row.get("byline")
        return (
            f"an article by {_h(byline)} (outlet not named)"
            if isinstance(byline, str)
            else "an unsigned article (outlet not named)"
        )
    name = outlet_name(row)
    return ("the " if name.isupper() else "") + _h(name)


def _cell(items: list[str]) -> str:
    if not items:
        return "not reported"
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _facts_cell(sel: Selection, topic: str) -> str:
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == topic]
    return _cell([f"{_h(r['value'])} — {_article_html(r)}" for _, r in rows.iterrows()])


def _figure_html(row) -> str:
    """'Group at the border fence: “nearly 500 migrants”, Mexico's Interior Ministry according to BBC'."""
    if isinstance(row["attributed_to"], str):
        who = f"{_h(row['attributed_to'])}, according to {_article_html(row)}"
    else:
        who = _article_html(row)
    return f"{_h(row['metric_label'])}: “{_h(row['as_printed'])}” — {who}"


def _figures_cell(sel: Selection, metrics: list[str]) -> str:
    frame = queries.figures(sel)
    rows = frame[frame["metric"].isin(metrics)]
    return _cell([_figure_html(r) for _, r in rows.iterrows()])


def _statements_cell(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    return _cell([f"{_h(GROUPS[g])}: {int(n)}" for g, n in counts.items()])


def _border_cell(sel: Selection) -> str:
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    first, last = queries.monthly_span()
    if count is None:
        return f"not in CBP's monthly table ({first:%B %Y} to {last:%B %Y})"
    items = [f"{month:%B %Y}: {fmt_number(count)}"]
    fy = queries.fiscal_year(month)
    with contextlib.suppress(KeyError):
        items.append(f"fiscal year {fy}: {fmt_number(queries.encounters_fiscal_year(fy)['total_swb_encounters'])}")
    return _cell(items) + "(CBP, all encounters at the Southwest border)"


def comparison_table(left: Selection, right: Selection) -> str:
    """The two incidents side by side, as an HTML table whose row labels are row headers.

    The rows that show article figures come from ``metrics.compare_group``, so the comparison works
    for any two incidents in the data.
    """
    li, ri = queries.incident(left), queries.incident(right)
    rows = [
        ("Place", _h(li["place"]), _h(ri["place"])),
        (
            "Date",
            fmt_date(li["start_date"], li["start_date_basis"]),
            fmt_date(ri["start_date"], ri["start_date_basis"]),
        ),
    ]
    for group, metrics in queries.compare_groups().items():
        a, b = _figures_cell(left, metrics), _figures_cell(right, metrics)
        if a != "not reported" or b != "not reported":
            rows.append((_h(group), a, b))
    rows += [
        ("Force used", _facts_cell(left, "force_used"), _facts_cell(right, "force_used")),
        ("Who is quoted (statements)", _statements_cell(left), _statements_cell(right)),
        ("US administration", _facts_cell(left, "us_administration"), _facts_cell(right, "us_administration")),
        ("US response", _facts_cell(left, "us_response"), _facts_cell(right, "us_response")),
        ("Mexico's response", _facts_cell(left, "mexico_response"), _facts_cell(right, "mexico_response")),
        ("Where the group came from", _facts_cell(left, "origin"), _facts_cell(right, "origin")),
        ("Where it was heading", _facts_cell(left, "destination"), _facts_cell(right, "destination")),
        ("Why they said they travelled", _facts_cell(left, "stated_reasons"), _facts_cell(right, "stated_reasons")),
        ("Banners and flags they carried", _facts_cell(left, "carried"), _facts_cell(right, "carried")),
        ("Border encounters in the incident's month and fiscal year", _border_cell(left), _border_cell(right)),
    ]
    rows = [row for row in rows if row[1] != "not reported" or row[2] != "not reported"]
    head = (
        '<table class="table caravan-compare">\n<thead><tr><td></td>'
        f'<th scope="col">{_h(li["title"])}</th><th scope="col">{_h(ri["title"])}</th></tr></thead>\n<tbody>\n'
    )
    body = "".join(f'<tr><th scope="row">{label}</th><td>{a}</td><td>{b}</td></tr>\n' for label, a, b in rows)
    return head + body + f"</tbody>\n</table>\n\n{INFERRED_KEY}"


def _first_fact(sel: Selection, topic: str) -> pd.Series | None:
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == topic]
    return None if rows.empty else rows.iloc[0]


def comparison_text(left: Selection, right: Selection) -> str:
    li, ri = queries.incident(left), queries.incident(right)
    years = round((ri["start_date"] - li["start_date"]).days / 365.25)
    paragraphs = []
    where = (
        f"**Where.** The first incident happened in {md(li['place'])} ({md(li['country'])}) and the second in "
        f"{md(ri['place'])} ({md(ri['country'])}), {plural(abs(years), 'year')} apart"
    )
    if li["place"] != ri["place"]:
        distance = round(queries.distance_km(li["place"], ri["place"]), -2)
        where += f" and about {fmt_number(distance)} km apart in a straight line"
    where += ". Where a group is decides which government's officers it meets."
    paragraphs.append(where)
    first_admin, second_admin = _first_fact(left, "us_administration"), _first_fact(right, "us_administration")
    if first_admin is not None and second_admin is not None:
        paragraphs.append(
            "**Who governed.** According to the articles, the first happened under the "
            f"{md(first_admin['value'])} and the second under the {md(second_admin['value'])}. "
            "The statements page of each incident shows what each government said."
        )
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    (lshown, lc), (rshown, rc) = _month_count(lm), _month_count(rm)
    if lc is not None and rc is not None:
        frame = queries.encounters_monthly()
        title42 = {
            shown: int(frame[(frame["month_start"] == shown) & (frame["authority"] == "Title 42")]["encounters"].sum())
            for shown in (lshown, rshown)
        }
        counting = " ".join(
            f"Of the {fmt_number(count)} in {shown:%B %Y}, {fmt_number(title42[shown])} were Title 42 expulsions, a "
            "public-health rule used from March 2020 to May 2023."
            for shown, count in ((lshown, lc), (rshown, rc))
            if title42[shown]
        )
        if counting and not all(title42.values()):
            counting += " So the two months are not counted in the same way."
        ratio = rc / lc
        comparison = f"about {ratio:.1f} times as many" if ratio >= 1 else f"about {1 / ratio:.1f} times fewer"
        paragraphs.append(
            f"**Border numbers.** CBP counted {fmt_number(lc)} Southwest border encounters in {lshown:%B %Y} and "
            f"{fmt_number(rc)} in {rshown:%B %Y}, {comparison}. {counting}".rstrip()
        )
    return "\n\n".join(paragraphs)


# ---------------------------------------------------------------- methods
def sources_table() -> str:
    from caravan_book import tables

    sources = tables.load("sources")
    counts = {name: tables.load(name).groupby("source_id").size() for name in ("events", "figures", "facts")}
    # statements as the responses pages show them (one block per article sentence), so the counts agree
    shown = [queries.statements(select(i, "all", None)) for i in tables.load("incidents")["incident"]]
    counts["statements"] = pd.concat(shown).groupby("source_id").size()
    lines = [
        "| Article | Published | Events | Figures | Statements | Comparison facts | What it contributes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, s in sources.sort_values("published").iterrows():
        n = {k: int(v.get(s["source_id"], 0)) for k, v in counts.items()}
        byline = f", by {md(s['byline'])}" if isinstance(s["byline"], str) else ""
        lines.append(
            f"| **{md(outlet_name(s))}**{byline}: “{md(s['headline'])}” (id for re-running a page: "
            f"{code(s['source_id'])}) | "
            f"{fmt_date(s['published'], s['published_basis'])} | {n['events']} | {n['figures']} | "
            f"{n['statements']} | {n['facts']} | {md(s['contributes'])} |"
        )
    return (
        "\n".join(lines)
        + "\n\n*Events* are dated happenings for the timelines; *figures* are numbers as printed; *statements* are "
        "what someone said, in their own words or as the article sums it up; *comparison facts* are short "
        "descriptions (who governed, the force used, where the group came from) used to compare the two caravans.\n\n"
        + INFERRED_KEY
    )


def publication_notes() -> str:
    from caravan_book import tables

    sources = tables.load("sources")
    rows = sources[sources["published_basis"] == "inferred"]
    return bullet_list(f"**{md(outlet_name(s))}**: {md(s['published_note'])}" for _, s in rows.iterrows())


def defects_list() -> str:
    from caravan_book import tables

    labels = tables.load("sources").set_index("source_id")["label"]
    rows = tables.load("defects").sort_values(["source_id", "defect_id"])
    return bullet_list(
        f"**{md(labels[r['source_id']])}**: {md(r['defect'])} As printed: “{md(r['excerpt'])}”"
        for _, r in rows.iterrows()
    )


def provenance_list() -> str:
    from caravan_book import tables

    items = []
    for _, r in tables.load("provenance").iterrows():
        checks = f" {md(r['checks'])}" if isinstance(r["checks"], str) else ""
        items.append(
            f"{code(r['file'])}: {md(r['title'].rstrip('.'))}. Publisher: {md(r['publisher'])}. Taken from "
            f"{md(r['repository'])}, {code(r['path'])} (version {code(r['version'])}).{checks}"
        )
    return bullet_list(items)


def data_counts_text() -> str:
    from caravan_book import tables

    names = {
        "sources": "articles",
        "events": "events",
        "figures": "figures",
        "statements": "statements",
        "facts": "comparison facts",
        "claims": "claims checked against CBP's tables",
        "places": "places",
        "defects": "known source defects",
    }
    counts = ", ".join(f"{fmt_number(len(tables.load(n)))} {label}" for n, label in names.items())
    return (
        f"The data folder holds {counts}. Each file and column is described in the data folder's README, and "
        "`caravan-book check` validates them all."
    )
