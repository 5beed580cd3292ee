"""Resource limits for one submission: memory, processes and CPU, on its kernel, its grader
process and every container its engine starts (cgroup v1, the ``cgroupfs`` layout).

The grader's forked nbgrader process joins the submission's cgroup (its kernel inherits it);
the private engine is started with ``--cgroup-parent`` so containers are nested inside it. A
watcher reads the counters while the submission runs: the first limit hit stops it, and the
reason goes into the report.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from ..waiting import wait_until

ROOT = Path("/sys/fs/cgroup")
GROUP = "dcourse"  # every submission's cgroup lives under <controller>/dcourse/<name>
CONTROLLERS = ("memory", "pids", "cpu")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048  # kernel + nbgrader + the engine's containers together
    pids: int = 400
    cpus: float = 1.0
    disk_mb: int = 4096  # the engine's images and containers and the work folder (sparse)

    def describe(self) -> str:
        return (
            f"memory {self.memory_mb} MB, {self.pids} processes, {self.cpus:g} CPU, "
            f"disk {self.disk_mb} MB"
        )


DEFAULT = Limits()


def default_jobs(limits: Limits = DEFAULT) -> int:
    """Submissions graded at once when the teacher does not say: one more than the cores (a
    submission waits on its engine a good part of the time: on 2 cores, 2 at once kept the
    CPUs 55% busy and 3 at once 69%, the demo class in 258 s instead of 417 s), and no more
    than three quarters of the machine's memory holds at each one's limit."""
    cores = os.cpu_count() or 1
    try:
        memory_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (ValueError, OSError):
        return cores
    return max(1, min(cores + 1, memory_mb * 3 // 4 // limits.memory_mb))


_OOM_EVENTS: dict[str, int] = {}  # cgroup name → eventfd (in the grading process only)
_OOM_SEEN: dict[str, int] = {}


def available() -> str | None:
    """``None`` when limits can be enforced here, else why not (for the report)."""
    if not all((ROOT / c / "cgroup.procs").is_file() for c in CONTROLLERS):
        if (ROOT / "cgroup.controllers").is_file():
            return "cgroup v2 host: resource limits are not implemented for it yet"
        return "no cgroup v1 memory/pids/cpu controllers mounted: no resource limits"
    if os.geteuid() != 0:
        return "not root: cannot create cgroups, no resource limits"
    return None


ENGINE = "engine"  # child cgroup of a rootless engine and its containers (see RootlessEngine)


class Cgroup:
    """``<controller>/dcourse/<name>`` for memory, pids and cpu. Safe to remove twice."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits

    @property
    def parent(self) -> str:
        """What dockerd's ``--cgroup-parent`` takes: containers go below this cgroup."""
        return f"/{GROUP}/{self.name}"

    def path(self, controller: str) -> Path:
        return ROOT / controller / GROUP / self.name

    def create(self) -> Cgroup:
        for controller in CONTROLLERS:
            self.path(controller).mkdir(parents=True, exist_ok=True)
        memory = self.limits.memory_mb * 1024 * 1024
        self._write("memory", "memory.limit_in_bytes", memory)
        with contextlib.suppress(OSError):  # no swap accounting on some kernels
            self._write("memory", "memory.memsw.limit_in_bytes", memory)
        self._write("pids", "pids.max", self.limits.pids)
        self._write("cpu", "cpu.cfs_period_us", 100_000)
        self._write("cpu", "cpu.cfs_quota_us", int(self.limits.cpus * 100_000))
        self._watch_oom()
        return self

    def _watch_oom(self) -> None:
        """Ask for an eventfd that fires when this cgroup runs out of memory: cgroup v1 counts
        an OOM kill only in the victim's own cgroup, which ``docker run --rm`` removes."""
        oom_control = os.open(self.path("memory") / "memory.oom_control", os.O_RDONLY)
        event = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        try:
            self._write_text("memory", "cgroup.event_control", f"{event} {oom_control}")
        except OSError:
            os.close(event)
        else:
            _OOM_EVENTS[self.name] = event
        finally:
            os.close(oom_control)

    def _oom_events(self) -> int:
        event = _OOM_EVENTS.get(self.name)
        if event is None:
            return 0
        try:
            count = os.eventfd_read(event)
        except BlockingIOError:
            return _OOM_SEEN.get(self.name, 0)
        _OOM_SEEN[self.name] = _OOM_SEEN.get(self.name, 0) + count
        return _OOM_SEEN[self.name]

    def join(self, pid: int = 0, *, sub: str = "") -> None:
        """Move ``pid`` (0: the calling process) into every controller's cgroup, or into its
        child cgroup ``sub`` (the limits of this one still apply to it)."""
        for controller in CONTROLLERS:
            folder = self.path(controller) / sub
            folder.mkdir(exist_ok=True)
            (folder / "cgroup.procs").write_text(str(pid or os.getpid()))

    def exceeded(self) -> str | None:
        """The first limit that was hit, in words, or ``None``."""
        oom = self._count("memory", "memory.oom_control", "oom_kill")
        if oom or self._oom_events():
            killed = f"{oom} process(es)" if oom else "a process"
            return (
                f"memory limit ({self.limits.memory_mb} MB) exceeded: "
                f"{killed} killed by the OOM killer"
            )
        if self._count("pids", "pids.events", "max"):
            return f"process limit ({self.limits.pids}) reached (fork bomb?)"
        return None

    def _count(self, controller: str, file: str, key: str) -> int:
        """``key`` of ``file`` summed over the cgroup and its children (a container's
        failed fork is counted in the container's cgroup, not in the one whose limit hit)."""
        base = self.path(controller)
        return sum(_counter(path, key) for path in base.rglob(file)) if base.is_dir() else 0

    def pids(self, *, spare: str = "") -> set[int]:
        """Every process in the cgroup and below it (containers included), but those in the
        child cgroup ``spare``."""
        found: set[int] = set()
        for controller in CONTROLLERS:
            base = self.path(controller)
            if base.is_dir():
                for procs in base.rglob("cgroup.procs"):
                    if spare and (base / spare) in procs.parents:
                        continue
                    with contextlib.suppress(OSError, ValueError):
                        found.update(int(p) for p in procs.read_text().split())
        return found

    def kill_all(self, *, timeout: float = 10, spare: str = "") -> None:
        """SIGKILL everything inside (but child cgroup ``spare``) until it is empty (a fork
        bomb forks while we kill)."""

        def empty() -> bool:
            pids = self.pids(spare=spare)
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            return not pids

        with contextlib.suppress(TimeoutError):
            wait_until(empty, timeout=timeout, interval=0.02, max_interval=0.2, what="cgroup empty")

    def remove(self) -> None:
        self.kill_all()
        event = _OOM_EVENTS.pop(self.name, None)
        _OOM_SEEN.pop(self.name, None)
        if event is not None:
            os.close(event)
        for controller in CONTROLLERS:
            base = self.path(controller)
            if base.is_dir():  # deepest first: a cgroup can only go once its children went
                children = [p for p in base.rglob("*") if p.is_dir()]
                for child in sorted(children, key=lambda p: len(p.parts), reverse=True):
                    with contextlib.suppress(OSError):
                        child.rmdir()
                with contextlib.suppress(OSError):
                    base.rmdir()

    def _write(self, controller: str, file: str, value: int) -> None:
        self._write_text(controller, file, str(value))

    def _write_text(self, controller: str, file: str, text: str) -> None:
        (self.path(controller) / file).write_text(text)


def reap_orphans() -> list[str]:
    """Remove submission cgroups whose engine (network namespace) is gone: a killed run's.
    (An engine removes its cgroup before its namespace, see ``PrivateEngine.on_stop``.)"""
    orphans = sorted(n for n in leftovers() if not (Path("/var/run/netns") / n).exists())
    for name in orphans:
        Cgroup(name, DEFAULT).remove()
    return orphans


def leftovers() -> set[str]:
    """Names of submission cgroups that exist (for the reaper)."""
    names: set[str] = set()
    for controller in CONTROLLERS:
        base = ROOT / controller / GROUP
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if p.is_dir())
    return names


def _counter(path: Path, key: str) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    return 0
