"""The articles' claims that CBP's tables can test, checked: one typed :class:`ClaimCheck` per distinct claim.

``data/claims.csv`` has one row per figure a claim rests on; rows with the same ``claim`` are one claim (three
articles' sentences giving "more than 1.7 million" for one fiscal year are one claim, with three speakers). Every
number a verdict gives is computed here from the reference tables; the words of the verdicts are in
``book/templates/numbers/claims.md.j2``, which picks its sentence by :attr:`ClaimCheck.case`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from caravan_book.data import queries, tables
from caravan_book.data.selection import Selection

#: Tests on a fiscal year's total, against the yearly tables (a record, "the highest since 1986", "20-year highs").
RECORD_TESTS = ("record", "highest_since", "highest_in_years")
#: Tests on one month's count.
MONTH_TESTS = ("month_total", "peak_month", "fell_from_month_before")
#: How a verdict names a month ("July 2021"), and the verdict of a claim the tables contradict.
MONTH = "%B %Y"
NOT_HOLD = "does not hold"
#: Words that say a fiscal year without naming it: what they mean depends on when the article was written.
_THIS_YEAR = re.compile(r"\bthis fiscal year\b", re.IGNORECASE)


@dataclass(frozen=True)
class ClaimCheck:
    """One distinct claim of the articles, checked against the reference tables.

    ``figures`` are the figure rows that make the claim (one per article sentence and speaker); ``words`` the
    article's phrase for each; ``case`` names the verdict's case (the template's sentence); ``holds`` is
    ``"holds"``, ``"partly"`` (the number is right and the words are not, or it holds on one count only) or
    ``NOT_HOLD``; ``values`` holds every number the verdict gives, computed from the tables.
    """

    claim: str
    tests: tuple[str, ...]
    fiscal_year: int
    figures: pd.DataFrame
    words: tuple[str, ...]
    case: str
    holds: str
    values: dict[str, int | float | str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``fiscal_year_total``, ``record`` (any of :data:`RECORD_TESTS`'s kinds) or ``month``."""
        first = self.tests[0]
        return "month" if first in MONTH_TESTS else first


def qualifier_holds(qualifier: str, claimed: float, official: float) -> bool:
    """Does an official count bear out a number with its qualifier ("more than 213,000")?"""
    if qualifier == "more than":
        return official > claimed
    if qualifier == "at least":
        return official >= claimed
    if qualifier == "nearly":
        return 0.9 * claimed <= official <= claimed
    if qualifier in ("fewer than", "up to"):
        return official < claimed if qualifier == "fewer than" else official <= claimed
    if qualifier == "about":
        return abs(official - claimed) <= 0.05 * claimed
    return abs(official - claimed) <= 0.005 * claimed  # a bare number, as printed: rounding only


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1)


def _last_year_at_or_above(value: int, years: pd.Series) -> int | None:
    higher = years[years >= value]
    return None if higher.empty else int(higher.index.max())


def _record_values(year: int) -> dict[str, int | float | str]:
    """The numbers every record verdict gives, so the three record claims are judged on the same counts.

    Before fiscal year 2020 every Border Patrol encounter was a Title 8 apprehension, so the like-for-like
    series for the Border Patrol's yearly table is the Border Patrol total (expulsions included), with Title 8
    apprehensions alone as the second reading."""
    annual = queries.apprehensions_annual().set_index("fiscal_year")["southwest_border_total"]
    totals = queries.encounters_fiscal_year(year)
    usbp, title8 = int(totals["usbp_total_encounters"]), int(totals["usbp_title8_apprehensions"])
    earlier = queries.yearly_counts("usbp_total_encounters", year)
    peak_year = int(earlier.idxmax())
    peak = int(earlier.max())
    title8_years = queries.yearly_counts("usbp_title8_apprehensions", year)
    return {
        "year": year,
        "usbp": usbp,
        "usbp_title42": int(totals["usbp_title42_expulsions"]),
        "usbp_title42_pct": round(100 * int(totals["usbp_title42_expulsions"]) / usbp),
        "usbp_title8": title8,
        "first_year": int(annual.index.min()),
        "peak_year": peak_year,
        "peak": peak,
        "margin": usbp - peak,
        "margin_pct": _pct(usbp - peak, peak),
        "record": int(usbp > peak),
        "usbp_since": _last_year_at_or_above(usbp, earlier) or 0,
        "title8_since": _last_year_at_or_above(title8, title8_years) or 0,
        "title8_higher_count": int(title8_years.get(_last_year_at_or_above(title8, title8_years) or 0, 0)),
    }


def _fitting_counts(year: int, test: str, claimed: int, values: dict) -> tuple[str, ...]:
    """The counts ("usbp", "title8") on which a record claim holds, every kind read the same way: literally.

    "The most ever recorded" says no earlier year in the tables was as high. "The highest since 1986" says no
    year after 1986 was as high (the tables must reach back to 1986). "A 20-year high" says no year of the 19
    before it (one year's slack) was as high. Read so, a record is also "the highest since" any year and an
    N-year high: on one count the three kinds can understate each other, never contradict each other."""
    fitting = []
    for count in ("usbp", "title8"):
        since = int(values[f"{count}_since"])
        if test == "record":
            fits = since == 0
        elif test == "highest_since":
            fits = since <= claimed and int(values["first_year"]) <= claimed
        else:
            fits = since <= year - claimed + 1 and int(values["first_year"]) <= year - claimed + 1
        if fits:
            fitting.append(count)
    return tuple(fitting)


def _written(figures: pd.DataFrame) -> pd.Timestamp:
    return pd.Timestamp(figures["published"].max())


def _check(claim: str, tests: tuple[str, ...], rows: pd.DataFrame, figures: pd.DataFrame) -> ClaimCheck | None:
    year = int(rows["fiscal_year"].iloc[0])
    words = tuple(
        w if isinstance(w, str) and w.strip() else str(f)
        for w, f in zip(rows["claim_words"], figures["as_printed"], strict=True)
    )
    table = queries.monthly_table()
    if tests[0] in MONTH_TESTS:
        figure = figures.iloc[0]
        month = pd.Timestamp(figure["as_of"]).to_period("M").to_timestamp()
        counts = table.set_index("month_start")["total_swb_encounters"]
        if month not in counts.index:
            return None
        count = int(counts.loc[month])
        same_year = table[table["fiscal_year"] == year].set_index("month_start")["total_swb_encounters"]
        before = month - pd.DateOffset(months=1)
        upto = same_year[same_year.index <= month]
        values: dict[str, int | float | str] = {
            "month": month.strftime(MONTH),
            "count": count,
            "claimed": int(figure["value"]),
            "total_holds": int(qualifier_holds(figure["qualifier"], figure["value"], count)),
            "peak_month": same_year.idxmax().strftime(MONTH),
            "peak": int(same_year.max()),
            "is_peak": int(same_year.idxmax() == month),
            "fiscal_year": year,
        }
        if before in counts.index:
            values |= {
                "before_month": before.strftime(MONTH),
                "before": int(counts.loc[before]),
                "change_pct": abs(_pct(count - int(counts.loc[before]), int(counts.loc[before]))),
                "fell": int(count < int(counts.loc[before])),
            }
        if "fell_from_month_before" in tests and len(upto) > 1 and upto.idxmax() != month:
            values |= {
                "peak_so_far_month": upto.idxmax().strftime(MONTH),
                "change_from_peak_pct": abs(_pct(count - int(upto.max()), int(upto.max()))),
            }
        results = [bool(values["total_holds"])]
        if "peak_month" in tests:
            results.append(bool(values["is_peak"]))
        if "fell_from_month_before" in tests:
            results.append("before" in values and count < int(values["before"]))
        holds = "holds" if all(results) else "partly" if any(results) else NOT_HOLD
        return ClaimCheck(claim, tests, year, figures, words, "month", holds, values)
    try:
        totals = queries.encounters_fiscal_year(year)
    except KeyError:
        return None
    if tests[0] == "fiscal_year_total":
        total = int(totals["total_swb_encounters"])
        title42 = int(totals["total_title42"])
        right = all(qualifier_holds(f["qualifier"], f["value"], total) for _, f in figures.iterrows())
        written = queries.fiscal_year(_written(figures))
        this_year = any(_THIS_YEAR.search(str(f["excerpt"])) for _, f in figures.iterrows())
        values = {
            "year": year,
            "total": total,
            "title42": title42,
            "title42_pct": round(100 * title42 / total),
            "title8": int(totals["total_title8"]),
            "usbp": int(totals["usbp_total_encounters"]),
            "written_year": written,
            "written_month": _written(figures).strftime(MONTH),
            "this_year_meant_last": int(this_year and written == year + 1),
            "first_month": table[table["fiscal_year"] == year]["month_start"].min().strftime(MONTH),
            "last_month": table[table["fiscal_year"] == year]["month_start"].max().strftime(MONTH),
        }
        case = "number_right" if right else "number_wrong"
        return ClaimCheck(claim, tests, year, figures, words, case, "partly" if right else NOT_HOLD, values)
    values = _record_values(year)
    claimed = 0 if tests[0] == "record" else int(figures.iloc[0]["value"])
    if tests[0] != "record":
        values = values | {"claimed": claimed}
    if tests[0] == "highest_since":
        counted = queries.yearly_counts("usbp_total_encounters", year)
        values["claimed_count"] = int(counted.get(claimed, 0))
    fitting = _fitting_counts(year, tests[0], claimed, values)
    values |= {"fit_usbp": int("usbp" in fitting), "fit_title8": int("title8" in fitting)}
    values["peak_years_before"] = year - int(values["peak_year"])
    # a claim that holds on the Border Patrol count but names a later year than the count's own: "since 1986"
    # or "20-year highs" of a record year imply an earlier year as high, which the tables do not show
    bound = claimed if tests[0] == "highest_since" else year - claimed
    values["understates"] = int(tests[0] != "record" and "usbp" in fitting and int(values["usbp_since"]) < bound)
    case, holds = (
        ("fits", "holds") if len(fitting) == 2 else ("fits_one", "partly") if fitting else ("fits_none", NOT_HOLD)
    )
    return ClaimCheck(claim, tests, year, figures, words, case, holds, values)


def claim_checks(sel: Selection) -> list[ClaimCheck]:
    """Every distinct claim of the selected articles that the reference tables can test, checked, in the order
    ``claims.csv`` first lists them."""
    claims = tables.load("claims")
    figs = queries.figures(sel).set_index("figure_id", drop=False)
    claims = claims[claims["figure_id"].isin(figs.index)]
    checks = []
    for claim, rows in claims.groupby("claim", sort=False):
        figures = figs.loc[list(dict.fromkeys(rows["figure_id"]))].reset_index(drop=True)
        check = _check(
            str(claim), tuple(rows["test"]), rows.drop_duplicates("figure_id").reset_index(drop=True), figures
        )
        if check is not None:
            checks.append(check)
    return checks
