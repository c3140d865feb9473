"""The project's configuration files, read into pydantic models: ``sections.yml`` (the book's sections and
pages, the one source of the table of contents) and a teacher's custom-book file.

Unknown keys are refused (``extra="forbid"``), so a typo such as ``parameter:`` for ``parameters:`` stops
the build instead of silently building the default. Every problem becomes one line naming the file, the
key and what is allowed (:class:`ConfigError`, exit code 2).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from pydantic_core import ErrorDetails

from caravan_book.data.problems import rule as say
from caravan_book.errors import ConfigError

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NotebookInfo(_Strict):
    """What a teacher should know about a section (one notebook)."""

    title: str
    goals: list[str] = Field(min_length=1)
    key_terms: list[str] = []


class NotebookPage(_Strict):
    """A page of the book made by running a notebook with parameters."""

    page: Slug
    notebook: Slug
    parameters: dict[str, Any] = {}
    key_terms: list[str] = []


class WrittenPage(_Strict):
    """A page written by hand in Markdown (``book/glossary``) or written by the build (the teacher's guide)."""

    file: str


class Part(_Strict):
    caption: str
    pages: list[NotebookPage | WrittenPage] = Field(min_length=1)


class SectionsFile(_Strict):
    """``sections.yml``: the notebooks, and the book's parts and pages in reading order."""

    root: str
    notebooks: dict[Slug, NotebookInfo]
    parts: list[Part] = Field(min_length=1)


class CustomPage(_Strict):
    notebook: Slug
    parameters: dict[str, Any] = {}

    @field_validator("parameters", mode="before")
    @classmethod
    def _dates_as_written(cls, values: Any) -> Any:
        """``as_of: 2018-11-27`` unquoted is a date to YAML; a teacher means the text (notebook parameters are text)."""
        if isinstance(values, dict):
            return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}
        return values


class CustomBookFile(_Strict):
    """A teacher's custom book: a title, sections with parameters, and optional extra pages."""

    #: plain text: the themes print a book's title into its pages unescaped in places, so no angle brackets or
    #: double quotes (an HTML tag there would run in every page)
    title: Annotated[str, StringConstraints(pattern=r'^[^<>"\u202a-\u202e\u2066-\u2069]*$')] | None = None
    pages: list[CustomPage] = Field(min_length=1)
    include: list[str] = []


def _where(location: tuple) -> str:
    parts = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"[{item + 1}]")  # people count from 1
        elif not str(item).startswith(("NotebookPage", "WrittenPage", "function-")):
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "the file"


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "is not a known key"
    if kind == "missing":
        return "is missing"
    if kind == "string_pattern_mismatch" and "title" in error["loc"]:
        return say("plain_title")

    return error["msg"][0].lower() + error["msg"][1:]


def _allowed(error: ErrorDetails, model: type[BaseModel]) -> str:
    """The keys allowed where an unknown or missing key was found."""
    if error["type"] not in ("extra_forbidden", "missing"):
        return ""
    candidates: list[type[BaseModel]] = [model]
    for item in error["loc"][:-1]:
        nested: list[type[BaseModel]] = []
        for current in candidates:
            field = current.model_fields.get(str(item)) if isinstance(item, str) else None
            if field is None:
                nested.append(current)
                continue
            for arg in _model_args(field.annotation):
                nested.append(arg)
        candidates = nested or candidates
    keys = sorted({name for current in candidates for name in current.model_fields})
    return f" (allowed keys: {', '.join(keys)})" if keys else ""


def _model_args(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a type such as ``list[A | B]`` or ``dict[str, A]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_model_args(arg))
    return found


def read_yaml(path: Path, model: type[BaseModel]) -> Any:
    """Read ``path`` into ``model``; ConfigError with one line (file, key, what is allowed) if it does not fit."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        # the line where the construct that went wrong began, else where the parser noticed it
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}{where}: {problem}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as error:
        # an unknown key first: it usually explains a "missing" one (a typo such as page: for pages:)
        errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        more = len(errors) - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(
            f"{path}: {_where(first['loc'])} {_message(first, model)}{_allowed(first, model)}{also}"
        ) from None
