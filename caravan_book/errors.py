"""The package's errors, in one place: the ones reported to people as one line with a documented exit code
(not as tracebacks), and the stop a signal asks for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from caravan_book.messages import say


def shown_path(path: Path) -> str:
    """A file as a message names it: relative to the current folder when it is below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        super().__init__(lines if len(problems) == 1 else say("problems", count=len(problems), lines=lines))


class BuildError(ReportedError):
    """A build that could not finish; the message names the page, its parameters and the failing cell."""


class PublishError(ReportedError):
    """A standalone page or handout that could not be written."""


class ConfigError(ReportedError):
    """A configuration file (``sections.yml``, a custom book) that cannot be used; the message is one line."""

    exit_code = 2


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal other than SIGINT (``build.processes.stop_on_signals``)."""


class BusyError(ReportedError):
    """Another build (or accept) holds the lock."""

    exit_code = 3
