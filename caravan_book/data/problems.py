"""The data rules' wording is in the package's message catalogue (``caravan_book/messages.yml``); :func:`rule`
fills one in (the name the data, build and intake layers use for :func:`caravan_book.messages.say`)."""

from __future__ import annotations

from caravan_book.messages import say as rule

__all__ = ["rule"]
