"""The responses page: who responded, what they said, in their words.

Python chooses the rows and the case; the words are in ``book/templates/responses/``. Every value a template
prints is Markdown-escaped data text (see :mod:`caravan_book.story.templates`).
"""

import pandas as pd
from markupsafe import Markup

from caravan_book.data import queries
from caravan_book.data.kinds import GROUPS
from caravan_book.data.selection import Selection
from caravan_book.story.display import INFERRED_KEY, OPEN_BEFORE, date_text, quote_block
from caravan_book.story.templates import render
from caravan_book.text.quotes import holds_speakers_words, in_context

#: The groups whose words are an official response.
OFFICIAL = ("us-federal", "mexico-federal")


# ---------------------------------------------------------------- responses
def earlier_notes(sel: Selection, frame: pd.DataFrame) -> dict[str, Markup]:
    """statement_id -> the note shown with a statement about an earlier matter, not this incident (review 5, M4):
    the earlier event it is about (``queries.earlier_subjects``) and, when none of its group's statements is about
    this incident, that the article reports none."""
    subjects = queries.earlier_subjects(sel, frame)
    notes = {}
    for sid, event in subjects.items():
        group = frame.loc[frame["statement_id"] == sid, "group"].iloc[0]
        own = frame.loc[frame["group"] == group, "statement_id"]
        notes[sid] = Markup(
            render(
                "responses/earlier.md.j2",
                summary=str(event["summary"]).rstrip("."),
                date=date_text(event["date"], event["date_basis"], event["date_precision"]),
                group=GROUPS[group],
                alone=all(str(o) in subjects for o in own),
                one=len(sel.sources) == 1,
            ).strip()
        )
    return notes


def _block(r, notes: dict[str, Markup]) -> Markup:
    """A statement's quote block, with the note of an earlier matter under it when it has one."""
    note = notes.get(str(r["statement_id"]))
    return Markup(quote_block(r)) + (Markup("\n\n") + note if note else "")


def _statement_blocks(rows: pd.DataFrame, notes: dict[str, Markup]) -> list[Markup]:
    """Quote blocks; statements shown in the same article sentence are shown once."""
    blocks, shown = [], set()
    for _, r in rows.iterrows():
        key = (r["speaker"], r["source_id"], r["excerpt"])
        if in_context(r):
            if key in shown:
                continue
            shown.add(key)
        blocks.append(_block(r, notes))
    return blocks


def responses_text(sel: Selection) -> str:
    frame = queries.statements(sel)
    notes = earlier_notes(sel, frame)
    groups = [
        {"name": GROUPS[g], "count": len(rows), "quotes": _statement_blocks(rows, notes)}
        for g, rows in frame.groupby("group", sort=False)
    ]
    return render("responses/by-group.md.j2", groups=groups, key=INFERRED_KEY)


def officials_before(sel: Selection, frame: pd.DataFrame) -> list[dict]:
    """Official groups none of whose statements answers the incident, judged by what the article says of each:
    a statement it dates before the incident began, or one it does not date ("reported") whose sentence tells
    of something dated before that day (an earlier event of the same article, told in the same sentence)."""
    start = pd.Timestamp(queries.incident(sel)["start_date"])
    official = frame[frame["group"].isin(OFFICIAL)]
    if official.empty or (sel.as_of is not None and sel.as_of < start):
        return []
    earlier: dict[tuple[str, str], tuple[pd.Timestamp, str | None, str]] = {}
    events = queries.timeline(sel)
    for _, r in events[events["date"] < start].iterrows():
        earlier.setdefault((str(r["source_id"]), str(r["excerpt"])), (r["date"], r["date_basis"], r["date_precision"]))
    subjects = queries.earlier_subjects(sel, frame)
    for sid, event in subjects.items():  # words about an earlier event (review 5, M4)
        row = frame[frame["statement_id"] == sid].iloc[0]
        earlier[(str(row["source_id"]), str(row["excerpt"]))] = (
            event["date"],
            event["date_basis"],
            event["date_precision"],
        )
    groups = []
    for group, rows in official.groupby("group", sort=False):
        undated = rows[rows["date_precision"].isin(OPEN_BEFORE) | rows["statement_id"].isin(list(subjects))]
        dated = rows.drop(undated.index)
        about = [earlier.get((str(r["source_id"]), str(r["excerpt"]))) for _, r in undated.iterrows()]
        if (dated["date"] >= start).any() or any(a is None for a in about):
            return []
        last = dated.sort_values("date", kind="stable").iloc[-1] if not dated.empty else None
        groups.append(
            {
                "name": GROUPS[group],
                "last": date_text(last["date"], last["date_basis"], last["date_precision"])
                if last is not None
                else None,
                "about": [date_text(a[0], a[1], a[2]) for a in dict.fromkeys(about) if a is not None],
            }
        )
    return groups


def responses_about(sel: Selection) -> str:
    """The "About this page" paragraph: it names only the groups the page's statements come from (review 4, m10)."""
    frame = queries.statements(sel)
    return render("responses/about.md.j2", groups=[GROUPS[g] for g in frame["group"].drop_duplicates()])


def responses_lead(sel: Selection) -> str:
    """Each group's leading statement, one per group, so every side is heard before the full lists; first, when
    no government answered this incident, that is said."""
    frame = queries.statements(sel)
    if frame.empty:
        return ""
    info = queries.incident(sel)
    notes = earlier_notes(sel, frame)
    items = [
        {"name": GROUPS[g], "quote": _block(rows.iloc[0], notes)} for g, rows in frame.groupby("group", sort=False)
    ]
    return render(
        "responses/lead.md.j2",
        items=items,
        before=officials_before(sel, frame),
        start=date_text(pd.Timestamp(info["start_date"]), info["start_date_basis"]),
        one=len(sel.sources) == 1,
        statements=len(frame),
        speakers=int(frame["speaker"].nunique()),
        # one article sentence that reports several speakers is one statement of each (review 6, m9)
        shared=int((frame.groupby(["source_id", "excerpt"])["speaker"].nunique() > 1).sum()),
    )


def responses_summary(sel: Selection) -> str:
    frame = queries.statements(sel)
    if frame.empty:
        return render("responses/summary.md.j2", empty=True, one=len(sel.sources) == 1)
    # counted as the page shows them (review 3, m12): a quotation on its own, or the article's sentence
    sentence = frame.apply(lambda r: in_context(r) or not isinstance(r["quote"], str), axis=1)
    earlier = queries.earlier_subjects(sel, frame)
    return render(
        "responses/summary.md.j2",
        empty=False,
        one=len(sel.sources) == 1,
        statements=len(frame),
        speakers=int(frame["speaker"].nunique()),
        direct=int((~sentence).sum()),
        phrases=int((sentence & frame.apply(holds_speakers_words, axis=1)).sum()),
        groups=[
            {"name": GROUPS[g], "count": len(rows), "earlier": int(rows["statement_id"].isin(list(earlier)).sum())}
            for g, rows in frame.groupby("group", sort=False)
        ],
        channels=[{"channel": c, "count": int(n)} for c, n in frame["channel"].value_counts().items()],
    )
