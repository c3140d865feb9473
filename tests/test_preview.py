"""``caravan-book preview`` as an editor uses it: a real server on a copy of the built book, real warm kernels,
Sphinx and headless Debian chromium. The page reloads with an edited template sentence, shows a bad data
row's error over the page, and comes back when the row is fixed; Ctrl-C stops the server and its kernels."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
import yaml

from tests.conftest import edit_csv, run_cli, subprocess_env

pytestmark = pytest.mark.browser

PAGE = "methods"
OLD = "The book's data holds"
NEW = "The previewed data now holds"


class Preview:
    """``python -m caravan_book preview`` in a subprocess; its terminal lines collected as they come."""

    def __init__(self, root: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "caravan_book", "preview", *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=subprocess_env(root),
            cwd=root,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 240, start: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not any(re.search(pattern, x) for x in self.lines[start:]):
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        """Ctrl-C, as in a terminal; killed (and the test failed by the caller) if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                for child in psutil.Process(self.process.pid).children(recursive=True):
                    child.kill()
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def test_preview_reloads_an_edited_sentence_and_shows_a_bad_rows_error_until_it_is_fixed(book_copy, browser):
    preview = Preview(book_copy, PAGE)
    remote: list[str] = []
    try:
        url = preview.wait_for(r"preview at (http://127\.0\.0\.1:\d+/\S+)").group(1)
        preview.wait_for(r"^rebuilt in ")
        kernels = psutil.Process(preview.process.pid).children(recursive=True)
        assert kernels, "the preview keeps warm kernels"
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()

        def local_only(route):
            if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
                return route.continue_()
            remote.append(route.request.url)
            return route.abort()

        page.route("**/*", local_only)
        page.goto(url)
        body = page.locator("main")
        body.get_by_text(OLD).first.wait_for(timeout=30_000)

        template = book_copy / "book" / "templates" / "methods" / "counts.md.j2"
        saved = time.monotonic()
        template.write_text(template.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
        body.get_by_text(NEW).first.wait_for(timeout=60_000)
        print(f"\ntemplate edit visible after {time.monotonic() - saved:.2f} s")
        line = preview.wait_for(r"^rerunning methods \(.*\)")
        assert "book/templates/methods/counts.md.j2" in line.string

        # caravan-book run uses the preview's warm kernels: the page is checked and run there
        out = book_copy.parent / "run-out.html"
        done = run_cli("run", "narrative", "-p", "incident", "2021-tapachula", "-o", out, root=book_copy, cwd=book_copy)
        assert done.returncode == 0 and "warm kernel" in done.stdout, done.stdout + done.stderr
        assert "<html" in out.read_text(encoding="utf-8")
        done = run_cli("run", "narrative", "-p", "incident", "1999-nowhere", root=book_copy, cwd=book_copy)
        assert done.returncode == 2 and "not a known incident" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr

        figures = book_copy / "data" / "figures.csv"
        good = figures.read_bytes()
        edit_csv(figures, 0, "value", "five hundred")
        banner = page.locator("#caravan-preview-error")
        banner.wait_for(state="visible", timeout=60_000)
        assert "figures.csv" in banner.inner_text()
        assert "five hundred" in banner.inner_text() or "value" in banner.inner_text()
        preview.wait_for(r"^error: .*figures\.csv")
        assert preview.process.poll() is None, "a bad edit does not stop the server"

        start = len(preview.lines)
        saved = time.monotonic()
        figures.write_bytes(good)
        preview.wait_for(r"^rebuilt in ", start=start, timeout=120)
        banner.wait_for(state="hidden", timeout=60_000)
        body.get_by_text(NEW).first.wait_for(timeout=30_000)
        print(f"fixed data row visible after {time.monotonic() - saved:.2f} s")
        # a good edit of a row every page reads: the previewed page is rerun and served before the others
        start = len(preview.lines)
        rows = good.decode("utf-8").splitlines(keepends=True)
        rows[1] = re.sub(r"The article's opening line", "The article's first line", rows[1], count=1)
        assert rows[1] != good.decode("utf-8").splitlines(keepends=True)[1]
        figures.write_text("".join(rows), encoding="utf-8")
        rebuilt = preview.wait_for(r"^rebuilt in ", start=start, timeout=120).string
        assert f"{PAGE} shown" in rebuilt.split(", pages ")[0] and "8 page(s)" not in rebuilt, rebuilt
        start = len(preview.lines)
        figures.write_bytes(good)
        preview.wait_for(r"^rebuilt in ", start=start, timeout=120)
        # a template that does not render: the page's failure over the page, then the page again once fixed
        start = len(preview.lines)
        good_template = template.read_text(encoding="utf-8")
        template.write_text(good_template.replace(NEW, "{% if %}" + NEW), encoding="utf-8")
        banner.wait_for(state="visible", timeout=60_000)
        assert "TemplateSyntaxError" in banner.inner_text() and "counts.md.j2" in banner.inner_text()
        preview.wait_for(r"^error: .*TemplateSyntaxError", start=start)
        template.write_text(good_template, encoding="utf-8")
        banner.wait_for(state="hidden", timeout=60_000)
        body.get_by_text(NEW).first.wait_for(timeout=30_000)
        context.close()
        assert not remote, f"the preview loaded from another host: {remote}"
    finally:
        code = preview.stop()
    assert code == 0, "\n".join(preview.lines)
    assert "preview stopped" in preview.lines[-1]
    print("\n".join(preview.lines))
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE], "kernels left running"
    assert not (book_copy / "_build" / ".preview.json").exists(), "the offer to caravan-book run is withdrawn"
    lock = book_copy / "_build" / ".build.lock"
    from filelock import FileLock

    FileLock(str(lock), timeout=0).acquire()  # released: a build could start now


def test_a_page_removed_while_the_preview_runs_is_no_longer_served(book_copy):
    """Sphinx keeps the HTML of a page that left the table of contents: the preview removes it once the site is
    rebuilt, so a removed page is not served (nor found by the site's search), and the other pages stay."""
    preview = Preview(book_copy)
    gone = "responses-2021-tapachula"
    try:
        root = preview.wait_for(r"preview at (http://127\.0\.0\.1:\d+/)").group(1)
        preview.wait_for(r"^rebuilt in ")
        assert urllib.request.urlopen(f"{root}book/generated/{gone}.html").status == 200
        intro = book_copy / "book" / "intro.md"
        intro.write_text(
            "".join(line for line in intro.read_text().splitlines(keepends=True) if gone not in line), encoding="utf-8"
        )
        sections = book_copy / "sections.yml"
        book = yaml.safe_load(sections.read_text(encoding="utf-8"))
        for part in book["parts"]:
            part["pages"] = [page for page in part["pages"] if page.get("page") != gone]
        start = len(preview.lines)
        sections.write_text(yaml.safe_dump(book, sort_keys=False, allow_unicode=True), encoding="utf-8")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{root}book/generated/{gone}.html")
            except urllib.error.HTTPError as error:
                assert error.code == 404
                break
            # every other page is served all along
            assert urllib.request.urlopen(f"{root}book/generated/numbers-2021-tapachula.html").status == 200
            time.sleep(0.2)
        else:
            raise AssertionError("the removed page is still served:\n" + "\n".join(preview.lines))
        preview.wait_for(r"^rebuilt in ", start=start)
        assert gone not in (book_copy / "_build" / ".stage" / "_build" / "html" / "searchindex.js").read_text()
    finally:
        code = preview.stop()
    assert code == 0, "\n".join(preview.lines)


def test_preview_refuses_an_unknown_page_and_a_busy_project(project_copy):
    from filelock import FileLock

    done = subprocess.run(
        [sys.executable, "-m", "caravan_book", "preview", "no-such-page", "--port", "0"],
        capture_output=True, text=True, env=subprocess_env(project_copy), cwd=project_copy, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "unknown page 'no-such-page'" in done.stderr, done.stderr
    (project_copy / "_build").mkdir()
    with FileLock(str(project_copy / "_build" / ".build.lock"), timeout=0):
        done = subprocess.run(
            [sys.executable, "-m", "caravan_book", "preview", "--port", "0"],
            capture_output=True, text=True, env=subprocess_env(project_copy), cwd=project_copy, timeout=120,
        )  # fmt: skip
    assert done.returncode == 3 and "another build" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
