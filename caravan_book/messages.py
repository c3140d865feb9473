"""The package's messages live in YAML catalogues, keyed by a short id; :func:`say` fills one in.

``messages.yml`` (next to this module) holds what check, accept, the build and the command line say about a
problem; a layer with words of its own (``text/dates.yml``: how a date was worked out) has its own catalogue,
read by :class:`Catalogue`. A message names its values as ``{placeholders}``: they are filled in with
``str.format_map`` and printed as text, never evaluated.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml


class Catalogue:
    """One YAML file of messages (key: text with {placeholders})."""

    def __init__(self, path: Path):
        self.path = path

    @cached_property
    def texts(self) -> dict:
        return yaml.safe_load(self.path.read_text(encoding="utf-8"))

    def say(self, key: str, /, **values: object) -> str:
        """The message ``key`` with ``values`` in its {placeholders} (a KeyError names a missing one)."""
        return self.texts[key].format_map(values)


MESSAGES = Catalogue(Path(__file__).with_name("messages.yml"))


def say(key: str, /, **values: object) -> str:
    """The message ``key`` of ``messages.yml`` with ``values`` in its {placeholders}."""
    return MESSAGES.say(key, **values)
