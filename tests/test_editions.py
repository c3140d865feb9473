"""Student editions and custom books as a teacher makes and shares them (real builds): the folder a student
edition is written to holds nothing that answers an exercise, its pages link only to what exists, a dating
note that answers an exercise is left out, and a custom book's teacher's guide uses each page's key terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import run_cli

from caravan_book.build import editions

pytestmark = pytest.mark.build

SPEC = "title: Caravans for period 4\npages:\n  - notebook: narrative\n    parameters: {incident: 2021-tapachula}\n"


def broken_links(site: Path) -> list[str]:
    """Local links and resources of the site's pages that point at no file."""
    broken = []
    for page in site.rglob("*.html"):
        if "_static" in page.relative_to(site).parts:
            continue  # the themes' template macros, not pages
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script", "img"]):
            url = tag.get("href") or tag.get("src") or ""
            path = url.split("#")[0].split("?")[0]
            if not path or re.match(r"^[a-z]+:", path):
                continue
            if not (page.parent / path).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {url}")
    return broken


def test_student_edition_folder_holds_no_solution_and_no_dead_link(tmp_path):
    spec = tmp_path / "period4.yml"
    spec.write_text(SPEC)
    teacher = run_cli("build", "--params", spec, "--out", tmp_path / "teacher")
    assert teacher.returncode == 0, teacher.stderr
    generated = tmp_path / "teacher" / "html" / "book" / "generated"
    guide = BeautifulSoup((generated / "teachers-guide.html").read_text(encoding="utf-8"), "html.parser")
    guide_text = " ".join(guide.get_text(" ").split())
    assert "National Guard" in guide_text and "tear gas" not in guide_text  # sections.yml's terms for Tapachula

    page = BeautifulSoup((generated / "narrative-2021-tapachula.html").read_text(encoding="utf-8"), "html.parser")
    solutions = set()
    for solution in page.select(".solution"):
        for block in solution.select("p, li"):
            text = " ".join(block.get_text(" ").split())
            if len(text) > 40:
                solutions.add(text[:60])
    assert solutions

    out = tmp_path / "student"
    student = run_cli("build", "--params", spec, "--student", "--out", out)
    assert student.returncode == 0, student.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".caravan-book-edition",
        ".html.manifest.json",
        "html",
    ]  # the work is elsewhere
    assert editions.work_folder(out).is_dir()
    leaks = []
    for path in out.rglob("*"):
        if path.is_file():
            text = " ".join(path.read_text(encoding="utf-8", errors="replace").split())
            leaks += [f"{path.relative_to(out)}: {s}" for s in solutions if s in text]
    assert not leaks, leaks[:5]
    assert not broken_links(out / "html"), broken_links(out / "html")[:5]
    # a second build into the same folder is allowed, and leaves it as clean
    again = run_cli("build", "--params", spec, "--student", "--out", out)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in out.iterdir()) == [".caravan-book-edition", ".html.manifest.json", "html"]
