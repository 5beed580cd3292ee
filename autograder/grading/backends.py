"""Where a submission's notebook runs: a fresh private engine, or (loudly) a shared one.

``private``: Linux and root; a dockerd in its own network namespace with its own data-root,
seeded with the course images; the grading process runs inside that namespace, so published
ports of parallel submissions never collide and the host engine is never touched.
``shared``: anywhere else; the one engine DOCKER_HOST points at, reset between submissions
(the names every section declares are removed). Submissions then run one at a time and can
still see leftovers under other names: the report says so for every submission.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors

from .. import course, engine, jail, nbgrader_cli, seed, system
from ..checks.history import ENV as HISTORY_ENV
from ..private_engine import PREFIX, PrivateEngine, kill_netns_processes
from ..rootless_engine import RootlessEngine
from . import kernel_jail, warm_kernel
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Cgroup, Limits
from .limits import available as limits_available
from .warm_kernel import WarmKernel


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
    jail: str | None = None  # DOCKER_COURSE_JAIL for the kernel (see kernel_jail), if jailed
    home: Path | None = None  # the engine's folder (every path of the submission is below)
    kernel: str | None = None  # DOCKER_COURSE_KERNEL: its kernel, started ahead (warm_kernel)

    def exceeded(self) -> str | None:
        """The first resource limit this submission hit, in words, or ``None``."""
        return (self.cgroup.exceeded() if self.cgroup else None) or self.disk_full()

    def wrap(self, argv: list[str]) -> list[str]:
        return ["nsenter", f"--net=/var/run/netns/{self.netns}", *argv] if self.netns else argv

    def kill_stragglers(self) -> None:
        """Kill every process left in the namespace (kernels, servers), but the engine's own."""
        if self.netns:
            kill_netns_processes(self.netns, spare=ENGINE_PROCESSES)


def nbgrader_env(
    docker_host: str, work: Path, *, jail: str | None, own_disk: bool, history: Path | None
) -> dict[str, str]:
    """nbgrader's environment for one submission (its kernels keep part of it: kernel_jail):
    its engine, work folder (on the engine's own disk, or not) and jail, and where the engine's
    events are recorded (``history``: ``None`` for a kernel started before the submission,
    whose jail drops it anyway)."""
    return nbgrader_cli.env(
        {
            "DOCKER_HOST": docker_host,
            **({HISTORY_ENV: str(history)} if history is not None else {}),
            "DOCKER_COURSE_KEEP": "1",  # keep the final state: the audit and the report read it
            "DOCKER_COURSE_WORK": str(work),
            **({"DOCKER_COURSE_MIN_FREE_MB": "256"} if own_disk else {}),
            **({"DOCKER_COURSE_JAIL": jail} if jail else {}),
        }
    )


ENGINE_PROCESSES = frozenset(
    {"dockerd", "containerd", "containerd-shim", "docker-proxy"}
    | {"rootlesskit", "rootlesskit-doc", "slirp4netns", "exe"}  # a rootless engine's helpers
)


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

    def expect(self, leases: int | Sequence[str | None], *, at_once: int) -> None:
        """``leases`` more leases will come (how many, or the section of each, in order),
        ``at_once`` at a time (a backend may prepare)."""

    def lease(self, section: str | None = None) -> contextlib.AbstractContextManager[Lease]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PrivateBackend(_Backend):
    """Fresh private engines started from a template data-root (see ``seed.template``): of
    the images the lease's section starts from (``seed.Seeds``), else of every course image.

    Teardown (dockerd takes ~1 s to stop) runs in the background while the next submission
    starts; :meth:`close` waits for every teardown and raises if one failed.

    Warm engines: after :meth:`expect`, the next leases' engines (with their jail and cgroup)
    start in the background while submissions run, at most ``at_once`` ahead and never more than
    are still expected, so a lease takes an engine that is already up (the first warm one of
    its section's template; none: it starts one). A warm engine is as fresh as one started on
    demand: nothing of a submission exists before its lease.

    Kernels started ahead: a backend whose kernels run in a jail (:class:`RootlessBackend`)
    starts each engine's kernel with the engine (see :mod:`~autograder.grading.warm_kernel`);
    its lease hands it to nbgrader (``Lease.kernel``) if it still runs, and it is killed with
    its engine. One kernel per engine, one engine per lease: a kernel serves one submission.
    """

    name = "private engine per submission"
    kind = "private"  # what the report's backend column says

    def __init__(
        self,
        seeds: seed.Seeds | Path,
        limits: Limits | None = DEFAULT_LIMITS,
        *,
        why_not_jailed: str = "",
    ) -> None:
        self.seeds = seeds if isinstance(seeds, seed.Seeds) else seed.Seeds(seeds)
        self.seed_tar = self.seeds.full
        self._templates: dict[Path, Path | None] = {}
        self._template(self.seed_tar)  # made now: a backend that cannot seed fails here
        why_not = limits and limits_available()
        self.limits = None if why_not else limits
        self.warnings = [f"NO RESOURCE LIMITS: {why_not}"] if why_not else []
        if why_not_jailed:
            self.warnings.append(f"NOT JAILED: kernel and engine ran as root ({why_not_jailed})")
        self._teardowns = ThreadPoolExecutor(max_workers=2, thread_name_prefix="teardown")
        self._pending: list[Future[None]] = []
        self._warming = ThreadPoolExecutor(max_workers=4, thread_name_prefix="warm")
        # (the bundle its template holds, the engine starting from it)
        self._warm: collections.deque[tuple[Path, Future[tuple[PrivateEngine, Cgroup | None]]]]
        self._warm = collections.deque()
        self._expected: collections.deque[Path] = collections.deque()  # bundles of leases to come
        self._ahead = 0  # engines to keep warm
        self._warm_lock = threading.Lock()
        self._closed = False
        self._kernels: dict[str, WarmKernel] = {}  # engine name → its kernel

    def expect(self, leases: int | Sequence[str | None], *, at_once: int) -> None:
        """``leases`` more leases will come (how many, or the section of each, in the order
        they will be asked for), ``at_once`` at a time: start warming engines."""
        sections = [None] * leases if isinstance(leases, int) else list(leases)
        with self._warm_lock:
            self._expected = collections.deque(self.seeds.tar(s) for s in sections)
            self._ahead = max(0, at_once)
            self._refill()

    def _refill(self) -> None:  # with _warm_lock held
        while not self._closed and self._expected and len(self._warm) < self._ahead:
            tar = self._expected.popleft()
            self._warm.append((tar, self._warming.submit(self._fresh, tar)))

    def _fresh(self, tar: Path) -> tuple[PrivateEngine, Cgroup | None]:
        name = PREFIX + secrets.token_hex(4)
        cgroup = Cgroup(name, self.limits) if self.limits else None
        if cgroup:
            cgroup.create()  # before the engine: a rootless one starts inside it
        try:
            pe = self._start_engine(name, cgroup, tar)  # its stop removes the cgroup
        except BaseException:
            if cgroup:
                cgroup.remove()
            raise
        try:
            kernel = self._start_kernel(pe, cgroup)
        except Exception:  # noqa: BLE001 - nbgrader starts the kernel itself, as it would have
            kernel = None
        except BaseException:
            self._stop_engine(pe)
            raise
        if kernel is not None:
            self._kernels[pe.name] = kernel
        return pe, cgroup

    def _take(self, tar: Path) -> tuple[PrivateEngine, Cgroup | None]:
        """A warm engine from ``tar``'s template that is up (waiting for it if it is still
        starting), else a new one."""
        with self._warm_lock:
            found = next((i for i, (t, _) in enumerate(self._warm) if t == tar), None)
            warm = None
            if found is not None:
                warm = self._warm[found][1]
                del self._warm[found]
            elif tar in self._expected:  # it was to come later: this lease starts it now
                self._expected.remove(tar)
            self._refill()
        if warm is not None:
            try:
                pe, cgroup = warm.result()
            except Exception:  # noqa: BLE001 - it failed to start: start one the usual way
                pass
            else:
                if pe.alive():
                    return pe, cgroup
                self._retire(pe)
        return self._fresh(tar)

    @contextlib.contextmanager
    def lease(self, section: str | None = None) -> Iterator[Lease]:
        """An engine holding the images ``section`` starts from (``None``: every course
        image), for one submission."""
        pe, cgroup = self._take(self.seeds.tar(section))
        kernel = self._kernels.get(pe.name)
        lease = Lease(
            self.kind,
            pe.docker_host,
            pe.name,
            list(self.warnings),
            cgroup,
            pe.alive,
            pe.disk_full,
            **self._lease_extras(pe),
            kernel=kernel.handover() if kernel else None,  # None: it died, nbgrader starts one
        )
        try:
            yield lease
        finally:
            lease.kill_stragglers()
            self._retire(pe)

    def _retire(self, pe: PrivateEngine) -> None:
        """Tear ``pe`` and its kernel down in the background (:meth:`close` waits)."""
        self._pending.append(self._teardowns.submit(self._teardown, pe))

    def _teardown(self, pe: PrivateEngine) -> None:
        kernel = self._kernels.pop(pe.name, None)
        try:
            if kernel is not None:
                kernel.close()
        finally:
            self._stop_engine(pe)

    def _start_kernel(self, pe: PrivateEngine, cgroup: Cgroup | None) -> WarmKernel | None:
        """The kernel of ``pe``'s lease, started now; ``None``: nbgrader starts it (root
        kernels: nbgrader's whole environment, with the submission's paths, is theirs)."""
        return None

    def _start_engine(self, name: str, cgroup: Cgroup | None, tar: Path) -> PrivateEngine:
        pe = PrivateEngine(
            name,
            template=self._template(tar),
            cgroup_parent=cgroup.parent if cgroup else None,
            disk_mb=self.limits.disk_mb if self.limits else None,
        )
        if cgroup:
            pe.on_stop.append(cgroup.remove)
        pe.__enter__()  # stops what it started if it fails
        return pe

    def _lease_extras(self, pe: PrivateEngine) -> dict:
        return {"work": pe.disk / "work" if pe.disk_mb else None, "home": pe.home}

    def _stop_engine(self, pe: PrivateEngine) -> None:
        pe.stop()

    def _template(self, tar: Path) -> Path | None:
        """The template of ``tar``'s images (made on first use)."""
        if tar not in self._templates:
            self._templates[tar] = seed.template(tar)
        return self._templates[tar]

    def close(self) -> None:
        with self._warm_lock:
            self._closed = True
            unused, self._warm = [f for _, f in self._warm], collections.deque()
        self._warming.shutdown(wait=True, cancel_futures=True)
        for future in unused:  # warm engines no lease took
            if not future.cancelled() and future.exception() is None:
                pe, _ = future.result()
                self._retire(pe)
        self._teardowns.shutdown(wait=True)
        for future in self._pending:
            future.result()


class RootlessBackend(PrivateBackend):
    """Like :class:`PrivateBackend`, without root where the submission runs: each engine is a
    rootless dockerd of a grading user (one user per concurrent lease), jailed with the kernel
    (see :mod:`autograder.jail`); nbgrader itself stays outside, with the hidden tests."""

    name = "rootless engine + jailed kernel per submission"
    kind = "rootless"

    def __init__(
        self,
        seeds: seed.Seeds | Path,
        limits: Limits | None = DEFAULT_LIMITS,
        *,
        tree: Path | None = None,
    ) -> None:
        jail.ensure_packages()
        super().__init__(seeds, limits)
        self.tree = tree  # Docker from the sid tree (native overlay diff), else Debian's 20.10
        self._slots: queue.SimpleQueue[jail.Slot] = queue.SimpleQueue()
        self._all_slots: list[jail.Slot] = []
        self._claim = threading.Lock()
        self._held: dict[str, jail.Slot] = {}  # engine name → its grading user
        if tree is not None:
            self.name = f"{self.name} (Docker {_tree_version(tree)} from a Debian sid tree)"
        slot = self._take_slot()
        try:
            jail.check_userns(slot.user)  # fail here (auto falls back), not in every lease
            if tree is not None:  # the same: its engine starts, seeded, or auto falls back
                seed.template(self.seed_tar, user=slot.user, tree=tree)
        finally:
            self._slots.put(slot)

    def _template(self, tar: Path) -> Path | None:
        return None  # one per grading user and bundle, made on its first lease

    def _take_slot(self) -> jail.Slot:
        try:
            return self._slots.get_nowait()
        except queue.Empty:
            with self._claim:
                slot = jail.claim_slot()
                self._all_slots.append(slot)
                return slot

    def _start_engine(self, name: str, cgroup: Cgroup | None, tar: Path) -> PrivateEngine:
        slot = self._take_slot()
        try:
            pe = RootlessEngine(
                name,
                user=slot.user,
                template=seed.template(tar, user=slot.user, tree=self.tree),
                cgroup=cgroup,  # it starts inside: its containers are under the same limits
                disk_mb=self.limits.disk_mb if self.limits else None,
                tree=self.tree,
            )
            if cgroup:
                pe.on_stop.append(cgroup.remove)
            pe.__enter__()  # stops what it started if it fails
        except BaseException:
            self._slots.put(slot)
            raise
        self._held[pe.name] = slot
        return pe

    def _lease_extras(self, pe: PrivateEngine) -> dict:
        assert isinstance(pe, RootlessEngine)
        return {"work": pe.work, "jail": self._jail_spec(pe), "home": pe.home}

    def _jail_spec(self, pe: RootlessEngine) -> str:
        return kernel_jail.spec_env(
            pe.jail, pe.cwd, docker_host=pe.inner_host, run=pe.spec.state_dir
        )

    def _start_kernel(self, pe: PrivateEngine, cgroup: Cgroup | None) -> WarmKernel | None:
        """The jailed kernel, as nbgrader would start it on this lease: the environment the
        worker gives nbgrader (no history: the jail drops it), in the engine's namespace and
        the lease's cgroup; its connection file in the grader's root-only folder."""
        assert isinstance(pe, RootlessEngine)
        env = nbgrader_env(
            pe.docker_host, pe.work, jail=self._jail_spec(pe), own_disk=True, history=None
        )
        return warm_kernel.start(env, folder=pe.run_dir, netns=pe.name, cgroup=cgroup)

    def _stop_engine(self, pe: PrivateEngine) -> None:
        try:
            pe.stop()
        finally:  # only now: stopping killed every process of its user
            self._slots.put(self._held.pop(pe.name))

    def close(self) -> None:
        try:
            super().close()
        finally:
            for slot in self._all_slots:
                jail.kill_user_processes(slot.user)
                slot.release()


def _tree_version(tree: Path) -> str:
    from .. import modern_engine

    version = modern_engine.versions(tree).get("docker.io", "")
    return version.split("+")[0] or "(version unknown)"


@contextlib.contextmanager
def private_lease(seed_tar: Path, *, rootless: bool = False) -> Iterator[Lease]:
    """One lease on its own; the engine is gone when the ``with`` block ends."""
    kind = RootlessBackend if rootless else PrivateBackend
    with kind(seed_tar) as backend, backend.lease() as lease:
        yield lease


SHARED_WARNING = (
    "SHARED ENGINE: no private engine here (needs Linux and root); submissions ran one at a "
    "time on one engine reset between them; leftovers under other names may leak"
)


class SharedBackend(_Backend):
    """The one engine DOCKER_HOST points at, reset before and after every submission."""

    name = "SHARED engine, one at a time"

    @contextlib.contextmanager
    def lease(self, section: str | None = None) -> Iterator[Lease]:
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
