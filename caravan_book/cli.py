"""The ``caravan-book`` command line (also ``python -m caravan_book``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caravan_book.errors import ReportedError
from caravan_book.paths import seeds_dir


def _check(args: argparse.Namespace) -> int:
    from caravan_book.tables import check_folder

    seeds = args.seeds or seeds_dir()
    problems = check_folder(args.data, seeds)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    where = args.data or "data/"
    excerpts = f"excerpts checked against {seeds}" if seeds else "excerpts not checked (no source articles found)"
    print(f"{where}: clean ({excerpts}).")
    return 0


def _build(args: argparse.Namespace) -> int:
    from caravan_book import build

    summary = build.build(jobs=args.jobs, force=args.force, log=lambda line: print(line, file=sys.stderr))
    print(f"built {summary['site']}/index.html in {summary['total_seconds']} s "
          f"({len(summary['executed'])} notebook(s) run, {len(summary['skipped'])} unchanged)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caravan-book", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate a data folder")
    check.add_argument("--data", type=Path, help="data folder (default: the project's data/)")
    check.add_argument("--seeds", type=Path, help="folder of the source articles, to verify excerpts")
    check.set_defaults(func=_check)

    build = sub.add_parser("build", help="build the book into _build/html")
    build.add_argument("--jobs", type=int, help="notebooks run at once (default: one per core)")
    build.add_argument("--force", action="store_true", help="re-run every notebook and rebuild every page")
    build.set_defaults(func=_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReportedError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
