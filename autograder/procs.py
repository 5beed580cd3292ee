"""Processes the grader started, held by pidfd: signalled only while they are still *that*
process, never through a pid read back from a file another user can write.

A pid alone can be reused, and a pid file in a folder a submission can write names whatever
the submission wants (the host's dockerd, another submission's engine). A :class:`Process` is
opened once, at a moment the grader trusts (it just started it), and kept as a pidfd; a
record of it (``pid starttime``) written by root into a root-only folder lets a later run (the
reaper after ``kill -9``) find the same process again, and only that one.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import time
from collections.abc import Iterator
from pathlib import Path


class Process:
    """``Process(pid)``: a handle that stays bound to that process (its pidfd)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd = os.pidfd_open(pid)  # ProcessLookupError: gone already
        self.started = start_time(pid)

    @classmethod
    def from_record(cls, text: str) -> Process | None:
        """The process a :meth:`record` names, if it still runs (same pid, same start)."""
        try:
            pid, started = (int(x) for x in text.split())
            found = cls(pid)
        except (ValueError, OSError):
            return None
        if found.started != started:  # the pid was reused
            found.close()
            return None
        return found

    def record(self) -> str:
        return f"{self.pid} {self.started}"

    def alive(self) -> bool:
        """False once it has exited (a zombie counts as exited)."""
        if self._fd < 0:
            return False
        readable, _, _ = select.select([self._fd], [], [], 0)
        return not readable

    def signal(self, sig: int) -> None:
        if self._fd >= 0:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._fd, sig)

    def wait_dead(self, timeout: float) -> bool:
        """Wait until it has exited; True if it did within ``timeout`` seconds."""
        if self._fd < 0:
            return True
        readable, _, _ = select.select([self._fd], [], [], max(0.0, timeout))
        return bool(readable)

    def kill(self, *, timeout: float = 10) -> None:
        self.signal(signal.SIGKILL)
        self.wait_dead(timeout)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def start_time(pid: int) -> int:
    """Clock ticks after boot at which ``pid`` started (``/proc/PID/stat`` field 22)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[19])


def command(pid: int) -> str | None:
    """The command name of ``pid`` (``/proc/PID/comm``), None if it is gone."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def descendants(root: int) -> Iterator[tuple[int, str]]:
    """(pid, command name) of every live descendant of ``root``, parents first."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append((int(entry.name), name))
    todo = list(children.get(root, []))
    while todo:
        pid, name = todo.pop(0)
        yield pid, name
        todo += children.get(pid, [])


def find_descendant(root: int, name: str, *, timeout: float) -> int | None:
    """The first descendant of ``root`` whose command is ``name``, waited for up to
    ``timeout`` seconds (polled: it is a process start, not a state a test sleeps on)."""
    deadline = time.monotonic() + timeout
    while True:
        found = next((pid for pid, comm in descendants(root) if comm == name), None)
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.01)
