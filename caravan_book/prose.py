"""Turn data rows into plain, attributed sentences (Markdown) for the notebooks.

Every string that comes from a data file goes through :func:`md`, so a row holding
``<script>`` or Markdown syntax shows as text and never as markup.
"""

from __future__ import annotations

import html
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")


def md(text) -> str:
    """Data text made safe for MyST Markdown: HTML escaped, Markdown syntax neutralised."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


_WORDS = {"swb": "Southwest border", "us": "US", "fy": "fiscal-year", "cbp": "CBP", "mexico": "Mexico",
          "tijuana": "Tijuana", "mexicali": "Mexicali", "biden": "Biden", "oscar": "Oscar", "zapata": "Zapata"}


def metric_name(metric: str) -> str:
    """'swb_encounters_month' -> 'Southwest border encounters month' (plain text)."""
    text = " ".join(_WORDS.get(word, word) for word in metric.split("_"))
    return text[0].upper() + text[1:]


def fmt_number(value) -> str:
    """1234567 -> '1,234,567'; 1.5 -> '1.5'."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def fmt_date(when: pd.Timestamp, basis: str | None = None) -> str:
    text = f"{when.day} {when:%B %Y}"
    return text + (" (date inferred)" if basis == "inferred" else "")


def outlet_name(row) -> str:
    """How the book names an article: its outlet, or a description when the text names none."""
    if row["outlet_basis"] == "not stated":
        return f"an article whose outlet is not named ({row['source_id']})"
    return row["outlet"]


def cite(row) -> str:
    """A short citation: outlet and publication date, with inference marked."""
    return f"{md(outlet_name(row))}, {fmt_date(row['published'], row['published_basis'])}"


def figure_phrase(row) -> str:
    """'nearly 500 people' as the article puts it."""
    qualifier = "" if row["qualifier"] == "exactly" else md(row["qualifier"]) + " "
    return f"{qualifier}**{md(row['value_text'])}** {md(row['unit'])}"


def figure_sentence(row) -> str:
    claimant = row["attributed_to"] if isinstance(row["attributed_to"], str) else None
    who = f"{md(claimant)}, as reported by {md(outlet_name(row))}," if claimant else md(outlet_name(row))
    when = f" (as of {fmt_date(row['as_of'], row['as_of_basis'])})" if "as_of" in row else ""
    return f"{who[0].upper() + who[1:]} gives {figure_phrase(row)}{when}."


def quote_block(row) -> str:
    """A quotation, verbatim, with speaker, role, channel and source."""
    role = f", {md(row['role'])}" if isinstance(row.get("role"), str) else ""
    via = f" via {md(row['attributed_via'])}" if isinstance(row.get("attributed_via"), str) else ""
    when = fmt_date(row["date"], row["date_basis"])
    return (
        f"> “{md(row['quote'])}”\n>\n"
        f"> — **{md(row['speaker'])}**{role} ({md(row['channel'])}{via}, {when}). "
        f"Reported by {cite(row)}."
    )


def bullet_list(items) -> str:
    return "\n".join(f"- {item}" for item in items)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{fmt_number(count)} {singular if count == 1 else (plural_form or singular + 's')}"


def reading_minutes(words: int, per_minute: int = 200) -> int:
    return max(1, round(words / per_minute))
