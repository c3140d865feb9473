"""Errors that are reported to people, not as tracebacks."""

from __future__ import annotations

from dataclasses import dataclass


class ReportedError(Exception):
    """An error whose message is the whole story. IPython shows only the message."""

    exit_code = 1

    def _render_traceback_(self) -> list[str]:  # IPython hook: no traceback in notebooks
        return [f"{type(self).__name__}: {self}"]


class ParameterError(ReportedError, ValueError):
    """A parameter value that is not allowed; the message lists the valid choices."""

    exit_code = 2


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong with one cell (or row) of a data file."""

    file: str
    row: int | None  # line number in the CSV file (the header is line 1)
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f"{self.value!r} "
        return f"{where}: {shown}{self.rule}"


class DataError(ReportedError):
    """One or more data problems, each on its own line. Bad input: exit 2."""

    exit_code = 2

    def __init__(self, problems: list[DataProblem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(lines if len(problems) == 1 else f"{len(problems)} problem(s) in the data:\n{lines}")


class BuildError(ReportedError):
    """A build that could not finish; the message names the page, its parameters and the failing cell."""


class PublishError(ReportedError):
    """A standalone page or handout that could not be written."""


class BusyError(ReportedError):
    """Another build (or accept) holds the lock."""

    exit_code = 3
