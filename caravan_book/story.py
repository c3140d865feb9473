"""The book's prose, built from the data: every sentence that carries a fact names its source.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.prose.md`, so it shows as text and never as markup.
"""

from __future__ import annotations

import pandas as pd

from caravan_book import queries
from caravan_book.params import Selection
from caravan_book.prose import (
    INFERRED_KEY,
    bullet_list,
    cite,
    code,
    figure_phrase,
    figure_sentence,
    fmt_date,
    fmt_number,
    md,
    outlet_name,
    plural,
    quote_block,
)
from caravan_book.render import medium
from caravan_book.schemas import GROUPS

#: Figures that describe how many people were in the group, for the comparison.
GROUP_SIZE_METRICS = ("caravan_size", "crowd_at_border_fence", "marchers_to_border", "caravan_migrants_at_border")
#: Figures that describe the force or personnel facing the group.
FORCE_METRICS = ("us_troops_at_border", "checkpoint_officers")


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
        f"For {plural(inferred, 'event')}, the articles do not print the full date: the book worked it out "
        "(for example from a weekday such as “Sunday”) and marks it †."
        if inferred
        else "Every date on this page is printed in the articles."
    )
    return (
        f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
        f"This page is built from {articles} and the {plural(len(events), 'event')} {their}. "
        f"Each event names the article it comes from. {dates}\n\n"
        f"{'The article' if count == 1 else 'The articles'} used here:\n\n{source_list(sel)}"
    )


def day_by_day(sel: Selection) -> str:
    """One line a day: the first event each day, as a short overview."""
    events = queries.timeline(sel)
    lines = []
    for day, group in events.groupby("date", sort=True):
        first = group.iloc[0]
        basis = "inferred" if (group["date_basis"] == "inferred").all() else "stated"
        more = f" (and {plural(len(group) - 1, 'more event')})" if len(group) > 1 else ""
        lines.append(f"**{fmt_date(day, basis)}**: {md(first['summary'])} — *{md(outlet_name(first))}*{more}")
    return bullet_list(lines) + f"\n\n{INFERRED_KEY}"


def events_by_day(sel: Selection) -> str:
    """Every event with the article's own words, in a section the reader opens."""
    events = queries.timeline(sel)
    blocks = []
    for day, group in events.groupby("date", sort=True):
        basis = "inferred" if (group["date_basis"] == "inferred").all() else "stated"
        items = []
        for _, e in group.iterrows():
            place = f" ({md(e['place'])})" if isinstance(e["place"], str) else ""
            items.append(f"{md(e['summary'])}{place} — *{md(outlet_name(e))}*: “{md(e['excerpt'])}”")
        blocks.append(f"**{day:%A} {fmt_date(day, basis)}**\n\n" + bullet_list(items))
    title = f"All {plural(len(events), 'event')}, each with the article's own words"
    return collapsible(title, "\n\n".join(blocks))


def inferred_dates(sel: Selection) -> str:
    events = queries.timeline(sel)
    guessed = events[events["date_basis"] == "inferred"]
    if guessed.empty:
        return "Every date on this page is printed in the articles."
    items = [
        f"{fmt_date(e['date'])}: {md(e['summary'])} — {md(e['date_note']) or 'the article gives no full date.'}"
        for _, e in guessed.iterrows()
    ]
    return collapsible(f"How the book dated {plural(len(guessed), 'event')} the articles do not fully date", bullet_list(items))


# ---------------------------------------------------------------- numbers
def figures_table(sel: Selection) -> str:
    frame = queries.figures(sel)
    lines = ["| What is counted | As printed | Who gives the number | Article |", "| --- | --- | --- | --- |"]
    for _, f in frame.iterrows():
        who = md(f["attributed_to"]) if isinstance(f["attributed_to"], str) else "the article itself"
        lines.append(f"| {md(f['metric_label'])} | {figure_phrase(f)} | {who} | {md(outlet_name(f))} |")
    return "\n".join(lines)


def disagreement_text(sel: Selection) -> str:
    frame = queries.disagreements(sel)
    if frame.empty:
        return (
            "The selected articles do not give different numbers for the same thing, so there is no "
            "disagreement to show here."
        )
    parts = []
    for quantity, group in frame.groupby("quantity", sort=True):
        versions = bullet_list(figure_sentence(r) for _, r in group.iterrows())
        parts.append(f"**{metric_label(quantity)}**\n\n{versions}")
    return (
        f"The sources give different numbers for {plural(frame['quantity'].nunique(), 'thing')}. "
        "The book keeps every version, each with its source, and does not average them: the sources "
        "counted at different moments, in different places, or passed on what someone else said.\n\n"
        + "\n\n".join(parts)
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
    month = queries.incident_month(sel)
    shown, count = _month_count(month)
    parts = []
    if count is not None and shown == month:
        parts.append(
            f"In {month:%B %Y}, the month of this incident, US Customs and Border Protection (CBP) counted "
            f"**{fmt_number(count)}** encounters at the Southwest border, according to its monthly table "
            f"(fiscal year {queries.fiscal_year(month)})."
        )
    elif count is not None:
        parts.append(
            f"CBP's monthly table ends before {month:%B %Y}, the month of this incident. Its last month, "
            f"{shown:%B %Y}, counts **{fmt_number(count)}** encounters at the Southwest border."
        )
    for _, f in monthly_reported(sel).iterrows():
        table = queries.encounters_in_month(f["as_of"].to_period("M").to_timestamp())
        if table is None:
            continue
        parts.append(
            f"{md(outlet_name(f))} reported {figure_phrase(f)} for {f['as_of']:%B %Y}; "
            f"CBP's table gives {fmt_number(table)} for that month."
        )
    return "\n\n".join(parts) or "CBP's monthly table does not cover this incident's dates."


def record_claim(sel: Selection) -> tuple[pd.DataFrame, dict | None]:
    claims = queries.claim_rows(sel, "since 1986")
    if claims.empty:
        return claims, None
    as_of = claims["as_of"].iloc[0]
    return claims, queries.record_check(1986, queries.fiscal_year(as_of))


def record_claim_text(sel: Selection) -> str:
    claims, check = record_claim(sel)
    if check is None:
        fy = queries.fiscal_year(queries.incident_month(sel))
        return (
            "The articles on this incident make no record claim. The chart shows the Border Patrol's long "
            f"annual series for context, with fiscal year {fy}, the year of the incident, marked."
        )
    claim = claims.iloc[0]
    fy = check["fiscal_year"]
    return (
        f"{md(outlet_name(claim))} wrote: “{md(claim['excerpt'])}” How does that compare with the official tables?\n\n"
        + bullet_list(
            [
                f"CBP's monthly table adds up to **{fmt_number(check['usbp_encounters'])}** Border Patrol encounters "
                f"at the Southwest border in fiscal year {fy} (October {fy - 1} to September {fy}), and "
                f"**{fmt_number(check['cbp_encounters'])}** when encounters at ports of entry are added.",
                f"Of the Border Patrol's {fmt_number(check['usbp_encounters'])}, **{fmt_number(check['usbp_title42'])}** "
                f"were Title 42 expulsions (a public-health rule in force since March 2020) and "
                f"**{fmt_number(check['usbp_title8'])}** were Title 8 apprehensions, the kind of count the older table holds.",
                f"The Border Patrol's annual table gives **{fmt_number(check['claim_year_apprehensions'])}** apprehensions "
                f"in fiscal year {check['claim_year']}, and its highest year is {check['peak_year']} with "
                f"**{fmt_number(check['peak_apprehensions'])}**.",
            ]
        )
        + "\n\n"
        + (
            f"So the all-encounters figure for {fy} is above every year in the annual table, including "
            f"{check['claim_year']} and {check['peak_year']}. "
            if not check["years_at_or_above"]
            else f"So the annual table has years at or above the {fy} figure: "
            + ", ".join(str(y) for y in check["years_at_or_above"])
            + ". "
        )
        + "But the two numbers are not counted the same way: the recent one includes Title 42 expulsions, which "
        "did not exist before 2020, and people caught more than once count each time. Counting only Title 8 "
        f"apprehensions, fiscal year {fy} would sit below "
        + plural(len(check["title8_years_at_or_above"]), "earlier year")
        + " in the table. Whether the claim holds depends on what is counted, which the article does not say."
    )


# ---------------------------------------------------------------- responses
def responses_text(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return "The selected articles quote no one on this incident."
    parts = []
    for group, rows in frame.groupby("group", sort=False):
        intro = f"**{md(GROUPS[group])}** — {plural(len(rows), 'statement')}"
        quotes = "\n\n".join(quote_block(r) for _, r in rows.iterrows())
        parts.append(f"{intro}\n\n{quotes}")
    return "\n\n---\n\n".join(parts) + f"\n\n{INFERRED_KEY}"


def responses_summary(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    items = [f"{md(GROUPS[g])}: {plural(int(n), 'statement')}" for g, n in counts.items()]
    channels = frame["channel"].value_counts()
    by_channel = ", ".join(f"{plural(int(n), md(c))}" for c, n in channels.items())
    direct = int((frame["quote_kind"] == "direct").sum())
    return (
        f"The {'article reports' if len(sel.sources) == 1 else 'articles report'} "
        f"{plural(len(frame), 'statement')} by {plural(frame['speaker'].nunique(), 'speaker')}. "
        f"{plural(direct, 'statement')} {'is' if direct == 1 else 'are'} quoted in the speaker's own words, shown in "
        f"quotation marks; the other {fmt_number(len(frame) - direct)} {'is' if len(frame) - direct == 1 else 'are'} "
        "the article's own summary of what was said, shown as such.\n\n"
        f"By group:\n\n{bullet_list(items)}\n\nBy channel: {by_channel}. A statement printed in two articles is "
        "listed once for each article, so you can compare their wording."
    )


# ---------------------------------------------------------------- discussion questions
def discussion(section: str, sel: Selection | None = None) -> str:
    """Discussion questions that fit the page's selection (one article or several)."""
    several = sel is None or len(sel.sources) > 1
    questions = {
        "narrative": [
            "Which events on this page did a reporter see, and which did they learn from officials or agencies? How can you tell?",
            "If you only had one of these articles, what would you miss?" if several
            else "This page uses a single article. What would you want a second source to confirm?",
            "Pick one event reported by two articles. Do they describe it with the same words? Why might they differ?" if several
            else "Which events on this page could the reporter have seen, and which come from what someone told them?",
        ],
        "numbers": [
            "Why might a reporter write “about” or “at least” instead of an exact number?",
            "When two sources disagree, should a news story pick one number? What else could it do?",
            "A record claim can be true for one way of counting and false for another. Why does it matter what is counted?",
        ],
        "responses": [
            "Do the governments and the migrants describe the same events in the same way? Give an example.",
            "What is the difference between a speaker's own words in quotation marks and an article's summary of what they said?",
            "Whose voices are missing from these articles?",
        ],
        "comparison": [
            "Which differences between the two caravans come from the places, and which from the governments of the time?",
            "The articles about the two caravans come from different outlets. How might that shape the comparison?",
            "What would you want to know that none of the articles tells us?",
        ],
    }[section]
    return (
        "These questions have no single right answer. Talk them through with a partner, and point to the "
        "line of the page that supports what you say.\n\n" + "\n".join(f"{n}. {q}" for n, q in enumerate(questions, 1))
    )


# ---------------------------------------------------------------- comparison
def _cell(items: list[str]) -> str:
    return "<br>".join(f"• {item}" for item in items) if items else "not reported"


def _facts_cell(sel: Selection, topic: str) -> str:
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == topic]
    return _cell([f"{md(r['value'])} ({md(outlet_name(r))})" for _, r in rows.iterrows()])


def _figures_cell(sel: Selection, metrics: tuple[str, ...]) -> str:
    frame = queries.figures(sel)
    rows = frame[frame["metric"].isin(metrics)]
    return _cell([f"{md(r['metric_label'])}: {figure_phrase(r)} ({md(outlet_name(r))})" for _, r in rows.iterrows()])


def _statements_cell(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    return _cell([f"{md(GROUPS[g])}: {int(n)}" for g, n in counts.items()])


def _border_cell(sel: Selection) -> str:
    month = queries.incident_month(sel)
    shown, count = _month_count(month)
    items = []
    if count is not None:
        note = "" if shown == month else f" (the table ends before {month:%B %Y})"
        items.append(f"{shown:%B %Y}: {fmt_number(count)}{note}")
    fy = queries.fiscal_year(shown if shown is not None else month)
    try:
        items.append(f"fiscal year {fy}: {fmt_number(queries.encounters_fiscal_year(fy)['total_swb_encounters'])}")
    except KeyError:
        pass
    return _cell(items) + " (CBP)"


def comparison_table(left: Selection, right: Selection) -> str:
    li, ri = queries.incident(left), queries.incident(right)
    rows = [
        ("Place", md(li["place"]), md(ri["place"])),
        ("Date", fmt_date(li["start_date"], li["start_date_basis"]), fmt_date(ri["start_date"], ri["start_date_basis"])),
        ("Size of the group", _figures_cell(left, GROUP_SIZE_METRICS), _figures_cell(right, GROUP_SIZE_METRICS)),
        ("Force used", _facts_cell(left, "force_used"), _facts_cell(right, "force_used")),
        ("Officers and troops", _figures_cell(left, FORCE_METRICS), _figures_cell(right, FORCE_METRICS)),
        ("Who is quoted", _statements_cell(left), _statements_cell(right)),
        ("US administration", _facts_cell(left, "us_administration"), _facts_cell(right, "us_administration")),
        ("US response", _facts_cell(left, "us_response"), _facts_cell(right, "us_response")),
        ("Mexico's response", _facts_cell(left, "mexico_response"), _facts_cell(right, "mexico_response")),
        ("Where the group came from", _facts_cell(left, "origin"), _facts_cell(right, "origin")),
        ("Where it was heading", _facts_cell(left, "destination"), _facts_cell(right, "destination")),
        ("Border encounters", _border_cell(left), _border_cell(right)),
    ]
    lines = [f"| | {md(li['title'])} | {md(ri['title'])} |", "| --- | --- | --- |"]
    lines += [f"| **{label}** | {a} | {b} |" for label, a, b in rows]
    return "\n".join(lines) + f"\n\n{INFERRED_KEY}"


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
        where += f" and about {fmt_number(round(queries.distance_km(li['place'], ri['place']), -2))} km apart in a straight line"
    where += (
        ". Where a group is decides which government's officers meet it: at the border fence, US officers; "
        "inside Mexico, Mexican police and National Guard."
    )
    paragraphs.append(where)
    admins = [(_first_fact(s, "us_administration"), i) for s, i in ((left, li), (right, ri))]
    if all(a is not None for a, _ in admins):
        paragraphs.append(
            "**Who governed.** According to the articles, the first happened under the "
            f"{md(admins[0][0]['value'])} and the second under the {md(admins[1][0]['value'])}. "
            "The statements page of each incident shows what each government said."
        )
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    (lshown, lc), (rshown, rc) = _month_count(lm), _month_count(rm)
    if lc is not None and rc is not None:
        frame = queries.encounters_monthly()
        right_42 = int(frame[(frame["month_start"] == rshown) & (frame["authority"] == "Title 42")]["encounters"].sum())
        counting = (
            f" Of the {fmt_number(rc)} in {rshown:%B %Y}, {fmt_number(right_42)} were Title 42 expulsions, a rule "
            "used from March 2020, so the two months are not counted in the same way."
            if right_42
            else ""
        )
        paragraphs.append(
            f"**Border numbers.** CBP counted {fmt_number(lc)} Southwest border encounters in {lshown:%B %Y} and "
            f"{fmt_number(rc)} in {rshown:%B %Y}, about {rc / lc:.1f} times as many.{counting}"
        )
    return "\n\n".join(paragraphs)


# ---------------------------------------------------------------- methods
def sources_table() -> str:
    from caravan_book import tables

    sources = tables.load("sources")
    counts = {
        name: tables.load(name).groupby("source_id").size() for name in ("events", "figures", "statements", "facts")
    }
    lines = [
        "| Article | Published | Events | Figures | Statements | Comparison facts | What it contributes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, s in sources.sort_values("published").iterrows():
        n = {k: int(v.get(s["source_id"], 0)) for k, v in counts.items()}
        byline = f", by {md(s['byline'])}" if isinstance(s["byline"], str) else ""
        lines.append(
            f"| **{md(outlet_name(s))}**{byline}: “{md(s['headline'])}” ({code(s['source_id'])}) | "
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
        f"**{md(labels[r['source_id']])}**: {md(r['defect'])} As printed: “{md(r['excerpt'])}”" for _, r in rows.iterrows()
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

    names = {"sources": "articles", "events": "events", "figures": "figures", "statements": "statements",
             "facts": "comparison facts", "places": "places", "defects": "known source defects"}
    counts = ", ".join(f"{fmt_number(len(tables.load(n)))} {label}" for n, label in names.items())
    return (
        f"The data folder holds {counts}. Each file and column is described in the data folder's README, and "
        "`caravan-book check` validates them all."
    )

