"""``caravan-book run`` on a running preview's warm kernels: no kernel start, no imports in the command.

A preview writes ``_build/.preview.json`` (its process id, port, project, data folder and a random token;
readable by its user only) and removes it when it stops. ``run`` finds it with ``find``: when that
preview is alive and previews the same project and data, the command sends the section and its parameters
to it (``ask``) and the preview checks them, runs the page on a warm kernel and writes the output. Only the
standard library is imported here, so the command stays light; without a preview ``run`` works as before.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

#: Beside the site; a hidden file, never published.
OFFER_NAME = ".preview.json"
RUN_PATH = "/_preview/run"
TOKEN_HEADER = "X-Caravan-Token"


def page_slug(section: str, given: dict) -> str:
    """``page_for``'s page name, without the check (text values stripped, as the check keeps them)."""
    values = [v.strip() if isinstance(v, str) else v for v in given.values()]
    return re.sub(r"[^a-z0-9]+", "-", "-".join([section, *(str(v) for v in values)]).lower()).strip("-")


def offer_file(root: Path) -> Path:
    return root / "_build" / OFFER_NAME


def write_offer(root: Path, port: int, data: Path, token: str) -> Path:
    path = offer_file(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        json.dump({"pid": os.getpid(), "port": port, "root": str(root), "data": str(data), "token": token}, fh)
    os.replace(tmp, path)
    return path


def find(root: Path, data: Path) -> dict | None:
    """The offer of a live preview of this project and data folder, or None."""
    try:
        offer = json.loads(offer_file(root).read_text(encoding="utf-8"))
        os.kill(int(offer["pid"]), 0)  # alive (raises if not)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if offer.get("root") != str(root) or offer.get("data") != str(data):
        return None
    return offer


def ask(offer: dict, section: str, parameters: dict, out: Path, timeout: float = 900) -> dict | None:
    """Have the preview run ``section`` into ``out``; its answer ({"code": exit code, "error": message}), or
    None if it could not be reached (then the command runs the page itself)."""
    body = json.dumps({"section": section, "parameters": parameters, "out": str(out.resolve())}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{offer['port']}{RUN_PATH}",
        data=body,
        headers={"Content-Type": "application/json", TOKEN_HEADER: offer["token"]},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 only, never a proxy
    try:
        with opener.open(request, timeout=timeout) as answer:
            return json.loads(answer.read().decode())
    except (OSError, ValueError, urllib.error.URLError):
        return None
