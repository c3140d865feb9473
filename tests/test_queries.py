"""Parameters are validated with useful messages; queries answer what the notebooks ask."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import INCIDENTS

from caravan_book import story
from caravan_book.data import queries
from caravan_book.data import selection as params
from caravan_book.errors import ParameterError


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"incident": "2019-nowhere"}, f"choose one of: {INCIDENTS}"),
        ({"incident": 2018}, "incident must be text such as '2018-tijuana', not int 2018"),
        ({"incident": "2018-tijuana", "sources": "nytimes"}, "unknown source(s): nytimes; choose from: herborn, bbc"),
        (
            {"incident": "2018-tijuana", "sources": "mailonline"},
            "none of the chosen sources (mailonline) reports on 2018-tijuana",
        ),
        ({"incident": "2018-tijuana", "as_of": "26/11/2018"}, "is not a date written YYYY-MM-DD"),
        ({"incident": "2018-tijuana", "as_of": "2018-02-30"}, "is not a real calendar date"),
        (
            {"incident": "2018-tijuana", "as_of": "2001-01-01"},
            "is before any chosen source on 2018-tijuana was published",
        ),
        ({"incident": "2018-tijuana", "as_of": "2999-01-01"}, "is in the future"),
        ({"incident": "2018-tijuana", "sources": 5}, "sources must be 'all', a comma-separated text or a list"),
    ],
)
def test_bad_parameters_say_what_is_wrong(kwargs, message):
    with pytest.raises(ParameterError) as error:
        params.select(**kwargs)
    assert message in str(error.value)
    assert error.value.exit_code == 2


def test_same_incident_twice_is_refused():
    with pytest.raises(ParameterError, match="choose two different incidents"):
        params.select_pair("2018-tijuana", "2018-tijuana")


def test_parameter_error_shows_without_traceback_in_ipython():
    error = ParameterError("incident 'x' is not a known incident")
    assert error._render_traceback_() == ["ParameterError: incident 'x' is not a known incident"]


def test_sources_and_as_of_narrow_the_story():
    everything = queries.timeline(params.select("2018-tijuana"))
    one = queries.timeline(params.select("2018-tijuana", sources="bbc"))
    assert set(one["source_id"]) == {"bbc"} and len(one) < len(everything)
    early = params.select("2018-tijuana", as_of="2018-11-20")
    assert set(early.sources) == {"independent-ap"}
    known_then = queries.timeline(early)
    assert (known_then["date"] <= pd.Timestamp("2018-11-20")).all()
    assert known_then["date"].is_monotonic_increasing


def test_sources_accept_a_list_or_comma_separated_text():
    assert (
        params.select("2018-tijuana", sources=["bbc", "herborn"]).sources
        == params.select("2018-tijuana", sources="herborn, bbc").sources
    )


def test_disagreement_groups_by_quantity_not_by_series():
    disputed = queries.disagreements(params.select("2018-tijuana"))
    assert {"us_troops_at_border", "crowd_at_border_fence"} <= set(disputed["metric"])
    # the sports centre, the city and the whole border are different counts, not a disagreement
    assert not {"migrants_in_tijuana", "migrants_camped_in_sports_centre"} & set(disputed["metric"])
    later = queries.disagreements(params.select("2021-tapachula"))
    assert "swb_encounters_month" not in set(later["metric"])  # July and September are a series
    assert "caravan_size" not in set(later["metric"])  # one article, one voice: "3,000" and "around 3,000"


def test_record_check_matches_the_official_tables():
    # the values documented with the reference data (CBP and Border Patrol tables)
    check = queries.record_check(1986, 2021)
    assert check["claim_year_apprehensions"] == 1_615_844
    assert (check["peak_year"], check["peak_apprehensions"]) == (2000, 1_643_679)
    assert check["usbp_encounters"] == 1_659_206
    assert check["usbp_title42"] == 1_040_220 and check["usbp_title8"] == 618_986
    assert check["years_at_or_above"] == []


def test_monthly_table_matches_documented_months():
    assert queries.encounters_in_month(pd.Timestamp("2021-10-01")) == 164_837  # from the FY2022-FY2023 file
    assert queries.monthly_span() == (pd.Timestamp("2017-10-01"), pd.Timestamp("2023-09-01"))
    assert queries.encounters_in_month(pd.Timestamp("2021-07-01")) == 213_593
    assert queries.encounters_in_month(pd.Timestamp("2021-09-01")) == 192_001
    assert int(queries.encounters_fiscal_year(2021)["total_swb_encounters"]) == 1_734_686


def test_fiscal_year_starts_in_october():
    assert queries.fiscal_year(pd.Timestamp("2018-11-25")) == 2019
    assert queries.fiscal_year(pd.Timestamp("2021-09-30")) == 2021


def test_reported_speech_is_not_shown_as_a_quotation():
    text = story.responses_text(params.select("2018-tijuana"))
    reported = queries.statements(params.select("2018-tijuana")).query("quote_kind == 'reported'")
    assert not reported.empty
    for quote in reported["quote"]:
        assert f"“{quote}”" not in text.replace("\\", "")
    assert "reports it: “" in text


def test_comparison_explains_counting_differences():
    text = story.comparison_text(params.select("2018-tijuana"), params.select("2021-tapachula"))
    assert "Title 42" in text and "km apart" in text and "administration" in text


def test_prose_attributes_and_escapes():
    text = story.disagreement_text(params.select("2018-tijuana"))
    assert "Mexico's Interior Ministry, according to the BBC" in text  # claims passed on by an outlet are attributed
    assert "<" not in story.responses_text(params.select("2021-tapachula")).replace("&lt;", "")
