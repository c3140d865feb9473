#!/usr/bin/env python
"""Measure what a reader downloads and what Lighthouse and the Nu checker say, page by page.

The build benchmark times the build; this one looks at the built site as a visitor gets it.
Run after ``caravan-book build``::

    python benchmarks/site_benchmark.py [--site _build/html] [--no-lighthouse] [--desktop] [--out FILE]

- first-visit transfer: each page opened in a fresh headless chromium profile (empty cache) from a
  local server on 127.0.0.1 that gzips text, as a real host would; every request the page makes is
  counted (HTML, CSS, scripts, fonts, images), both as decoded bytes and as bytes on the wire;
- Lighthouse (npm ``lighthouse``, pinned in package.json) against Debian chromium: the four category
  scores per page, mobile by default (``--desktop`` adds the desktop preset);
- the Nu HTML checker (npm ``vnu-jar``): errors per page, in one JVM run.

Results go to ``benchmarks/results/site-latest.json`` unless ``--out`` names another file.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

from caravan_book import settings
from caravan_book.build.publish import CHROMIUM_FLAGS

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = str(settings.chromium())
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (as any production host would serve them)."""

    def log_message(self, format: str, *args: object) -> None:  # the base class's signature
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (
            not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not ctype.startswith(GZIP_TYPES)
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        import io

        return io.BytesIO(body)


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that drops a connection it no longer needs is not an error worth a traceback."""

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = QuietServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def site_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if "_static" not in p.parts)


TRANSFER_JS = """() => {
  const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
  return entries.map(e => ({url: e.name, decoded: e.decodedBodySize, transfer: e.transferSize}));
}"""


def transfers(base: str, pages: list[str], width: int = 390) -> dict[str, dict]:
    """First-visit bytes per page in a fresh browser context, after the page has settled."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_FLAGS))
        for name in pages:
            context = browser.new_context(viewport={"width": width, "height": 844})
            page = context.new_page()
            page.goto(base + name, wait_until="networkidle")
            page.wait_for_timeout(300)
            entries = page.evaluate(TRANSFER_JS)
            context.close()
            out[name] = {
                "requests": len(entries),
                "decoded_bytes": sum(e["decoded"] for e in entries),
                "transfer_bytes": sum(e["transfer"] for e in entries),
                "largest": sorted(((e["url"].replace(base, ""), e["decoded"]) for e in entries), key=lambda x: -x[1])[
                    :5
                ],
            }
        browser.close()
    return out


def lighthouse(base: str, pages: list[str], desktop: bool) -> dict[str, dict]:
    """The four Lighthouse category scores (0-100) per page."""
    out: dict[str, dict] = {}
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    with tempfile.TemporaryDirectory() as tmp:
        for name in pages:
            report = Path(tmp) / "report.json"
            command = [
                str(LIGHTHOUSE),
                base + name,
                "--output=json",
                f"--output-path={report}",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            ]
            if desktop:
                command.append("--preset=desktop")
            done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
            if done.returncode != 0 or not report.is_file():
                out[name] = {"error": done.stderr[-300:]}
                continue
            data = json.loads(report.read_text())
            scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
            failed = sorted(
                a["id"]
                for a in data["audits"].values()
                if a.get("score") is not None
                and a["score"] < 0.9
                and a.get("scoreDisplayMode") in ("binary", "numeric")
            )
            metrics = data["audits"]
            scores["fcp_s"] = round(metrics["first-contentful-paint"]["numericValue"] / 1000, 2)
            scores["lcp_s"] = round(metrics["largest-contentful-paint"]["numericValue"] / 1000, 2)
            scores["failed_audits"] = failed
            out[name] = scores
            report.unlink()
    return out


def nu_messages(paths: list[Path]) -> list[dict]:
    """The Nu checker's errors in ``paths``, one JVM run for all of them (the benchmark and
    tests/test_markup.py both call this). RuntimeError when Java or vnu-jar is missing."""
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        raise RuntimeError(
            "the Nu checker needs Java and node_modules/vnu-jar: apt-get install default-jre-headless; npm ci"
        )
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr[-500:])
    return json.loads(done.stderr or "{}").get("messages", [])


def nu_errors(site: Path, pages: list[str]) -> dict[str, list[str]]:
    """Nu checker errors per page (one JVM for all pages)."""
    messages = nu_messages([site / p for p in pages])
    out: dict[str, list[str]] = {p: [] for p in pages}
    for message in messages:
        url = message.get("url", "")
        for p in pages:
            if url.endswith("/" + p):
                out[p].append(f"{message.get('lastLine')}: {message.get('message')}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "site-latest.json")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--desktop", action="store_true", help="also run Lighthouse with the desktop preset")
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        sys.exit(f"no built site at {site}: run `caravan-book build` first")
    pages = site_pages(site)
    server, base = serve(site)
    results: dict = {"site": str(site)}
    try:
        results["transfer_390px"] = transfers(base, pages)
        results["nu_errors"] = nu_errors(site, pages)
        if not args.no_lighthouse:
            results["lighthouse_mobile"] = lighthouse(base, pages, desktop=False)
            if args.desktop:
                results["lighthouse_desktop"] = lighthouse(base, pages, desktop=True)
    finally:
        server.shutdown()
    print(
        f"{'page':<46} {'KiB':>7} {'gz KiB':>7} {'req':>4} {'Nu':>3}  Lighthouse mobile P/A/BP/SEO"
        + ("   desktop" if args.desktop else "")
    )
    for name in pages:
        t = results["transfer_390px"][name]
        kib, wire = t["decoded_bytes"] / 1024, t["transfer_bytes"] / 1024
        line = f"{name:<46} {kib:7.0f} {wire:7.0f} {t['requests']:4d} {len(results['nu_errors'][name]):3d}"
        for key in ("lighthouse_mobile", "lighthouse_desktop"):
            score = results.get(key, {}).get(name)
            if score:
                line += "  " + ("error" if "error" in score else "/".join(str(score[c]) for c in CATEGORIES))
        print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
