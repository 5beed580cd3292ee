"""A jail for untrusted code: a dedicated unprivileged user in a mount namespace of its own.

The namespace's root is a fresh tmpfs holding read-only binds of the system (``/usr``,
``/etc``), the Python that runs kernels and the ``autograder`` package, private ``/tmp``,
``/var/tmp``, ``/run`` and ``/dev/shm``, and the jail's home, writable, at its host path. The
host's old root is unmounted after ``pivot_root``: the course folder, the gradebook, other
submissions, other engines and the host's Docker socket are not hidden but *absent*, also
for the user's rootless engine, whose ``docker run -v /:/host`` binds this root. The
namespace is made by root, so a user namespace made inside it cannot unmount anything.

Users are ``dcgrade0``, ``dcgrade1``, … (one per concurrent slot), with their own sub-uid
ranges for rootless engines; their processes are killed by uid when a lease ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import jail_root, system
from .errors import CourseError

USER_PREFIX = "dcgrade"
SUBID_BASE = 1_000_000_000  # far above any range useradd hands out (100000 + 65536·n)
SUBID_COUNT = 65536
NS_DIR = Path("/run/dcourse-ns")  # persisted mount namespaces (a private mount of its own)
PACKAGES = {"rootlesskit": "rootlesskit", "slirp4netns": "slirp4netns", "newuidmap": "uidmap"}
SYSTEM_DIRS = ("usr", "etc")
MERGED_DIRS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
ROOT_SUFFIX = ".root"  # NS_DIR/<jail>.root: the folder its root is built in
IPC_SUFFIX = ".ipc"  # NS_DIR/<jail>.ipc: its IPC namespace
PID_SUFFIX = ".pidns"  # NS_DIR/<jail>.pidns: its pid namespace
# Every lease's cgroup is a folder in /sys/fs/cgroup/<controller>/dcourse/ (see limits.py): in
# a jail that folder is an empty read-only tmpfs holding only the jail's own cgroup, bound in.
# (sysfs itself cannot be covered: a rootless engine mounts sysfs in its containers, which the
# kernel refuses when sysfs is not fully visible. Disk images, which /sys/block/loop*/loop/
# backing_file shows to everyone, have random names.)
CGROUP_GROUP = "dcourse"
JAIL_ROOT = Path(__file__).with_name("jail_root.py")  # builds the root: see there


@dataclass(frozen=True)
class SlotUser:
    name: str
    uid: int
    gid: int
    subid_start: int

    def owns(self, uid: int) -> bool:
        return uid == self.uid or self.subid_start <= uid < self.subid_start + SUBID_COUNT


def why_unavailable() -> str | None:
    """``None`` when jails can be made here, else why not (in words, for the report)."""
    if not system.is_linux():
        return "not Linux: no user or mount namespaces"
    if not system.is_root():
        return "not root: cannot create grading users or mount namespaces"
    for tool in ("unshare", "nsenter", "setpriv", "useradd", "usermod"):
        if not _which(tool):
            return f"`{tool}` is missing (util-linux / passwd)"
    with contextlib.suppress(OSError):
        if Path("/proc/sys/kernel/unprivileged_userns_clone").read_text().strip() == "0":
            return "kernel.unprivileged_userns_clone=0: rootless engines cannot start"
    return None


def ensure_packages() -> None:
    """Debian's rootlesskit, slirp4netns and uidmap (newuidmap), installed when missing."""
    missing = sorted({pkg for tool, pkg in PACKAGES.items() if not _which(tool)})
    if missing:
        system.apt_install(missing, why="rootless engines for unprivileged grading")


def slot_user(slot: int) -> SlotUser:
    """The grading user of ``slot`` (created with its sub-uid range on first use)."""
    name = f"{USER_PREFIX}{slot}"
    start = SUBID_BASE + slot * SUBID_COUNT
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        _run(
            [
                "useradd", "--system", "--user-group", "--no-create-home",
                "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                "--comment", "docker-course grading slot", name,
            ]
        )  # fmt: skip
        entry = pwd.getpwnam(name)
    rng = f"{start}-{start + SUBID_COUNT - 1}"
    for kind, flag in (("subuid", "--add-subuids"), ("subgid", "--add-subgids")):
        if f"{name}:{start}:{SUBID_COUNT}" not in Path(f"/etc/{kind}").read_text():
            _run(["usermod", flag, rng, name])
    return SlotUser(name, entry.pw_uid, entry.pw_gid, start)


SLOT_LOCKS = Path("/run/dcourse/slots")  # next to the private engines' state
MAX_SLOTS = 32


class Slot:
    """A grading user held by this process (an flock: a killed grader releases it)."""

    def __init__(self, user: SlotUser, fd: int) -> None:
        self.user = user
        self._fd = fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def claim_slot() -> Slot:
    """The first grading user no other grading run holds; its leftovers (a killed run's
    kernels, engines, containers) are killed before it is handed out."""
    import fcntl

    SLOT_LOCKS.mkdir(parents=True, exist_ok=True)
    for n in range(MAX_SLOTS):
        fd = os.open(SLOT_LOCKS / f"{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            user = slot_user(n)
            kill_user_processes(user)
            clear_user_keyrings(user)  # a killed run's leases could not
        except BaseException:
            os.close(fd)
            raise
        return Slot(user, fd)
    raise CourseError(f"all {MAX_SLOTS} grading users are busy (other grading runs hold them)")


def check_userns(user: SlotUser) -> None:
    """Raise a CourseError when ``user`` may not make a user namespace (a rootless engine needs
    one; some hosts forbid it: kernel.unprivileged_userns_clone=0, an AppArmor restriction)."""
    done = subprocess.run(
        ["setpriv", f"--reuid={user.uid}", f"--regid={user.gid}", "--clear-groups",
         "unshare", "--user", "--map-root-user", "true"],
        capture_output=True, text=True, check=False, cwd="/",
    )  # fmt: skip
    if done.returncode != 0:
        raise CourseError(
            f"{user.name} may not create a user namespace ({done.stderr.strip()[:200]})",
            fix="Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
            "or kernel.apparmor_restrict_unprivileged_userns=0), or grade with --backend private.",
        )


class Jail:
    """``with Jail(name, user, home): …`` — the namespace and the user's processes go after."""

    def __init__(
        self,
        name: str,
        user: SlotUser,
        home: Path,
        *,
        readonly: tuple = (),
        writable: tuple = (),
        user_home: Path | None = None,
    ) -> None:
        self.name = name
        self.user = user
        self.home = home  # the folder the jail holds of the host (at the same path)
        self.user_home = user_home or home  # $HOME of its processes (inside ``home``)
        self.nsfile = NS_DIR / name
        self.ipcfile = NS_DIR / f"{name}{IPC_SUFFIX}"  # SysV IPC and POSIX queues of its own
        self.pidfile = NS_DIR / f"{name}{PID_SUFFIX}"  # its pid namespace (see _start_init)
        self._init: subprocess.Popen | None = None
        self.readonly = tuple(Path(p) for p in readonly) + runtime_paths()
        self.writable = tuple(Path(p) for p in writable)  # e.g. a class's nbgrader exchange

    def __enter__(self) -> Jail:
        try:
            self.create()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()

    def create(self) -> None:
        _private_ns_dir()
        self.nsfile.touch()
        self.ipcfile.touch()
        root = NS_DIR / f"{self.name}{ROOT_SUFFIX}"
        root.mkdir(exist_ok=True)
        for attempt in range(BIND_TRIES):
            done = subprocess.run(
                [*_pinned(attempt), "unshare", f"--mount={self.nsfile}", f"--ipc={self.ipcfile}",
                 "--propagation", "private", sys.executable, "-I", "-S", str(JAIL_ROOT),
                 json.dumps(self._root_spec(root))],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if not _refused_bind(done):
                break
            for ns in (self.nsfile, self.ipcfile):  # the IPC namespace was bound before
                _detach(ns)
        if done.returncode != 0:
            raise CourseError(f"could not build the grading jail: {done.stderr.strip()[-600:]}")
        self._start_init()

    def _start_init(self) -> None:
        """A pid namespace for everything the jail runs, with a tiny init as its pid 1 (root,
        in the jail): when the init dies, the kernel kills every process in the namespace, so
        nothing of a lease outlives it (a double fork, a process whose main thread ended)
        also where no cgroup can. The init mounts the jail's /proc (of this namespace)."""
        self.pidfile.touch()
        self._init = subprocess.Popen(
            ["nsenter", f"--mount={self.nsfile}", f"--ipc={self.ipcfile}", "--",
             "unshare", "--pid", "--fork", "--kill-child", "--",
             sys.executable, "-I", "-S", "-c", INIT],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd="/", start_new_session=True,
        )  # fmt: skip
        assert self._init.stdout is not None
        if self._init.stdout.readline() != b"ready\n":
            self._init.kill()
            why = self._init.communicate(timeout=10)[1].decode(errors="replace").strip()
            raise CourseError(f"the grading jail's init did not start: {why[-400:]}")
        from . import procs

        init = next(procs.descendants(self._init.pid))[0]  # unshare's child: pid 1 inside
        _bind(f"/proc/{init}/ns/pid", self.pidfile)

    def _root_spec(self, root: Path) -> dict:
        """What ``jail_root.py`` builds: the host's system folders read-only, fresh /tmp, /run
        and /dev/net, the lease's cgroup alone, the read-only and writable paths, the home."""
        return {
            "root": str(root),
            "system": list(SYSTEM_DIRS),
            "merged": list(MERGED_DIRS),
            "cgroups": CGROUP_GROUP,
            "name": self.name,
            "uid": self.user.uid,
            "gid": self.user.gid,
            "readonly": [str(p) for p in sorted(set(self.readonly))],
            "writable": [str(p) for p in sorted(set(self.writable))],
            "home": str(self.home),
        }

    def argv(
        self,
        cmd: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        netns: str | None = None,
        no_new_privs: bool = True,
        pid_ns: bool = True,
    ) -> list[str]:
        """``cmd`` run as the jail's user, inside the jail (and ``netns``), env replaced.

        With ``pid_ns`` nsenter joins the jail's pid namespace and forks (it waits for the
        command); without, the caller has joined it already (see ``kernel_jail``)."""
        # not nsenter --wd: it opens the folder before entering, leaving the cwd outside the jail
        enter = ["nsenter", f"--mount={self.nsfile}", f"--ipc={self.ipcfile}"]
        if pid_ns:
            enter.append(f"--pid={self.pidfile}")
        if netns:
            enter.insert(1, f"--net=/var/run/netns/{netns}")
        drop = ["setpriv", f"--reuid={self.user.uid}", f"--regid={self.user.gid}",
                "--clear-groups", "--inh-caps=-all"]  # fmt: skip
        if no_new_privs:
            drop.append("--no-new-privs")
        base = {
            "HOME": str(self.user_home),
            "USER": self.user.name,
            "LOGNAME": self.user.name,
            "TMPDIR": "/tmp",
            "PATH": env.get("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
        }
        pairs = [f"{k}={v}" for k, v in {**env, **base}.items()]
        return [*enter, "--", *drop, "--", "env", "-i", f"--chdir={cwd}", *pairs, *cmd]

    def destroy(self) -> None:
        """Kill the user's processes, then drop the namespace. Safe to call twice."""
        if self._init is not None:
            kill_pid_namespace(self.pidfile)
            self._init.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._init.communicate(timeout=10)
            self._init = None
        else:  # a jail of a killed run (the reaper): its init, if any, by its namespace
            kill_pid_namespace(self.pidfile)
        kill_user_processes(self.user)
        clear_user_keyrings(self.user)
        for ns in (self.nsfile, self.ipcfile, self.pidfile):
            _detach(ns)
            ns.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (NS_DIR / f"{self.name}{ROOT_SUFFIX}").rmdir()


def reap() -> list[str]:
    """Namespaces of jails whose engine is gone, and processes of grading users no run holds
    (a killed grader's kernels and engines); what was removed, by name."""
    removed = []
    for ns in stale_namespaces():
        if ns.name.endswith(PID_SUFFIX):
            kill_pid_namespace(ns)
        _detach(ns)
        with contextlib.suppress(OSError):
            ns.rmdir() if ns.is_dir() else ns.unlink()
        removed.append(f"jail {_jail_name(ns)}")
    for user, _ in stray_processes():
        with _holding(user) as held:  # no run can claim the user while they are killed
            if held and kill_user_processes(user):
                removed.append(f"processes of {user.name}")
    return removed


@contextlib.contextmanager
def _holding(user: SlotUser) -> Iterator[bool]:
    """The lock of ``user``'s slot, held for the block (True), unless a run holds it (False):
    found unheld, it may have been claimed since, and a live run's processes are not strays."""
    import fcntl

    fd = os.open(SLOT_LOCKS / f"{user.name.removeprefix(USER_PREFIX)}.lock", os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = False
        else:
            held = True
        yield held
    finally:
        os.close(fd)  # (also drops the lock)


def stale_namespaces() -> list[Path]:
    """Jail namespace files (and root folders) whose engine is gone."""
    from .private_engine import RUN_BASE  # not at the top: kernel_jail imports this module

    found = []
    for ns in sorted(NS_DIR.iterdir()) if NS_DIR.is_dir() else []:
        name = _jail_name(ns)
        if not Path("/var/run/netns", name).exists() and not (RUN_BASE / name).exists():
            found.append(ns)
    return found


def stray_processes() -> list[tuple[SlotUser, list[int]]]:
    """Live processes of grading users that no grading run holds (left by a killed one)."""
    import fcntl

    unheld = []
    for lock in sorted(SLOT_LOCKS.glob("*.lock")) if SLOT_LOCKS.is_dir() else []:
        fd = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live run holds it
        finally:
            os.close(fd)  # (also drops the lock just taken)
        with contextlib.suppress(KeyError):
            unheld.append(SlotUser(*_slot_entry(int(lock.stem))))
    if not unheld:
        return []
    uids = list(_process_uids())
    found = [(u, [pid for pid, uid in uids if u.owns(uid)]) for u in unheld]
    return [(u, pids) for u, pids in found if pids]


def _jail_name(ns: Path) -> str:
    for suffix in (ROOT_SUFFIX, IPC_SUFFIX, PID_SUFFIX):
        if ns.name.endswith(suffix):
            return ns.name.removesuffix(suffix)
    return ns.name


def kill_pid_namespace(nsfile: Path) -> int:
    """SIGKILL the init of the pid namespace persisted at ``nsfile`` (the kernel then kills
    every process in it); how many processes were signalled."""
    if f" {nsfile} " not in Path("/proc/self/mountinfo").read_text():
        return 0  # nothing bound there: no namespace
    try:
        inode = nsfile.stat().st_ino
    except OSError:
        return 0
    killed = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{entry.name}/ns/pid") == f"pid:[{inode}]":
                    os.kill(int(entry.name), signal.SIGKILL)
                    killed += 1
    return killed


INIT = r"""
import ctypes, os, signal
libc = ctypes.CDLL(None, use_errno=True)
if libc.mount(b"proc", b"/proc", b"proc", 2 | 4 | 8, b"hidepid=2") != 0:  # nosuid nodev noexec
    raise OSError(ctypes.get_errno(), "mount /proc")
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
os.write(1, b"ready\n")
os.close(1)
while True:  # reap every orphan of the namespace
    signal.sigwait({signal.SIGCHLD})
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
"""


# Where grading runs below a mount namespace of its own (a farm host stand-in, a container),
# the kernel (6.18 here) may refuse unshare's bind of the new namespace's file with EINVAL:
# it refuses a namespace whose id is not above the id of the binder's own namespace, and ids
# come from per-CPU batches. So a new namespace made on another CPU than the enclosing one's
# may be refused every time (seen: 40 of 40 on one CPU, 0 of 40 on the other), which
# unpinned tries only escape by luck (a farm test lost a submission to 24 refusals in a row).
# Nothing was bound and the build script did not run (unshare stops first), so another try
# is safe: the tries after the first run pinned to each CPU in turn, and on the CPU that made
# the enclosing namespace every new id is above it.
BIND_TRIES = 12


def _pinned(attempt: int) -> list[str]:
    """The first try runs anywhere; each later one on the next CPU this process may use."""
    cpus = sorted(os.sched_getaffinity(0))
    if attempt == 0 or len(cpus) < 2 or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", str(cpus[(attempt - 1) % len(cpus)])]


def _refused_bind(done: subprocess.CompletedProcess) -> bool:
    return (
        done.returncode != 0
        and "unshare: mount /proc/" in done.stderr
        and "failed: Invalid argument" in done.stderr
    )


def _bind(source: str, target: Path) -> None:
    try:
        jail_root.bind(source, str(target), recursive=False)
    except OSError as exc:
        raise CourseError(f"could not keep the jail's pid namespace: {exc}") from exc


def _detach(target: Path) -> None:
    """``umount -l TARGET`` as one system call; nothing mounted there is no error."""
    with contextlib.suppress(OSError):
        jail_root.umount(str(target))


def grading_uids() -> set[int]:
    """The uids of the grading users that exist on this machine."""
    found = set()
    for n in range(MAX_SLOTS):
        with contextlib.suppress(KeyError):
            found.add(pwd.getpwnam(f"{USER_PREFIX}{n}").pw_uid)
    return found


def _slot_entry(n: int) -> tuple[str, int, int, int]:
    entry = pwd.getpwnam(f"{USER_PREFIX}{n}")
    return entry.pw_name, entry.pw_uid, entry.pw_gid, SUBID_BASE + n * SUBID_COUNT


def runtime_paths() -> tuple[Path, ...]:
    """What a kernel needs from the host besides /usr and /etc: the Python it runs on (venv and
    base interpreter) and the course's own package, wherever they live."""
    import autograder

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(autograder.__file__).parent}
    return tuple(sorted(p.resolve() for p in paths if not _under_system(p.resolve())))


def kill_user_processes(user: SlotUser, *, timeout: float = 10) -> int:
    """SIGKILL every process of the slot's user and its sub-uids; returns how many."""
    killed = 0
    deadline = time.monotonic() + timeout
    while True:
        pids = [pid for pid, uid in _process_uids() if user.owns(uid)]
        if not pids or time.monotonic() > deadline:
            return killed
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.02)


def _process_uids():
    """(pid, real uid) of every live process. A zombie is dead already (its parent reaps),
    unless only its main thread ended (``pthread_exit``) and other threads still run: that
    process lives on, and SIGKILL to its pid ends every thread."""
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                status = Path(f"/proc/{entry.name}/status").read_text()
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                zombie = fields["State"].strip().startswith("Z")
                if not zombie or _live_threads(entry.name):
                    yield int(entry.name), int(fields["Uid"].split()[0])


def _live_threads(pid: str) -> bool:
    for task in os.scandir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError, IndexError):
            stat = Path(f"/proc/{pid}/task/{task.name}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                return True
    return False


KEYCTL_JOIN_SESSION_KEYRING = 1
KEYCTL_CLEAR = 7
KEY_SPEC_USER_KEYRING = -4
KEY_SPEC_USER_SESSION_KEYRING = -5
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "i686": 288, "armv7l": 311}


def _keyctl(*args: int | None) -> int:
    import ctypes
    import platform

    number = SYS_KEYCTL.get(platform.machine())
    if number is None:
        raise OSError(f"keyctl: unknown system call number on {platform.machine()}")
    libc = ctypes.CDLL(None, use_errno=True)
    done = libc.syscall(number, *(ctypes.c_long(a) if a is not None else None for a in args))
    if done < 0:
        raise OSError(ctypes.get_errno(), "keyctl failed")
    return done


def fresh_session_keyring() -> None:
    """Join a new, empty session keyring: the caller's own (the grader's login session, with
    whatever keys it holds) is left behind for this process and everything it starts."""
    _keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)


CLEAR_KEYRINGS = (
    "import ctypes, platform\n"
    "n = {n}\n"
    "libc = ctypes.CDLL(None)\n"
    "for ring in ({u}, {us}):\n"
    "    libc.syscall(n, ctypes.c_long({clear}), ctypes.c_long(ring))\n"
)


def clear_user_keyrings(user: SlotUser) -> None:
    """Empty the user's per-uid keyrings (``@u``, ``@us``): they live as long as the uid,
    not the lease, so a key one submission adds would be there for the next."""
    import platform

    number = SYS_KEYCTL.get(platform.machine())
    if number is None:
        return
    code = CLEAR_KEYRINGS.format(
        n=number, u=KEY_SPEC_USER_KEYRING, us=KEY_SPEC_USER_SESSION_KEYRING, clear=KEYCTL_CLEAR
    )
    subprocess.run(
        ["setpriv", f"--reuid={user.uid}", f"--regid={user.gid}", "--clear-groups",
         sys.executable, "-I", "-S", "-c", code],
        capture_output=True, check=False, cwd="/",
    )  # fmt: skip


def _under_system(path: Path) -> bool:
    return any(path == Path("/", d) or Path("/", d) in path.parents for d in SYSTEM_DIRS)


def _private_ns_dir() -> None:
    """Mount namespaces are persisted as bind mounts of their ns file, which needs a private
    mount to live on (the same trick as ``ip netns`` for /var/run/netns)."""
    NS_DIR.mkdir(parents=True, exist_ok=True)
    mounts = Path("/proc/self/mountinfo").read_text()
    try:
        if f" {NS_DIR} " not in mounts:
            jail_root.bind(str(NS_DIR), str(NS_DIR), recursive=False)
        jail_root.mount("none", str(NS_DIR), None, jail_root.MS_PRIVATE, None)
    except OSError as exc:
        raise CourseError(f"could not make {NS_DIR} a private mount: {exc}") from exc


def _which(tool: str) -> str | None:
    import shutil

    return shutil.which(tool, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CourseError(f"`{' '.join(cmd)}` failed: {done.stderr.strip()}")
