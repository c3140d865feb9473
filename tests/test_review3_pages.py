"""Standards review 3, minor findings m6-m13, each held as a class on every page the data makes: leads that give
an article's headline news, the migrants' own words and the other versions of a number; numbers pages that
open with the news; exercises that quote only what an article prints; summaries that keep the article's
words; statement counts a reader can check on the page; exercises promised only where there are some."""

from __future__ import annotations

import re

import pytest

from caravan_book.data import queries, tables
from caravan_book.data.selection import select
from caravan_book.story import common, exercises, narrative, numbers, responses
from caravan_book.story.common import headline
from caravan_book.text.quotes import holds_speakers_words, in_context
from tests.conftest import REPO
from tests.test_news_pages import IDS, MONTHS, SELECTIONS

pytestmark = pytest.mark.unit


def _flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


# ---------------------------------------------------------------- m6: an article's headline news, the migrants' words
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_lead_gives_every_articles_headline_news(sel):
    events = queries.timeline(sel)
    if events.empty:
        return
    lead = _flat(narrative.lead(sel))
    heads = queries.sources(sel).set_index("source_id")["headline"]
    for _, e in events.iterrows():
        if str(e["excerpt"]).strip() == str(heads[e["source_id"]]).strip():
            assert _flat(str(e["summary"]))[:80] in lead, (e["event_id"], lead[:400])


def _lead_news(sel):
    """The events of the day a page's lead gives, or None when the data holds no events for the selection."""
    return None if queries.timeline(sel).empty else headline(sel)["news"]


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_lead_gives_the_migrants_own_words_beside_the_officials_accounts(sel):
    news = _lead_news(sel)
    if news is None:
        return
    statements = queries.statements(sel)
    said = statements[
        statements["date"].isin(set(news["date"]))
        & (statements["group"] == narrative.MIGRANTS)
        & ~statements["excerpt"].isin(set(news["excerpt"]))
    ]
    if said.empty or not any(common.ACCOUNT.search(str(s)) for s in news["summary"]):
        return  # without officials' accounts the lead gives every side's words (test_news_pages)
    lead = _flat(narrative.lead(sel))
    leading = said[said["prominence"] == said["prominence"].min()].drop_duplicates("speaker")
    for _, r in leading.iterrows():
        assert _flat(str(r["quote"]))[:60] in lead, (r["statement_id"], lead[-400:])
        assert str(r["speaker"]) in lead, r["statement_id"]


# ---------------------------------------------------------------- m7: a number in the lead, with its other versions
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_a_number_the_lead_states_comes_with_its_other_versions(sel):
    news = _lead_news(sel)
    if news is None:
        return
    figures = queries.figures(sel)
    told = figures.merge(news[["source_id", "excerpt"]], on=["source_id", "excerpt"])
    lead = _flat(narrative.lead(sel))
    for _, f in told.iterrows():
        others = figures[(figures["metric"] == f["metric"]) & (figures["figure_id"] != f["figure_id"])]
        others = others[(others["source_id"] != f["source_id"]) | others["attributed_to"].notna()]
        for _, o in others.iterrows():
            assert f"“{_flat(str(o['as_printed']))}”" in lead, (o["figure_id"], lead[:600])


def test_the_2018_lead_says_the_interior_ministry_said_nearly_500():
    lead = _flat(narrative.lead(select("2018-tijuana")))
    assert "“nearly 500 migrants”, from Mexico's Interior Ministry" in lead
    assert "leads instead with news of" in lead and "threatened to close the border permanently" in lead
    # review 9, m4: the BBC says the marchers were "shouting", never that they chanted
    assert "Marchers, the BBC reports, shouted: “We aren’t criminals! We are hard workers!”" in lead
    assert "chanted" not in lead


# ---------------------------------------------------------------- m8: the numbers pages open with the news
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_numbers_page_opens_with_the_news(sel):
    text = numbers.numbers_lead(sel)
    first = _flat(text.strip().split("\n\n")[0])
    assert re.search(rf"\d{{1,2}} ({MONTHS}) \d{{4}}", first), first
    if sel.as_of is None:
        assert queries.incident(sel)["place"] in first and queries.incident(sel)["title"] in first
    figures = queries.figures(sel)
    if figures.empty:
        return
    flat = _flat(text).replace("**", "")
    top = figures[figures["prominence"] == figures["prominence"].min()]
    for metric, group in top.groupby("metric"):
        assert _flat(str(group.iloc[0]["as_printed"])) in flat, (metric, flat)


def test_the_numbers_notebook_shows_its_lead_before_anything_else():
    import json

    cells = json.loads((REPO / "notebooks" / "numbers.ipynb").read_text(encoding="utf-8"))["cells"]
    shown = [
        "".join(c["source"])
        for c in cells
        if "remove-cell" not in c["metadata"].get("tags", []) and "parameters" not in c["metadata"].get("tags", [])
    ]
    body = [s for s in shown if not s.startswith(("#", "from caravan_book"))]
    assert "story.numbers_lead(sel)" in body[0], body[:2]


# ---------------------------------------------------------------- m10: exercises quote only what an article prints
def _article_words() -> str:
    parts = []
    for name, columns in {
        "events": ["excerpt"],
        "statements": ["excerpt", "quote"],
        "figures": ["excerpt", "as_printed"],
        "facts": ["excerpt"],
        "sources": ["headline"],
        "defects": ["excerpt"],
    }.items():
        frame = tables.load(name)
        for column in columns:
            parts += [str(v) for v in frame[column].dropna()]
    return _flat(" ".join(parts)).lower().replace("’", "'")


def _exercise_texts(sel) -> list[str]:
    texts = [exercises.narrative(sel), exercises.numbers(sel), exercises.responses(sel)]
    return texts


#: A quotation of at least this many words in an exercise must be an article's words; shorter ones are single
#: words the exercise talks about (“about”, “at least”) or the shape of a model answer (“… said that …”).
QUOTED_WORDS = 4


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_an_exercise_puts_in_quotation_marks_only_an_articles_words(sel):
    words = _article_words()
    for text in _exercise_texts(sel):
        for quoted in re.findall(r"“([^“”]+)”", _flat(text)):
            if len(quoted.split()) < QUOTED_WORDS or "…" in quoted:
                continue
            assert quoted.replace("**", "").lower().replace("’", "'").rstrip(".") in words, quoted


def test_comparison_exercises_put_in_quotation_marks_only_an_articles_words():
    words = _article_words()
    text = _flat(exercises.comparison(select("2018-tijuana"), select("2021-tapachula")))
    for quoted in re.findall(r"“([^“”]+)”", text):
        if len(quoted.split()) >= QUOTED_WORDS and "…" not in quoted:
            assert quoted.lower().replace("’", "'").rstrip(".") in words, quoted


# ---------------------------------------------------------------- m11: a summary keeps what the article says
#: Pairs of phrases that do not mean the same: a summary uses the second only where its article does.
NOT_THE_SAME = [("women with children", "women and children"), ("at least", "about"), ("nearly", "more than")]


def test_a_summary_does_not_turn_the_articles_words_into_others():
    for name in ("events", "statements"):
        frame = tables.load(name)
        column = "summary" if name == "events" else "quote"
        for _, r in frame.iterrows():
            summary, excerpt = str(r[column]).lower(), str(r["excerpt"]).lower()
            for said, changed in NOT_THE_SAME:
                if said in excerpt and changed in summary:
                    assert changed in excerpt, (r.iloc[0], changed)


# ---------------------------------------------------------------- m12: counts a reader can check on the page
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_statement_counts_are_what_the_page_shows(sel):
    frame = queries.statements(sel)
    if frame.empty:
        return
    summary = _flat(responses.responses_summary(sel))
    text = responses.responses_text(sel)
    standalone = len(re.findall(r"^> “", text, re.M))  # a quotation on its own opens its block
    sentences = len(re.findall(r"^> \*\*", text, re.M))  # an article sentence opens with the speaker's name
    assert standalone + sentences == len(frame)
    if len(frame) == 1:
        assert "The one statement in the lists by group is shown" in summary, summary[:300]
    elif not standalone or not sentences:  # one way of showing them: no "the other 0"
        assert f"All {len(frame)} statements in the lists by group are shown" in summary, summary[:300]
    else:
        assert f"Of the {len(frame)} statements in the lists by group, {standalone} " in summary, summary[:300]
        assert f"the other {sentences} " in summary, summary[:300]
    assert "the other 0 " not in summary
    names = set(re.findall(r"^> (?:— )?\*\*([^*]+)\*\*", text, re.M))  # the speaker's name on each quote block
    lead = _flat(responses.responses_lead(sel))
    said = rf"quotes? {len(names)} (?:person or group|people or groups), {len(frame)} times? in all"
    assert re.search(said, lead), (sorted(names), lead[:200])
    # a sentence holds the speaker's words when it quotes them, directly or inside reported words (review 8, m4)
    phrases = int(sum(in_context(r) and holds_speakers_words(r) for _, r in frame.iterrows()))
    assert (f"({phrases} of th" in summary) == bool(phrases)


# ---------------------------------------------------------------- m13: exercises promised only where there are some
def test_the_introduction_promises_exercises_only_where_there_are_exercises():
    intro = _flat((REPO / "book" / "intro.md").read_text(encoding="utf-8"))
    assert "Each section ends with discussion questions and exercises" not in intro
    assert "the Sources and methods page has none" in intro
    methods = (REPO / "notebooks" / "methods.ipynb").read_text(encoding="utf-8")
    assert "exercises." not in methods  # the methods notebook makes no exercises: the intro must keep saying so


def test_the_guide_template_qualifies_its_promise_of_exercises():
    guide = (REPO / "book" / "templates" / "teachers-guide.md.j2").read_text(encoding="utf-8")
    assert "Every section ends with discussion questions and exercises." in guide
    assert 'selectattr("exercises")' in guide  # said only when every section has them
