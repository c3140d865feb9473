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
from caravan_book.data.memo import per_data
from caravan_book.data.selection import Selection

#: Tests on a fiscal year's total, against the yearly tables (a record, "the highest since 1986", "20-year highs").
RECORD_TESTS = ("record", "highest_since", "highest_in_years")
#: A record claim about attempts to enter ("the number of migrants trying to gain entry was hitting new records"),
#: judged on encounters, the count of attempts, not on arrests.
ATTEMPTS_TEST = "record_attempts"
#: The verdict's order from mildest to harshest: a claim whose weaker form a stronger claim's verdict implies
#: never gets a harsher label than it.
SEVERITY = ("holds", "partly", "misleading", "does not hold")
#: Tests on one month's count.
MONTH_TESTS = ("month_total", "peak_month", "fell_from_month_before")
#: How a verdict names a month ("July 2021"), and the verdict of a claim the tables contradict.
MONTH = "%B %Y"
NOT_HOLD = "does not hold"
#: The verdict of a record claim about arrests that holds only on the count with Title 42 expulsions.
MISLEADING = "misleading"
#: Words that say a fiscal year without naming it: what they mean depends on when the article was written.
_THIS_YEAR = re.compile(r"\bthis fiscal year\b", re.IGNORECASE)
#: A year named bare ("20-year highs in 2021"): a calendar year, which the tables (by fiscal year) cannot count.
_CALENDAR_YEAR = re.compile(r"\bin (\d{4})\b")


@dataclass(frozen=True)
class ClaimCheck:
    """One distinct claim of the articles, checked against the reference tables.

    ``figures`` are the figure rows that make the claim (one per article sentence and speaker); ``words`` the
    article's phrase for each; ``case`` names the verdict's case (the template's sentence); ``holds`` is
    ``"holds"``, ``"partly"`` (the number is right and the words are not, or it holds on arrests only),
    ``MISLEADING`` (a record claim that holds only by counting Title 42 expulsions as arrests) or ``NOT_HOLD``;
    ``values`` holds every number the verdict gives, computed from the tables.
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


#: The two counts a record claim is checked on: (a) Border Patrol encounters, Title 42 expulsions included (all
#: Title 8 apprehensions before fiscal year 2020), and (b) Title 8 apprehensions, the arrests, alone.
COUNTS = {"usbp": "usbp_total_encounters", "title8": "usbp_title8_apprehensions"}
#: A record check's case by the counts it holds on: both, (a) only, (b) only, neither.
RECORD_CASES = {(1, 1): "fits", (1, 0): "fits_usbp", (0, 1): "fits_title8", (0, 0): "fits_none"}


def named_year(test: str, claimed: int, year: int) -> int | None:
    """The year a record claim names: "since 1986" names 1986, "an N-year high" of fiscal year Y the year N years
    back (Y - N); "the most ever recorded" names none."""
    if test == "highest_since":
        return claimed
    if test == "highest_in_years":
        return year - claimed
    return None


def on_count(value: int, earlier: pd.Series, named: int | None, named_needed: bool = True) -> dict[str, int]:
    """One count's check of a record claim, by the book's one rule.

    "The most ever recorded" says no earlier year was as high. "Since year Y" says two things: no year between
    the year named and the claim's was as high, and the year named was as high or higher. "An N-year high"
    (``named_needed`` false) says only the first: no year in the last N was as high, so a record is an N-year
    high too and the weaker claim never fares worse than the stronger. ``earlier`` is the count by period before
    the claim's (fiscal years, or months); ``between_*`` describe the periods of the window (after the one named,
    or every earlier one) that were as high, the latest first."""
    window = earlier if named is None else earlier[earlier.index > named]
    as_high = window[window >= value]
    latest = int(as_high.index.max()) if not as_high.empty else 0
    result = {
        "window_n": len(window),
        "between_n": len(as_high),
        "between_year": latest,
        "between_count": int(as_high.loc[latest]) if latest else 0,
        "record": int(bool((earlier < value).all())),
    }
    if named is not None:
        result |= {
            "named_in_tables": int(named in earlier.index),
            "named_count": int(earlier.get(named, 0)),
            "named_ok": int(named in earlier.index and int(earlier.loc[named]) >= value),
        }
    named_ok = named is None or bool(result["named_ok"]) or (not named_needed and bool(result["named_in_tables"]))
    result["fits"] = int(result["between_n"] == 0 and named_ok)
    return result


def _month_values(calendar_year: int, years: int) -> dict[str, int | float | str]:
    """An "N-year high in <calendar year>" checked month by month on the two counts: the Border Patrol's highest
    month of that year (with expulsions, the month the article's next sentence counts), against every earlier
    month, with the same rule as :func:`on_count` (the N years before it, no month as high)."""
    usbp = queries.usbp_monthly_counts(COUNTS["usbp"])
    in_year = usbp[usbp.index.year == calendar_year]
    if in_year.empty:
        return {}
    month = in_year.idxmax()
    values: dict[str, int | float | str] = {"m_month": month.strftime(MONTH), "m_years": years}
    for count, column in COUNTS.items():
        series = usbp if count == "usbp" else queries.usbp_monthly_counts(column)
        value = int(series.loc[month])
        earlier = series[series.index < month]
        window = earlier[earlier.index > month - pd.DateOffset(years=years)]
        as_high = earlier[earlier >= value]
        latest = as_high.index.max() if not as_high.empty else None
        covered = bool(earlier.index.min() <= month - pd.DateOffset(years=years))
        values |= {
            f"m_{count}": value,
            f"m_{count}_fits": int(covered and bool((window < value).all())),
            f"m_{count}_higher_month": latest.strftime(MONTH) if latest is not None else "",
            f"m_{count}_higher": int(as_high.loc[latest]) if latest is not None else 0,
            f"m_{count}_higher_years": (month.year - latest.year) if latest is not None else 0,
        }
    values["m_first_month"] = usbp.index.min().strftime(MONTH)
    return values


def _record_values(year: int, test: str, claimed: int) -> dict[str, int | float | str]:
    """The numbers a record verdict gives, every record claim checked by :func:`on_count` on the same two counts.

    Before fiscal year 2020 every Border Patrol encounter was a Title 8 apprehension, so both counts continue
    the Border Patrol's yearly table; only (b) does so like for like."""
    annual = queries.apprehensions_annual().set_index("fiscal_year")["southwest_border_total"]
    totals = queries.encounters_fiscal_year(year)
    usbp, title42 = int(totals["usbp_total_encounters"]), int(totals["usbp_title42_expulsions"])
    table = queries.monthly_table()
    months = table[table["fiscal_year"] == year]["month_start"]
    expelled = table[table["usbp_title42_expulsions"] > 0]["month_start"]
    earlier = queries.yearly_counts(COUNTS["usbp"], year)
    named = named_year(test, claimed, year)
    values: dict[str, int | float | str] = {
        "year": year,
        "usbp": usbp,
        "usbp_title42": title42,
        "usbp_title42_pct": round(100 * title42 / usbp),
        "usbp_title8": int(totals["usbp_title8_apprehensions"]),
        "first_year": int(annual.index.min()),
        "first_month": months.min().strftime(MONTH),
        "last_month": months.max().strftime(MONTH),
        "title42_first_month": expelled.min().strftime(MONTH) if not expelled.empty else "",
        "peak_year": int(earlier.idxmax()),
        "peak": int(earlier.max()),
        "margin": usbp - int(earlier.max()),
        "margin_pct": _pct(usbp - int(earlier.max()), int(earlier.max())),
    }
    if test != "record":
        values["claimed"] = claimed
    if named is not None:
        values["named_year"] = named
    for count, column in COUNTS.items():
        value = int(totals[column])
        checked = on_count(value, queries.yearly_counts(column, year), named, test != "highest_in_years")
        values |= {f"{count}_{k}": v for k, v in checked.items()}
    return values


def _written(figures: pd.DataFrame) -> pd.Timestamp:
    return pd.Timestamp(figures["published"].max())


def _written_basis(figures: pd.DataFrame) -> str:
    """Whether the latest article's date is printed or worked out (``published_basis``): a verdict that says when
    the claim was written marks an inferred date, as every date display does."""
    latest = figures[pd.to_datetime(figures["published"]) == _written(figures)]
    return str(latest["published_basis"].iloc[0])


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
            "written_date": _written(figures).strftime("%Y-%m-%d"),
            "written_basis": _written_basis(figures),
            "this_year_meant_last": int(this_year and written == year + 1),
            "first_month": table[table["fiscal_year"] == year]["month_start"].min().strftime(MONTH),
            "last_month": table[table["fiscal_year"] == year]["month_start"].max().strftime(MONTH),
        }
        case = "number_right" if right else "number_wrong"
        return ClaimCheck(claim, tests, year, figures, words, case, "partly" if right else NOT_HOLD, values)
    if tests[0] == ATTEMPTS_TEST:
        values = _record_values(year, "record", 0)
        values |= {"total": int(totals["total_swb_encounters"]), "title42_first_month": values["title42_first_month"]}
        holds = "holds" if values["usbp_fits"] else NOT_HOLD
        return ClaimCheck(
            claim, tests, year, figures, words, "attempts" if values["usbp_fits"] else "attempts_none", holds, values
        )
    claimed = 0 if tests[0] == "record" else int(figures.iloc[0]["value"])
    values = _record_values(year, tests[0], claimed)
    bare = [m for f in figures["excerpt"] for m in _CALENDAR_YEAR.findall(str(f))]
    values["calendar_year"] = int(bare[0]) if bare else 0
    fits = (int(values["usbp_fits"]), int(values["title8_fits"]))
    if tests[0] == "highest_in_years" and values["calendar_year"]:
        # "in 2021" is a calendar year, and the article's next sentence counts months: checked month by month
        values |= _month_values(int(values["calendar_year"]), claimed)
        if "m_month" in values:
            fits = (int(values["m_usbp_fits"]), int(values["m_title8_fits"]))
    case = RECORD_CASES[fits]
    holds = {"fits": "holds", "fits_usbp": MISLEADING, "fits_none": NOT_HOLD}.get(case, "partly")
    return ClaimCheck(claim, tests, year, figures, words, case, holds, values)


def claim_checks(sel: Selection) -> list[ClaimCheck]:
    """Every distinct claim of the selected articles that the reference tables can test, checked, in the order
    ``claims.csv`` first lists them."""
    return list(_claim_checks(sel))


@per_data  # a numbers page asks four times
def _claim_checks(sel: Selection) -> tuple[ClaimCheck, ...]:
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
    return tuple(checks)
