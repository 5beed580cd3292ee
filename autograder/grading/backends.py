"""Where a submission's notebook runs: a fresh private engine, or (loudly) a shared one.

``private``: Linux and root; a dockerd in its own network namespace with its own data-root,
seeded with the course images; the grading process runs inside that namespace, so published
ports of parallel submissions never collide and the host engine is never touched.
``shared``: anywhere else; the one engine DOCKER_HOST points at, reset between submissions
(the names every section declares are removed). Submissions then run one at a time and can
still see leftovers under other names: the report says so for every submission.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from .. import course, engine, seed, system
from ..private_engine import PREFIX, PrivateEngine, kill_netns_processes
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Cgroup, Limits
from .limits import available as limits_available


@dataclass
class Lease:
    """One engine, for one submission."""

    backend: str
    docker_host: str
    netns: str | None = None
    warnings: list[str] = field(default_factory=list)
    cgroup: Cgroup | None = None  # memory/process/CPU limits of this submission
    engine_alive: Callable[[], bool] = lambda: True
    disk_full: Callable[[], str | None] = lambda: None
    work: Path | None = None  # the work folder, on the engine's size-limited disk if any

    def exceeded(self) -> str | None:
        """The first resource limit this submission hit, in words, or ``None``."""
        return (self.cgroup.exceeded() if self.cgroup else None) or self.disk_full()

    def wrap(self, argv: list[str]) -> list[str]:
        return ["nsenter", f"--net=/var/run/netns/{self.netns}", *argv] if self.netns else argv

    def kill_stragglers(self) -> None:
        """Kill every process left in the namespace (kernels, servers), but the engine's own."""
        if self.netns:
            kill_netns_processes(self.netns, spare=ENGINE_PROCESSES)


ENGINE_PROCESSES = frozenset({"dockerd", "containerd", "containerd-shim", "docker-proxy"})


def private_available() -> bool:
    return (
        system.is_linux()
        and system.is_root()
        and shutil.which("nsenter") is not None
        and shutil.which("ip") is not None
    )


class _Backend:
    """A source of leases; ``with`` it, or call :meth:`close` when done."""

    name = "?"

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass


class PrivateBackend(_Backend):
    """Fresh private engines started from a template data-root (see ``seed.template``).

    Teardown (dockerd takes ~1 s to stop) runs in the background while the next submission
    starts; :meth:`close` waits for every teardown and raises if one failed.
    """

    name = "private engine per submission"

    def __init__(self, seed_tar: Path, limits: Limits | None = DEFAULT_LIMITS) -> None:
        self.template = seed.template(seed_tar)
        why_not = limits and limits_available()
        self.limits = None if why_not else limits
        self.warnings = [f"NO RESOURCE LIMITS: {why_not}"] if why_not else []
        self._teardowns = ThreadPoolExecutor(max_workers=2, thread_name_prefix="teardown")
        self._pending: list[Future[None]] = []

    @contextlib.contextmanager
    def lease(self) -> Iterator[Lease]:
        name = PREFIX + secrets.token_hex(4)
        cgroup = Cgroup(name, self.limits) if self.limits else None
        pe = PrivateEngine(
            name,
            template=self.template,
            cgroup_parent=cgroup.parent if cgroup else None,
            disk_mb=self.limits.disk_mb if self.limits else None,
        )
        if cgroup:
            pe.on_stop.append(cgroup.remove)
        pe.__enter__()  # stops what it started if it fails
        lease = Lease(
            "private",
            pe.docker_host,
            pe.name,
            list(self.warnings),
            cgroup,
            lambda: engine.running_pid(pe.spec) is not None,
            pe.disk_full,
            pe.disk / "work" if pe.disk_mb else None,
        )
        try:
            if cgroup:
                cgroup.create()
            yield lease
        finally:
            lease.kill_stragglers()
            self._pending.append(self._teardowns.submit(pe.stop))

    def close(self) -> None:
        self._teardowns.shutdown(wait=True)
        for future in self._pending:
            future.result()


@contextlib.contextmanager
def private_lease(seed_tar: Path) -> Iterator[Lease]:
    """One lease on its own; the engine is gone when the ``with`` block ends."""
    with PrivateBackend(seed_tar) as backend, backend.lease() as lease:
        yield lease


SHARED_WARNING = (
    "SHARED ENGINE: no private engine here (needs Linux and root); submissions ran one at a "
    "time on one engine reset between them; leftovers under other names may leak"
)


class SharedBackend(_Backend):
    """The one engine DOCKER_HOST points at, reset before and after every submission."""

    name = "SHARED engine, one at a time"

    @contextlib.contextmanager
    def lease(self) -> Iterator[Lease]:
        dc = engine.client()
        try:
            _reset(dc)
            yield Lease("shared", engine.default_spec().base_url(), None, [SHARED_WARNING])
        finally:
            _reset(dc)
            dc.close()


Backend = PrivateBackend | SharedBackend


def _reset(dc: docker.DockerClient) -> None:
    for section in course.SECTIONS.values():
        course.reset(section, dc)
