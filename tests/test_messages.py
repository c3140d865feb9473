"""The message catalogues (caravan_book/messages.yml, text/dates.yml): every key the code names exists, every
message is named by the code, and values are filled in as text, never evaluated."""

from __future__ import annotations

import ast
from datetime import date

import pytest
import yaml
from conftest import REPO

from caravan_book import messages
from caravan_book.text import dates

PACKAGE = REPO / "caravan_book"
CATALOGUES = {"messages": PACKAGE / "messages.yml", "dates": PACKAGE / "text" / "dates.yml"}


def _constants() -> tuple[set[str], set[str]]:
    """Every string constant in the package, and those given first to a call of say / rule (a message key)."""
    every, named = set(), set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                every.add(node.value)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "say",
                "rule",
            ):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    named.add(first.value)
    return every, named


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_is_text_and_named_by_the_code(name):
    texts = yaml.safe_load(CATALOGUES[name].read_text(encoding="utf-8"))
    assert texts and all(isinstance(k, str) and isinstance(v, str) and v for k, v in texts.items())
    every, _ = _constants()
    unused = sorted(set(texts) - every)
    assert not unused, f"{CATALOGUES[name].name}: no code names {unused}"


def test_every_key_the_code_names_is_in_a_catalogue():
    keys = set()
    for path in CATALOGUES.values():
        keys |= set(yaml.safe_load(path.read_text(encoding="utf-8")))
    _, named = _constants()
    assert not sorted(named - keys)


def test_values_are_printed_never_evaluated():
    """A value holding braces or a format field is printed as it is; a missing placeholder is a KeyError."""
    said = messages.say("field_count", fields="{header.__class__}", header="{0}")
    assert said == "has {header.__class__} fields but the header has {0}"
    with pytest.raises(KeyError):
        messages.say("field_count", fields=3)


def test_a_dating_note_comes_from_the_catalogue():
    (found,) = dates.find_dates("two weeks ago", date(2018, 11, 26), True)
    assert found.note == dates._NOTES.say("ago", phrase="two weeks ago", published="2018-11-26")
    assert found.note == "'two weeks ago', counted back from the publication date (2018-11-26)."
