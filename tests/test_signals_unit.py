"""A stop signal is never lost: Python drops an exception raised inside ``__del__`` or a weakref callback
(it prints "Exception ignored in ..."), which is where a SIGTERM landed in one CI run, and the build then
carried on to the end. Real signals sent to this process."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from caravan_book.build import processes
from caravan_book.errors import Interrupted

pytestmark = pytest.mark.unit


class _SignalsItselfWhenCollected:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between these bytecodes, inside __del__
            time.sleep(0)


@pytest.fixture
def dropped(monkeypatch) -> list[BaseException]:
    """What Python drops, recorded as its default hook would print it (pytest's own hook re-raises it)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(unraisable.exc_value))
    return seen


def test_a_signal_whose_exception_python_drops_still_stops_the_block(dropped):
    with pytest.raises(Interrupted, match="SIGTERM"), processes.stop_on_signals():
        obj = _SignalsItselfWhenCollected()
        del obj  # the handler's exception is raised in __del__, and dropped there
        assert dropped == []  # and not printed: the user sees the build's one line, no traceback
        processes.check_stopped()
        pytest.fail("check_stopped let a received SIGTERM pass")


def test_a_block_that_ends_after_a_dropped_signal_raises_it_on_the_way_out(dropped):
    with pytest.raises(Interrupted, match="SIGTERM"), processes.stop_on_signals():
        obj = _SignalsItselfWhenCollected()
        del obj


class _FailsWhenCollected:
    def __del__(self) -> None:
        raise ValueError("not a stop")


def test_another_dropped_exception_still_reaches_the_hook_that_was_there(dropped):
    with processes.stop_on_signals():
        obj = _FailsWhenCollected()
        del obj
    assert [type(e) for e in dropped] == [ValueError]


def test_no_signal_no_stop_and_the_handlers_are_put_back():
    before, hook = signal.getsignal(signal.SIGTERM), sys.unraisablehook
    with processes.stop_on_signals():
        processes.check_stopped()
    processes.check_stopped()  # nothing left over for the next build in this process
    assert signal.getsignal(signal.SIGTERM) is before and sys.unraisablehook is hook
