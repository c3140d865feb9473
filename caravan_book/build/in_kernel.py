"""The code a warm kernel runs for ``kernels``: imported inside the kernel, not in the build.

``warm_up`` imports the libraries and every module a notebook can reach (but the schemas: ``NOT_WARMED``);
``reset`` puts the kernel back to the state of a fresh one before each page, modules kept (see ``kernels``);
``write_shown`` reports what a page shows, for the published-facts check (``pages.execute_page``).
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import sys
import warnings

#: Not imported by the warm-up: the schemas need pandera (a fifth of a kernel's imports), and a page only
#: validates a table the build's own check has not already validated and cached (``tables.load``).
NOT_WARMED = {"caravan_book.data.schemas"}
#: Caches that depend neither on a page's parameters nor on the environment: kept from page to page.
KEEP = {"caravan_book.story.templates.environment", "caravan_book.versions.fingerprint"}


def warm_up() -> None:
    for layer in ("text", "data", "story"):
        package = importlib.import_module(f"caravan_book.{layer}")
        for info in pkgutil.iter_modules(package.__path__):
            if f"caravan_book.{layer}.{info.name}" not in NOT_WARMED:
                importlib.import_module(f"caravan_book.{layer}.{info.name}")
    for library in ("altair", "pandas", "vl_convert"):
        importlib.import_module(library)
    importlib.import_module("caravan_book.story.figures").converter()
    # what the imports made lives as long as the kernel: out of the collector's way, so the full collection
    # IPython's reset runs before each page (``displayhook.flush``) looks only at what pages made
    gc.collect()
    gc.freeze()


def write_shown(parameters: dict, tables_log: str, out: str) -> None:
    """What the page just run shows (``trust.shown``), for the build's published-facts check, written to ``out``
    as JSON: worked out here, where the page's answers are still in the caches, instead of again in the build's
    process after every page has run. Nothing it reads is logged as the page's: logging stops first."""
    import dataclasses
    import json
    from pathlib import Path

    from caravan_book.build import trust
    from caravan_book.settings import USAGE_LOG_ENV

    os.environ.pop(USAGE_LOG_ENV, None)
    used = Path(tables_log).read_text(encoding="utf-8").split()
    shown = trust.shown(parameters, used)
    Path(out).write_text(json.dumps(dataclasses.asdict(shown), ensure_ascii=False), encoding="utf-8")


def reset(env: dict[str, str | None], cwd: str) -> None:
    from IPython import get_ipython

    shell = get_ipython()
    shell.reset(new_session=True)  # a new history session: line numbers start again at 1
    shell.execution_count = 1
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    os.chdir(cwd)
    clear_caches()
    if "altair" in sys.modules:
        sys.modules["altair"].renderers.enable("default")
    if "pandas" in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("^display\\.")


def clear_caches(keep: tuple[str, ...] = ()) -> None:
    """Clear the package's ``functools`` caches (all but ``KEEP`` and the modules ``keep``): what they hold may
    come from files or settings that have changed since (the preview's own process calls this too, after an
    edit)."""
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("caravan_book") or module is None or module_name in keep:
            continue
        for name, value in list(vars(module).items()):
            own = getattr(value, "__module__", None) == module_name and f"{module_name}.{name}" not in KEEP
            if own and callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
