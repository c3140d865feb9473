"""Load the data files into typed, validated pandas DataFrames.

``load(name)`` reads a table once per process, validates it against its schema in
:mod:`caravan_book.data.schemas` (and against the ids of the tables it points into), and
raises :class:`~caravan_book.errors.DataError` naming file, row, column, value and
rule for every problem found. ``check_folder`` runs every table plus the checks that
need the source articles, and returns the problems instead of raising.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import pickle
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from caravan_book import atomic, versions
from caravan_book.data.files import TABLE_FILES, record_use, referenced_tables
from caravan_book.data.problems import rule as say
from caravan_book.errors import DataError, DataProblem, shown_path
from caravan_book.settings import REPO_ROOT, data_dir
from caravan_book.text.vocabulary import allowed

if TYPE_CHECKING:
    from caravan_book.data.schemas import TableSpec

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Validated tables are kept here, keyed by the bytes of their files and of the schema code and by the
#: library versions and cache epoch (``versions``), so a table is validated once per change, not once per
#: notebook, and a pickle made by another pandas is never read.
CACHE_DIR = REPO_ROOT / "_build" / ".table-cache"


#: A header read as one column holding one of these separators: the message that names it (messages.yml).
_SEPARATED_BY = {";": "separated_by_semicolons", "\t": "separated_by_tabs", "|": "separated_by_bars"}
#: pandera's names of its own checks -> the message that says the rule (messages.yml).
_CHECK_MESSAGES = {
    "field_uniqueness": "duplicate",
    "not_nullable": "required",
    "column_in_dataframe": "missing_column",
    "column_in_schema": "unexpected_column",
}

#: Unicode's direction overrides and isolates (U+202A-202E, U+2066-2069): in a cell they would turn the page's words.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _decode(path: Path, shown: str) -> tuple[str | None, DataProblem | None]:
    """The file's text (a UTF-8 byte-order mark, as Excel writes it, is dropped), or the first line that
    is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, DataProblem(shown, line, None, None, say("table_not_utf8"))


def read_raw(spec: TableSpec, folder: Path) -> tuple[pd.DataFrame, list[int], list[DataProblem]]:
    """The file's cells as text (blank = missing), each row's line number, and layout problems.

    A file that cannot be read as a table at all (missing, not UTF-8, another separator, an unclosed
    quotation mark) gives one problem, not one per row.
    """
    path = folder / spec.file
    shown = shown_path(path)
    if not path.is_file():
        return pd.DataFrame(), [], [DataProblem(shown, None, None, None, say("file_missing"))]
    text, problem = _decode(path, shown)
    if problem is not None or text is None:
        return pd.DataFrame(), [], [problem] if problem else []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            return pd.DataFrame(), [], [DataProblem(shown, 1, None, None, say("no_header"))]
        if len(header) == 1 and len(spec.columns) > 1:
            for separator in _SEPARATED_BY:
                if separator in header[0]:
                    said = say(_SEPARATED_BY[separator])
                    return pd.DataFrame(), [], [DataProblem(shown, 1, None, None, said)]
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            return pd.DataFrame(), [], [DataProblem(shown, 1, repeated[0], None, say("repeated_header"))]
        problems: list[DataProblem] = []
        rows: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        for row in reader:
            if row and any(cell.strip() for cell in row):
                for column, cell in zip(header, row, strict=False):
                    if _BIDI.search(cell):
                        char = _BIDI.search(cell).group()  # type: ignore[union-attr]
                        said = say("direction_control", code=f"{ord(char):04X}")
                        problems.append(DataProblem(shown, start, column, None, said))
                missing = header[len(row) :]
                if missing and all(name in spec.columns and spec.columns[name].nullable for name in missing):
                    row = row + [""] * len(missing)  # a row may leave off optional columns at its end
                if len(row) != len(header):
                    said = say("field_count", fields=len(row), header=len(header))
                    problems.append(DataProblem(shown, start, None, None, said))
                else:
                    rows.append(row)
                    lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        if "EOF" in str(exc) or "end of data" in str(exc):
            rule = say("unclosed_quote")
        elif "expected after" in str(exc):
            rule = say("undoubled_quote")
        else:
            rule = say("not_csv", error=exc)
        return pd.DataFrame(), [], [DataProblem(shown, start, None, None, rule)]
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    frame = frame.mask(frame.apply(lambda col: col.str.strip() == ""))
    return frame, lines, problems


@cache
def _key_values(table: str, column: str, folder: Path) -> frozenset[str] | None:
    """The ids of ``table``, or None when its file cannot be read (that is reported once, on its own)."""
    from caravan_book.data.schemas import TABLES

    frame, lines, problems = read_raw(TABLES[table], folder)
    if column not in frame:
        return None if (problems and not lines) or frame.empty else frozenset()
    return frozenset(frame[column].dropna())


def _schema(spec: TableSpec, folder: Path):
    import pandera.pandas as pa

    from caravan_book.data.schemas import TABLES

    columns = dict(spec.columns)
    for column, (table, key) in spec.references.items():
        values = _key_values(table, key, folder)
        if values is None:
            continue  # a missing or unreadable file is reported once, on its own line
        known = sorted(values)
        base = columns[column]
        shown = ", ".join(known) if len(known) <= 12 else ", ".join(known[:12]) + ", …"
        refers = pa.Check.isin(known, error=say("unknown_id", key=key, file=TABLES[table].file, known=shown))
        columns[column] = pa.Column(
            base.dtype,
            [*list(base.checks), refers],
            nullable=base.nullable,
            unique=base.unique,
            coerce=base.coerce,
            required=base.required,
        )
    checks = [pa.Check(rule.holds, error=rule.message) for rule in spec.row_rules]
    rule_columns = {rule.message: rule.column for rule in spec.row_rules}
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=False), rule_columns


def _describe(check: str, spec: TableSpec) -> str | None:
    """Turn a pandera check name into a rule people read; None means 'already reported'."""
    if check.startswith("coerce_dtype"):
        return say("not_whole_number" if "int" in check else "not_number")
    if check.startswith("dtype("):
        return None  # follows a failed coercion, which is reported already
    if check in _CHECK_MESSAGES:
        return say(_CHECK_MESSAGES[check], columns=", ".join(spec.columns))
    return check


def _problems_from(errors, spec: TableSpec, shown: str, lines: list[int], rule_columns) -> list[DataProblem]:
    problems: list[DataProblem] = []
    seen: set[tuple] = set()
    for case in errors.failure_cases.itertuples(index=False):
        rule = _describe(str(case.check), spec)
        if rule is None:
            continue
        failure = None if pd.isna(case.failure_case) else str(case.failure_case)
        index = case.index
        if (index is None or pd.isna(index)) and failure and re.match(r"^\w+(Error|Exception)\(", failure):
            continue  # a check that could not run on a column whose values failed to convert (reported)
        row = lines[int(index)] if index is not None and not pd.isna(index) else None
        if case.check in ("column_in_dataframe", "column_in_schema"):
            problem = DataProblem(shown, 1, failure, None, rule)
        elif case.check in rule_columns:
            if failure and failure.startswith("KeyError("):
                continue  # a missing column, reported on its own
            column = rule_columns[case.check]
            problem = DataProblem(shown, row, column, None, rule)
        else:
            problem = DataProblem(shown, row, case.column, failure, rule)
        key = (problem.row, problem.column, problem.rule)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


_NOT_A_NUMBER = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def _not_numbers(spec: TableSpec, frame: pd.DataFrame, shown: str, lines: list[int]) -> list[DataProblem]:
    """NaN and inf in a number column: their own message (Python reads them as numbers, a count they are not)."""
    found = []
    for column, col in spec.columns.items():
        if column in frame and pd.api.types.is_numeric_dtype(col.dtype.type if col.dtype is not None else object):
            for index, cell in frame[column].items():
                if isinstance(cell, str) and _NOT_A_NUMBER.fullmatch(cell.strip()):
                    found.append(DataProblem(shown, lines[int(index)], column, cell, say("not_a_number")))
    return found


def validate(spec: TableSpec, folder: Path) -> pd.DataFrame:
    """The typed table, or DataError with every problem found in it."""
    import pandera.pandas as pa

    frame, lines, problems = read_raw(spec, folder)
    shown = shown_path(folder / spec.file)
    if frame.empty and problems and not lines:
        raise DataError(problems)
    schema, rule_columns = _schema(spec, folder)
    not_numbers = _not_numbers(spec, frame, shown, lines)
    problems += not_numbers
    try:
        typed = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        said = {(p.row, p.column) for p in not_numbers}
        found = [p for p in _problems_from(errors, spec, shown, lines, rule_columns) if (p.row, p.column) not in said]
        raise DataError(problems + found) from None
    if problems:
        raise DataError(problems)
    for column in spec.date_columns:
        typed[column] = pd.to_datetime(typed[column], format="%Y-%m-%d")
    typed.attrs["lines"] = Lines(lines)
    return typed


class Lines(tuple):
    """The file line of each row, kept in the table's ``attrs``. pandas deep-copies ``attrs`` into the result of
    every operation on a table (a filter, a merge, a column), which for a list of thousands of line numbers cost
    more than some operations themselves; this tuple is immutable, so a copy is the tuple itself."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> Lines:
        return self


def _cache_key(name: str, folder: Path) -> str | None:
    digest = hashlib.sha256()
    for table in (name, *referenced_tables(name)):
        path = folder / TABLE_FILES[table]
        if not path.is_file():
            return None
        digest.update(table.encode() + path.read_bytes())
    for layer in ("data", "text"):  # the schema code and the vocabulary it allows (text/vocabulary.yml)
        for module in sorted((PACKAGE_DIR / layer).glob("*.py")) + sorted((PACKAGE_DIR / layer).glob("*.yml")):
            digest.update(module.read_bytes())
    digest.update(versions.fingerprint().encode())
    return digest.hexdigest()[:32]


@cache
def _load(name: str, folder: Path) -> pd.DataFrame:
    key = _cache_key(name, folder)
    cached = CACHE_DIR / f"{name}-{key}.pkl"
    if key and cached.is_file():
        try:
            with open(cached, "rb") as fh:
                table = pickle.load(fh)
            if isinstance(table, pd.DataFrame):
                return table
        except Exception:  # a damaged or foreign cache entry (whatever the error): validate again
            pass
    from caravan_book.data.schemas import TABLES

    table = validate(TABLES[name], folder)
    if key:
        with contextlib.suppress(OSError):  # a read-only project still works, only slower
            atomic.write_bytes(cached, pickle.dumps(table))
    return table


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """A validated table by name (see ``files.TABLE_FILES``), validated once per change of its files."""
    if name not in TABLE_FILES or name == "world":
        raise KeyError(f"unknown table {name!r}; tables: {', '.join(TABLE_FILES)}")
    # the tables it is checked against too, whether it comes from the cache or is validated now
    record_use(name, *referenced_tables(name))
    return _load(name, (folder or data_dir()).resolve()).copy()


def excerpt_problems(folder: Path, seeds: Path) -> list[DataProblem]:
    """Every excerpt must stand word for word in the article its row names (``ledger.against_articles``)."""
    from caravan_book.data import ledger

    return ledger.against_articles(folder, seeds)


#: How far from its incident's start a dated row may be: a story's events, figures and statements are weeks or
#: months apart, never years (a date typed a decade off would make a page count tens of thousands of days).
MAX_YEARS_FROM_INCIDENT = 3
#: Claims are checked against CBP's counts: a claim's figure is one of these metrics (``data/metrics.csv``).
CLAIM_METRIC_PREFIXES = ("swb_encounters", "migrant_arrests")
#: Claim tests read the monthly tables; the others may also read the annual one.
MONTHLY_TESTS = ("fiscal_year_total", "month_total", "peak_month", "fell_from_month_before")
#: What a record claim's sentence must speak of, for each test that reads it (``text/vocabulary.yml``).
CLAIM_SPEAKS_OF: dict[str, list[str]] = allowed("claim_speaks_of")


def cross_problems(folder: Path | None = None) -> list[DataProblem]:
    """Rules across tables, once every table is valid: each row's incident is its article's; dates near their
    incident; claims about a border count, in a fiscal year the reference tables hold."""
    folder = (folder or data_dir()).resolve()
    problems: list[DataProblem] = []
    sources = load("sources", folder).set_index("source_id")["incident"]
    starts = load("incidents", folder).set_index("incident")["start_date"]
    for name, column in (("events", "date"), ("figures", "as_of"), ("statements", "date"), ("facts", None)):
        table = load(name, folder)
        shown = shown_path(folder / TABLE_FILES[name])
        lines = table.attrs.get("lines", [])
        for position, row in enumerate(table.itertuples(index=False)):
            line = lines[position] if position < len(lines) else None
            about = sources.get(row.source_id)
            if isinstance(about, str) and row.incident != about:
                said = say("other_incident", source=row.source_id, incident=about)
                problems.append(DataProblem(shown, line, "incident", row.incident, said))
                continue  # its dates are judged once it is back in its story
            start = starts.get(row.incident)
            when = getattr(row, column) if column else None
            if when is not None and start is not None and abs((when - start).days) > 366 * MAX_YEARS_FROM_INCIDENT:
                said = say("far_date", years=MAX_YEARS_FROM_INCIDENT, incident=row.incident, start=f"{start:%Y-%m-%d}")
                problems.append(DataProblem(shown, line, column, f"{when:%Y-%m-%d}", said))
    claims = load("claims", folder)
    figure_rows = load("figures", folder).set_index("figure_id")
    figures, excerpts = figure_rows["metric"], figure_rows["excerpt"]
    monthly = set(load("encounters_monthly", folder)["fiscal_year"]) | set(
        load("encounters_monthly_fy2022", folder)["fiscal_year"]
    )
    every = monthly | set(load("apprehensions_annual", folder)["fiscal_year"])
    shown = shown_path(folder / TABLE_FILES["claims"])
    lines = claims.attrs.get("lines", [])
    for position, claim in enumerate(claims.itertuples(index=False)):
        line = lines[position] if position < len(lines) else None
        metric, excerpt = figures.get(claim.figure_id), excerpts.get(claim.figure_id)
        words = claim.claim_words if isinstance(claim.claim_words, str) else None
        if words is not None and isinstance(excerpt, str):  # the claim's own words stand in the figure's excerpt
            if " ".join(words.split()) not in " ".join(excerpt.split()):
                problems.append(DataProblem(shown, line, "claim_words", words, say("claim_words")))
        elif isinstance(metric, str) and not metric.startswith(CLAIM_METRIC_PREFIXES):
            said = say("claim_metric", metric=metric, prefixes=", ".join(CLAIM_METRIC_PREFIXES))
            problems.append(DataProblem(shown, line, "figure_id", claim.figure_id, said))
        speaks_of = CLAIM_SPEAKS_OF.get(claim.test)
        sentence = excerpt.lower() if isinstance(excerpt, str) else ""
        if speaks_of and sentence and not any(re.search(rf"\b{re.escape(w)}", sentence) for w in speaks_of):
            tests = "; ".join(f"{test}: {', '.join(words)}" for test, words in CLAIM_SPEAKS_OF.items())
            said = say("claim_subject", words=", ".join(speaks_of), tests=tests)
            problems.append(DataProblem(shown, line, "test", claim.test, said))
        years = monthly if claim.test in MONTHLY_TESTS else every
        if claim.fiscal_year not in years:
            said = say("claim_year", first=min(years), last=max(years))
            problems.append(DataProblem(shown, line, "fiscal_year", str(claim.fiscal_year), said))
    return problems


def check_folder(folder: Path | None = None, seeds: Path | None = None) -> list[DataProblem]:
    """Every problem in a data folder; an empty list means the data is clean."""
    from caravan_book.data.schemas import TABLES

    folder = (folder or data_dir()).resolve()
    problems: list[DataProblem] = []
    for name in TABLES:
        try:
            validate(TABLES[name], folder)
        except DataError as error:
            problems.extend(error.problems)
    if not problems:
        problems.extend(cross_problems(folder))
    if not problems and seeds is not None:
        problems.extend(excerpt_problems(folder, seeds))
    return problems


def clear_cache() -> None:
    """Forget loaded tables (tests that edit data files use this)."""
    _load.cache_clear()
    _key_values.cache_clear()
