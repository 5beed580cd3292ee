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
import multiprocessing
import os
import signal
from pathlib import Path

CLONE_NEWNET = 0x40000000
PRELOAD = ["nbgrader.apps.nbgraderapp", "nbgrader.preprocessors", "autograder.grading.audit"]

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


def nbgrader(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log: Path,
    netns: str | None = None,
    limit: float | None = None,
) -> int | None:
    """Exit code of ``nbgrader ARGS``; ``None`` when it ran past ``limit`` seconds (killed)."""
    proc = _context.Process(
        target=_child, args=(args, str(cwd), env, netns, str(log)), name="nbgrader", daemon=True
    )
    proc.start()
    try:
        proc.join(limit)
        if proc.is_alive():
            return None
        return proc.exitcode
    finally:
        if proc.is_alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: pgid == pid
            proc.kill()
            proc.join(10)
        proc.close()


def _child(args: list[str], cwd: str, env: dict[str, str], netns: str | None, log: str) -> None:
    os.setsid()
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    if netns:
        _enter_netns(netns)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    from nbgrader.apps.nbgraderapp import NbGraderApp

    NbGraderApp.launch_instance(argv=args)


def _enter_netns(name: str) -> None:
    """Join the engine's network namespace (this process is single-threaded: a fork)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name} failed")
    finally:
        os.close(fd)
