"""Table schemas of the book's data files (pandera), with the vocabularies they allow (``kinds``).

One concern, long because the data has fifteen tables: one spec a table, each read on its own; the code that
applies them is in :mod:`caravan_book.data.tables`.

Each :class:`TableSpec` says which file holds a table, which columns it has and what
each may contain, which other tables its ids point into, and which rules join two
columns of one row. :mod:`caravan_book.data.tables` turns a spec into a pandera schema
bound to the ids that exist, validates, and reports every failure with its place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from caravan_book.data.files import REFERENCES, TABLE_FILES, referenced_tables
from caravan_book.data.kinds import (  # the vocabulary, defined in the light module
    BASIS,
    CHANNELS,
    CLAIM_TESTS,
    CORRECTION_PARTS,
    COUNTRY_PATTERN,
    DATE_PRECISIONS,
    FACT_TOPICS,
    GROUPS,
    ID_PATTERN,
    INCIDENT_PATTERN,
    MONTHS,
    OUTLET_BASIS,
    PROMINENCE,
    PUBLICATION,
    QUOTE_KINDS,
    QUOTE_MARKS,
)
from caravan_book.data.problems import rule as say
from caravan_book.text.numbers import parse_number_text
from caravan_book.text.vocabulary import QUALIFIERS


def _is_iso_date(values: pd.Series) -> pd.Series:
    """YYYY-MM-DD in ASCII digits with two-digit month and day, a real date between 1900 and 2099."""
    written = values.astype(str).str.fullmatch(r"(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}")
    parsed = pd.to_datetime(values.where(written), format="%Y-%m-%d", errors="coerce")
    return parsed.notna()


def one_of(values) -> pa.Check:
    return pa.Check.isin(list(values), error=say("not_allowed", values=", ".join(values)))


def pattern(regex: str, message: str) -> pa.Check:
    """A check that the text matches ``regex``; ``message`` is the key of what a failure says (messages.yml)."""
    return pa.Check.str_matches(regex, error=say(message))


ISO_DATE = pa.Check(_is_iso_date, error=say("iso_date"))
NOT_BLANK = pa.Check(lambda s: s.str.strip().str.len() > 0, error=say("blank"))


def text(*checks: pa.Check, required: bool = True, unique: bool = False) -> pa.Column:
    return pa.Column(str, list(checks) + ([NOT_BLANK] if required else []), nullable=not required, unique=unique)


def date(required: bool = True) -> pa.Column:
    return pa.Column(str, [ISO_DATE], nullable=not required)


def number(*checks: pa.Check, required: bool = True, kind=float) -> pa.Column:
    return pa.Column(kind, list(checks), coerce=True, nullable=not required)


def prominence() -> pa.Column:
    """Editorial rank of a row: pages put the news (1) before context (2) and detail (3)."""

    def allowed(values: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(values, errors="coerce")
        return numbers.isin(PROMINENCE) | numbers.isna()  # a non-number is reported once, as not a number

    return number(
        pa.Check(allowed, error=say("prominence")),
        kind=int,
    )


def ident() -> pa.Column:
    return text(pattern(ID_PATTERN, "not_id"), unique=True)


@dataclass(frozen=True)
class RowRule:
    """A rule that relates columns of one row; failures are reported at ``column``."""

    column: str
    message: str
    holds: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    columns: dict[str, pa.Column]
    key: str | None = None
    row_rules: tuple[RowRule, ...] = ()
    #: columns converted to datetimes once the table is valid
    date_columns: tuple[str, ...] = ()

    @property
    def references(self) -> dict[str, tuple[str, str]]:
        """Column -> (table, column) it must point into (``files.REFERENCES``)."""
        return REFERENCES.get(self.name, {})

    @property
    def referenced_tables(self) -> tuple[str, ...]:
        """The tables this table's ids point into (their files are part of its validated cache's key)."""
        return referenced_tables(self.name)


def _collapse(s: pd.Series) -> pd.Series:
    return s.fillna("").map(lambda v: " ".join(str(v).split()))


def _contains(part: str, whole: str) -> Callable[[pd.DataFrame], pd.Series]:
    def holds(df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [p in w for p, w in zip(_collapse(df[part]), _collapse(df[whole]), strict=False)], index=df.index
        )

    return holds


def _direct_quote_in_marks(df: pd.DataFrame) -> pd.Series:
    """A direct quote stands in the excerpt between quotation marks (punctuation may sit inside them).

    A quotation that runs to the end of the excerpt's paragraph may be left open: in a quotation of
    several paragraphs, each paragraph opens with a mark and only the last one is closed.
    """

    def ok(kind, quote, excerpt) -> bool:
        if kind != "direct" or not isinstance(quote, str) or not isinstance(excerpt, str):
            return True
        quote, excerpt = " ".join(quote.split()), " ".join(excerpt.split())
        start = excerpt.find(quote)
        while start != -1:
            before = excerpt[start - 1] if start > 0 else ""
            rest = excerpt[start + len(quote) :].lstrip(",.!?;:… ")
            if before and before in QUOTE_MARKS and (not rest or rest[0] in QUOTE_MARKS):
                return True
            start = excerpt.find(quote, start + 1)
        return False

    return pd.Series(
        [ok(k, q, e) for k, q, e in zip(df["quote_kind"], df["quote"], df["excerpt"], strict=False)], index=df.index
    )


def _value_matches_text(df: pd.DataFrame) -> pd.Series:
    def ok(value, written) -> bool:
        parsed = parse_number_text(str(written))
        try:
            if not math.isfinite(float(value)) or float(value) < 0:
                return True  # NaN, inf and negative numbers are reported by the column's own checks
            return parsed is not None and abs(parsed - float(value)) < 1e-9 * max(1.0, abs(parsed))
        except (TypeError, ValueError):
            return True  # a non-number value is reported by its own column check

    return pd.Series([ok(v, t) for v, t in zip(df["value"], df["value_text"], strict=False)], index=df.index)


SOURCES = TableSpec(
    name="sources",
    file=TABLE_FILES["sources"],
    key="source_id",
    columns={
        "source_id": ident(),
        "outlet": text(),
        "label": text(unique=True),
        "outlet_basis": text(one_of(OUTLET_BASIS)),
        "headline": text(),
        "byline": text(required=False),
        "published": date(),
        "published_basis": text(one_of(BASIS)),
        "published_precision": pa.Column(str, [one_of(DATE_PRECISIONS)], nullable=True, required=False),
        "published_note": text(required=False),
        "document": text(pattern(r"^[\w.-]+\.txt$", "not_seed_file")),
        "incident": text(),
        "contributes": text(),
    },
    date_columns=("published",),
)

INCIDENTS = TableSpec(
    name="incidents",
    file=TABLE_FILES["incidents"],
    key="incident",
    columns={
        "incident": text(pattern(INCIDENT_PATTERN, "not_incident_id"), unique=True),
        "title": text(),
        "start_date": date(),
        "start_date_basis": text(one_of(BASIS)),
        "place": text(),
        "country": text(pattern(COUNTRY_PATTERN, "not_country_code")),
        "summary": text(),
        "source_id": text(),
        "excerpt": text(),
        "publication": text(one_of(PUBLICATION)),
    },
    date_columns=("start_date",),
)

PLACES = TableSpec(
    name="places",
    file=TABLE_FILES["places"],
    key="place",
    columns={
        "place": text(unique=True),
        "kind": text(),
        "latitude": number(pa.Check.in_range(-90, 90, error=say("not_latitude"))),
        "longitude": number(pa.Check.in_range(-180, 180, error=say("not_longitude"))),
        "country": text(pattern(COUNTRY_PATTERN, "not_country_code")),
        "coordinates_source": text(),
        "reliability": text(),
    },
)

EVENTS = TableSpec(
    name="events",
    file=TABLE_FILES["events"],
    key="event_id",
    columns={
        "event_id": ident(),
        "incident": text(),
        "date": date(),
        "date_basis": text(one_of(BASIS)),
        "date_precision": text(one_of(DATE_PRECISIONS)),
        "date_note": text(required=False),
        "place": text(required=False),
        "summary": text(),
        "actor": text(),
        "source_id": text(),
        "excerpt": text(),
        "prominence": prominence(),
    },
    date_columns=("date",),
)

FIGURES = TableSpec(
    name="figures",
    file=TABLE_FILES["figures"],
    key="figure_id",
    columns={
        "figure_id": ident(),
        "incident": text(),
        "metric": text(pattern(r"^[a-z][a-z0-9_]*$", "not_metric_name")),
        "value": number(pa.Check.ge(0, error=say("negative"))),
        "value_text": text(),
        "as_printed": text(),
        "unit": text(),
        "qualifier": text(one_of(QUALIFIERS)),
        "as_of": date(),
        "as_of_basis": text(one_of(BASIS)),
        "as_of_precision": pa.Column(str, [one_of(DATE_PRECISIONS)], nullable=True, required=False),
        "attributed_to": text(required=False),
        "source_id": text(),
        "excerpt": text(),
        "note": text(required=False),
        "prominence": prominence(),
    },
    row_rules=(
        RowRule("value_text", say("value_text_not_in_excerpt"), _contains("value_text", "excerpt")),
        RowRule(
            "as_printed",
            say("as_printed_not_in_excerpt"),
            _contains("as_printed", "excerpt"),
        ),
        RowRule("as_printed", say("as_printed_without_value"), _contains("value_text", "as_printed")),
        RowRule("value", say("value_not_value_text"), _value_matches_text),
    ),
    date_columns=("as_of",),
)

STATEMENTS = TableSpec(
    name="statements",
    file=TABLE_FILES["statements"],
    key="statement_id",
    columns={
        "statement_id": ident(),
        "incident": text(),
        "speaker": text(),
        "role": text(required=False),
        "institution": text(),
        "group": text(one_of(GROUPS)),
        "country": text(pattern(COUNTRY_PATTERN, "not_country_code")),
        "date": date(),
        "date_basis": text(one_of(BASIS)),
        # optional here (not in the columns agreed with the extractor): a missing column means "day"
        "date_precision": pa.Column(str, [one_of(DATE_PRECISIONS)], nullable=True, required=False),
        "date_note": text(required=False),
        "channel": text(one_of(CHANNELS)),
        "quote": text(),
        "quote_kind": text(one_of(QUOTE_KINDS)),
        "attributed_via": text(required=False),
        "source_id": text(),
        "excerpt": text(),
        "prominence": prominence(),
        # optional (not in the columns agreed with the extractor): the earlier event the words are about
        "about_event": pa.Column(str, nullable=True, required=False),
    },
    row_rules=(
        RowRule("quote", say("quote_not_in_excerpt"), _contains("quote", "excerpt")),
        RowRule(
            "quote_kind",
            say("direct_without_marks"),
            _direct_quote_in_marks,
        ),
    ),
    date_columns=("date",),
)

METRICS = TableSpec(
    name="metrics",
    file=TABLE_FILES["metrics"],
    key="metric",
    columns={
        "metric": text(pattern(r"^[a-z][a-z0-9_]*$", "not_metric_name"), unique=True),
        "label": text(),
        "description": text(),
        "compare_group": text(required=False),
    },
)

FACTS = TableSpec(
    name="facts",
    file=TABLE_FILES["facts"],
    key="fact_id",
    columns={
        "fact_id": ident(),
        "incident": text(),
        "topic": text(one_of(FACT_TOPICS)),
        "value": text(),
        "source_id": text(),
        "excerpt": text(),
    },
)

DEFECTS = TableSpec(
    name="defects",
    file=TABLE_FILES["defects"],
    key="defect_id",
    columns={"defect_id": ident(), "source_id": text(), "defect": text(), "excerpt": text()},
)

CLAIMS = TableSpec(
    name="claims",
    file=TABLE_FILES["claims"],
    key="claim_id",
    columns={
        "claim_id": ident(),
        "claim": text(pattern(ID_PATTERN, "not_id")),
        "figure_id": text(),
        "test": text(one_of(CLAIM_TESTS)),
        "fiscal_year": number(pa.Check.in_range(1900, 2100, error=say("not_a_year")), kind=int),
        "claim_words": text(required=False),
        "note": text(required=False),
    },
)

#: A published fact: a sourced table and the row's id, or a checked claim (``build/trust.py``).
FACT_REF = r"^(incidents|sources|events|figures|statements|facts|defects|claims)/[a-z0-9]+(-[a-z0-9]+)*$"

CORRECTIONS = TableSpec(
    name="corrections",
    file=TABLE_FILES["corrections"],
    columns={
        "date": date(),
        "fact_id": text(pattern(FACT_REF, "not_fact")),
        "wrong": text(),
        "right": text(),
        "why": text(),
        "part": pa.Column(str, [one_of(CORRECTION_PARTS)], nullable=True, required=False),
    },
)

PROVENANCE = TableSpec(
    name="provenance",
    file=TABLE_FILES["provenance"],
    key="file",
    columns={
        "file": text(unique=True),
        "publisher": text(),
        "title": text(),
        "repository": text(),
        "path": text(),
        "version": text(),
        "checks": text(required=False),
    },
)

_PROVENANCE = {"source_path": text(), "source_commit": text(pattern(r"^[0-9a-f]{40}$", "not_commit"))}
_COUNT = number(pa.Check.ge(0, error=say("negative")), kind=int)


def _encounters_monthly(name: str, view_required: bool) -> TableSpec:
    """CBP's monthly Southwest border file; later releases have no dashboard view name."""
    return TableSpec(
        name=name,
        file=TABLE_FILES[name],
        columns={
            "fiscal_year": number(pa.Check.in_range(1900, 2100, error=say("not_a_year")), kind=int),
            "month": text(one_of(MONTHS)),
            "calendar_year": number(pa.Check.in_range(1900, 2100, error=say("not_a_year")), kind=int),
            "calendar_month": number(pa.Check.in_range(1, 12, error=say("not_a_month")), kind=int),
            **{
                c: _COUNT
                for c in (
                    "usbp_title8_apprehensions",
                    "usbp_title42_expulsions",
                    "usbp_total_encounters",
                    "ofo_title8_inadmissibles",
                    "ofo_title42_expulsions",
                    "ofo_total_encounters",
                    "total_title8",
                    "total_title42",
                    "total_swb_encounters",
                )
            },
            "source_repo": text(),
            **_PROVENANCE,
            "cbp_tableau_view": text(required=view_required),
        },
        row_rules=(
            RowRule(
                "total_swb_encounters",
                say("total_not_sum"),
                lambda df: (
                    pd.to_numeric(df["usbp_total_encounters"], errors="coerce")
                    + pd.to_numeric(df["ofo_total_encounters"], errors="coerce")
                    == pd.to_numeric(df["total_swb_encounters"], errors="coerce")
                ),
            ),
        ),
    )


ENCOUNTERS_MONTHLY = _encounters_monthly("encounters_monthly", view_required=True)
ENCOUNTERS_MONTHLY_FY2022 = _encounters_monthly("encounters_monthly_fy2022", view_required=False)

APPREHENSIONS_ANNUAL = TableSpec(
    name="apprehensions_annual",
    file=TABLE_FILES["apprehensions_annual"],
    columns={
        "fiscal_year": pa.Column(
            int, [pa.Check.in_range(1900, 2100, error=say("not_a_year"))], coerce=True, unique=True
        ),
        **{
            c: _COUNT
            for c in (
                "big_bend",
                "del_rio",
                "el_centro",
                "el_paso",
                "laredo",
                "rio_grande_valley",
                "san_diego",
                "tucson",
                "yuma",
                "southwest_border_total",
                "nationwide_total_usbp_apprehensions",
            )
        },
    },
)

USBP_MONTHLY = TableSpec(
    name="usbp_monthly",
    file=TABLE_FILES["usbp_monthly"],
    columns={
        "fiscal_year": pa.Column(int, [pa.Check.in_range(1900, 2100, error=say("not_a_year"))], coerce=True),
        "calendar_year": pa.Column(int, [pa.Check.in_range(1900, 2100, error=say("not_a_year"))], coerce=True),
        "month": pa.Column(str),
        "sector_or_region": pa.Column(str),
        "usbp_apprehensions": _COUNT,
    },
)

#: Every table, in the order they are checked (tables others point into come first).
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        PLACES,
        INCIDENTS,
        SOURCES,
        METRICS,
        EVENTS,
        FIGURES,
        STATEMENTS,
        FACTS,
        DEFECTS,
        CLAIMS,
        CORRECTIONS,
        PROVENANCE,
        ENCOUNTERS_MONTHLY,
        ENCOUNTERS_MONTHLY_FY2022,
        APPREHENSIONS_ANNUAL,
        USBP_MONTHLY,
    )
}
#: Tables whose rows quote an article and must carry a verbatim excerpt of it.
EXCERPT_TABLES = ("incidents", "events", "figures", "statements", "facts", "defects")
