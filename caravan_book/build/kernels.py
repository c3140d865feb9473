"""Warm kernels: a small pool of kernels that outlive a page.

Starting a kernel costs about 0.7 s and importing the package and its libraries in it another 0.6 s; a build
that starts one kernel per page pays that on every page. Here each worker thread of the build owns one kernel,
started (and its imports done) as soon as the pool is made, so while the data check still runs, and runs page
after page on it with papermill (``papermill.execute_notebook`` with the kernel's manager and client: the
executed notebook is the one papermill writes, parameters injected the same way).

Before each page the kernel is put back to the state of a fresh one (``RESET``): the user namespace and the
output history are emptied and the execution count starts again at 1, the package's ``functools`` caches
are cleared (so nothing a page computed, or read from the environment, is seen by the next), the variables
the build sets per page (``PAGE_ENV``: the tables-used log, the build context, the chart medium, ...) are set
or removed, the working folder is the notebook's, and Altair's renderer and pandas' display options
are the defaults. Modules stay imported: that is what makes the kernel warm. A test runs two pages with conflicting
parameters on one kernel and compares each with a fresh kernel's output.

A kernel that dies, stops answering (a cell runs longer than ``CELL_TIMEOUT``) or is interrupted is
replaced, and the page is run again once on the fresh kernel. Kernels are children of the build process,
so a stopped build stops them (``processes.stop_descendants``); ``close`` shuts them down.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.asynchronous import AsyncKernelClient

from caravan_book import settings
from caravan_book.build.execution import PAPERMILL_OPTIONS, IPCKernelManager, postprocess
from caravan_book.settings import NOTEBOOKS_DIR

#: The environment variables a page may read, set for each page as the build has them (or removed).
PAGE_ENV = settings.VARIABLES
#: Longest a cell may run before its kernel is taken as hung (seconds).
CELL_TIMEOUT = 600
STARTUP_TIMEOUT = 60

#: Run in a new kernel, then before each page (``in_kernel``); neither leaves a name in the namespace.
WARM_UP = '__import__("caravan_book.build.in_kernel", fromlist=["_"]).warm_up()'
RESET = '__import__("caravan_book.build.in_kernel", fromlist=["_"]).reset(%s, %r)'
#: Run after a page, for the published-facts check: what it shows, written to a file (``in_kernel.write_shown``).
SHOWN = '__import__("caravan_book.build.in_kernel", fromlist=["_"]).write_shown(%r, %r, %r)'


class _SharedClient(AsyncKernelClient):
    """A client whose channels are started once: papermill asks the manager for a client on every page."""

    _started = False
    _ready = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self._started:
            self._started = True
            super().start_channels(*args, **kwargs)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait for the kernel once; after that only check that it is alive. (The full wait ends by draining
        IOPub for 0.2 s, on every page papermill runs; the previous page and the reset have already waited
        for the kernel's idle status, so nothing is left there to drain.)"""
        if self._ready:
            if not await self._async_is_alive():
                raise RuntimeError("the kernel died")
            return
        await super()._async_wait_for_ready(timeout=timeout)
        self._ready = True

    wait_for_ready = _async_wait_for_ready


class WarmKernelManager(IPCKernelManager):
    """Hands out one client for the kernel's life (two clients of one session would share its replies)."""

    _shared: Any = None

    def __init__(self, **kwargs: Any):
        # each kernel its own socket names: kernels started at once in one process would pick the same ones
        kwargs.setdefault(
            "ip", os.path.join(tempfile.gettempdir(), f"caravan-book-kernel-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        )
        super().__init__(**kwargs)
        self.client_factory = _SharedClient

    def client(self, **kwargs: Any) -> Any:
        if self._shared is None:
            self._shared = super().client(**kwargs)
        return self._shared


class KernelFailed(RuntimeError):
    """The kernel itself failed (it died, hung or was interrupted), not the page's code."""


def _run_sync(coroutine_function: Callable, *args: Any, **kwargs: Any) -> Any:
    from jupyter_core.utils import run_sync

    return run_sync(coroutine_function)(*args, **kwargs)


def _close_event_loop() -> None:
    """Close this thread's event loop (the one ``run_sync`` made for it), and its sockets."""
    import asyncio

    with contextlib.suppress(RuntimeError):
        loop = asyncio.get_event_loop()
        if not loop.is_running():
            loop.close()


class WarmKernel:
    """One kernel, used by one thread only, page after page."""

    def __init__(self, cwd: Path = NOTEBOOKS_DIR):
        self.cwd = cwd
        self.km: Any = None
        self.kc: Any = None
        self.pages = 0

    def start(self, launched: threading.Lock | None = None, stopped: Callable[[], bool] = lambda: False) -> None:
        """Start the kernel and warm it up. With ``launched``: its process is launched while that lock is held,
        and not at all if ``stopped()`` says so then (``KernelPool.abort``)."""
        km = WarmKernelManager(kernel_name=PAPERMILL_OPTIONS["kernel_name"])
        with launched or contextlib.nullcontext():
            if stopped():
                return
            self.km = km  # before its start, so that a start that fails halfway is still stopped and cleaned up
            _run_sync(km.start_kernel, cwd=str(self.cwd))
        kc = km.client()
        kc.start_channels()
        self.kc = kc
        _run_sync(kc.wait_for_ready, timeout=STARTUP_TIMEOUT)
        self.execute(WARM_UP)

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def execute(self, code: str, timeout: float = STARTUP_TIMEOUT) -> None:
        """Run code that is not a page's (nothing is stored in the history); KernelFailed if it fails."""
        if self.kc is None or not _run_sync(self.km.is_alive):
            raise KernelFailed("the kernel is not running")
        try:
            reply = _run_sync(
                self.kc.execute_interactive, code, store_history=False, timeout=timeout, output_hook=lambda msg: None
            )
        except TimeoutError as error:
            raise KernelFailed(f"the kernel did not answer in {timeout} s") from error
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelFailed(f"{content.get('ename')}: {content.get('evalue')}")

    def reset(self, env: dict[str, str | None], cwd: Path) -> None:
        self.execute(RESET % (repr(dict(env)), str(cwd)))

    def run(self, source: Path, out: Path, parameters: dict, env: dict[str, str | None]) -> nbformat.NotebookNode:
        """Run one page into ``out`` (as ``execution.run_notebook`` does, on this kernel)."""
        import papermill
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.exceptions import PapermillExecutionError

        self.reset(env, source.parent)
        options = {k: v for k, v in PAPERMILL_OPTIONS.items() if k != "kernel_manager_class"}
        try:
            notebook = papermill.execute_notebook(
                str(source), str(out), parameters=parameters, km=self.km,
                execution_timeout=CELL_TIMEOUT, **options,
            )  # fmt: skip
        except PapermillExecutionError as error:
            if error.ename == "KeyboardInterrupt":
                raise KernelFailed("the kernel was interrupted") from error
            raise
        except (DeadKernelError, CellTimeoutError, TimeoutError) as error:
            raise KernelFailed(f"{type(error).__name__}: {error}") from error
        except RuntimeError as error:
            if not _run_sync(self.km.is_alive):
                raise KernelFailed(f"the kernel died: {error}") from error
            raise
        self.pages += 1
        postprocess(notebook)  # the notebook papermill wrote, as it returned it (reading it again costs 0.15 s)
        nbformat.write(notebook, str(out))
        return notebook

    def stop(self) -> None:
        if self.kc is not None:
            with contextlib.suppress(Exception):  # already gone
                self.kc.stop_channels()
        if self.km is not None:
            with contextlib.suppress(Exception):  # already gone
                _run_sync(self.km.shutdown_kernel, now=True)
        self.km = self.kc = None

    def replace(self) -> None:
        self.stop()
        self.start()


class KernelPool:
    """``size`` threads, each with its own warm kernel; ``submit(job)`` runs ``job(kernel)`` on one of them.

    Kernels start at once (in the threads), so the caller can do other work meanwhile. A job that raises
    ``KernelFailed`` gets a fresh kernel and runs once more.
    """

    def __init__(self, size: int, cwd: Path = NOTEBOOKS_DIR, log: Callable[[str], None] | None = None):
        self.size = size
        self.cwd = cwd
        self.log = log
        self.stopped = False
        self._launching = threading.Lock()  # held while a kernel's process is launched (``abort``)
        self._tasks: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=self._work, name=f"kernel-{n}", daemon=True) for n in range(size)]
        self.kernels: list[WarmKernel] = []
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        kernel = WarmKernel(self.cwd)
        self.kernels.append(kernel)
        start_error: BaseException | None = None
        try:
            kernel.start(self._launching, lambda: self.stopped)
        except Exception as error:  # tried again before the first page
            start_error = error
        try:
            while True:
                task = self._tasks.get()
                if task is None or self.stopped:
                    return
                job, future = task
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if start_error is not None or kernel.kc is None:
                        kernel.replace()
                        start_error = None
                    try:
                        result = job(kernel)
                    except KernelFailed as failed:
                        if self.stopped:
                            raise
                        if self.log:
                            self.log(f"kernel replaced ({failed}); running the page again on a fresh one")
                        kernel.replace()
                        result = job(kernel)
                    future.set_result(result)
                except BaseException as error:
                    future.set_exception(error)
        finally:
            kernel.stop()
            _close_event_loop()

    def submit(self, job: Callable[[WarmKernel], Any]) -> Future:
        future: Future = Future()
        self._tasks.put((job, future))
        return future

    def abort(self) -> None:
        """Stop now, before any page was given (a build that stopped before its pages: a bad custom book file,
        another build running): no kernel is launched from here on, and those launched are killed at once, so
        none outlives the command, which may end before the kernels' threads do."""
        with self._launching:
            self.stopped = True
        for kernel in list(self.kernels):
            km, pid = kernel.km, kernel.pid
            if km is None:
                continue
            if pid:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            # what a shutdown removes: the connection file (whether or not the manager counts it as written) and
            # the sockets' files
            with contextlib.suppress(OSError, TypeError):
                os.unlink(km.connection_file)
            km.cleanup_ipc_files()
        self.close(wait=False)

    def close(self, wait: bool = True) -> None:
        """Shut the kernels down (after the jobs already submitted, if ``wait``)."""
        if not wait:
            self.stopped = True
        for _ in self._threads:
            self._tasks.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
