"""The caches that cannot go stale, and the one atomic writer every output goes through.

In process and on real files: the page key and the table key follow the versions of the libraries that shape
a page and the cache epoch; a table pickle that cannot be loaded is validated again and rewritten; a
replaced file keeps its mode.
"""

from __future__ import annotations

import os
import pickle
import stat
from importlib import metadata
from pathlib import Path

import pytest

from caravan_book import atomic, versions
from caravan_book.build import pagecache, sections
from caravan_book.data import tables
from caravan_book.settings import data_dir


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _bumped(name: str):
    """``library_versions`` as if ``name`` had been upgraded."""
    real = versions.library_versions()
    return lambda: tuple((n, v + ".post99" if n == name else v) for n, v in real)


def test_the_fingerprint_names_the_installed_versions_and_the_epoch():
    found = versions.fingerprint()
    assert f"epoch={versions.CACHE_EPOCH};" in found
    for name in ("altair", "vl-convert-python", "pandas", "pandera", "jupyter-book", "papermill", "nbclient"):
        assert f"{name}={metadata.version(name)}" in found
    assert "pydata-sphinx-theme=" in found and "sphinx-book-theme=" in found


@pytest.mark.parametrize("library", ["altair", "vl-convert-python", "pandas", "sphinx-book-theme"])
def test_a_library_upgrade_changes_the_page_key_and_the_table_key(monkeypatch, library):
    page = sections.load().pages[0]
    page_before = pagecache.page_key(page, ["figures"])
    table_before = tables._cache_key("figures", data_dir())
    assert pagecache.page_key(page, ["figures"]) == page_before  # the key is stable while nothing changes
    monkeypatch.setattr(versions, "library_versions", _bumped(library))
    assert pagecache.page_key(page, ["figures"]) != page_before
    assert tables._cache_key("figures", data_dir()) != table_before


def test_a_new_epoch_changes_both_keys(monkeypatch):
    page = sections.load().pages[0]
    page_before = pagecache.page_key(page, [])
    table_before = tables._cache_key("events", data_dir())
    monkeypatch.setattr(versions, "CACHE_EPOCH", versions.CACHE_EPOCH + 1)
    assert pagecache.page_key(page, []) != page_before
    assert tables._cache_key("events", data_dir()) != table_before


def test_a_page_recorded_under_other_versions_runs_again(monkeypatch, tmp_path):
    page = sections.load().pages[0]
    (tmp_path / f"{page.page}.ipynb").write_text("{}", encoding="utf-8")
    cache = {page.page: {"key": pagecache.page_key(page, []), "tables": []}}
    assert pagecache.is_current(page, tmp_path, cache)
    monkeypatch.setattr(versions, "library_versions", _bumped("altair"))
    assert not pagecache.is_current(page, tmp_path, cache)


@pytest.mark.parametrize(
    "damage",
    [
        b"not a pickle at all",
        b"",
        pickle.dumps({"not": "a table"}),
        b"cno_such_module_anywhere\nThing\n.",  # a pickle naming a class that cannot be imported
        pickle.dumps(list(range(1000)))[:-40],  # cut short
    ],
    ids=["garbage", "empty", "not-a-table", "missing-class", "truncated"],
)
def test_a_pickle_that_cannot_be_loaded_is_a_miss_and_is_rebuilt(monkeypatch, tmp_path, damage):
    monkeypatch.setattr(tables, "CACHE_DIR", tmp_path)
    tables.clear_cache()
    try:
        fresh = tables.load("figures")
        (cached,) = tmp_path.glob("figures-*.pkl")
        cached.write_bytes(damage)
        tables.clear_cache()
        again = tables.load("figures")  # no exception: the table is validated again
        assert again.equals(fresh)
        with open(cached, "rb") as fh:  # and the entry is written again, loadable
            assert pickle.load(fh).equals(fresh)
    finally:
        tables.clear_cache()


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o640])
def test_a_replaced_file_keeps_its_mode(tmp_path, mode):
    target = tmp_path / "figures.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(mode)
    atomic.write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n" and _mode(target) == mode
    atomic.copy_file(target, tmp_path / "copy.csv")
    assert _mode(tmp_path / "copy.csv") == 0o666 & ~_umask()  # a new file: the umask's mode, not the source's


def test_a_new_file_and_a_new_folder_get_the_umask_modes_not_0600(tmp_path):
    atomic.write_bytes(tmp_path / "new.bin", b"x")
    assert _mode(tmp_path / "new.bin") == 0o666 & ~_umask()
    with atomic.atomic_dir(tmp_path / "site") as fresh:
        (fresh / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    assert _mode(tmp_path / "site") == 0o777 & ~_umask()
    assert (tmp_path / "site" / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no work folder left


def test_a_failed_folder_write_leaves_the_old_folder_as_it_was(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    site.chmod(0o775)
    with pytest.raises(RuntimeError), atomic.atomic_dir(site) as fresh:
        (fresh / "index.html").write_text("half", encoding="utf-8")
        raise RuntimeError("stopped half-way")
    assert (site / "index.html").read_text(encoding="utf-8") == "old"
    with atomic.atomic_dir(site) as fresh:
        (fresh / "index.html").write_text("new", encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == "new" and _mode(site) == 0o775
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
