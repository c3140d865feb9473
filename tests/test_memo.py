"""The pages' repeated questions answered once per data folder (``data.memo``), and the chart's PNG copy
(``story.figures``): in process, on the real data and the real converter."""

from __future__ import annotations

import pandas as pd
import pytest

from caravan_book import settings
from caravan_book.data import claims, queries, tables
from caravan_book.data.files import recording
from caravan_book.data.selection import select
from caravan_book.story import charts
from caravan_book.story import figures as render

pytestmark = pytest.mark.unit


def test_a_kept_answer_is_a_copy_and_records_the_tables_each_time():
    first = queries.monthly_table()
    first.loc[0, "total_swb_encounters"] = -1  # a page that writes into its table changes no one else's
    with recording() as used:
        again = queries.monthly_table()
    assert int(again.loc[0, "total_swb_encounters"]) != -1
    assert set(used) == set(queries.MONTHLY_TABLES)  # a hit records what the first computation read


def test_an_answer_follows_the_data_folder(data_copy, monkeypatch):
    """Another data folder (a test's copy, a custom book's) gets its own answer, not the first folder's."""
    sel = select("2018-tijuana")
    before = len(queries.figures(sel))
    path = data_copy / "figures.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[frame["incident"] != "2018-tijuana"].to_csv(path, index=False)
    monkeypatch.setenv(settings.DATA_ENV, str(data_copy))
    assert before > 0 and len(queries.figures(select("2018-tijuana"))) == 0
    assert claims.claim_checks(select("2018-tijuana")) == []


def test_a_tables_line_numbers_are_shared_not_copied_by_each_operation():
    figures = tables.load("figures")
    narrowed = figures[figures["incident"] == "2018-tijuana"].reset_index(drop=True)
    assert narrowed.attrs["lines"] is figures.attrs["lines"]
    assert list(figures.attrs["lines"])[:2] == [2, 3]  # file lines: the header is line 1


def test_the_png_copy_is_the_drawing_on_white_as_vegalite_to_png_draws_it():
    events = queries.timeline(select("2018-tijuana"))
    _, spec = render.drawing(charts.timeline_chart(events, name="t").chart)
    white = {**spec, "config": {**spec["config"], "background": "white"}}
    # vl-convert as the package sets it up (its fonts; the drawings above may all have come from the cache)
    assert render.png(spec) == bytes(render.converter().vegalite_to_png(white, scale=render.PNG_SCALE))
