"""Processes end with the build that started them.

A build runs papermill in worker processes, and each worker starts a kernel. If the build is stopped
(Ctrl-C, a CI cancel or a timeout sends SIGINT or SIGTERM; ``make`` itself may be the one killed), every
one of those must stop too, and the temporary files must go. Two mechanisms, both Linux's own:

- ``die_with_parent``: the kernel sends this process SIGTERM when its parent dies (``PR_SET_PDEATHSIG``),
  so a build whose ``make`` was killed, or a worker whose build was killed, does not live on.
- ``stop_on_signals``: SIGTERM and SIGHUP raise ``Interrupted`` in the main thread (SIGINT already raises
  KeyboardInterrupt); the build then stops every process below it (workers and their kernels) before it
  cleans up and exits.

Python runs a signal handler wherever the main thread happens to be, and an exception raised inside a
weakref callback or a ``__del__`` is printed and dropped ("Exception ignored in ..."). So the handler also
records the signal, and the build calls ``check_stopped`` between its steps: a stop is never lost.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from caravan_book.errors import Interrupted

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask Linux to send ``sig`` to this process when its parent exits (a no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect (a parent may be pid 1 itself)
        os.kill(os.getpid(), sig)


def worker_init() -> None:
    """Set up a worker process: it dies with the build, leaves SIGINT to the build (which stops it), and
    ends at once, silently, on SIGTERM (a forked worker would otherwise inherit the build's handlers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    die_with_parent()


_received: list[str] = []  # the signals received inside ``stop_on_signals`` (a raise may have been dropped)


def _raise(signum: int, frame: object) -> None:
    name = signal.Signals(signum).name
    _received.append(name)
    raise Interrupted(name)


def check_stopped() -> None:
    """Raise ``Interrupted`` if a signal arrived whose exception Python dropped (see the module's note)."""
    if _received:
        raise Interrupted(_received[0])


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Interrupted`` while the block runs; a block that ends normally after
    a signal whose exception was dropped raises it on the way out."""
    _received.clear()
    previous = {sig: signal.signal(sig, _raise) for sig in (signal.SIGTERM, signal.SIGHUP)}
    hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(_unraisable, hook)
    try:
        yield
        check_stopped()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.unraisablehook = hook
        _received.clear()


def _unraisable(hook: Callable[[Any], object], unraisable: Any) -> None:
    """A dropped ``Interrupted`` is not printed (the stop is recorded and ``check_stopped`` raises it: the user
    sees the one line the build prints); anything else goes to the hook that was there before."""
    if isinstance(unraisable.exc_value, Interrupted) and _received:
        return
    hook(unraisable)


def stop_descendants(timeout: float = 5.0) -> None:
    """Terminate every process below this one (workers, kernels), then kill what is left after ``timeout``."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        with suppress(psutil.NoSuchProcess):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=timeout)
    for child in alive:
        with suppress(psutil.NoSuchProcess):
            child.kill()
