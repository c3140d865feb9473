"""Handouts as a teacher prints them (real kernels, headless chromium, poppler's pdftotext and pdfinfo):
at most five A4 pages, numbered, each at least a third full, with the book's title, the page's address and a
name and date line; the news, the charts and the questions with room to answer; no instruction that only
works on a screen; the solutions only in the teacher's copy; one handout for a whole custom book."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

pytestmark = pytest.mark.browser

MAX_PAGES = 5
#: Words that only make sense on a screen.
WEB_ONLY = ("Point at a mark", "data table", "Hover", "Download the data", "Tap ", "click")
BOOK_TITLE = "Caravans at the border"


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def fullness(pdf: Path, tmp: Path) -> list[float]:
    """For each page, how far down its ink reaches (text, charts, answer lines), as a share of the space
    between the header and the footer: the page drawn in grey at 20 dpi by pdftoppm."""
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp / "page")], check=True)
    shares = []
    for image in sorted(tmp.glob("page-*.pgm")):
        data = image.read_bytes()
        magic, width, height, depth, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and depth == b"255"
        width, height = int(width), int(height)
        top, bottom = int(0.07 * height), int(0.93 * height)  # inside the header and footer boxes
        inked = [y for y in range(top, bottom) if min(pixels[y * width : (y + 1) * width]) < 160]
        shares.append((max(inked) - top) / (bottom - top) if inked else 0.0)
    return shares


def check_handout(pdf: Path, address: str, tmp: Path) -> str:
    count = page_count(pdf)
    texts = pages_text(pdf)
    assert 1 <= count <= MAX_PAGES and len(texts) == count
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {count}" in text, f"page {number} is not numbered"
        assert BOOK_TITLE in text and address in text, f"page {number} lacks the book's title or the address"
    shares = fullness(pdf, tmp)
    assert all(share >= 1 / 3 for share in shares), f"a page is less than a third full: {shares}"
    whole = "\n".join(texts)
    assert "Name:" in texts[0] and "Date:" in texts[0]
    for words in WEB_ONLY:
        assert words not in whole, f"{words!r} is printed"
    assert "notebook.start" not in whole and "charts." not in whole and "{term}" not in whole
    return whole


@pytest.mark.parametrize(
    ("section", "incident"), [("numbers", "2018-tijuana"), ("narrative", "2018-tijuana"), ("numbers", "2021-tapachula")]
)
def test_student_handout_fits_five_numbered_pages_with_room_to_answer(tmp_path, section, incident):
    pdf = tmp_path / "handout.pdf"
    done = run_cli("handout", section, "-p", "incident", incident, "--pdf", pdf)
    assert done.returncode == 0, done.stderr
    pages = tmp_path / "pages"
    pages.mkdir()
    text = check_handout(pdf, f"book/generated/{section}-{incident}.html", pages)
    assert "Discussion questions" in text and "Exercise 1." in text and "Your answer:" in text
    assert "Solution" not in text
    if section == "numbers":
        # a chart's title, drawn as SVG text (on two lines when it is long)
        assert "CBP Southwest border encounters by month" in " ".join(text.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handout.pdf", "pages"]


def test_teachers_copy_holds_the_solutions(tmp_path):
    pdf = tmp_path / "teacher.pdf"
    done = run_cli("handout", "numbers", "-p", "incident", "2021-tapachula", "--teacher", "--pdf", pdf)
    assert done.returncode == 0, done.stderr
    text = "\n".join(pages_text(pdf))
    assert "Teacher's copy" in text and text.count("Solution") >= 2 and "Your answer:" not in text
    assert "164,837" in text  # the answer to the exercise on October 2021's encounters


def test_one_handout_for_a_whole_custom_book(tmp_path):
    spec = tmp_path / "my-class.yml"
    spec.write_text(
        "title: Caravans for period 3\npages:\n"
        "  - notebook: narrative\n    parameters: {incident: 2021-tapachula}\n"
        "  - notebook: comparison\n"
    )
    pdf = tmp_path / "class.pdf"
    done = run_cli("handout", "--params", spec, "--pdf", pdf)
    assert done.returncode == 0, done.stderr
    texts = pages_text(pdf)
    whole = "\n".join(texts)
    assert "What happened" in whole and "Comparing" in whole
    assert "book/generated/narrative-2021-tapachula.html" in texts[0]
    assert "book/generated/comparison.html" in texts[-1]
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]


def test_handout_needs_a_section_or_a_custom_book(tmp_path):
    done = run_cli("handout", "--pdf", tmp_path / "x.pdf")
    assert done.returncode == 2 and "give one section" in done.stderr and "Traceback" not in done.stderr
