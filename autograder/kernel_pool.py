"""Kernels started ahead of their notebook: each one for exactly one notebook, never reused.

``docker-course execute`` runs notebooks one after another (or ``-j`` at a time). Starting a
kernel costs ~0.7 s and shutting it down ~0.3 s; with a :class:`KernelPool`, the kernel of the
next notebook starts while the current notebook runs, and the finished one shuts down in the
background. Each kernel is started for its own notebook: that notebook's working folder as
cwd, its environment (``DOCKER_COURSE_WORK``, the engine's ``DOCKER_HOST``) and, for a private
engine, inside that engine's network namespace (the argv prefix of ``PrivateEngine.command``).
A kernel that died before its notebook ran is replaced by a new one, and every kernel the pool
started is shut down when the pool closes, also after an exception.

All kernel starts and shut-downs run on one asyncio loop in a thread of their own
(``jupyter_client.AsyncKernelManager``): the manager's control socket lives on that loop.
nbclient (through papermill) drives the kernel from its own thread with its own client.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import IO, Any, TypeVar

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

T = TypeVar("T")

#: what nbclient adds to an ipykernel's argv when it starts the kernel itself
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"


class ReadyClient(AsyncKernelClient):
    """jupyter_client's AsyncKernelClient, ready as soon as the kernel has answered
    kernel_info and an IOPub message has arrived (IOPub is connected): the library's
    ``wait_for_ready`` then also drains IOPub until 0.2 s pass without a message, 0.2 s before
    every notebook. nbclient reads IOPub by the parent message id of each cell's request, so
    messages that were already queued are ignored anyway."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """jupyter_client's loop (any kernel_info reply, then any IOPub message), without the
        IOPub drain at its end."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.get_shell_msg(timeout=1)
            except Empty:
                pass
            else:
                if reply["msg_type"] == "kernel_info_reply":  # this request's or an earlier one's
                    try:
                        await self.get_iopub_msg(timeout=0.2)
                    except Empty:  # IOPub not connected yet: ask again
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class NotebookKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel runs behind an argv prefix (``nsenter --net=…``) and
    that remembers the clients it made (nbclient leaves a borrowed kernel's client open)."""

    def __init__(self, *, prefix: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(client_class="autograder.kernel_pool.ReadyClient", **kwargs)
        self.prefix = list(prefix)
        self.clients: list[Any] = []

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        return [*self.prefix, *super().format_kernel_cmd(extra_arguments)]

    def client(self, **kwargs: Any) -> Any:
        kc = super().client(**kwargs)
        self.clients.append(kc)
        return kc

    @property
    def pid(self) -> int | None:
        process = getattr(self.provisioner, "process", None)
        return process.pid if process is not None else None


@dataclass
class KernelSpec:
    """Where and how one notebook's kernel runs."""

    cwd: Path
    env: dict[str, str]
    log: IO[bytes] | None = None  # the kernel's stdout and stderr
    prefix: Sequence[str] = ()  # e.g. ``nsenter --net=/var/run/netns/NAME``
    kernel_name: str = "python3"
    startup_timeout: float = 60
    #: modules the kernel imports, silently, as soon as it answers (while the notebook before
    #: it still runs): no name is bound in the notebook's namespace, no history is kept, the
    #: execution count stays 0; an import that fails is left for the notebook to meet
    preload: Sequence[str] = ()


@dataclass
class Kernel:
    """A started kernel, handed to exactly one notebook."""

    spec: KernelSpec
    km: NotebookKernelManager
    process: Any = None  # the kernel's Popen (kept: cleanup_resources forgets it)
    replaced: int = 0  # how often it died before use and was started again
    closed: bool = field(default=False, repr=False)


class KernelPool:
    """``with KernelPool() as pool: kernel = pool.take(pool.start(spec))`` … ``pool.release``.

    :meth:`start` returns at once (the kernel starts on the pool's loop); :meth:`take` waits
    for it, checks it is alive and starts a new one if not; :meth:`release` shuts it down in
    the background. Leaving the ``with`` block shuts down every kernel not yet released too.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="kernel pool", daemon=True
        )
        self._lock = threading.Lock()
        self._live: list[Kernel] = []  # started, not yet shut down
        self._pending: list[Future] = []  # starts and shut-downs in flight
        self._closed = False

    # lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> KernelPool:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut down every kernel the pool started (waiting for starts in flight). Safe twice."""
        if self._closed:
            return
        self._closed = True
        try:
            for future in list(self._pending):
                with contextlib.suppress(Exception):
                    future.result()
            for kernel in list(self._live):
                with contextlib.suppress(Exception):
                    self._call(self._shutdown(kernel, now=True)).result()
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            if not self._thread.is_alive():
                self._loop.close()

    # use ------------------------------------------------------------------------------------
    def start(self, spec: KernelSpec) -> Future[Kernel]:
        """Start a kernel for one notebook; the future holds it once it answers."""
        if self._closed:
            raise RuntimeError("the kernel pool is closed")
        return self._track(self._call(self._start(spec)))

    def take(self, started: Future[Kernel]) -> Kernel:
        """The kernel of ``started``, alive: one that died before use is started again."""
        kernel = started.result()
        return self._call(self._alive(kernel)).result()

    def release(self, kernel: Kernel, *, now: bool = False) -> Future[None]:
        """Shut the kernel down in the background (``now``: kill it without asking)."""
        for kc in kernel.km.clients:  # clients nbclient left open (it borrowed the kernel)
            with contextlib.suppress(Exception):
                kc.stop_channels()
        return self._track(self._call(self._shutdown(kernel, now=now)))

    def live(self) -> list[Kernel]:
        """Kernels started and not yet shut down."""
        with self._lock:
            return list(self._live)

    # on the loop ----------------------------------------------------------------------------
    async def _start(self, spec: KernelSpec) -> Kernel:
        kernel = Kernel(spec, self._manager(spec))
        with self._lock:
            self._live.append(kernel)
        await self._launch(kernel)
        return kernel

    def _manager(self, spec: KernelSpec) -> NotebookKernelManager:
        kwargs: dict[str, Any] = {}
        if spec.prefix:  # another network namespace: talk over unix sockets, not 127.0.0.1
            ipc_dir = Path(tempfile.mkdtemp(prefix="dck-", dir="/tmp"))  # sockets: < 108 bytes
            kwargs = {"transport": "ipc", "ip": str(ipc_dir / "k")}
        return NotebookKernelManager(prefix=spec.prefix, kernel_name=spec.kernel_name, **kwargs)

    async def _launch(self, kernel: Kernel) -> None:
        spec, km = kernel.spec, kernel.km
        log = {"stdout": spec.log, "stderr": spec.log} if spec.log is not None else {}
        await km.start_kernel(
            extra_arguments=[HISTORY_IN_MEMORY] if km.ipykernel else [],
            cwd=str(spec.cwd),
            env=spec.env,
            **log,
        )
        kernel.process = km.provisioner.process  # type: ignore[union-attr]
        kc = km.client()
        km.clients.remove(kc)  # ours, closed right here
        try:
            kc.start_channels()
            await kc.wait_for_ready(timeout=spec.startup_timeout)
            if spec.preload:
                await self._preload(kc, spec)
        finally:
            kc.stop_channels()

    @staticmethod
    async def _preload(kc: Any, spec: KernelSpec) -> None:
        code = "".join(
            f"try:\n    __import__({name!r})\nexcept Exception:\n    pass\n"
            for name in spec.preload
        )
        msg_id = kc.execute(code, silent=True, store_history=False)
        reply = await kc.get_shell_msg(timeout=spec.startup_timeout)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = await kc.get_shell_msg(timeout=spec.startup_timeout)

    async def _alive(self, kernel: Kernel) -> Kernel:
        if await kernel.km.is_alive():
            return kernel
        await self._stop(kernel.km, kernel.process, now=True)  # the dead one's files, sockets
        kernel.km = self._manager(kernel.spec)
        kernel.replaced += 1
        await self._launch(kernel)
        return kernel

    async def _shutdown(self, kernel: Kernel, *, now: bool) -> None:
        """What nbclient does with a kernel it owns, after its notebook (and a kill on close)."""
        if kernel.closed:
            return
        kernel.closed = True
        try:
            await self._stop(kernel.km, kernel.process, now=now)
        finally:
            with self._lock:
                if kernel in self._live:
                    self._live.remove(kernel)

    @staticmethod
    async def _stop(km: NotebookKernelManager, process: Any, *, now: bool) -> None:
        try:
            if km.has_kernel and await km.is_alive():
                await km.shutdown_kernel(now=now)
        except RuntimeError as exc:
            if "No kernel is running!" not in str(exc):
                raise
        finally:
            with contextlib.suppress(Exception):
                await km.cleanup_resources()
            if process is not None and process.poll() is None:  # never leave one behind
                process.kill()
                await asyncio.to_thread(process.wait)
            if km.transport == "ipc":
                shutil.rmtree(Path(km.ip).parent, ignore_errors=True)

    # plumbing -------------------------------------------------------------------------------
    def _call(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _track(self, future: Future[T]) -> Future[T]:
        with self._lock:
            self._pending.append(future)
        future.add_done_callback(self._untrack)
        return future

    def _untrack(self, future: Future) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._pending.remove(future)


def environment(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """``base`` (default: this process's environment) with ``extra`` set."""
    return {**(os.environ if base is None else base), **extra}
