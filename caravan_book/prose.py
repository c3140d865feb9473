"""Turn data rows into plain, attributed sentences (Markdown) for the notebooks.

Every string that comes from a data file goes through :func:`md`, so a row holding
``<script>`` or Markdown syntax shows as text and never as markup.
"""

from __future__ import annotations

import html
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")

#: Marks a date the book worked out (from a weekday, say) instead of reading it in the article.
INFERRED = "†"
INFERRED_KEY = f"{INFERRED} A date marked {INFERRED} is worked out by the book; the article does not print it in full."


def md(text) -> str:
    """Data text made safe for MyST Markdown: HTML escaped, Markdown syntax neutralised."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def code(text: str) -> str:
    """Data text shown as code (file names): escaped for HTML, no Markdown escapes needed."""
    return f"<code>{html.escape(str(text))}</code>"


def fmt_number(value) -> str:
    """1234567 -> '1,234,567'; 1.5 -> '1.5'."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def fmt_date(when: pd.Timestamp, basis: str | None = None) -> str:
    """'25 November 2018', with † when the date is inferred."""
    return f"{when.day} {when:%B %Y}" + (INFERRED if basis == "inferred" else "")


def outlet_name(row) -> str:
    """How the book names an article: its short label (see sources.csv)."""
    label = row.get("label") if hasattr(row, "get") else None
    return label if isinstance(label, str) else str(row["outlet"])


def cite(row) -> str:
    """A short citation: the article's label and its publication date (marked if inferred)."""
    return f"{md(outlet_name(row))}, {fmt_date(row['published'], row['published_basis'])}"


def article(word: str) -> str:
    """'a' or 'an' before a word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def figure_phrase(row) -> str:
    """'nearly **500** people' as the article puts it."""
    qualifier = "" if row["qualifier"] == "exactly" else md(row["qualifier"]) + " "
    return f"{qualifier}**{md(row['value_text'])}** {md(row['unit'])}"


def figure_sentence(row) -> str:
    claimant = row["attributed_to"] if isinstance(row["attributed_to"], str) else None
    who = f"{md(claimant)}, as reported by {md(outlet_name(row))}," if claimant else md(outlet_name(row))
    when = f" (as of {fmt_date(row['as_of'], row['as_of_basis'])})" if "as_of" in row else ""
    return f"{who[0].upper() + who[1:]} gives {figure_phrase(row)}{when}."


def quote_block(row) -> str:
    """A statement with speaker, role, channel and source.

    Direct quotations are the speaker's own words, in quotation marks. Reported speech is the
    outlet's wording of what the speaker said, and is shown as such.
    """
    role = f", {md(row['role'])}" if isinstance(row.get("role"), str) else ""
    via = f" via {md(row['attributed_via'])}" if isinstance(row.get("attributed_via"), str) else ""
    when = fmt_date(row["date"], row["date_basis"])
    source = f"{md(row['channel'])}{via}, {when}"
    if row.get("quote_kind") == "reported":
        return (
            f"> As {md(outlet_name(row))} reports it, in its own words: {md(row['quote'])}\n>\n"
            f"> — about **{md(row['speaker'])}**{role} ({source}). Article: {cite(row)}."
        )
    return (
        f"> “{md(row['quote'])}”\n>\n"
        f"> — **{md(row['speaker'])}**{role} ({source}). Reported by {cite(row)}."
    )


def bullet_list(items) -> str:
    return "\n".join(f"- {item}" for item in items)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{fmt_number(count)} {singular if count == 1 else (plural_form or singular + 's')}"


def reading_minutes(words: int, per_minute: int = 200) -> int:
    return max(1, round(words / per_minute))
