"""Grading hosts on one machine, for the farm's tests and bench: each ``docker-course worker``
runs in network, mount and pid namespaces of its own (``unshare``), with the state a grading
host keeps to itself in folders of its own and its cgroups below a cgroup of its own. Its
network namespace holds nothing but loopback: it reaches Redis over a unix socket, and the
course engine (which seeds each submission's engine) over the engine's socket.

Inside a host's mount namespace (the machine sees none of these mounts)::

    /run/dcourse      ← FOLDER/run     engines' state (/run/dcourse/slots stays the machine's:
                                       a grading user is held by one lease on the machine)
    /run/netns        ← FOLDER/netns   the engines' network namespaces
    /run/dcourse-ns   ← FOLDER/ns      the jails' namespaces
    /var/tmp/dcourse  ← FOLDER/data    engines' disks (the machine's finished templates are
                                       bound read-only: they are only ever copied)
    /sys/fs/cgroup/C  ← /sys/fs/cgroup/C/dcourse-farm-TOKEN/NAME, C = memory, pids, cpu

and its pid 1 enters that cgroup, then a cgroup namespace rooted there: /proc/self/cgroup
must name the cgroups as the mounts show them (runc mounts a container's cgroup by that path).

So a host's reaper (a worker reaps at start) sees its own leases only, and no other grading
run on the machine sees them. Killing a host's pid-namespace init (SIGKILL) kills every one of
its processes, as losing the machine would; what it leaves (files, cgroups) is what a grading
host finds when it comes back.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

from .. import nbgrader_cli, system
from ..errors import CourseError
from ..grading.limits import CONTROLLERS
from ..grading.limits import ROOT as CGROUP_ROOT
from ..waiting import wait_until
from .redis_server import RedisServer

VENV_BIN = nbgrader_cli.BIN
PROJECT = Path(__file__).resolve().parents[2]
TOOLS = {"unshare": "util-linux", "tini": "tini"}

REAP = "from autograder import grade; grade.reap(print)"
SCRIPT = r"""
set -eu
F=$1 CG=$2; shift 2
ip link set lo up
for c in memory pids cpu; do echo $$ > "/sys/fs/cgroup/$c/$CG/cgroup.procs"; done
mkdir -p "$F/run/slots" "$F/netns" "$F/ns" "$F/data" "$F/work" /run/dcourse/slots /run/netns \
    /run/dcourse-ns /var/tmp/dcourse
mount --bind /run/dcourse/slots "$F/run/slots"
for t in /var/tmp/dcourse/template-*; do
    [ -f "$t/.complete" ] || continue
    d="$F/data/${t##*/}"
    mkdir -p "$d"
    mount --bind "$t" "$d"
    mount -o remount,bind,ro "$d"
done
mount --rbind "$F/run" /run/dcourse
mount --bind "$F/netns" /run/netns
mount --bind "$F/ns" /run/dcourse-ns
mount --rbind "$F/data" /var/tmp/dcourse
for c in memory pids cpu; do mount --bind "/sys/fs/cgroup/$c/$CG" "/sys/fs/cgroup/$c"; done
export DOCKER_COURSE_FARM_DIR="$F/work"
exec unshare --cgroup -- tini -- "$@"
"""


def ensure_tools() -> None:
    """unshare and tini (a host's pid 1: it passes SIGTERM on and reaps orphans)."""
    missing = [pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        system.apt_install(missing, why="the farm's grading hosts (pytest -m farm)")


class Host:
    """One grading host: ``start``, ``stop`` (SIGTERM: the submission in hand is finished
    first), ``kill`` (SIGKILL of its pid-namespace init: everything of it dies at once)."""

    def __init__(
        self, name: str, folder: Path, cgroup: str, url: str, *, concurrency: int = 1,
        visibility: float | None = None,
    ) -> None:  # fmt: skip
        self.name = name
        self.folder = folder
        self.cgroup = cgroup  # below each controller's root
        self.url = url
        self.concurrency = concurrency
        self.visibility = visibility
        self.log = folder / "worker.log"
        self.proc: subprocess.Popen | None = None  # unshare, in the machine's namespaces
        self.init: int | None = None  # the host's pid 1 (tini), as the machine sees it
        self.starts = 0
        self.lost = False  # killed, and not started again (its leftovers are expected)

    @property
    def worker(self) -> str:
        """The worker's Celery name (what the report's backend column shows)."""
        return f"{self.name}@farm"

    def start(self) -> None:
        argv = [str(VENV_BIN / "docker-course"), "worker", "--broker", self.url]
        argv += ["-c", str(self.concurrency), "--hostname", self.worker]
        if self.visibility is not None:
            argv += ["--visibility-timeout", f"{self.visibility:g}"]
        self._launch(argv, f"start {self.starts + 1}")
        self.starts += 1
        self.lost = False
        self.init = wait_until(self._child, timeout=30, what=f"{self.name}'s pid 1")

    def reap(self) -> None:
        """What a worker does first when it starts, alone: remove the leftovers of this host's
        earlier workers (it must be stopped)."""
        self._launch([str(VENV_BIN / "python"), "-c", REAP], "reap")
        assert self.proc is not None
        try:
            self.proc.wait(timeout=300)
        finally:
            self.kill()
        if self.proc.returncode != 0:
            why = f"reaping {self.name} failed ({self.proc.returncode})"
            raise CourseError(f"{why}:\n{self.tail()}")

    def _launch(self, argv: list[str], why: str) -> None:
        for controller in CONTROLLERS:
            (CGROUP_ROOT / controller / self.cgroup).mkdir(parents=True, exist_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            log.write(f"--- {why} of {self.name}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                ["unshare", "--net", "--mount", "--pid", "--fork", "--mount-proc",
                 "--kill-child", "--", "sh", "-c", SCRIPT, "sh", str(self.folder), self.cgroup,
                 *argv],
                cwd=PROJECT, env=nbgrader_cli.env(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def _child(self) -> int | None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            why = f"{self.name} exited at once ({self.proc.returncode})"
            raise CourseError(f"{why}:\n{self.tail()}")
        with contextlib.suppress(OSError, ValueError):
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            return int(text.split()[0]) if text.split() else None
        return None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the host's pid 1: the kernel kills every process of the host with it."""
        if self.init is not None and self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.init, signal.SIGKILL)
            self.lost = True
        self._wait(30)

    def stop(self, *, grace: float = 180) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL of its pid 1 after ``grace`` seconds."""
        if self.init is not None and self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.init, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._wait(grace)
        lost = self.lost
        self.kill()
        self.lost = lost  # a warm shutdown that ended in a kill is still a stop

    def _wait(self, timeout: float) -> None:
        if self.proc is not None:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                if timeout >= 30:  # the last resort: unshare's --kill-child kills pid 1
                    self.proc.kill()
                    self.proc.wait(timeout=30)
                else:
                    raise
        self.init = None

    def interfaces(self) -> list[str]:
        """The network interfaces of the host's network namespace (only ``lo``: no route to
        any address but loopback)."""
        assert self.init is not None, f"{self.name} does not run"
        done = subprocess.run(
            ["nsenter", f"--net=/proc/{self.init}/ns/net", "ip", "-o", "link", "show"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [line.split(":")[1].strip().split("@")[0] for line in done.stdout.splitlines()]

    def tail(self, limit: int = 3000) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-limit:]
        return "(no log)"

    # what the host holds -----------------------------------------------------------------
    def cgroup_dir(self, controller: str = "memory") -> Path:
        return CGROUP_ROOT / controller / self.cgroup

    def leases(self) -> list[str]:
        """Names of the submission cgroups (one per lease) on this host."""
        base = self.cgroup_dir() / "dcourse"
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []

    def grading(self, student: str, assignment: str) -> str | None:
        """The lease grading ``student``'s ``assignment`` right now (its engine runs), if any:
        the submission's course folder is on this host and a lease's engine has processes."""
        if not list(self.folder.glob(f"work/farm-*/course/submitted/{student}/{assignment}")):
            return None
        for lease in self.leases():
            engine = self.cgroup_dir() / "dcourse" / lease / "engine" / "cgroup.procs"
            with contextlib.suppress(OSError):
                if engine.read_text().split():
                    return lease
        return None

    def processes(self, below: str = "") -> dict[int, str]:
        """Processes in the host's cgroups (or below ``below``), pid → command."""
        found: dict[int, str] = {}
        for controller in CONTROLLERS:
            base = CGROUP_ROOT / controller / self.cgroup / below
            for procs in base.rglob("cgroup.procs") if base.is_dir() else []:
                with contextlib.suppress(OSError, ValueError):
                    for pid in map(int, procs.read_text().split()):
                        found[pid] = _comm(pid)
        return found

    def worker_pid(self) -> int:
        """The machine's pid of the host's ``docker-course worker`` (its pid 1's child): the
        worker's main process, whose children are its slots."""
        assert self.init is not None, f"{self.name} does not run"
        return int(Path(f"/proc/{self.init}/task/{self.init}/children").read_text().split()[0])

    def owner(self, lease: str) -> int:
        """The machine's pid of the process that started ``lease``'s engine (a worker slot)."""
        recorded = int((self.folder / "run" / lease / "owner.pid").read_text())
        for pid in self.processes():
            with contextlib.suppress(OSError):
                if _ns_pids(pid)[-1:] == [recorded]:
                    return pid
        raise LookupError(f"{self.name} has no process {recorded} (the owner of {lease})")

    def leases_of(self, owner: int) -> list[str]:
        """The leases whose engine the host's process ``owner`` (the machine's pid) started."""
        mine, found = str(_ns_pids(owner)[-1]), []
        for record in (self.folder / "run").glob("dcourse-*/owner.pid"):
            with contextlib.suppress(OSError):
                if record.read_text().strip() == mine:
                    found.append(record.parent.name)
        return sorted(found)

    def disk_of(self, lease: str) -> str | None:
        """The name of the disk image of ``lease``'s engine (as :meth:`leftovers` shows it)."""
        with contextlib.suppress(OSError):
            return Path((self.folder / "run" / lease / "disk").read_text().strip()).name
        return None

    def leftovers(self, *, running: bool = False) -> list[str]:
        """What a lease left on this host: engines' folders and namespaces, jails, disks,
        cgroups and their processes. ``running``: the worker itself (in the host's own
        cgroup) is not a leftover."""
        found = []
        for sub in ("run", "netns", "ns", "data"):
            base = self.folder / sub
            found += [f"{sub}/{p.name}" for p in base.glob("dcourse-*")] if base.is_dir() else []
        disks = self.folder / "data" / ".disks"
        found += [f"disk {p.name}" for p in disks.iterdir()] if disks.is_dir() else []
        for controller in CONTROLLERS:
            base = CGROUP_ROOT / controller / self.cgroup / "dcourse"
            if base.is_dir():
                found += [f"cgroup {controller}/{p.name}" for p in base.iterdir() if p.is_dir()]
        below = "dcourse" if running else ""
        found += [f"process {pid} {comm}" for pid, comm in self.processes(below).items()]
        return found

    def remove(self) -> list[str]:
        """Remove the host's cgroups and state (it must be stopped); what could not go."""
        problems = []
        for controller in CONTROLLERS:
            base = CGROUP_ROOT / controller / self.cgroup
            if base.is_dir():
                for child in sorted(base.rglob("*"), key=lambda p: -len(p.parts)):
                    if child.is_dir():
                        with contextlib.suppress(OSError):
                            child.rmdir()
                try:
                    base.rmdir()
                except OSError as exc:
                    problems.append(f"cgroup {base}: {exc}")
        for sub in ("run", "netns", "ns", "data", "work"):  # the log stays, to be read
            shutil.rmtree(self.folder / sub, ignore_errors=True)
        return problems


class Farm:
    """``with Farm(folder, hosts=3) as farm:`` Redis on a unix socket (append-only, every
    write synced) and ``hosts`` grading hosts, each answering before the block starts; every
    host stopped, checked for leftovers and removed after. ``farm.leaks`` lists what a
    host left behind (engines, namespaces, cgroups, processes)."""

    def __init__(
        self, folder: Path, *, hosts: int = 3, concurrency: int = 1,
        visibility: float | None = None, start_timeout: float = 300,
    ) -> None:  # fmt: skip
        self.folder = folder
        self.token = secrets.token_hex(4)
        self.cgroup = f"dcourse-farm-{self.token}"
        self.redis = RedisServer(folder / "redis", fsync="always")
        self.hosts = [
            Host(f"host{n + 1}", folder / f"host{n + 1}", f"{self.cgroup}/host{n + 1}",
                 self.redis.url, concurrency=concurrency, visibility=visibility)
            for n in range(hosts)
        ]  # fmt: skip
        self.start_timeout = start_timeout
        self.leaks: list[str] = []

    @property
    def url(self) -> str:
        return self.redis.url

    def __enter__(self) -> Farm:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        from .. import engine, seed

        ensure_tools()
        dc = engine.client()
        try:  # what `make setup` gives a grading host: the course images' bundle, made once
            seed.seeds(dc, engine.project_root() / ".course" / "images")
        finally:
            dc.close()
        self.redis.start()
        for host in self.hosts:
            host.start()
        self.wait_ready(self.hosts)

    def wait_ready(self, hosts: list[Host]) -> None:
        """Until every host's worker answers a ping through Redis (it has reaped and set up)."""
        from .app import create_app

        app = create_app(self.url)
        wanted = {h.worker for h in hosts}

        def answered() -> bool:
            for host in hosts:
                if not host.alive():
                    raise CourseError(f"{host.name} exited:\n{host.tail()}")
            replies = app.control.ping(destination=sorted(wanted), timeout=1.0)
            return wanted <= {name for reply in replies for name in reply}

        try:
            wait_until(answered, timeout=self.start_timeout, interval=0.5, what="hosts answer")
        except TimeoutError as exc:
            logs = "\n".join(f"{h.name}:\n{h.tail(1500)}" for h in hosts)
            raise CourseError(f"{sorted(wanted)} did not all answer:\n{logs}") from exc
        finally:
            app.close()

    def restart(self, host: Host) -> None:
        host.start()
        self.wait_ready([host])

    def close(self) -> None:
        """Stop every host, note what each left, remove them, then Redis."""
        try:
            for host in self.hosts:
                if host.alive():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(host.init or host.proc.pid, signal.SIGTERM)
            for host in self.hosts:
                host.stop()
            for host in self.hosts:
                left = host.leftovers()
                if not host.lost:  # a host stopped warm closes every lease it opened
                    self.leaks += [f"{host.name}: {item}" for item in left]
                if left:  # a lost host's (or a leak): reaped as its next worker would
                    with contextlib.suppress(CourseError):
                        host.reap()
                    self.leaks += [f"{host.name} after reaping: {x}" for x in host.leftovers()]
                self.leaks += [f"{host.name}: {item}" for item in host.remove()]
            for controller in CONTROLLERS:
                with contextlib.suppress(OSError):
                    (CGROUP_ROOT / controller / self.cgroup).rmdir()
        finally:
            self.redis.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {h.name}:\n{h.tail()}" for h in self.hosts)


def _ns_pids(pid: int) -> list[int]:
    """``pid`` as each pid namespace it is in numbers it, the machine's first (NSpid)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("NSpid:"):
            return [int(x) for x in line.split()[1:]]
    return [pid]


def _comm(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    return "?"
