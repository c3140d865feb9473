"""Places: which names of an article are places where something happened, and which are not.

An institution is not a place ("National Migration Institute", "Casa Belén shelter"); a country or a
region is not the place of an event ("Honduras", "Huixtla, in Chiapas": Chiapas is the region); a
name that qualifies a thing ("the Río Claro crossing") names the thing, not a town. What is left is
proposed with the rule that found it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from caravan_book.data.kinds import COUNTRY_NAMES
from caravan_book.intake import vocabulary as vocab
from caravan_book.intake.quotations import MONTHS_AND_DAYS, is_institution

_NAME = r"[A-Z][\w’'-]+(?:\s+(?:de|del|la|las|los|el)?\s*[A-Z][\w’'-]+){0,3}"
_CANDIDATE = re.compile(
    r"\b(?:(?:in|at|from|near|to|towards?|outside|through|into|across)(?:\s+the)?"
    r"|(?:town|village|city|port|municipality|community|state|region)\s+of|reached|left|entered)\s+"
    rf"(?P<place>{_NAME})"
)
#: Words that follow "in", "to", "from" but name people, not places ("to Mexican authorities").
DEMONYMS = set(
    [
        "Mexican",
        "American",
        "Honduran",
        "Guatemalan",
        "Salvadoran",
        "Haitian",
        "Venezuelan",
        "Cuban",
        "Nicaraguan",
        "Central",
    ]
)
_NOT_PLACES = (
    DEMONYMS | MONTHS_AND_DAYS | set(["Mr", "Mrs", "Ms", "President", "Congress", "The", "A", "Twitter", "Facebook"])
)
#: A common noun after a name: the name qualifies a thing ("Río Claro crossing"), it is not a town.
_THING_AFTER = re.compile(r"^\s+(?:crossing|bridge|river|border|highway|road|shelter|camp|port of entry|wall)\b")
COUNTRIES = set(COUNTRY_NAMES.values()) | set(vocab.words("countries"))


@dataclass
class PlaceReading:
    """The article's place names: known (in places.csv), new, and names that are not places."""

    known: list[str] = field(default_factory=list)
    new: list[tuple[str, str, int]] = field(default_factory=list)  # name, rule, offset in the article
    regions: set[str] = field(default_factory=set)
    not_places: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return set(self.known) | {n for n, _, _ in self.new}

    def never_speakers(self) -> set[str]:
        return self.names | self.regions | COUNTRIES


def read_places(text: str, known_places: list[str], sentences: list[tuple[str, int]]) -> PlaceReading:
    """Places named in the article (``sentences``: text and offset of each sentence of the article)."""
    reading = PlaceReading()
    for place in known_places:
        if re.search(rf"\b{re.escape(place)}\b", text):
            reading.known.append(place)
    # "Huixtla, in Chiapas" / "Tapachula, Chiapas state": the second name is a region
    for m in re.finditer(rf"\b[A-Z][\w’'-]+,\s+(?:in\s+)?(?P<region>{_NAME})(?:\s+state)?\b", text):
        reading.regions.add(m["region"])
    for m in re.finditer(
        rf"\b(?:[Gg]overnor|state|[Pp]olice officers|[Ss]tate police)\s+(?:\w+\s+){0, 4}?(?:of|from)\s+"
        rf"(?P<region>{_NAME})",
        text,
    ):
        reading.regions.add(m["region"])
    seen: set[str] = set(reading.known)
    for sentence, offset in sentences:
        for m in _CANDIDATE.finditer(sentence):
            name = m["place"]
            name = re.sub(r"\s+(?:and|or)\s+.*$", "", name)
            if name in seen or name.split()[0] in _NOT_PLACES or any(w in DEMONYMS for w in name.split()):
                continue
            after = sentence[m.end("place") :]
            reason = ""
            if is_institution(name) or re.match(r"^\s+(?:for|of)\s+[A-Z]", after):
                reason = "institution"
            elif name in COUNTRIES:
                reason = "country"
            elif name in reading.regions or (name in known_places):
                reason = "region" if name in reading.regions else ""
            elif _THING_AFTER.match(after):
                reason = "thing"
            if reason:
                reading.not_places.add(name)
                continue
            if name in known_places:
                continue
            seen.add(name)
            reading.new.append((name, "place:after-preposition", offset + m.start("place")))
    return reading


def event_place(sentence: str, reading: PlaceReading) -> str:
    """The first place the sentence names where something happened (not an institution, country or region)."""
    best: tuple[int, str] | None = None
    for name in reading.names:
        if name in reading.regions or name in COUNTRIES:
            continue
        m = re.search(rf"\b{re.escape(name)}\b", sentence)
        if m and (best is None or m.start() < best[0]):
            after = sentence[m.end() :]
            before = sentence[max(0, m.start() - 20) : m.start()]
            if re.search(r"\boffice\s+in\s+$|\bfrom\s+$", before) or _THING_AFTER.match(after):
                continue  # "its office in Tapachula", "had left Tapachula"? keep "from" out: where they came from
            best = (m.start(), name)
    return best[1] if best else ""
