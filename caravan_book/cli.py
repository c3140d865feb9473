"""The ``caravan-book`` command line (also ``python -m caravan_book``).

  check     validate a data folder (file, row, column and rule for every problem)
  list      every section with its parameters (read by papermill from the notebooks)
  run       one section with new parameters, to an executed notebook or an HTML page
  build     the whole book, a custom book from a YAML file, or a student edition
  preview   serve the book on 127.0.0.1 and rebuild and reload a page as its files are edited
  handout   one section, or a custom book, as a print-ready PDF
  extract   propose sourced rows from a new article, into a review folder
  accept    merge the reviewed rows marked accepted into a data folder, then check it

Exit codes, the same for every command:
  0  done
  1  a page, a tool (papermill, Jupyter Book, chromium) or the disk failed: a full disk, a folder that
     cannot be written
  2  bad input: arguments, data (check's problems, an excerpt not in its article) or a config file; one
     message that names the file, row and column or lists the valid choices
  3  busy: another build or accept holds the lock; try again when it has finished
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from caravan_book.errors import ParameterError, ReportedError
from caravan_book.settings import REPO_ROOT, seeds_dir

if TYPE_CHECKING:
    from caravan_book.build.sections import Page


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def _working(message: str):
    """A spinner on a terminal, one line otherwise."""
    if sys.stderr.isatty():
        from rich.console import Console

        with Console(stderr=True).status(message):
            yield
    else:
        _say(message)
        yield


def typed_value(text: str) -> bool | int | float | str | None:
    """A ``-p`` value typed the way ``papermill -p`` types one: True, False, None, a whole number, a decimal
    number, or else the text itself (so ``-p incident 2018`` is the number 2018, which ``sections.validate``
    then refuses with a sentence)."""
    if text in ("True", "False"):
        return text == "True"
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _parameters(pairs: list[list[str]] | None) -> dict:
    """-p NAME VALUE pairs, each value typed by ``typed_value``; a name given twice or an empty value is refused."""
    values: dict = {}
    for name, value in pairs or []:
        if name in values:
            raise ParameterError(f"-p {name} is given twice; give each parameter once")
        if not value.strip():
            raise ParameterError(f"-p {name} is empty; give a value (see caravan-book list)")
        values[name] = typed_value(value)
    return values


def _page(section: str, pairs) -> Page:
    from caravan_book.build import sections

    return sections.page_for(section, _parameters(pairs))


def _check(args: argparse.Namespace) -> int:
    from caravan_book.data import ledger
    from caravan_book.data.tables import check_folder
    from caravan_book.errors import DataError

    if args.seeds is not None and not args.seeds.is_dir():
        raise ParameterError(f"--seeds {args.seeds} is not a folder")
    _data_folder(args.data)
    from caravan_book.intake import accept
    from caravan_book.settings import data_dir

    folder = (args.data or data_dir()).resolve()
    done = None
    if folder.is_dir():
        with accept.locked(folder):  # an accept that a crash stopped is finished (or undone) first
            done = accept.recover(folder)
    if done:
        _say(f"{folder}: {done}")
    problems, code, verified = check_folder(args.data, None), 2, None
    if not problems and not args.no_excerpts:
        try:
            verified = ledger.verify(args.data, args.seeds, log=_say)
        except DataError as error:  # an excerpt not in its article, or not vouched for by the ledger (2)
            problems, code = error.problems, error.exit_code
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        if len(problems) > 1:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return code
    where = args.data or "data/"
    excerpts = (
        "excerpts NOT verified (--no-excerpts)" if verified is None else f"every excerpt verified {verified.describe()}"
    )
    print(f"{where}: clean ({excerpts}).")
    return 0


def _list(args: argparse.Namespace) -> int:
    from caravan_book.build import sections

    book = sections.load()
    for name, meta in book.notebooks.items():
        declared = sections.parameters_of(name)
        pages = [p.page for p in book.pages if p.notebook == name]
        print(f"{name}: {meta.title}  (published pages: {', '.join(pages) or 'none'})")
        if not declared:
            print("    no parameters")
        for pname, info in declared.items():
            print(
                f"    {pname}  type: {sections.type_name(info)}  default: {info['default']}\n"
                f"        allowed: {sections.allowed_values(pname)}\n"
                f"        {info['help']}"
            )
    _list_incidents()
    return 0


def _list_incidents() -> None:
    """The incidents that exist in the data, with the articles about each."""
    from caravan_book.data import files  # the csv module, not pandas: ``list`` stays light

    sources = files.rows("sources")
    print("incidents (data/incidents.csv):")
    for row in files.rows("incidents"):
        names = ", ".join(s["source_id"] for s in sources if s.get("incident") == row["incident"]) or "none"
        draft = "  [draft: custom books only until marked published]" if row.get("publication") != "published" else ""
        print(f"    {row['incident']}  {row['title']}  (from {row['start_date']}; sources: {names}){draft}")


def _data_folder(data: Path | None) -> None:
    if data is not None and not data.is_dir():
        raise ParameterError(f"--data {data} is not a folder; give the folder that holds the data files")


def _verify_excerpts() -> None:
    """Before anything is published: every excerpt in its article (or vouched for by the ledger); DataError if not."""
    from caravan_book.data import ledger

    ledger.verify(None, seeds_dir())


def _extract(args: argparse.Namespace) -> int:
    from caravan_book.build import outputs
    from caravan_book.intake import proposer as extract

    _data_folder(args.data)
    out = args.out or Path(f"review-{args.source}")
    outputs.refuse_project_folders(out, "--out")
    counts, proposal = extract.extract(
        args.article,
        args.source,
        args.incident,
        out,
        published=args.published,
        new_incident=args.new_incident,
        data=args.data,
    )
    shown = ", ".join(f"{n} {table}" for table, n in counts.items() if n)
    print(f"wrote {out}/: {shown or 'no rows'} (status: proposed)")
    if proposal.known_places:
        print(f"places already in places.csv: {', '.join(proposal.known_places)}")
    print(
        f"next: set status to accepted or rejected in each file, fill what 'reason' asks, "
        f"then run: caravan-book accept {out}"
    )
    return 0


def _accept(args: argparse.Namespace) -> int:
    from caravan_book.intake import accept as review
    from caravan_book.settings import data_dir

    _data_folder(args.data)
    data = (args.data or data_dir()).resolve()
    seeds = args.seeds or seeds_dir()
    result = review.accept(args.review, data, seeds)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        print(f"{len(result.problems)} problem(s) found; nothing was merged into {data}.", file=sys.stderr)
        return 2
    if not result.merged:
        print(f"no row of {args.review} is marked accepted ({result.left_out} left out); nothing was merged.")
        return 0
    shown = ", ".join(f"{n} {table}" for table, n in result.merged.items())
    print(f"merged {shown} into {data} ({result.left_out} row(s) left out); the merged data passes check.")
    for article in result.articles_to_copy:
        print(
            f"note: copy {article} into {seeds or 'your folder of source articles'} "
            f"so that caravan-book check can verify its excerpts (or pass --seeds to check)"
        )
    return 0


def _run(args: argparse.Namespace) -> int:
    from caravan_book.build import outputs, warm_run
    from caravan_book.settings import data_dir

    offer = warm_run.find(REPO_ROOT, data_dir())  # a running preview: its warm kernel checks and runs the page
    if offer is not None:
        given = _parameters(args.p)
        default = Path(f"{warm_run.page_slug(args.section, given)}.html")
        out = outputs.check_file(args.o or default, (".ipynb", ".html"), "output")
        answer = warm_run.ask(offer, args.section, given, out)
        if answer is not None:
            if answer.get("error"):
                print(f"error: {answer['error']}", file=sys.stderr)
                return int(answer.get("code", 1))
            print(f"wrote {out} (on the preview's warm kernel)")
            return 0
    page = _page(args.section, args.p)
    out = outputs.check_file(args.o or Path(f"{page.page}.html"), (".ipynb", ".html"), "output")
    _verify_excerpts()
    from caravan_book.build import publish  # after the checks: a bad argument loads no pandas

    with _working(f"running {args.section} ({page.describe_parameters()}) with papermill"):
        publish.run_section(page, out)
    print(f"wrote {out}")
    return 0


def _handout(args: argparse.Namespace) -> int:
    from caravan_book.build import editions, outputs, publish

    if (args.section is None) == (args.params is None):
        raise ParameterError("handout: give one section, or a custom book with --params FILE.yml (not both)")
    outputs.check_file(args.pdf, (".pdf",), "handout output")
    _verify_excerpts()
    if args.params is not None:
        spec = editions.read_custom(args.params)
        pages = editions.custom_pages(spec, args.params)
        with _working(f"running the {len(pages)} sections of {args.params} and printing {args.pdf}"):
            publish.handout(pages, args.pdf, teacher=args.teacher, title=spec.title)
    else:
        page = _page(args.section, args.p)
        with _working(f"running {args.section} ({page.describe_parameters()}) and printing {args.pdf}"):
            publish.handout(page, args.pdf, teacher=args.teacher)
    print(f"wrote {args.pdf}")
    return 0


def _build(args: argparse.Namespace) -> int:
    from caravan_book.build import book as build
    from caravan_book.build import editions, outputs, pages, processes

    processes.die_with_parent()  # a build whose parent (make, a shell, CI) is killed stops too
    if args.publish and (args.params or args.student):
        raise ParameterError("--publish is for the published book, not for custom books or student editions")
    pool = None
    if args.params:
        out = args.out or REPO_ROOT / "_build" / ("custom-" + args.params.stem + ("-student" if args.student else ""))
        out = outputs.check_edition_folder(out)
        spec = editions.read_custom(args.params)  # a bad file is refused before the folder is claimed
        # a first build into the folder: the kernels start (and import the package) while the pages' parameters
        # are checked (a rebuild finds which pages are current first, and starts kernels only if some are not)
        if not editions.has_run_before(out, student=args.student):
            pool = pages.new_pool(len(spec.pages) + 1, jobs=args.jobs)
        try:
            outputs.claim_edition_folder(out)
            edition = editions.custom(args.params, out, student=args.student)
        except BaseException:
            if pool is not None:
                pool.abort()
            raise
    elif args.student:
        out = outputs.check_edition_folder(args.out or REPO_ROOT / "_build" / "student")
        outputs.claim_edition_folder(out)
        edition = editions.student_edition(out)
    elif args.out:
        raise ParameterError(
            "--out is for custom books (--params) and student editions (--student); "
            "the published book goes to _build/html"
        )
    else:
        edition = None
    summary = build.build(edition, jobs=args.jobs, force=args.force, publish=args.publish, log=_say, pool=pool)
    print(
        f"built {summary['site']}/index.html in {summary['total_seconds']} s "
        f"({len(summary['executed'])} notebook(s) run, {len(summary['skipped'])} unchanged)"
    )
    return 0


def _preview(args: argparse.Namespace) -> int:
    from caravan_book.build import preview, processes

    processes.die_with_parent()
    preview.serve(args.page, port=args.port, jobs=args.jobs, log=_say)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="caravan-book", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate a data folder")
    check.add_argument("--data", type=Path, help="data folder (default: the project's data/)")
    check.add_argument(
        "--seeds",
        type=Path,
        help="folder of the source articles (default: $CARAVAN_BOOK_SEEDS or ../shared/seeds); the excerpts of "
        "an article that is not there are verified against data/excerpts-ledger.json",
    )
    check.add_argument(
        "--no-excerpts",
        action="store_true",
        help="for tooling: check the tables only (excerpts are verified neither against the articles nor the ledger)",
    )
    check.set_defaults(func=_check)

    listing = sub.add_parser("list", help="list the sections and their parameters")
    listing.set_defaults(func=_list)

    def section_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("section", help="a section name, as shown by `caravan-book list`")
        p.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="set a parameter (repeatable)")

    run = sub.add_parser("run", help="run one section with new parameters (on a running preview's warm kernels)")
    section_args(run)
    run.add_argument("-o", type=Path, metavar="OUT", help="OUT.ipynb (executed notebook) or OUT.html (standalone page)")
    run.set_defaults(func=_run)

    build = sub.add_parser("build", help="build the book, a custom book, or a student edition")
    build.add_argument("--params", type=Path, metavar="FILE.yml", help="a custom book: sections and parameters")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder of a custom book or student edition")
    build.add_argument("--student", action="store_true", help="leave out the exercise solutions")
    build.add_argument("--jobs", type=int, help="notebooks run at once, each on a warm kernel (default: one per core)")
    build.add_argument("--force", action="store_true", help="re-run every notebook and rebuild every page")
    build.add_argument(
        "--publish",
        action="store_true",
        help="accept every change of a published fact without a row in data/corrections.csv (data/published.json)",
    )
    build.set_defaults(func=_build)

    preview = sub.add_parser(
        "preview",
        help="serve the book on 127.0.0.1; rerun and reload the pages an edit touches",
        description="Serve the book on 127.0.0.1 (the address is printed) and watch data/, book/ (templates and "
        "pages), sections.yml, _config.yml, the notebooks and the package. After an edit, only the pages it "
        "touches are rerun, on warm kernels kept for the session, the site is rebuilt and the browser "
        "reloads. A bad edit shows its error in the page and here; fixing the file brings the page back. "
        "Holds the build's lock until Ctrl-C.",
    )
    preview.add_argument("page", nargs="?", help="the page to open and to rerun first (e.g. numbers-2018-tijuana)")
    preview.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free one)")
    preview.add_argument("--jobs", type=int, help="warm kernels kept for the session (default: one per core)")
    preview.set_defaults(func=_preview)

    handout = sub.add_parser("handout", help="one section, or a whole custom book, as a print-ready PDF")
    handout.add_argument("section", nargs="?", help="a section name, as shown by `caravan-book list`")
    handout.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="set a parameter (repeatable)")
    handout.add_argument(
        "--params", type=Path, metavar="FILE.yml", help="a custom book: one handout of all its sections"
    )
    handout.add_argument("--teacher", action="store_true", help="a teacher's copy, with the exercises' solutions")
    handout.add_argument("--pdf", type=Path, required=True, metavar="OUT.pdf", help="the PDF to write")
    handout.set_defaults(func=_handout)

    extract = sub.add_parser("extract", help="propose sourced rows from a new article, into a review folder")
    extract.add_argument("article", type=Path, metavar="ARTICLE.txt", help="the article, as plain UTF-8 text")
    extract.add_argument("--source", required=True, metavar="ID", help="a short id for the article, e.g. smith-2024")
    extract.add_argument("--incident", required=True, metavar="ID", help="the incident it reports (see `list`)")
    extract.add_argument("--new-incident", action="store_true", help="the incident is new: propose its row too")
    extract.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, if the text prints none")
    extract.add_argument("--out", type=Path, metavar="DIR", help="review folder to write (default: review-ID)")
    extract.add_argument("--data", type=Path, help="data folder to match against (default: the project's data/)")
    extract.set_defaults(func=_extract)

    accept = sub.add_parser("accept", help="merge accepted rows of a review folder into the data, then check")
    accept.add_argument("review", type=Path, metavar="REVIEW_DIR", help="the folder written by `extract`")
    accept.add_argument("--data", type=Path, help="data folder to merge into (default: the project's data/)")
    accept.add_argument("--seeds", type=Path, help="folder of the source articles, to verify excerpts")
    accept.set_defaults(func=_accept)
    return parser


def run() -> None:
    """The console script (and ``python -m caravan_book``): :func:`main`, then the process ends at once.

    After a build the process holds a large heap (pandas' tables, Sphinx's environment), and Python's own
    shutdown freed it object by object: about 0.9 s after the site was published. The exit functions still run
    (``atexit``: logging's flush, temporary folders' finalizers), then the process ends with ``main``'s code
    without that clean-up, as mypy's command line does (everything the command opened, files, the lock and
    the kernels, is closed by then)."""
    import atexit
    import os

    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:  # a profiler or coverage writes its report at exit
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):  # a closed stream (a broken pipe) has nothing left to write
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ReportedError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM/SIGHUP turned into errors.Interrupted
        import signal

        name = str(stop) if str(stop) in signal.Signals.__members__ else "SIGINT"
        print(f"stopped by {name}; temporary files removed, the last site left as it was", file=sys.stderr)
        return 128 + signal.Signals[name].value
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        sys.stderr.close()
        return 0
    except OSError as error:  # a full disk, a read-only folder: one line, the file it was writing
        import errno

        if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
            raise
        where = f" ({error.filename})" if error.filename else ""
        print(f"error: could not write{where}: {error.strerror}; nothing was published or merged", file=sys.stderr)
        return 1
