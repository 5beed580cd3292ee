"""What a dead slot leaves, removed while its worker runs on.

A worker's slots are processes (Celery's prefork pool). When one is killed mid-submission
(SIGKILL, the kernel's OOM killer), Celery puts its submission back in the queue and forks a
new slot, but the dead slot's leases stay: their rootless engines still run, with their
jails, network namespaces, disks and cgroups. The worker's reaper at start (``grade.reap``)
would remove them, but only at the worker's next start. So every new slot removes, first,
what slots that died left (:func:`reap_dead_slots`, from ``worker_process_init``).

It keys on owners, never on "not mine": an engine is removed only when the process that
started it (``owner.pid`` and its start, :mod:`autograder.private_engine`) is dead, and with
it its cgroup; a jail only once its engine is gone; a grading user's processes only when no
live process holds that user's lock (:func:`autograder.jail.reap`). A live slot's leases, its
warm engines included, are never touched, whatever they are doing.

Not removed here: a submission cgroup whose slot died after creating it and before its engine
recorded an owner (a cgroup comes first; there is no owner to ask). It is empty, and the next
worker start removes it (``limits.reap_orphans``).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator

from .. import jail
from ..grading import limits
from ..private_engine import RUN_BASE, reap_leftovers

log = logging.getLogger(__name__)
LOCK = "farm-reaper.lock"  # in RUN_BASE: two new slots do not stop the same engine at once


def reap_dead_slots() -> list[str]:
    """Remove the leases of every dead owner on this host; what was removed, by name."""
    with _locked():
        engines = reap_leftovers()  # those whose owner is dead (a live owner's are kept)
        cgroups = sorted(set(engines) & limits.leftovers())  # a reaped engine's cgroup
        for name in cgroups:
            limits.Cgroup(name, limits.DEFAULT).remove()
        removed = engines + [f"cgroup {name}" for name in cgroups] + jail.reap()
        return list(dict.fromkeys(removed))  # a jail's namespace files, once


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    RUN_BASE.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(RUN_BASE / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # (drops the lock)


class Background:
    """:func:`reap_dead_slots` in a thread of a new slot (a slot must tell Celery it is up
    within seconds, ``worker_proc_alive_timeout``; stopping an engine may take longer)."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def start(self, **_) -> None:
        self.thread = threading.Thread(target=self._run, name="farm-reaper", daemon=True)
        self.thread.start()

    def join(self, timeout: float = 120.0, **_) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    @staticmethod
    def _run() -> None:
        try:
            removed = reap_dead_slots()
        except Exception:  # the worker's next start reaps again
            log.exception("removing what a dead slot left failed")
            return
        if removed:
            log.warning("removed what a dead slot left: %s", ", ".join(removed))
