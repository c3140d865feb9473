"""The fourth standards review's page findings (M5, M6, m1-m3, m7, m9-m12, m15, m16), each held as a class over
every page or selection the data makes, not only the example the review quotes."""

from __future__ import annotations

import itertools
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from caravan_book.build import reader, trust
from caravan_book.data import queries, tables
from caravan_book.data.kinds import GROUPS
from caravan_book.data.selection import select
from caravan_book.story import charts, common, comparison, exercises, narrative, responses
from tests.conftest import INCIDENT_IDS, REPO, generated_pages
from tests.test_news_pages import IDS, SELECTIONS

PAIRS = list(itertools.permutations(INCIDENT_IDS, 2))


def _plain(markdown: str) -> str:
    """Rendered Markdown as a reader reads it: no escapes, no bold marks."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "")


def _label_words(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


# ---------------------------------------------------------------- M5: other versions right after their figure
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_other_versions_follow_the_sentence_that_states_the_figure_and_name_it(sel):
    lead = _plain(narrative.lead(sel))
    figures = queries.figures(sel)
    events = queries.timeline(sel)
    for found in re.finditer(r" Other versions of the figure for the ([^:]+): ", lead):
        before = lead[: found.start()]
        # the sentence right before is a lead event's summary, told in the words of a figure of that metric
        told = []
        for _, r in events.iterrows():
            if not before.endswith(str(r["summary"])):
                continue
            same = figures[(figures["source_id"] == r["source_id"]) & (figures["excerpt"] == r["excerpt"])]
            told += [r["event_id"] for label in same["metric_label"] if _label_words(str(label)) == found.group(1)]
        assert told, (sel.describe(), found.group(0), before[-200:])
    assert "Other versions of that count" not in lead


def test_the_2018_lead_puts_the_group_sizes_after_the_group_not_after_the_arrests():
    lead = _plain(narrative.lead(select("2018-tijuana")))
    versions = lead.index("Other versions of the figure for the group at the border fence:")
    assert lead.index("around 500 migrants") < versions
    arrests = lead.index("Forty-two people were arrested")
    assert not lead[arrests:].startswith(lead[arrests : lead.index(".", arrests) + 1] + " Other versions")
    assert versions < arrests


# ---------------------------------------------------------------- M6 / m16: each side's account, with its speaker
def _cells(left: str, right: str) -> dict[str, list[list[str]]]:
    table = BeautifulSoup(comparison.comparison_table(select(left), select(right)), "html.parser")
    rows = {}
    for tr in table.select("tbody tr"):
        cells = tr.select("td")
        rows[tr.th.get_text(" ", strip=True)] = [
            [li.get_text(" ", strip=True) for li in td.select("li")] for td in cells
        ]
    return rows


@pytest.mark.parametrize(("left", "right"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_a_comparison_fact_an_official_gives_names_the_official(left, right):
    """Every fact in the table whose sentence is a statement's says who gives it (or names them in its words)."""
    rows = _cells(left, right)
    shown = [item for cells in rows.values() for cell in cells for item in cell]
    for incident in (left, right):
        sel = select(incident)
        facts, statements = queries.facts(sel), queries.statements(sel)
        facts = facts[facts["topic"].isin(comparison.FACT_ROWS)]
        said = statements.merge(facts, on=["source_id", "excerpt"], suffixes=("", "_fact"))
        for _, r in said.iterrows():
            item = [s for s in shown if s.startswith(" ".join(str(r["value"]).split())[:40])]
            assert item, (incident, r["fact_id"])
            last = str(r["speaker"]).split()[-1].lower()
            assert any(last in s.lower() for s in item), (incident, r["fact_id"], item)


def test_the_2018_force_row_gives_the_officials_account_of_the_migrants_beside_the_tear_gas():
    force = _cells("2018-tijuana", "2021-tapachula")["Force used"]
    tijuana, tapachula = force
    assert any("tear gas" in s for s in tijuana)
    nielsen = [s for s in tijuana if "projectiles" in s and "Kirstjen Nielsen" in s]
    assert len({s.split("according to ")[-1] for s in nielsen}) == 3, nielsen  # one per incident article
    assert any("in a violent way" in s and "Interior Ministry" in s for s in tijuana), tijuana
    assert any("“pushed past and tossed apart police" in s and "MailOnline" in s for s in tapachula), tapachula


def test_no_event_summary_softens_the_words_the_comparison_quotes():
    """An event summary told from a sentence a force_used fact quotes keeps those quoted words (M6)."""
    facts = tables.load("facts")
    events = tables.load("events")
    for _, fact in facts[facts["topic"] == "force_used"].iterrows():
        quoted = re.findall(r"“([^”]+)”", str(fact["value"]))
        same = events[(events["source_id"] == fact["source_id"]) & (events["excerpt"] == fact["excerpt"])]
        for _, event in same.iterrows():
            for words in quoted:
                head = " ".join(words.split()[:5])
                assert head in str(event["summary"]), (event["event_id"], words)


@pytest.mark.parametrize(("left", "right"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_a_us_official_an_articles_headline_news_names_is_in_the_us_response_row(left, right):
    """m16: the US official whose action an article leads with (its headline event) is in the US response row."""
    rows = _cells(left, right)
    for side, incident in enumerate((left, right)):
        sel = select(incident)
        heads = queries.sources(sel).set_index("source_id")["headline"]
        us = set(queries.statements(sel).query("group == 'us-federal'")["speaker"])
        for _, event in queries.timeline(sel).iterrows():
            if str(event["excerpt"]).strip() == str(heads.get(event["source_id"], "")).strip() and event["actor"] in us:
                cell = rows["US government response"][side]
                assert any(str(event["actor"]) in s for s in cell), (incident, event["event_id"], cell)


# ---------------------------------------------------------------- m1: the news first, then the words line
@pytest.fixture(scope="module")
def pages(built_book) -> dict[str, BeautifulSoup]:
    return generated_pages(built_book)


def test_every_reader_page_opens_with_a_paragraph_then_the_words_line(pages):
    for name, soup in pages.items():
        article = soup.select_one("article")
        words = article.select_one("p.caravan-words")
        if words is None:
            continue
        first = next(p for p in article.select("p") if p.get_text(strip=True))
        assert first is not words, name
        assert "Words on this page" not in first.get_text(), name
        # the words line comes before the page's first section heading, right after the opening paragraph
        heading = article.select_one("h2")
        order = [el for el in article.find_all(["p", "h2"])]
        assert heading is None or order.index(words) < order.index(heading), name
        between = order[order.index(first) + 1 : order.index(words)]
        assert not [p for p in between if p.name == "h2"], name


@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_the_responses_news_lead_says_when_where_and_what_happened(sel):
    lead = _plain(common.news_lead(sel))
    assert "speakers" not in lead and "Words on this page" not in lead
    if sel.as_of is None:
        assert queries.incident(sel)["place"] in lead
    events = queries.timeline(sel)
    if not events.empty:
        assert any(str(s) in lead for s in events["summary"]), lead


@pytest.mark.parametrize(("left", "right"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_the_comparison_leads_with_each_incidents_news(left, right):
    lead = _plain(comparison.comparison_lead(select(left), select(right)))
    for incident in (left, right):
        info = queries.incident(select(incident))
        assert info["title"] in lead and info["place"] in lead
    assert "The table" not in lead


def test_the_words_line_goes_after_the_first_block_with_a_paragraph():
    from docutils import nodes

    top = nodes.section()
    top += nodes.title(text="Page")
    top += nodes.container()  # a cell without output
    lead = nodes.container()
    lead += nodes.paragraph(text="The news.")
    top += lead
    top += nodes.section()
    assert reader._after_lead(top) == 3


# ---------------------------------------------------------------- m2: citation code on the methods page only
def test_citation_code_is_only_on_the_methods_page_and_every_page_keeps_the_plain_citation(pages):
    for name, soup in pages.items():
        cite = soup.select_one("section.caravan-trust")
        assert cite is not None and "Cite this page" in cite.get_text(), name
        code = cite.select("pre.caravan-bibtex, pre.caravan-csl, details.caravan-cite")
        assert bool(code) == (name == "methods"), name


# ---------------------------------------------------------------- m3: corrections a reader can tell apart
def test_no_two_corrections_read_the_same(built_book):
    html = (built_book / "_build" / "html" / "book" / "generated" / "corrections.html").read_text(encoding="utf-8")
    items = [
        " ".join(li.get_text(" ").split()).split("):", 1)[-1]
        for li in BeautifulSoup(html, "html.parser").select("article li")
        if "Why:" in li.get_text()
    ]
    assert items and len(items) == len(set(items)), [i for i in items if items.count(i) > 1][:3]


def test_each_corrected_statement_or_event_is_named_by_its_first_words_from_the_data():
    subjects = trust._subjects()
    for row in trust._corrections():
        table, _, key = row["fact_id"].partition("/")
        if (table, key) in subjects:  # a row still in the data (a removed one has nothing to quote)
            assert row.get("begins") == subjects[(table, key)], row["fact_id"]
            column = "quote" if table == "statements" else "excerpt"
            frame = tables.load(table).set_index("statement_id" if table == "statements" else "event_id")
            assert str(frame.loc[key, column]).strip().strip('“”"').startswith(row["begins"]), row["fact_id"]


# ---------------------------------------------------------------- m7: no place the sentence does not name
def test_no_label_places_a_figure_the_article_does_not_place():
    figures = tables.load("figures")
    labels = queries.metric_labels()
    unplaced = figures[figures["note"].str.contains("does not say which city", na=False)]
    assert not unplaced.empty
    for metric in unplaced["metric"]:
        assert "(not named)" in labels[metric], labels[metric]
    places = set(tables.load("places")["place"])
    for metric in unplaced["metric"]:
        assert not [p for p in places if p in labels[metric]], labels[metric]
    assert not [m for m, label in labels.items() if "from context" in label]


# ---------------------------------------------------------------- m9: sentences, not glued fragments
@pytest.mark.parametrize(("left", "right"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_the_comparison_exercises_and_table_read_as_sentences(left, right):
    text = exercises.comparison(select(left), select(right))
    assert not re.search(r";\s+and\b", text), text
    assert not re.search(r"\w\(from", comparison.comparison_table(select(left), select(right)))


def test_no_reader_page_glues_a_number_to_a_bracket(pages):
    for name, soup in pages.items():
        article = soup.select_one("article")
        for el in article.select("script, style, .vega-embed, svg"):
            el.decompose()
        text = article.get_text(" ")
        assert not re.search(r"\d\(from", text), name


# ---------------------------------------------------------------- m10: only the groups on the page
@pytest.mark.parametrize("sel", SELECTIONS, ids=IDS)
def test_about_this_page_names_only_the_groups_the_page_quotes(sel):
    about = _plain(responses.responses_about(sel)).split(". A speaker")[0]
    present = set(queries.statements(sel)["group"])
    for group, name in GROUPS.items():
        assert (name in about) == (group in present), (sel.describe(), name)


def test_no_teachers_goal_names_groups_a_page_may_not_quote():
    spec = yaml.safe_load((REPO / "sections.yml").read_text(encoding="utf-8"))
    names = [n.lower() for n in GROUPS.values()] + ["governments", "local officials", "organizers", "migrants"]
    for notebook in ("responses",):
        for goal in spec["notebooks"][notebook]["goals"]:
            assert not [n for n in names if n in goal.lower()], goal


# ---------------------------------------------------------------- m11: glossary sourced and complete
GLOSSARY = (REPO / "book" / "glossary.md").read_text(encoding="utf-8")


def _entry(term: str) -> str:
    found = re.search(rf"^{re.escape(term)}\n((?:  .*\n?)+)", GLOSSARY, re.M)
    assert found, term
    return found.group(1)


def test_the_glossary_makes_no_claim_the_sources_do_not_hold():
    assert "wait there for Mexican papers" not in _entry("Tapachula")
    assert "migrants themselves" not in _entry("caravan")


def test_the_inferred_entry_names_each_outside_date_the_data_dates_by():
    entry = " ".join(_entry("inferred").split())
    notes = " ".join(
        " ".join(tables.load(t)["date_note"].dropna().astype(str))
        for t in ("events", "statements", "figures")
        if "date_note" in tables.load(t)
    )
    for day, words in (("6 Nov", "midterm"), ("20 Jan", "inaugurat"), ("21 Oct", "town hall")):
        assert day in notes  # the data does date by it
        assert words in entry.lower(), words


def test_every_word_the_review_found_unexplained_has_an_entry_where_pages_use_it(pages):
    terms = {t for entry in reader.glossary_terms() for t in entry}
    text = " ".join(s.get_text(" ") for s in pages.values())
    for word in ("cordon", "QR code", "levee", "inauguration"):
        if re.search(rf"\b{word}", text, re.I):
            assert word in terms, word


# ---------------------------------------------------------------- m12: the tooltip says what the table says
def test_no_encounters_tooltip_shows_zero_for_a_month_without_title_42():
    monthly = queries.encounters_monthly()
    figure = charts.encounters_chart(
        monthly, monthly["month_start"].max(), "mark", queries.figures(select(INCIDENT_IDS[0])).iloc[0:0], "t", "n"
    )
    spec = figure.chart.to_dict()
    rows = [r for values in spec.get("datasets", {}).values() for r in values if "count_text" in r]
    assert rows
    unused = [r for r in rows if r["authority"] == "Title 42" and r["encounters"] == 0]
    assert unused  # the table runs from before March 2020
    assert all(
        r["count_text"] == "not in use that month" and "not in use that month" in r["counted_as"] for r in unused
    )
    assert all(r["count_text"] for r in rows if r not in unused)
    table = figure.data
    for r in unused:
        shown = table[table.iloc[:, 0] == r["month"]]
        assert (shown.iloc[:, 2] == r["counted_as"]).any(), r["month"]
    # review 8, m8: the mark's hover text, as drawn, gives no empty count (the colour's entry names the authority)
    from caravan_book.story import figures

    svg, _ = figures.drawing(figure.chart)
    titles = re.findall(r"<title>([^<]*Title 42[^<]*)</title>", svg)
    assert titles and not [t for t in titles if t.endswith(": ")]
    assert sum("not in use that month" in t for t in titles) == len(unused)


# ---------------------------------------------------------------- m15: no notebooks in the built site
def test_the_site_ships_no_notebook_and_no_source_copies(built_book):
    site = built_book / "_build" / "html"
    assert not list(site.rglob("*.ipynb"))
    assert not (site / "_sources").exists()
