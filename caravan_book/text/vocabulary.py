"""The words the package reads in articles and allows in the data, written once: number words, scales,
months, weekdays and the qualifiers of a number. ``text.numbers``, ``text.dates``, ``data.schemas``,
``story.exercises`` and ``intake.extract`` read them from here. (Own lists, not a library's: babel and
dateparser know month names per locale but not which words an English news article puts before a count.)
"""

from __future__ import annotations

#: Number words below a hundred that articles spell out, with their values.
NUMBER_WORDS = {
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
#: Words that multiply the number before them.
SCALE_WORDS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Monday first, as ``date.weekday()`` counts.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: The qualifiers a figure may carry in the data (figures.csv's ``qualifier``).
QUALIFIERS = ("exactly", "about", "at least", "more than", "nearly", "fewer than", "up to")
#: Words an article writes before a number, and the data's qualifier each one means.
QUALIFIER_WORDS = {
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "almost": "nearly",
    "nearly": "nearly",
    "close to": "nearly",
    "at least": "at least",
    "more than": "more than",
    "over": "more than",
    "upwards of": "more than",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
    "up to": "up to",
}
