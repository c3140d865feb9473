"""The extract benchmark (benchmarks/extract_benchmark.py) runs and sums up in the shape it documents.

Quick: one fictional fixture only (no seed articles), one extractor run. The numbers themselves are
not asserted: they are measured, and recorded in benchmarks/README.md.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE = "fictional-huixtla-article"

pytestmark = pytest.mark.quick


def load_benchmark():
    spec = importlib.util.spec_from_file_location("extract_benchmark", REPO / "benchmarks" / "extract_benchmark.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_benchmark_on_one_fixture_writes_a_summary_of_shares(tmp_path, capsys):
    bench = load_benchmark()
    out = tmp_path / "summary.json"
    assert bench.main(["--only", FIXTURE, "--json", str(out)]) == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert {"generated", "commit", "seconds", "rules", "sets", "articles"} <= set(summary)
    assert list(summary["sets"]) == [FIXTURE] and list(summary["articles"]) == [FIXTURE]
    measures = summary["sets"][FIXTURE]
    assert [key for key, _ in bench.MEASURES] == list(measures)
    for key, kind in bench.MEASURES:
        values = [measures[key]["precision"], measures[key]["recall"]] if kind == "pr" else [measures[key]]
        for value in values:
            if value is not None:
                assert 0 <= value["share"] <= 1 and 0 <= value["hits"] <= value["of"], key
    for key in ("figures", "direct quotations", "reported quotations", "events"):
        assert measures[key]["precision"] is not None and measures[key]["recall"] is not None, key
    assert measures["speaker accuracy (matched quotations)"] is not None
    assert measures["excerpts verbatim"]["share"] == 1
    printed = capsys.readouterr().out
    assert "| figures precision |" in printed and str(out) in printed


def test_every_truth_file_reads_and_its_excerpts_stand_in_its_article():
    bench = load_benchmark()
    truths = bench.fixture_truths()
    assert len(truths) >= 2
    for truth in truths:
        assert truth.figures and truth.statements and truth.events and truth.defects and truth.incident_row
        assert {s["quote_kind"] for s in truth.statements} == {"direct", "reported"}
        # the label line says the article is fictional, and the truth never takes it for the headline
        first = truth.article.read_text(encoding="utf-8").splitlines()[0]
        assert "FICTIONAL" in first and truth.headline and truth.headline != first


def test_an_unknown_name_is_one_line_and_exit_code_2(tmp_path, capsys):
    bench = load_benchmark()
    assert bench.main(["--only", "no-such-article", "--json", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --only 'no-such-article'") and err.count("\n") == 1
    assert not (tmp_path / "s.json").exists()


def test_wrong_prints_each_unmatched_proposal_with_its_article_rule_and_excerpt(tmp_path, capsys):
    """``--wrong KIND`` lists, on stderr, the proposals of that kind that match no true row, one a line: the
    article, the date or value, the rule and the excerpt (the list the events' rules were fixed from)."""
    bench = load_benchmark()
    truth = next(t for t in bench.fixture_truths() if t.name == FIXTURE)
    found = bench.proposals(truth, REPO / "data")
    stray = dict(found["events"][0], date="1999-01-01")  # a proposal no true event has
    lines = bench.wrong(truth, {"events": [*found["events"], stray]}, "events")
    assert lines == [f"{FIXTURE}\t1999-01-01\t{stray['rule']}\t{' '.join(stray['excerpt'].split())}"]
    assert bench.main(["--only", FIXTURE, "--wrong", "events", "--json", str(tmp_path / "s.json")]) == 0
    err = capsys.readouterr().err
    assert all(line.startswith("wrong events: ") and line.count("\t") == 3 for line in err.splitlines())
