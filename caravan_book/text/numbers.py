"""Read a number the way a news article writes it: ``5,800``, ``1.7 million``, ``Forty two``."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_DIGITS = re.compile(r"^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?$")


def _words(tokens: list[str]) -> float | None:
    total, current = 0, 0
    for token in tokens:
        if token in _UNITS:
            current += _UNITS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in _SCALES:
            total += max(current, 1) * _SCALES[token]
            current = 0
        elif token != "and":
            return None
    return float(total + current)


def parse_number_text(text: str) -> float | None:
    """The value of a number as printed, or None if the text is not a number.

    >>> parse_number_text("1.7 million"), parse_number_text("Forty two"), parse_number_text("192,000")
    (1700000.0, 42.0, 192000.0)
    >>> parse_number_text("192,00") is None
    True
    """
    tokens = text.strip().lower().replace("-", " ").split()
    if not tokens:
        return None
    head, scale = tokens[0], 1
    if len(tokens) == 2 and tokens[1] in _SCALES:
        scale = _SCALES[tokens[1]]
    elif len(tokens) > 1 or not _DIGITS.match(head):
        return _words(tokens)
    if not _DIGITS.match(head):
        return _words(tokens)
    return float(head.strip("$%").replace(",", "")) * scale
