"""Find, start and stop the Docker engine the course talks to.

``up`` uses the engine ``DOCKER_HOST`` (or the default socket) points at when it answers.
Otherwise, on Linux as root, it installs Debian's ``docker.io`` if ``dockerd`` is missing and
starts ``dockerd`` in the background, with its pid file and log in the spec's ``state_dir``.
``down`` stops only an engine that ``up`` started (found by its pid file).

An :class:`EngineSpec` can also describe a *private* engine: its own socket, data-root,
exec-root and network namespace (used by tests and by grading, one engine per submission).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
import requests

from . import system
from .errors import CourseError
from .waiting import wait_until

DEFAULT_SOCKET = "unix:///var/run/docker.sock"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 45.0


@dataclass(frozen=True)
class EngineSpec:
    """Where an engine answers and, if we start it, where its files go."""

    state_dir: Path
    host: str | None = None
    data_root: Path | None = None
    exec_root: Path | None = None
    netns: str | None = None
    extra_args: tuple[str, ...] = field(default=())
    # how to start it instead of `[nsenter --net=…] dockerd` (a rootless engine in a jail),
    # and what the starting process does first (join a cgroup)
    command: tuple[str, ...] = field(default=())
    preexec: Callable[[], None] | None = field(default=None, compare=False)
    # the command writes its log itself (a jailed engine, into its own size-limited disk)
    own_log: bool = False

    @property
    def pidfile(self) -> Path:
        return self.state_dir / "dockerd.pid"

    @property
    def logfile(self) -> Path:
        return self.state_dir / "dockerd.log"

    @property
    def explicit_host(self) -> bool:
        """True when the user chose the engine (spec or ``DOCKER_HOST``): never start another."""
        return self.host is None and bool(os.environ.get("DOCKER_HOST"))

    def base_url(self) -> str:
        return self.host or os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET


@dataclass(frozen=True)
class EngineInfo:
    host: str
    version: str
    api_version: str
    storage_driver: str
    root_dir: str
    pid: int | None  # set when this project started the engine


def project_root() -> Path:
    """The course checkout (where ``.course/`` lives): ``DOCKER_COURSE_ROOT`` or the CWD."""
    return Path(os.environ.get("DOCKER_COURSE_ROOT") or Path.cwd()).resolve()


def default_spec() -> EngineSpec:
    return EngineSpec(state_dir=project_root() / ".course" / "engine")


def client(spec: EngineSpec | None = None, *, timeout: float = 60) -> docker.DockerClient:
    """A docker SDK client for the spec's engine, speaking the engine's API version."""
    spec = spec or default_spec()
    try:
        return docker.DockerClient(base_url=spec.base_url(), version="auto", timeout=timeout)
    except docker.errors.DockerException as exc:
        where = spec.base_url()
        named = "DOCKER_HOST=" + where if spec.explicit_host else where
        raise CourseError(
            f"The Docker engine at {named} does not answer ({_reason(exc)}).",
            fix="Run `docker-course engine up` (or `make lab`), or start Docker Desktop; "
            "if DOCKER_HOST is wrong, fix or unset it.",
        ) from exc


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for marker in ("FileNotFoundError", "ConnectionRefusedError", "PermissionError"):
        if marker in text:
            return {
                "FileNotFoundError": "no such socket",
                "ConnectionRefusedError": "connection refused",
                "PermissionError": "permission denied on the socket",
            }[marker]
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _unix_socket_answers(base_url: str, timeout: float) -> bool:
    """False when a unix:// engine socket refuses or is missing; True for any other URL.

    docker-py leaks the socket of a failed first connect (an unclosed-socket warning later,
    wherever the garbage collector runs), so a socket that is not up yet is tried here first.
    """
    if not base_url.startswith("unix://"):
        return True
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(base_url.removeprefix("unix://"))
        except OSError:
            return False
    return True


def probe(spec: EngineSpec | None = None, *, timeout: float = 3) -> EngineInfo | None:
    """Engine facts if it answers within ``timeout`` seconds, else ``None``."""
    spec = spec or default_spec()
    if not _unix_socket_answers(spec.base_url(), timeout):
        return None
    try:
        with contextlib.closing(client(spec, timeout=timeout)) as dc:
            version = dc.version()
            info = dc.info()
    except (docker.errors.DockerException, OSError, CourseError):
        return None
    except requests.RequestException:  # a socket that dies between calls
        return None
    return EngineInfo(
        host=spec.base_url(),
        version=version.get("Version", "?"),
        api_version=version.get("ApiVersion", "?"),
        storage_driver=info.get("Driver", "?"),
        root_dir=info.get("DockerRootDir", "?"),
        pid=_our_pid(spec),
    )


def up(spec: EngineSpec | None = None, *, timeout: float = START_TIMEOUT) -> EngineInfo:
    """Make sure an engine answers; start one if we may. Idempotent."""
    spec = spec or default_spec()
    info = probe(spec)
    if info is not None:
        return info
    if spec.explicit_host:
        raise CourseError(
            f"DOCKER_HOST={spec.base_url()} does not answer.",
            fix="Start the engine it points at, or `unset DOCKER_HOST` to use the local one.",
        )
    _require_startable(spec)
    _start(spec, find_dockerd(), timeout=timeout)
    info = probe(spec)
    if info is None:  # pragma: no cover - _start waited for it
        raise CourseError(f"dockerd started but {spec.base_url()} does not answer.")
    return info


def start(spec: EngineSpec, *, timeout: float = START_TIMEOUT) -> subprocess.Popen:
    """Start the engine of ``spec`` (a private one: nothing else answers there) and return
    its process once it answers; the caller holds it (see :mod:`autograder.procs`)."""
    return _start(spec, find_dockerd(), timeout=timeout)


def find_dockerd() -> str:
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        system.apt_install(["docker.io"], why="no Docker engine runs and dockerd is missing")
        dockerd = shutil.which("dockerd")
        if dockerd is None:
            raise CourseError("docker.io was installed but dockerd is still not on PATH.")
    return dockerd


def down(spec: EngineSpec | None = None, *, timeout: float = STOP_TIMEOUT) -> int | None:
    """Stop the engine that :func:`up` started (by its pid). Returns that pid, or None."""
    spec = spec or default_spec()
    pid = _our_pid(spec)
    if pid is None:
        spec.pidfile.unlink(missing_ok=True)
        return None
    os.kill(pid, signal.SIGTERM)
    try:
        wait_until(lambda: not _alive(pid), timeout=timeout, what=f"dockerd {pid} to stop")
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid), timeout=10, what=f"dockerd {pid} to die")
    spec.pidfile.unlink(missing_ok=True)
    return pid


def _require_startable(spec: EngineSpec) -> None:
    where = spec.base_url()
    if not system.is_linux():
        raise CourseError(
            f"No Docker engine answers at {where}.",
            fix="Start Docker Desktop (or `colima start`), wait until it says it is running, "
            "then run `make lab` again.",
        )
    if not system.is_root():
        raise CourseError(
            f"No Docker engine answers at {where}, and starting one needs root.",
            fix="Start it once with `sudo systemctl start docker` (or `sudo dockerd &`), "
            "and add yourself to the docker group: `sudo usermod -aG docker $USER`.",
        )
    if not where.startswith("unix://"):
        raise CourseError(
            f"No Docker engine answers at {where}, and I only start local engines.",
            fix="Start that engine, or unset DOCKER_HOST.",
        )


def _start(spec: EngineSpec, dockerd: str, *, timeout: float) -> subprocess.Popen:
    spec.state_dir.mkdir(parents=True, exist_ok=True)
    if not spec.own_log:
        spec.pidfile.unlink(missing_ok=True)  # _our_pid said it is stale
    cmd = [*(spec.command or [dockerd]), "-H", spec.base_url(), "--pidfile", str(spec.pidfile)]
    if spec.data_root:
        cmd += ["--data-root", str(spec.data_root)]
    if spec.exec_root:
        cmd += ["--exec-root", str(spec.exec_root)]
    cmd += list(spec.extra_args)
    if spec.netns and not spec.command:
        # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then fails on cgroups
        cmd = ["nsenter", f"--net=/var/run/netns/{spec.netns}", *cmd]
    log_path = os.devnull if spec.own_log else spec.logfile
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command, like a service
            preexec_fn=spec.preexec,
        )
    started = time.monotonic()
    try:
        wait_until(
            lambda: proc.poll() is not None or probe(spec, timeout=2) is not None,
            timeout=timeout,
            interval=0.05,
            max_interval=0.1,
            what="the engine to answer",
        )
    except TimeoutError:
        proc.terminate()
        raise CourseError(
            f"dockerd did not answer at {spec.base_url()} within {timeout:g} s.\n"
            + _log_tail(spec),
            fix=f"Read {spec.logfile} for the reason.",
        ) from None
    if proc.poll() is not None:
        raise CourseError(
            f"dockerd exited with code {proc.returncode} "
            f"after {time.monotonic() - started:.1f} s.\n" + _log_tail(spec),
            fix=f"Read {spec.logfile}; another engine may own this socket or data-root.",
        )
    # dockerd writes its pid file itself; record ours too in case it has not yet
    if not spec.own_log and not spec.pidfile.exists():
        spec.pidfile.write_text(str(proc.pid))
    return proc


def _log_tail(spec: EngineSpec, lines: int = 8, window: int = 16384) -> str:
    """The log's last lines (its last ``window`` bytes; never through a link: a jailed
    engine's log lies in a folder its user can write)."""
    try:
        fd = os.open(spec.logfile, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return ""
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - window))
            tail = fh.read(window).decode(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "last lines of the engine log:\n" + "\n".join("    " + t for t in tail)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is dead for our purposes
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _our_pid(spec: EngineSpec) -> int | None:
    """The pid in our pid file if that process is alive and is a dockerd."""
    try:
        pid = int(spec.pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    if not _alive(pid):
        return None
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return pid  # not Linux /proc: trust the pid file
    return pid if comm == "dockerd" else None
