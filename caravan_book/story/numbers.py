"""The numbers page: figures in the articles, where they disagree, the monthly CBP counts and the claims checked.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import re

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries
from caravan_book.data.claims import RECORD_TESTS, ClaimCheck, claim_checks
from caravan_book.data.selection import Selection
from caravan_book.story.common import collapsible, headline, metric_label
from caravan_book.story.display import (
    article_phrase,
    capital,
    figure_sentence,
    fmt_date,
    fmt_number,
    outlet_name,
    printed,
    published_date,
    speaker_of_figure,
)
from caravan_book.story.templates import render


# ---------------------------------------------------------------- the news first
def numbers_lead(sel: Selection) -> str:
    """The numbers page opens with the news (review 3, m8): the incident, its day and place, and the articles'
    headline figures (their most prominent), each in its article's words, one per thing counted, with how many
    other versions of it the page shows."""
    top = headline(sel)
    figures = queries.figures(sel)
    if figures.empty:
        return render("numbers/lead.md.j2", figures=[], **{k: v for k, v in top.items() if k != "news"})
    first = figures[figures["prominence"] == figures["prominence"].min()]
    # a headline number that is a claim the page's table finds not to hold as worded says it is checked below
    disputed = {f for c in claim_checks(sel) if c.holds != "holds" for f in c.figures["figure_id"]}
    rows = []
    for metric, group in first.groupby("metric", sort=False):
        f = group.iloc[0]
        rows.append(
            {
                "label": f["metric_label"],
                "words": Markup(printed(f)),
                "who": f["attributed_to"] if isinstance(f["attributed_to"], str) else None,
                "article": Markup(article_phrase(f)),
                "others": int((figures["metric"] == metric).sum()) - 1,
                "checked": f["figure_id"] in disputed,
            }
        )
    return render("numbers/lead.md.j2", figures=rows, **{k: v for k, v in top.items() if k != "news"})


# ---------------------------------------------------------------- numbers
def _figure_rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    """One row per phrase the reader sees: figures of one article sentence printed with the same words (three
    children's ages in "ages 4, 5 and 12") are one row, their labels joined."""
    rows: dict[tuple[str, str, str], dict[str, object]] = {}
    for _, f in frame.iterrows():
        who = f["attributed_to"] if isinstance(f["attributed_to"], str) else None
        key = (str(f["source_id"]), str(f["as_printed"]), who or "")
        if key in rows:
            labels = rows[key]["labels"]
            assert isinstance(labels, list)
            labels.append(f["metric_label"])
            continue
        rows[key] = {
            "labels": [f["metric_label"]],
            "words": Markup(printed(f)),
            "who": who,
            "article": outlet_name(f),
            "detail": int(f["prominence"]) >= 3,
        }
    return list(rows.values())


def figures_table(sel: Selection) -> str:
    """Every number, the news first: what is counted, the article's own words, who gives it, the article; the
    details (ages, distances) in a section the reader opens."""
    rows = _figure_rows(queries.figures(sel))
    main = render("numbers/figures.md.j2", rows=[r for r in rows if not r["detail"]])
    details = [r for r in rows if r["detail"]]
    if not details:
        return main
    return (
        main
        + "\n\n"
        + collapsible(
            render("numbers/details-title.md.j2", count=len(details)).strip(),
            render("numbers/figures.md.j2", rows=details),
        )
    )


def disagreement_text(sel: Selection) -> str:
    """The quantities the sources count differently, every version with its source and date (or nothing)."""
    frame = queries.disagreements(sel)
    quantities = [
        {
            "label": Markup(metric_label(quantity)),
            "versions": [Markup(figure_sentence(r)) for _, r in group.iterrows()],
            "moments": group["as_of"].nunique() > 1,
        }
        for quantity, group in frame.groupby("quantity", sort=False)
    ]
    return render("numbers/disagreements.md.j2", quantities=quantities)


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
    values: dict[str, object] = {
        "month": fmt_date(month, None, "month"),
        "first": fmt_date(first, None, "month"),
        "last": fmt_date(last, None, "month"),
    }
    if count is not None:
        around = queries.encounters_around(sel, months=6).set_index("months_from_incident")["total_swb_encounters"]
        values |= {"count": fmt_number(count), "fiscal_year": queries.fiscal_year(month)}
        if -6 in around.index and 6 in around.index:
            values |= {"before": fmt_number(int(around.loc[-6])), "after": fmt_number(int(around.loc[6]))}
    return render("numbers/monthly.md.j2", **values)


def long_view_text(sel: Selection) -> str:
    """The paragraph before the long-view chart: what the yearly table counts, and the points a record claim adds."""
    annual = queries.apprehensions_annual()["fiscal_year"]
    records = [c for c in claim_checks(sel) if c.tests[0] in RECORD_TESTS]
    return render(
        "numbers/long-view.md.j2",
        first=int(annual.min()),
        last=int(annual.max()),
        record_year=records[0].fiscal_year if records else None,
    )


#: Values of a claim check that are years or spans of years: shown as printed, never with a thousands comma.
_YEARS = re.compile(r"(year|since|^claimed$)")


def _shown(check: ClaimCheck) -> dict[str, object]:
    """A check's values as the verdict prints them: counts with thousands commas, years and words as they are, the
    day a claim was written as the book prints its article's date, no more precisely than the article allows
    ('on or after 23 October 2021†')."""
    shown: dict[str, object] = {
        k: v if isinstance(v, str) or _YEARS.search(k) or (k == "claimed" and check.kind != "month") else fmt_number(v)
        for k, v in check.values.items()
    }
    if "written_date" in check.values:
        written = pd.Timestamp(str(check.values["written_date"]))
        latest = check.figures[pd.to_datetime(check.figures["published"]) == written]
        shown["written_when"] = (
            published_date(latest.iloc[0])
            if not latest.empty
            else fmt_date(written, str(check.values["written_basis"]), "day")
        )
    return shown


def claims_text(sel: Selection) -> str:
    """One row per distinct claim of the articles that CBP's tables can test: the claim, who makes it, the
    official figure and a verdict with its caveats (book/templates/numbers/claims.md.j2)."""
    checks = [
        {
            "words": list(check.words),
            "who": [
                Markup(capital(w)) for w in dict.fromkeys(speaker_of_figure(f) for _, f in check.figures.iterrows())
            ],
            "kind": check.kind,
            "case": check.case,
            "holds": check.holds,
            "tests": list(check.tests),
            "v": _shown(check),
            "is": {k: bool(v) for k, v in check.values.items() if not isinstance(v, str)},
        }
        for check in claim_checks(sel)
    ]
    return render("numbers/claims.md.j2", checks=checks)


def record_claim(sel: Selection) -> tuple[pd.DataFrame, dict | None]:
    """The articles' record claims and the numbers of their fiscal year (for the long-view chart)."""
    checks = [c for c in claim_checks(sel) if c.tests[0] in RECORD_TESTS]
    if not checks:
        return pd.DataFrame(), None
    since = [c for c in checks if c.tests[0] == "highest_since"]
    last_year = int(queries.apprehensions_annual()["fiscal_year"].max())
    claim_year = int(since[0].figures.iloc[0]["value"]) if since else last_year
    figures = pd.concat([c.figures for c in checks], ignore_index=True)
    return figures, queries.record_check(claim_year, checks[0].fiscal_year)
