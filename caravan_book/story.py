"""The book's prose, built from the data: every sentence that carries a fact names its source.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.prose.md`, so it shows as text and never as markup.
"""

from __future__ import annotations

import pandas as pd

from caravan_book import queries
from caravan_book.params import Selection
from caravan_book.prose import (
    bullet_list,
    cite,
    figure_phrase,
    figure_sentence,
    fmt_date,
    fmt_number,
    md,
    metric_name,
    outlet_name,
    plural,
    quote_block,
)
from caravan_book.schemas import GROUPS

#: Figures that describe how many people were in the group, for the comparison.
GROUP_SIZE_METRICS = ("caravan_size", "crowd_at_border_fence", "migrants_in_tijuana")
#: Figures that describe the force or personnel facing the group.
FORCE_METRICS = ("us_troops_at_border", "checkpoint_officers")


def metric_label(metric: str) -> str:
    return md(metric_name(metric))


def source_list(sel: Selection) -> str:
    rows = queries.sources(sel)
    return bullet_list(f"{cite(r)}: “{md(r['headline'])}” ({md(r['source_id'])})" for _, r in rows.iterrows())


def lead(sel: Selection) -> str:
    info = queries.incident(sel)
    events = queries.timeline(sel)
    inferred = int((events["date_basis"] == "inferred").sum())
    return (
        f"**{md(info['title'])}.** {md(info['summary'])}\n\n"
        f"This page is built from {plural(len(sel.sources), 'article')} and the "
        f"{plural(len(events), 'event')} they report. Each event below names the article it comes from. "
        f"{plural(inferred, 'date')} of those events are not printed in the articles: the book worked them out "
        f"(for example from a weekday) and marks them *date inferred*.\n\n"
        f"The articles used here:\n\n{source_list(sel)}"
    )


def events_by_day(sel: Selection) -> str:
    events = queries.timeline(sel)
    blocks = []
    for day, group in events.groupby("date", sort=True):
        inferred = (group["date_basis"] == "inferred").all()
        heading = f"**{day:%A} {fmt_date(day, 'inferred' if inferred else 'stated')}**"
        items = []
        for _, e in group.iterrows():
            place = f" ({md(e['place'])})" if isinstance(e["place"], str) else ""
            items.append(
                f"{md(e['summary'])}{place} — *{md(outlet_name(e))}*, which wrote: “{md(e['excerpt'])}”"
            )
        blocks.append(heading + "\n\n" + bullet_list(items))
    return "\n\n".join(blocks)


def inferred_dates(sel: Selection) -> str:
    events = queries.timeline(sel)
    guessed = events[events["date_basis"] == "inferred"]
    if guessed.empty:
        return "Every date on this page is printed in the articles."
    items = [
        f"{fmt_date(e['date'])}: {md(e['summary'])} — {md(e['date_note']) or 'the article gives no full date.'}"
        for _, e in guessed.iterrows()
    ]
    return "How the book dated the events the articles do not date:\n\n" + bullet_list(items)


# ---------------------------------------------------------------- numbers
def figures_table(sel: Selection) -> str:
    frame = queries.figures(sel)
    lines = ["| What is counted | As printed | Who gives the number | Article |", "| --- | --- | --- | --- |"]
    for _, f in frame.iterrows():
        who = md(f["attributed_to"]) if isinstance(f["attributed_to"], str) else "the article itself"
        lines.append(f"| {metric_label(f['metric'])} | {figure_phrase(f)} | {who} | {md(outlet_name(f))} |")
    return "\n".join(lines)


def disagreement_text(sel: Selection) -> str:
    frame = queries.disagreements(sel)
    if frame.empty:
        return "The selected articles do not give different numbers for the same thing."
    parts = []
    for metric, group in frame.groupby("quantity", sort=True):
        versions = bullet_list(figure_sentence(r) for _, r in group.iterrows())
        parts.append(f"**{metric_label(metric)}**\n\n{versions}")
    return (
        f"The articles give different numbers for {plural(frame['quantity'].nunique(), 'thing')}. "
        "The book keeps every version, each with its source, and does not average them: the sources "
        "counted at different moments, in different places, or passed on what someone else said.\n\n"
        + "\n\n".join(parts)
    )


def monthly_reported(sel: Selection) -> pd.DataFrame:
    """Article figures that are monthly border counts (to plot against CBP's table)."""
    frame = queries.figures(sel)
    return frame[frame["metric"] == "swb_encounters_month"].reset_index(drop=True)


def monthly_text(sel: Selection) -> str:
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    parts = []
    if count is not None:
        parts.append(
            f"In {month:%B %Y}, the month of this incident, US Customs and Border Protection (CBP) counted "
            f"**{fmt_number(count)}** encounters at the Southwest border, according to its monthly table "
            f"(fiscal year {queries.fiscal_year(month)})."
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
        return "None of the selected articles claims a record, so there is nothing to check here."
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
        + " in the table. The claim depends on what is counted, which the article does not say."
    )


# ---------------------------------------------------------------- responses
def responses_text(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return "The selected articles quote no one on this incident."
    parts = []
    for group, rows in frame.groupby("group", sort=False):
        intro = f"**{md(GROUPS[group])}** — {plural(len(rows), 'quotation')}"
        quotes = "\n\n".join(quote_block(r) for _, r in rows.iterrows())
        parts.append(f"{intro}\n\n{quotes}")
    return "\n\n---\n\n".join(parts)


def responses_summary(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    items = [f"{md(GROUPS[g])}: {plural(int(n), 'quotation')}" for g, n in counts.items()]
    channels = frame["channel"].value_counts()
    by_channel = ", ".join(f"{plural(int(n), md(c))}" for c, n in channels.items())
    return (
        f"The articles quote {plural(frame['speaker'].nunique(), 'speaker')} in {plural(len(frame), 'quotation')}. "
        f"By group:\n\n{bullet_list(items)}\n\nBy channel: {by_channel}. A quotation printed in two articles is "
        "listed once for each article, so you can see that they agree word for word."
    )


# ---------------------------------------------------------------- comparison
def _facts_cell(sel: Selection, topic: str) -> str:
    frame = queries.facts(sel)
    rows = frame[frame["topic"] == topic]
    if rows.empty:
        return "not reported"
    return "<br>".join(f"{md(r['value'])} ({md(outlet_name(r))})" for _, r in rows.iterrows())


def _figures_cell(sel: Selection, metrics: tuple[str, ...]) -> str:
    frame = queries.figures(sel)
    rows = frame[frame["metric"].isin(metrics)]
    if rows.empty:
        return "not reported"
    return "<br>".join(
        f"{metric_label(r['metric'])}: {figure_phrase(r)} ({md(outlet_name(r))})" for _, r in rows.iterrows()
    )


def _statements_cell(sel: Selection) -> str:
    frame = queries.statements(sel)
    counts = frame.groupby("group", sort=False).size()
    return "<br>".join(f"{md(GROUPS[g])}: {int(n)}" for g, n in counts.items()) or "none quoted"


def _border_cell(sel: Selection) -> str:
    month = queries.incident_month(sel)
    count = queries.encounters_in_month(month)
    fy = queries.fiscal_year(month)
    try:
        year = queries.encounters_fiscal_year(fy)
        year_text = f"<br>fiscal year {fy}: {fmt_number(year['total_swb_encounters'])}"
    except KeyError:
        year_text = ""
    month_text = f"{month:%B %Y}: {fmt_number(count)}" if count is not None else "month not in CBP's table"
    return month_text + year_text + " (CBP)"


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
        ("Border encounters (CBP)", _border_cell(left), _border_cell(right)),
    ]
    lines = [f"| | {md(li['title'])} | {md(ri['title'])} |", "| --- | --- | --- |"]
    lines += [f"| **{label}** | {a} | {b} |" for label, a, b in rows]
    return "\n".join(lines)


def comparison_text(left: Selection, right: Selection) -> str:
    li, ri = queries.incident(left), queries.incident(right)
    gap = ri["start_date"] - li["start_date"]
    lm, rm = queries.incident_month(left), queries.incident_month(right)
    lc, rc = queries.encounters_in_month(lm), queries.encounters_in_month(rm)
    sentences = [
        f"The two incidents are {plural(round(gap.days / 365.25), 'year')} apart: "
        f"{md(li['title'])} in {md(li['place'])} ({md(li['country'])}), and "
        f"{md(ri['title'])} in {md(ri['place'])} ({md(ri['country'])})."
    ]
    if lc is not None and rc is not None:
        ratio = rc / lc
        sentences.append(
            f"CBP's monthly table counts {fmt_number(lc)} Southwest border encounters in {lm:%B %Y} and "
            f"{fmt_number(rc)} in {rm:%B %Y}, about {ratio:.1f} times as many. From March 2020 the count includes "
            "Title 42 expulsions, so months before and after that date are not counted in exactly the same way."
        )
    for sel, info in ((left, li), (right, ri)):
        force = queries.facts(sel)
        force = force[force["topic"] == "force_used"]
        if not force.empty:
            described = "; ".join(f"{md(r['value'])} ({md(outlet_name(r))})" for _, r in force.iterrows())
            sentences.append(f"For {md(info['title'])}, the articles describe the force used as: {described}.")
    return "\n\n".join(sentences)


def group_size_range(sel: Selection) -> tuple[float, float] | None:
    frame = queries.figures(sel)
    rows = frame[frame["metric"].isin(GROUP_SIZE_METRICS)]
    return None if rows.empty else (float(rows["value"].min()), float(rows["value"].max()))


# ---------------------------------------------------------------- methods
def sources_table() -> str:
    from caravan_book import tables

    sources = tables.load("sources")
    counts = {
        name: tables.load(name).groupby("source_id").size() for name in ("events", "figures", "statements", "facts")
    }
    lines = [
        "| Article | Published | Events | Figures | Quotations | Facts | What it contributes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for _, s in sources.sort_values("published").iterrows():
        n = {k: int(v.get(s["source_id"], 0)) for k, v in counts.items()}
        byline = f", by {md(s['byline'])}" if isinstance(s["byline"], str) else ""
        outlet = md(outlet_name(s)) + (" (outlet inferred)" if s["outlet_basis"] == "inferred" else "")
        lines.append(
            f"| **{md(s['source_id'])}**: {outlet}{byline}: “{md(s['headline'])}” | "
            f"{fmt_date(s['published'], s['published_basis'])} | {n['events']} | {n['figures']} | "
            f"{n['statements']} | {n['facts']} | {md(s['contributes'])} |"
        )
    return "\n".join(lines)


def publication_notes() -> str:
    from caravan_book import tables

    sources = tables.load("sources")
    rows = sources[sources["published_basis"] == "inferred"]
    return bullet_list(f"**{md(s['source_id'])}**: {md(s['published_note'])}" for _, s in rows.iterrows())


def defects_list() -> str:
    from caravan_book import tables

    sources = tables.load("sources").set_index("source_id")
    rows = tables.load("defects").sort_values(["source_id", "defect_id"])
    return bullet_list(
        f"**{md(r['source_id'])}** ({md(outlet_name(sources.loc[r['source_id']].to_dict() | {'source_id': r['source_id']}))}): "
        f"{md(r['defect'])} As printed: “{md(r['excerpt'])}”"
        for _, r in rows.iterrows()
    )


def provenance_list() -> str:
    from caravan_book import tables

    rows = tables.load("provenance")
    items = []
    for _, r in rows.iterrows():
        checks = f" {md(r['checks'])}" if isinstance(r["checks"], str) else ""
        items.append(
            f"`{md(r['file'])}`: {md(r['title'])}. Publisher: {md(r['publisher'])}. Taken from {md(r['repository'])}, "
            f"{md(r['path'])} (version {md(r['version'])}).{checks}"
        )
    return bullet_list(items)


def data_counts_text() -> str:
    from caravan_book import tables

    names = {"sources": "articles", "events": "events", "figures": "figures", "statements": "quotations",
             "facts": "comparison facts", "places": "places", "defects": "known source defects"}
    counts = ", ".join(f"{fmt_number(len(tables.load(n)))} {label}" for n, label in names.items())
    return (
        f"The data folder holds {counts}. Each file and column is described in the data folder's README, and "
        "`caravan-book check` validates them all."
    )
