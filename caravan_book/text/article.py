"""Read a plain-text article safely and cut it into paragraphs and sentences with their offsets.

Everything the extractor proposes as an excerpt is a slice of the text read here, so an excerpt is
verbatim by construction; :func:`Article.excerpt` also checks it the way ``caravan-book check`` does
(runs of whitespace collapsed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from caravan_book.errors import ParameterError

#: Paragraphs are separated by a line break (articles put one paragraph on a line).
_PARAGRAPH = re.compile(r"[^\n]+")
#: pysbd's time grows with the square of the text it is given: a paragraph longer than this is given
#: to it in pieces cut after a sentence's end mark, so reading stays linear in the article's length.
PIECE = 3000
_PIECE_END = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces: the comparison ``check`` makes between excerpt and article."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph; ``start``/``end`` are offsets into the whole article."""

    text: str
    start: int
    end: int
    paragraph: int


@dataclass
class Article:
    path: Path
    text: str
    sentences: list[Sentence] = field(default_factory=list)

    @cached_property
    def collapsed(self) -> str:
        return collapse(self.text)

    def paragraph_of(self, sentence: Sentence) -> tuple[int, int]:
        """Start and end offsets of the paragraph a sentence belongs to."""
        same = [s for s in self.sentences if s.paragraph == sentence.paragraph]
        return same[0].start, same[-1].end

    def excerpt(self, start: int, end: int) -> str:
        """The article's characters from ``start`` to ``end``, stripped; raises if not verbatim (a bug)."""
        piece = self.text[start:end].strip()
        if collapse(piece) not in self.collapsed:
            raise AssertionError(f"excerpt not found in the article: {piece[:60]!r}")
        return piece


def read_article(path: Path) -> Article:
    """The article's text, or one clear ParameterError for a missing, empty, binary or non-UTF-8 file."""
    if not path.is_file():
        raise ParameterError(f"{path}: no such file; give the path of a plain-text (.txt) article")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ParameterError(f"{path}: is a binary file (it contains NUL bytes); give a plain-text article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(
            f"{path}: is not UTF-8 text (byte {exc.start} cannot be read); save the article as UTF-8"
        ) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParameterError(f"{path}: is empty; give a plain-text article with at least one sentence")
    article = Article(path, text)
    article.sentences = _sentences(text)
    return article


def _sentences(text: str) -> list[Sentence]:
    """Sentences by pysbd's rules, paragraph by paragraph, with offsets into ``text``."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    found: list[Sentence] = []
    for number, match in enumerate(_PARAGRAPH.finditer(text)):
        paragraph = match.group()
        if not paragraph.strip():
            continue
        for offset, piece in _pieces(paragraph):
            cursor = 0
            for span in segmenter.segment(piece):
                body = span.sent.strip()
                if not body:
                    continue
                at = piece.find(body, cursor)  # offsets found in the text itself, not trusted from the segmenter
                if at == -1:
                    continue
                cursor = at + len(body)
                start = match.start() + offset + at
                found.append(Sentence(body, start, start + len(body), number))
    return found


def _pieces(paragraph: str) -> list[tuple[int, str]]:
    """The paragraph whole, or cut after sentence end marks into pieces of at most about ``PIECE`` characters."""
    if len(paragraph) <= PIECE:
        return [(0, paragraph)]
    pieces, start = [], 0
    while len(paragraph) - start > PIECE:
        cut = None
        for m in _PIECE_END.finditer(paragraph, start + PIECE // 2, start + PIECE):
            cut = m.end()
        if cut is None:  # no end mark: cut at a space (or hard) so no piece grows without bound
            space = paragraph.rfind(" ", start + PIECE // 2, start + PIECE)
            cut = space + 1 if space > start else start + PIECE
        pieces.append((start, paragraph[start:cut]))
        start = cut
    pieces.append((start, paragraph[start:]))
    return pieces
