"""A private Docker engine: its own network namespace, socket, data-root and exec-root.

Nothing it does is visible to the host engine or to another private engine: its published
ports live in its own namespace, its images in its own data-root. Used by tests (an engine
whose images can be deleted freely) and by grading (one engine per submission).

Linux and root only. Never start a second dockerd in the host network namespace: it rewires
the host engine's ``docker0`` bridge.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import docker

from . import engine, procs, system
from .errors import CourseError

PREFIX = "dcourse-"
RUN_BASE = Path("/run/dcourse")  # short paths: unix sockets are limited to 108 bytes
DATA_BASE = Path(os.environ.get("DOCKER_COURSE_PRIVATE_DATA", "/var/tmp/dcourse"))
DISKS = DATA_BASE / ".disks"  # engines' disk images (root's only)
CLONE_NEWNET = 0x40000000
RECORD = "engine.pid"  # "pid starttime" of what start() started, written by root
DISK_RECORD = "disk"  # the path of its disk image
OWNER_START = "owner.start"  # when the owner (owner.pid) started, in clock ticks after boot
NETNS = Path("/var/run/netns")
T = TypeVar("T")


class PrivateEngine:
    """``with PrivateEngine() as pe: pe.client().images.list()`` — everything removed after."""

    def __init__(
        self,
        name: str | None = None,
        *,
        start_timeout: float = 60,
        template: Path | None = None,
        cgroup_parent: str | None = None,
        disk_mb: int | None = None,
    ) -> None:
        if not (system.is_linux() and system.is_root()):
            raise CourseError(
                "a private engine needs Linux and root (network namespaces, its own dockerd).",
                fix="Run as root on Linux, or use the shared engine.",
            )
        self.name = name or PREFIX + secrets.token_hex(4)
        self.run_dir = run_dir = RUN_BASE / self.name
        self.home = DATA_BASE / self.name  # every file of this engine (and its disk) is below
        self.disk_mb = disk_mb
        # with a disk limit, a file system of that size is mounted at home/disk; the engine's
        # data-root and the grader's work folder live on it
        self.disk = self.home / "disk" if disk_mb else self.home
        self.spec = engine.EngineSpec(
            state_dir=run_dir,
            host=f"unix://{run_dir}/docker.sock",
            data_root=self.disk / "docker",
            exec_root=run_dir / "exec",
            netns=self.name,
            extra_args=(
                "--shutdown-timeout",
                "3",
                "--userland-proxy=false",
                *(("--cgroup-parent", cgroup_parent) if cgroup_parent else ()),
            ),
        )
        self.start_timeout = start_timeout
        self.template = template  # a stopped engine's data-root to start from (see seed.py)
        self.on_stop: list[Callable[[], None]] = []  # run once dockerd is down
        self.info: engine.EngineInfo | None = None
        # what this object started, held by pidfd (the engine's own pid file is never trusted:
        # a rootless engine's lies in a folder its user can write)
        self._proc: subprocess.Popen | None = None
        self._processes: list[procs.Process] = []  # what it started, dockerd last
        self._host: str | None = None  # where the grader talks to it, if not spec.host

    # lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> PrivateEngine:
        try:
            self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> engine.EngineInfo:
        self._claim_name()
        self.run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # root's only
        os.chmod(self.run_dir, 0o700)
        (self.run_dir / "owner.pid").write_text(str(os.getpid()))  # for the reaper
        # and when it started: a pid alone may be reused (a farm worker restarted in a new pid
        # namespace counts from 1 again), and then a dead owner's engine would look owned
        (self.run_dir / OWNER_START).write_text(str(procs.start_time(os.getpid())))
        self.spec.state_dir.mkdir(parents=True, exist_ok=True)
        _run(["ip", "netns", "add", self.name])
        _run(["ip", "netns", "exec", self.name, "ip", "link", "set", "lo", "up"])
        self.home.mkdir(parents=True, exist_ok=True)
        if self.disk_mb:
            self._attach_disk()
        if self.template is not None:
            _run(["cp", "-a", "--reflink=auto", str(self.template), str(self.spec.data_root)])
        self._before_engine()
        self._proc = engine.start(self.spec, timeout=self.start_timeout)
        started = procs.Process(self._proc.pid)
        self._processes = [started]
        if procs.command(self._proc.pid) != "dockerd":  # a launcher (rootlesskit) started it
            dockerd = procs.find_descendant(self._proc.pid, "dockerd", timeout=5)
            self._processes += [procs.Process(dockerd)] if dockerd else []
        (self.run_dir / RECORD).write_text("\n".join(p.record() for p in self._processes))
        self._after_engine()
        self.info = engine.probe(engine.EngineSpec(self.run_dir, host=self.docker_host))
        if self.info is None:
            raise CourseError(f"dockerd started but {self.docker_host} does not answer.")
        return self.info

    def _claim_name(self) -> None:
        """This engine's name free for it: what a dead owner left under the name (a killed hub's
        student engine, a killed test run's namespace) is stopped and removed; a live owner's
        engine is an error that says who holds it. Only fixed names (a student's) can meet one.
        """
        if not ((NETNS / self.name).exists() or self.run_dir.exists()):
            return
        held = _held(self.name, self.run_dir, min_age=120)
        if held:
            raise CourseError(
                f"the engine {self.name} is {held}.",
                fix="Stop what runs it first (another class hub of this machine: "
                "`docker-course class down` in its folder), or wait for it, then start again.",
            )
        stale = PrivateEngine.__new__(PrivateEngine)
        PrivateEngine.__init__(stale, self.name)
        stale._processes = _recorded(stale.run_dir / RECORD)
        if stale.alive():  # an orphaned dockerd: a graceful stop keeps a kept disk consistent
            stale.shutdown(timeout=30)
        stale.stop()

    def _attach_disk(self) -> None:
        """A fresh disk image of ``disk_mb`` mounted at ``disk`` (removed by :meth:`stop`)."""
        # a name that does not name the engine (a loop device shows it to everyone)
        image = DISKS / f"{secrets.token_hex(8)}.img"
        (self.run_dir / DISK_RECORD).write_text(str(image))
        _mount_disk(image, self.disk, self.disk_mb)

    def _before_engine(self) -> None:
        """Hook for subclasses: the namespace, home and data-root exist, dockerd does not."""

    def _after_engine(self) -> None:
        """Hook for subclasses: dockerd answers; nothing of a submission has run yet."""

    def alive(self) -> bool:
        """The dockerd this object started still runs."""
        return bool(self._processes) and self._processes[-1].alive()

    def shutdown(self, *, timeout: float = 30) -> None:
        """Stop dockerd gracefully (its databases consistent), by the pid it was started as."""
        if self._processes:
            dockerd = self._processes[-1]
            dockerd.signal(signal.SIGTERM)
            if not dockerd.wait_dead(timeout):
                dockerd.kill()

    def stop(self) -> None:
        """Stop dockerd, delete the namespace and every file. Safe to call twice.

        Nothing in a throw-away engine deserves a graceful stop (dockerd takes ~1 s to stop
        on SIGTERM, and 10 s per running container): once its containers are killed through
        the API, dockerd is killed too and everything left in its namespace with it. If the
        API does not answer, dockerd gets the graceful stop, which stops the containers."""
        if not self._processes:  # the reaper: what a killed run recorded, if still running
            self._processes = _recorded(self.run_dir / RECORD)
        try:
            if self.alive() and not self._kill_containers():
                self.shutdown(timeout=20)  # no API: a graceful stop stops the containers
            for process in self._processes:
                process.kill()
        finally:
            for process in self._processes:
                process.close()
            if self._proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=5)
            kill_netns_processes(self.name)  # kernels, graders: anything that joined it
            for hook in self.on_stop:  # before the namespace goes: the reaper keys on it
                with contextlib.suppress(Exception):
                    hook()
            _unmount_under(self.spec.exec_root)
            _unmount_under(self.run_dir)  # the grader's own view of a rootless engine's socket
            _unmount_under(self.home)  # overlay mounts, then the disk itself
            with contextlib.suppress(OSError):
                image = Path((self.run_dir / DISK_RECORD).read_text())
                if image.parent == DISKS:
                    image.unlink()
            subprocess.run(["ip", "netns", "delete", self.name], capture_output=True, check=False)
            for path in (self.home, self.run_dir):
                shutil.rmtree(path, ignore_errors=True)

    def _kill_containers(self) -> bool:
        """SIGKILL every running container; False when the engine did not answer."""
        try:
            with contextlib.closing(self.client(timeout=5)) as dc:
                running = [c["Id"] for c in dc.api.containers(quiet=True)]
                with ThreadPoolExecutor(max_workers=8) as pool:
                    for _ in pool.map(lambda cid: _suppressed(dc.api.kill, cid), running):
                        pass
        except Exception:  # a dead or hung engine: the caller stops it gracefully  # noqa: BLE001
            return False
        return True

    def disk_full(self, *, margin_mb: int = 16) -> str | None:
        """Why the engine's disk counts as full (less than ``margin_mb`` free), or ``None``."""
        if not self.disk_mb:
            return None
        try:
            st = os.statvfs(self.disk)
        except OSError:
            return None
        if st.f_bavail * st.f_frsize < margin_mb * 1024 * 1024:
            return f"disk limit ({self.disk_mb} MB for images, containers and files) reached"
        return None

    # use -----------------------------------------------------------------------------------
    def client(self, *, timeout: float = 120) -> docker.DockerClient:
        spec = engine.EngineSpec(self.run_dir, host=self.docker_host)
        return engine.client(spec, timeout=timeout)

    @property
    def docker_host(self) -> str:
        """Where the grader (root) talks to this engine: a path only root can reach."""
        return self._host or self.spec.base_url()

    def env(self) -> dict[str, str]:
        """Environment for a process that should talk to this engine."""
        return {**os.environ, "DOCKER_HOST": self.docker_host}

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside this engine's network namespace (see published ports)."""
        return ["nsenter", f"--net=/var/run/netns/{self.name}", *argv]

    def call_in_netns(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a thread that joined this namespace (sockets it opens live there)."""
        return call_in_netns(self.name, fn)


def call_in_netns(name: str, fn: Callable[[], T]) -> T:
    result: dict[str, object] = {}

    def target() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(NETNS / name, os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:  # affects only this thread
                raise OSError(ctypes.get_errno(), f"setns into {name} failed")
            result["value"] = fn()
        except BaseException as exc:  # handed back to the caller  # noqa: BLE001
            result["error"] = exc
        finally:
            os.close(fd)

    thread = threading.Thread(target=target, name=f"netns {name}")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["value"]  # type: ignore[return-value]


def reap_leftovers(*, min_age: float = 120.0) -> list[str]:
    """Remove private engines whose owner died (namespaces and folders named ``dcourse-*``).

    An engine whose owner process is alive is left alone; one whose owner died (killed grader,
    killed test session) is stopped and removed even if its dockerd still answers. Without an
    owner file, one younger than ``min_age`` seconds may still be starting, so it waits.
    """
    removed = []
    names = set()
    done = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    names.update(line.split()[0] for line in done.stdout.splitlines() if line.startswith(PREFIX))
    for base in (RUN_BASE, DATA_BASE):
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if p.name.startswith(PREFIX))
    for name in sorted(names):
        pe = PrivateEngine.__new__(PrivateEngine)
        PrivateEngine.__init__(pe, name)
        if _held(name, pe.run_dir, min_age=min_age):
            continue  # another grading run or test session still works with it
        pe.stop()
        removed.append(name)
    return removed


def _recorded(path: Path) -> list[procs.Process]:
    """The processes a (killed) run recorded in its root-only folder that still run."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return []
    return [p for p in map(procs.Process.from_record, lines) if p is not None]


def kill_netns_processes(name: str, *, spare: frozenset[str] = frozenset()) -> None:
    """SIGKILL every process in network namespace ``name`` whose command is not in ``spare``."""
    done = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
    for pid in map(int, done.stdout.split()):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().strip() not in spare:
                os.kill(pid, signal.SIGKILL)


def _held(name: str, run_dir: Path, *, min_age: float) -> str | None:
    """Why the engine ``name`` left in ``run_dir`` is not free to remove (None: its owner died,
    or it recorded none and is older than ``min_age`` seconds, i.e. not still starting)."""
    owner = _owner(run_dir)
    if owner is not None and _owner_alive(run_dir, owner):
        return f"already running for process {owner} ({procs.command(owner) or '?'})"
    if owner is None and _age(name) < min_age:
        return "being started by another process (no owner recorded yet)"
    return None


def _owner(state_dir: Path) -> int | None:
    try:
        return int((state_dir / "owner.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _owner_alive(state_dir: Path, pid: int) -> bool:
    """The owner still runs: its pid is alive and, when its start was recorded, that process
    started then (else the pid now names another process)."""
    if not engine._alive(pid):
        return False
    try:
        started = int((state_dir / OWNER_START).read_text().strip())
    except (OSError, ValueError):
        return True  # recorded by an older version: the pid alone
    try:
        return procs.start_time(pid) == started
    except (OSError, ValueError, IndexError):
        return False


def _age(name: str) -> float:
    """Seconds since the newest of the engine's namespace file and folders changed."""
    stamps = []
    for path in (NETNS / name, RUN_BASE / name, DATA_BASE / name):
        with contextlib.suppress(OSError):
            stamps.append(path.stat().st_mtime)
    return time.time() - max(stamps) if stamps else float("inf")


def _mount_disk(image: Path, at: Path, size_mb: int) -> None:
    """A sparse ext4 file system of ``size_mb`` at ``at`` (~20 ms; blocks used on write only)."""
    image.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(os.open(image, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
        fh.truncate(size_mb * 1024 * 1024)
    _run(["mkfs.ext4", "-q", "-F", "-O", "^has_journal", "-m", "0", str(image)])
    at.mkdir(parents=True, exist_ok=True)
    _run(["mount", "-o", "loop,nodev,nosuid", str(image), str(at)])


def mount_image(image: Path, at: Path, size_mb: int) -> bool:
    """``image`` mounted at ``at``: made (``size_mb``, sparse ext4) when missing, else checked
    and repaired as far as e2fsck does without asking (a hard stop may leave it unclean) and
    mounted again. True when it was made now. For disks that outlive their engine."""
    if not image.is_file():
        _mount_disk(image, at, size_mb)
        return True
    done = subprocess.run(["e2fsck", "-p", str(image)], capture_output=True, text=True)
    if done.returncode >= 4:
        raise CourseError(f"the disk image {image} is damaged: {done.stdout[-400:]}")
    at.mkdir(parents=True, exist_ok=True)
    _run(["mount", "-o", "loop,nodev,nosuid", str(image), str(at)])
    return False


def _suppressed(fn: Callable[..., object], *args: object) -> None:
    with contextlib.suppress(Exception):  # gone already, or the engine is dying: fine
        fn(*args)


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CourseError(f"`{' '.join(cmd)}` failed: {done.stderr.strip()}")


def _unmount_under(path: Path | None) -> None:
    """Lazily unmount anything dockerd left mounted below ``path`` (deepest first)."""
    if path is None:
        return
    prefix = str(path.resolve()) if path.exists() else str(path)
    with contextlib.suppress(OSError):
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True, check=False)
