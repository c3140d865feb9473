"""A person's review of the fictional article, done in code so tests can repeat it.

``review_fictional`` does what the guide (book/add-a-story.md) asks a person to do with the
review folder of tests/fixtures/fictional-caravan-article.txt: fill the cells the ``reason``
column asks for, mark some rows ``accepted`` and the rest ``rejected``.
"""

from __future__ import annotations

import csv
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fictional-caravan-article.txt"
SOURCE = "ruiz-2029"
INCIDENT = "2029-villa-esperanza"


def edit_review(folder: Path, file: str, match: dict[str, str] | None, values: dict[str, str]) -> int:
    """Set ``values`` in the rows of a review file whose cells equal ``match`` (every row if None)."""
    path = folder / file
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for row in rows:
        if match is None or all(row.get(k) == v for k, v in match.items()):
            row.update(values)
            changed += 1
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


def review_fictional(folder: Path, *, with_place: bool = False) -> None:
    """Reject everything, then accept and complete the rows the guide's example keeps. ``with_place`` goes one
    step further than the guide: it gives the fictional town made-up coordinates and makes it the incident's
    place (a new place the merge adds to places.csv)."""
    for file in (
        "places.csv",
        "incidents.csv",
        "sources.csv",
        "metrics.csv",
        "events.csv",
        "figures.csv",
        "statements.csv",
        "defects.csv",
    ):
        edit_review(folder, file, None, {"status": "rejected"})
    edit_review(
        folder,
        "sources.csv",
        {"source_id": SOURCE},
        {"status": "accepted", "contributes": "A fictional example: a caravan leaving Villa Esperanza on foot."},
    )
    edit_review(
        folder,
        "incidents.csv",
        {"incident": INCIDENT},
        {
            "status": "accepted",
            "title": "The Villa Esperanza caravan (fictional example)",
            "summary": "A fictional caravan sets off on foot from the town of Villa Esperanza towards Mexico City.",
        },
    )
    edit_review(
        folder,
        "metrics.csv",
        {"metric": "new_people"},
        {
            "status": "accepted",
            "metric": "caravan_size_fictional",
            "label": "People in the fictional caravan",
            "description": "The number of people in the fictional caravan that left Villa Esperanza.",
        },
    )
    assert (
        edit_review(
            folder,
            "figures.csv",
            {"metric": "new_people", "value_text": "1,200"},
            {"status": "accepted", "metric": "caravan_size_fictional"},
        )
        == 1
    )
    assert (
        edit_review(
            folder,
            "events.csv",
            {"date": "2029-03-13"},
            {
                "status": "accepted",
                "summary": "The caravan sets off on foot from Villa Esperanza.",
                "actor": "Migrants",
            },
        )
        == 1
    )
    assert (
        edit_review(
            folder,
            "statements.csv",
            {"speaker": "Marta Solis", "quote_kind": "direct"},
            {
                "status": "accepted",
                "role": "Caravan organiser",
                "institution": "The caravan",
                "group": "organizer-advocate",
                "country": "MX",
            },
        )
        == 1
    )
    edit_review(folder, "defects.csv", None, {"status": "accepted"})
    if with_place:
        edit_review(
            folder,
            "places.csv",
            {"place": "Villa Esperanza"},
            {
                "status": "accepted",
                "kind": "town",
                "latitude": "17.05",
                "longitude": "-96.72",
                "country": "MX",
                "coordinates_source": "made up for the fictional example (the town does not exist)",
                "reliability": "none (a fictional place)",
            },
        )
        edit_review(folder, "incidents.csv", {"incident": INCIDENT}, {"place": "Villa Esperanza"})


def extract_new_incident(review: Path, *extra: object, root: Path | None = None, cwd: Path | None = None):
    """``caravan-book extract`` of the fictional article as a new incident into the review folder ``review``."""
    from conftest import run_cli

    done = run_cli(
        "extract", FIXTURE, "--source", SOURCE, "--incident", INCIDENT, "--new-incident", "--out", review, *extra,
        root=root, cwd=cwd,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def accept_new_incident(root: Path, review: Path, *, with_place: bool = False) -> None:
    """The guide's path for the fictional article: ``extract --new-incident``, the review above, ``accept``."""
    from conftest import run_cli

    extract_new_incident(review, root=root, cwd=root)
    review_fictional(review, with_place=with_place)
    done = run_cli("accept", review, root=root, cwd=root)
    assert done.returncode == 0, done.stderr
