"""Quotations and speakers: the quoted passages of a paragraph, who says them, and reported speech.

A speaker is a person or a body the sentence names as saying something ("said X", "X said",
"according to X", "…, organisers said"). A place is never a speaker: "Mayor Teresa Luján of Ciudad
Reyna said" names Teresa Luján; "Local officials in Huixtla said" names the local officials of
Huixtla. "The ministry" and "a spokeswoman for the office" are read as the body the article named
before. Every function here works on one sentence or paragraph, so the whole run stays linear.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

from caravan_book.intake import vocabulary as vocab
from caravan_book.intake.vocabulary import why
from caravan_book.text.vocabulary import MONTHS, WEEKDAYS

_DOUBLE = re.compile(r"[“\"](?P<q>[^“”\"\n]+)(?:[”\"]|$)")
_SINGLE = re.compile(r"(?<![\w])[‘'](?P<q>(?:[^‘’'\n]|[’'](?=\w)){1,1500})[’'](?![\w])")
TITLES = (
    "Mr|Mrs|Ms|Dr|President|Press Secretary|Secretary|Mayor|Governor|Senator|Father|Sister|Bishop|General"
    "|Lieutenant General|Commander|Chief|Minister|Ambassador|Judge"
)
_WORD = r"[A-Z][\w’'.-]*"
_NAME = rf"(?:(?:{TITLES})\.?\s+)?{_WORD}(?:\s+(?:{_WORD}|de|del|la|van|von|(?:of|for|and)(?=\s+[A-Z])))*"
_BODY_NOUN = (
    r"ministry|department|agency|government|office|police|spokesman|spokeswoman|spokesperson|institute|officials"
    r"|authorities|commission|organizers|organisers"
)
_BODY = (
    r"(?:(?:[Aa]n?\s+)?spokes(?:man|woman|person)\s+for\s+)?"
    rf"(?:{_WORD}|the)(?:’s|'s)?\s+(?:[a-z]+\s+){{0,3}}(?:{_BODY_NOUN})(?:\s+(?:in|of|from)\s+{_WORD}(?:\s+{_WORD})*)?"
)
SPEECH = (
    r"(?:said|says|told|wrote|tweeted|added|warned|insisted|claimed|stated|explained|declared|announced|promised"
    r"|threatened|called(?!\s+(?:on|for)\b))"
)
_TIME_AFTER = r"(?:\s+(?:yesterday|today|on\s+\w+|in\s+a\s+statement|earlier|later))*"
_SPEAKER_PATTERNS = (
    ("according-to", re.compile(rf"\b[Aa]ccording to (?P<who>{_BODY}|(?:the )?{_NAME})")),
    (
        "x-said",
        re.compile(
            rf"(?P<who>{_BODY}|{_NAME})(?:(?:,[^,“”\"]{{1,90}}){{1,2}},|,)?\s+(?:also\s+|later\s+|had\s+|has\s+)?"
            rf"{SPEECH}\b"
        ),
    ),
    ("data-by-x", re.compile(rf"\b(?:obtained|released|published|compiled) by (?:the )?(?P<who>{_BODY}|{_NAME})")),
    ("said-x", re.compile(rf"\b{SPEECH}\s+(?P<who>{_NAME})")),
    (
        "clause-x-said",
        re.compile(rf",\s+(?P<who>(?:the\s+|its\s+|a\s+|an\s+)?[a-z][\w’' -]{{1,40}}?)\s+{SPEECH}{_TIME_AFTER}\W*$"),
    ),
)
PRONOUN = re.compile(rf"\b(?P<p>he|she|they|it)\s+(?:also\s+|later\s+)?{SPEECH}\b", re.IGNORECASE)
#: Groups named in lower case ("organisers said"), as data/ names them.
GROUPS: dict[str, str] = vocab.words("groups")
_NOT_NAMES = set(
    [
        "The",
        "A",
        "An",
        "But",
        "However",
        "And",
        "It",
        "This",
        "That",
        "In",
        "On",
        "At",
        "As",
        "He",
        "She",
        "They",
        "We",
        "I",
        "Its",
        "His",
        "Her",
        "Their",
        "Some",
        "Many",
        "Other",
        "When",
        "While",
        "After",
        "Before",
        "Earlier",
        "Later",
        "Meanwhile",
        "Also",
        "Then",
        "There",
        "One",
        "Two",
        "Speaking",
        "Asked",
        "If",
        "Here",
        "Tweeting",
    ]
)
MONTHS_AND_DAYS = set(MONTHS) | set(WEEKDAYS)
_TITLE_START = re.compile(rf"^(?:{TITLES})\.?\s+")
_INSTITUTION = re.compile(
    r"\b(?:Ministry|Department|Agency|Government|Office|Police|Institute|Commission|Organization|Organisation"
    r"|Service|Services|Patrol|Protection|Guard|Army|Navy|Council|Court|Congress|Senate|Press|News|Post|Times"
    r"|Reuters|Shelter|Casa|Project|Union|Bureau|Administration|Authority|Committee|Party)\b"
)


def quotations_in(paragraph: str) -> list[tuple[int, int, str]]:
    """Quoted passages of a paragraph: start and end of the words inside the marks, and the words.

    A quotation left open runs to the end of its paragraph (articles open each paragraph of a long
    quotation with a mark and close only the last), which is what ``check`` accepts too.
    """
    spans: list[tuple[int, int, str]] = []
    starts: list[int] = []  # sorted starts of the spans kept, for a lookup in log time
    ends: list[int] = []

    def taken(at: int, slack: int = 0) -> bool:
        i = bisect.bisect_right(starts, at + slack) - 1
        return i >= 0 and starts[i] - slack <= at < ends[i]

    def keep(start: int, words: str) -> None:
        lead = len(words) - len(words.lstrip())
        quote = words.strip().rstrip(", ")
        at = start + lead
        if re.search(r"[A-Za-z]", quote) and not taken(at):
            i = bisect.bisect_right(starts, at)
            starts.insert(i, at)
            ends.insert(i, at + len(quote))
            spans.append((at, at + len(quote), quote))

    for pattern in (_DOUBLE, _SINGLE):
        for m in pattern.finditer(paragraph):
            keep(m.start("q"), m["q"])
    for m in re.finditer(r"(?:^|(?<=\s))[‘'](?=[A-Za-z])", paragraph):
        if not taken(m.start(), 1):
            keep(m.end(), paragraph[m.end() :])  # opened and not closed: to the end of the paragraph
    return sorted(spans)


def is_institution(name: str) -> bool:
    """A body, not a person: "National Migration Institute", "Reuters", "CBP", "local officials"."""
    return (
        bool(_INSTITUTION.search(name))
        or bool(re.fullmatch(r"[A-Z]{2,6}", name))
        or bool(re.search(rf"\b(?:{_BODY_NOUN})\b", name))
    )


def _clean_name(name: str, places: set[str]) -> str:
    """A speaker as the sentence names them: no sentence openers, titles, final possessive, "of Place"."""
    name = re.sub(r"(?:’s|'s)$", "", name.strip())
    name = name[:1].upper() + name[1:]
    words = name.split()
    while words and words[0] in _NOT_NAMES and words[0] != "The":
        if len(words) > 1 and words[1].startswith("spokes"):
            break  # "A spokeswoman for the office"
        words = words[1:]
    if words and words[0].lower() == "the":
        rest = words[1:]
        words = rest if rest and rest[0][:1].isupper() else ["The", *rest]
    name = " ".join(words).strip(" ,.")
    body = is_institution(name)
    m = re.match(r"^(?P<head>.+?)\s+(?:of|in|from)\s+(?P<tail>[A-Z].*)$", name)
    if m and m["tail"] in places and not body:
        name = m["head"]  # "Teresa Luján of Ciudad Reyna": the person, not the place
    if not body:
        name = _TITLE_START.sub("", name)
    return name


def speaker_in(text: str, places: set[str]) -> tuple[str, str] | None:
    """The speaker a sentence names and the rule that found them, or None.

    ``places`` are names the article uses for places (and countries, regions): they are never speakers.
    """
    blanked = re.sub(r"[“\"][^“”\"]*[”\"]|(?<![\w])[‘'][^‘’']*[’'](?![\w])", " … ", text)
    for rule, pattern in _SPEAKER_PATTERNS:
        for m in pattern.finditer(blanked):
            printed = m["who"].strip()
            if rule == "clause-x-said":
                who = lowercase_speaker(printed)
                if who:
                    return who, rule
                continue
            who = _clean_name(printed, places)
            first = who.split()[0] if who else ""
            if not who or not who[0].isupper() or who == "The" or who in places or first in MONTHS_AND_DAYS:
                continue
            if who.split()[0] in ("Local",) or who[0].isupper():
                return who, rule
    return None


def lowercase_speaker(printed: str) -> str | None:
    """A group named in lower case ("organisers", "aid workers"), or a body referred back to ("the ministry")."""
    low = printed.lower().strip()
    if low in GROUPS:
        return GROUPS[low]
    if re.fullmatch(r"(?:the|its|a|an)\s+[a-z][\w ]{1,40}", low) and re.search(rf"\b(?:{_BODY_NOUN})$", low):
        return printed[0].upper() + printed[1:]  # "The ministry": resolved against the article by the caller
    return None


def resolve_reference(who: str, earlier: list[str], text_before: str, known: list[str]) -> tuple[str, str]:
    """ "The ministry", "a spokeswoman for the office": the body the article named before, and a note."""
    m = re.fullmatch(r"(?P<lead>(?:A|An)\s+spokes\w+\s+for\s+)?(?:the|its|The|Its)\s+(?P<noun>[a-z][\w ]*)", who)
    if not m:
        return who, ""
    noun = m["noun"].split()[-1]
    target = ""
    for name in reversed(earlier):
        if noun in name.lower() and name.lower() != who.lower():
            target = name
            break
    if not target:
        named = re.findall(
            rf"{_WORD}(?:\s+(?:{_WORD}|of|for|and|the))*\s+{noun.capitalize()}\b(?:\s+(?:of|for)\s+"
            rf"{_WORD}(?:\s+{_WORD})*)?|{noun.capitalize()}\s+(?:of|for)\s+{_WORD}(?:\s+{_WORD})*",
            text_before[-3000:],
        )
        if named:
            target = re.sub(r"^(?:The|the)\s+", "", named[-1])
    if not target:
        hits = [k for k in known if k.lower().endswith(" ".join(m["noun"].split()[-2:]))]
        target = hits[0] if len(hits) == 1 else ""
    if not target:
        return who, ""
    if m["lead"]:
        name = f"{m['lead']}the {target}"
        return name, why("speaker_reference", printed=who, name=name)
    return target, why("speaker_reference", printed=who, name=target)


@dataclass
class Speakers:
    """Known speakers (from the data), so "Mr Trump" is proposed as "Donald Trump" with a reason."""

    known: dict[str, dict[str, str]] = field(default_factory=dict)

    def match(self, printed: str) -> tuple[str, dict[str, str], str]:
        """Speaker name, what the data knows of them, and a reason when the name was changed."""
        norm = printed.replace("’", "'").lower()
        for name, info in self.known.items():
            if name.replace("’", "'").lower() == norm:
                return name, info, ""
        inside = [name for name in self.known if len(name.split()) > 1 and f" {name} " in f" {printed} "]
        if len(inside) == 1:  # "US Homeland Security Secretary Kirstjen Nielsen"
            return inside[0], self.known[inside[0]], why("speaker_read", printed=printed, name=inside[0])
        ending = [n for n in self.known if len(printed.split()) > 1 and n.lower().endswith(" " + norm)]
        if len(ending) == 1:  # "National Migration Institute" -> "Mexico's National Migration Institute"
            return ending[0], self.known[ending[0]], why("speaker_read", printed=printed, name=ending[0])
        grouped = [n for n in self.known if n.lower().startswith(norm + " (")]  # "Critics" -> "Critics (not named)"
        if len(grouped) == 1:
            return grouped[0], self.known[grouped[0]], why("speaker_read", printed=printed, name=grouped[0])
        last = printed.split()[-1] if printed.split() else ""
        hits = [name for name in self.known if len(name.split()) > 1 and name.split()[-1] == last]
        if len(hits) == 1 and last[:1].isupper() and not is_institution(printed):
            return hits[0], self.known[hits[0]], why("speaker_known", printed=printed, name=hits[0])
        close = difflib.get_close_matches(printed, list(self.known), n=1, cutoff=0.88)
        if close:
            return close[0], self.known[close[0]], why("speaker_spelling", printed=printed, name=close[0])
        return printed, {}, ""


def channel(excerpt: str) -> str:
    low = excerpt.lower()
    for word, name in vocab.words("channels"):
        if word in low:
            return name
    return "statement"


_NAMING = re.compile(
    r"(?:called|dubbed|so-called|such as|reads?|read|titled|named|labelled|labeled|carrying|documentary|the)\W*$",
    re.IGNORECASE,
)


def is_scare_quote(sentence: str, at: int, quote: str, has_speaker: bool) -> str:
    """Why a quoted passage is not a quotation (a name, a scare quote, a banner), or "" when it is one."""
    before = sentence[max(0, at - 25) : at].rstrip("“\"‘' ")
    words = len(quote.split())
    if _NAMING.search(before) and words < 8:
        return "name"
    if words < 4 and not has_speaker and not re.match(r"(?:He|She|They|It)\b", sentence):
        return "short-without-speaker"
    if quote[:1].islower() and not has_speaker and not re.match(r"(?:He|She|They|It)\b", sentence):
        return "fragment-without-speaker"
    return ""


_SAYS = re.compile(r"\b(?:said|says|told|called)\b")


def in_reported_clause(sentence: str, at: int, quote: str) -> bool:
    """A few words in quotation marks inside "X said (that) …": the statement is the reported clause."""
    if len(quote.split()) > 3 or (not quote[:1].islower() and len(quote.split()) > 1):
        return False
    return bool(_SAYS.search(sentence[:at])) or bool(re.search(r",\s+(?:he|she|they|it)\s+said\W*$", sentence))


_REPORTED_AFTER = re.compile(
    rf"\b{SPEECH}(?:\s+[A-Z]\w+)?(?:\s+(?:reporters|journalists))?{_TIME_AFTER}(?:\s+on\s+\d{{1,2}}\s+[A-Z]\w+)?"
    rf"(?:\s+that)?,?\s+(?P<q>[a-z].{{15,}}?)[.!?]?$"
)
_REPORTED_BEFORE = re.compile(
    rf"^(?P<q>.{{15,}}?),\s+(?:he|she|they|it|[A-Z][^,]{{0,60}}|(?:the\s+|its\s+|a\s+|an\s+)?[a-z][\w’' -]{{1,40}}?)"
    rf"\s+{SPEECH}{_TIME_AFTER}\.?$"
)


def reported(text: str) -> str | None:
    """The reported words of "X said (that) …" or "…, X said", cut from the sentence."""
    m = _REPORTED_BEFORE.search(text) or _REPORTED_AFTER.search(text)
    return m["q"].strip() if m else None
