"""The numbers page: figures in the articles, where they disagree, the monthly CBP counts and the claims checked.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import pandas as pd

from caravan_book.data import queries
from caravan_book.data.selection import Selection
from caravan_book.story.common import metric_label
from caravan_book.story.display import (
    bullet_list,
    capital,
    figure_sentence,
    fmt_number,
    md,
    outlet_name,
    plural,
    printed,
    speaker_of_figure,
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
