"""Run ``nbgrader`` (autograde of one submission, export, feedback) without importing it again.

Importing nbgrader costs ~5 s of CPU (nbformat's jsonschema builds IRI parsers at import), more
than a blank submission's whole grading. A forkserver imports it once per grading run; each
submission is a fork of that server that joins its engine's network namespace, takes the
worker's environment, moves into its scratch folder and runs nbgrader's own application
(the same code as the ``nbgrader`` command), in a session of its own so that a time limit can
kill it. Kernels it starts are killed by the lease (every process left in the namespace).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path

from .crash import crashpoint
from .limits import ENGINE, Cgroup

CLONE_NEWNET = 0x40000000
LOG_CAP = 16 * 1024 * 1024  # characters of nbgrader's log per submission
PR_SET_PDEATHSIG = 1
PRELOAD = [
    "autograder",
    "nbgrader.apps.nbgraderapp",
    "nbgrader.preprocessors",
    "autograder.grading.audit",
    "autograder.grading.preload",  # what each fork would build again (see there); the last
]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def warm_up() -> None:
    """Start the forkserver now: it imports nbgrader while the caller prepares engines."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


@dataclass(frozen=True)
class Finished:
    code: int | None  # None: it was stopped
    stopped: str | None = None  # why: "timeout", or the limit that was hit


def nbgrader(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    netns: str | None = None,
    limit: float | None = None,
    cgroup: Cgroup | None = None,
    exceeded: Callable[[], str | None] = lambda: None,
) -> Finished:
    """Run ``nbgrader ARGS`` in a fork (inside ``cgroup``); stop it at ``limit`` seconds or
    when ``exceeded()`` names a limit that was hit (checked every 0.2 s)."""
    kernel_up = _context.Event()  # set in the fork once nbgrader has started a kernel
    proc = _context.Process(
        target=_child,
        args=(args, str(cwd), env, netns, str(log), cgroup, kernel_up),
        name="nbgrader",
        daemon=True,
    )
    started = time.monotonic()
    deadline = None if limit is None else started + limit
    proc.start()
    try:
        while True:
            proc.join(0.2)
            if kernel_up.is_set():
                crashpoint("autograde-running")
            if not proc.is_alive():
                hit = exceeded()
                return Finished(None, hit) if hit else Finished(proc.exitcode)
            hit = exceeded()
            if hit:
                return Finished(None, hit)
            if deadline is not None and time.monotonic() > deadline:
                return Finished(None, "timeout")
    finally:
        if cgroup:
            cgroup.kill_all(spare=ENGINE)  # a rootless engine lives on until the lease ends
        if proc.is_alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: pgid == pid
            proc.kill()
            proc.join(10)
        proc.close()


def _child(
    args: list[str],
    cwd: str,
    env: dict[str, str],
    netns: str | None,
    log: str,
    cgroup: Cgroup | None,
    kernel_up: Event,
) -> None:
    os.setsid()
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the forkserver (grader) died
    if cgroup:
        cgroup.join()
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    # nbgrader logs a failing cell's whole traceback, which a submission sizes: capped
    fd1 = open(1, "w", closefd=False)  # noqa: SIM115 - the fork's stdout until it exits
    sys.stdout = sys.stderr = CappedLog(fd1, LOG_CAP)
    if netns:
        _enter_netns(netns)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    from nbgrader.apps.nbgraderapp import NbGraderApp

    from . import kernel_manager

    kernel_manager.on_started = kernel_up.set
    NbGraderApp.launch_instance(argv=args)


class CappedLog(io.TextIOBase):
    """A text stream that writes its first ``cap`` characters and then one line saying that
    the rest was left out (a log on the host's disk, sized by what a submission prints)."""

    def __init__(self, stream: io.TextIOBase, cap: int) -> None:
        self._stream = stream
        self._left = cap
        self._cap = cap

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._left > 0:
            part = text[: self._left]
            self._stream.write(part)
            self._left -= len(part)
            if self._left <= 0:
                self._stream.write(
                    f"\n[log capped at {self._cap} characters: the rest is left out]\n"
                )
            self._stream.flush()
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def _enter_netns(name: str) -> None:
    """Join the engine's network namespace (this process is single-threaded: a fork)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name} failed")
    finally:
        os.close(fd)
