"""The comparison page: two incidents side by side, in a table and in words.

Functions return MyST Markdown; notebooks display it. Data text goes through
:func:`caravan_book.story.display.md`, so it shows as text and never as markup.
"""

import contextlib
import html

import pandas as pd

from caravan_book.data import queries
from caravan_book.data.schemas import GROUPS
from caravan_book.data.selection import Selection
from caravan_book.story.display import (
    INFERRED_KEY,
    fmt_date,
    fmt_number,
    md,
    outlet_name,
    plural,
)
from caravan_book.story.numbers import _month_count


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
    km = queries.distance_km(li["place"], ri["place"]) if li["place"] != ri["place"] else 0.0
    distance = round(km, -2) if km >= 100 else round(km)  # never "about 0 km" for places a few km apart
    if distance >= 1:
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
