"""Builds a grading jail's root file system, in one process (the standard library only).

Run by :meth:`autograder.jail.Jail.create` as ``python -I -S jail_root.py SPEC`` inside the
jail's new mount namespace (``unshare --mount --propagation private``): every mount is a
system call of this process instead of a ``mount``/``mkdir``/``ln`` process each (~40 a jail,
~1.5 ms of a core each, and util-linux's ``mount`` reads the whole mount table every time).

SPEC (JSON): ``root`` (an empty folder), ``system`` and ``merged`` (top-level folders of the
host, read-only; a merged one that is a symlink on the host is the same symlink), ``cgroups``
(the folder of every lease's cgroup, see ``jail.CGROUP_GROUP``), ``name`` (the jail's own cgroup),
``uid``/``gid`` (owner of the jail's tun device), ``readonly``, ``writable``, ``home``.

A read-only bind keeps the other flags of the mount it binds (``nosuid``, ``nodev``,
``noexec``, atime), as ``mount -o remount,bind,ro`` does: a bind remount sets every flag it
is given, so the current ones are read (``statvfs``) and given again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import json
import os
import platform
import stat
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK = 16, 32, 64
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 21
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
#: statvfs's flags of a mount → the mount(2) flags that set them again
KEPT = (
    (os.ST_NOSUID, MS_NOSUID),
    (os.ST_NODEV, MS_NODEV),
    (os.ST_NOEXEC, MS_NOEXEC),
    (os.ST_SYNCHRONOUS, MS_SYNCHRONOUS),
    (os.ST_MANDLOCK, MS_MANDLOCK),
    (os.ST_NOATIME, MS_NOATIME),
    (os.ST_NODIRATIME, MS_NODIRATIME),
    (os.ST_RELATIME, MS_RELATIME),
)
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}  # glibc has no wrapper

_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        _libc.mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source} on {target}",
    )


def umount(target: str) -> None:
    _check(_libc.umount2(target.encode(), MNT_DETACH), f"umount {target}")


def tmpfs(target: str, name: str, options: str, flags: int = 0) -> None:
    mount(name, target, "tmpfs", flags, options)


def bind(source: str, target: str, *, recursive: bool = True) -> None:
    mount(source, target, None, MS_BIND | (MS_REC if recursive else 0), None)


def read_only(target: str) -> None:
    """Remount the bind at ``target`` read-only, keeping its other flags."""
    have = os.statvfs(target).f_flag
    kept = 0
    for st_flag, ms_flag in KEPT:
        if have & st_flag:
            kept |= ms_flag
    mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept, None)


def bind_read_only(source: str, target: str) -> None:
    bind(source, target)
    read_only(target)


def pivot_root(new: str, old: str) -> None:
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(f"pivot_root: unknown system call number on {platform.machine()}")
    _check(_libc.syscall(number, new.encode(), old.encode()), "pivot_root")


def build(spec: dict) -> None:
    r = spec["root"]
    tmpfs(r, "jail", "mode=755,size=8m")
    for d in spec["system"]:
        os.mkdir(f"{r}/{d}")
        bind_read_only(f"/{d}", f"{r}/{d}")
    for d in spec["merged"]:
        if os.path.islink(f"/{d}"):
            os.symlink(os.readlink(f"/{d}"), f"{r}/{d}")
        elif os.path.isdir(f"/{d}"):
            os.mkdir(f"{r}/{d}")
            bind_read_only(f"/{d}", f"{r}/{d}")
    for d in ("proc", "sys", "dev", "tmp", "run", "var", "var/tmp"):
        os.mkdir(f"{r}/{d}")
    # umount needs a /proc until pivot_root is done; the init mounts the jail's own
    mount("proc", f"{r}/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    bind("/sys", f"{r}/sys")
    _hide_leases(r, spec["cgroups"], spec["name"])
    bind("/dev", f"{r}/dev")
    tmpfs(f"{r}/dev/shm", "shm", "mode=1777", MS_NOSUID | MS_NODEV)
    if os.path.isdir(f"{r}/dev/mqueue"):  # this process is in the jail's IPC namespace already
        mount("mqueue", f"{r}/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    # slirp4netns needs a tun device the user may open: a node of our own, host's untouched
    tmpfs(f"{r}/dev/net", "net", "mode=755,size=4k", MS_NOSUID)
    tun = f"{r}/dev/net/tun"
    os.mknod(tun, stat.S_IFCHR | 0o600, os.makedev(10, 200))
    os.chmod(tun, 0o600)  # whatever the umask
    os.chown(tun, spec["uid"], spec["gid"])
    tmpfs(f"{r}/tmp", "tmp", "mode=1777", MS_NOSUID | MS_NODEV)
    tmpfs(f"{r}/var/tmp", "vartmp", "mode=1777", MS_NOSUID | MS_NODEV)
    tmpfs(f"{r}/run", "run", "mode=755", MS_NOSUID | MS_NODEV)
    os.symlink("/run", f"{r}/var/run")
    for path in spec["readonly"]:
        os.makedirs(f"{r}{path}", exist_ok=True)
        bind_read_only(path, f"{r}{path}")
    for path in spec["writable"]:
        os.makedirs(f"{r}{path}", exist_ok=True)
        bind(path, f"{r}{path}", recursive=False)
    os.makedirs(f"{r}{spec['home']}", exist_ok=True)
    bind(spec["home"], f"{r}{spec['home']}")
    os.chdir(r)
    os.mkdir(".old")
    pivot_root(".", ".old")
    umount("/.old")
    os.rmdir("/.old")
    umount("/proc")


def _hide_leases(r: str, group: str, name: str) -> None:
    """Every lease's cgroup folder, seen from the jail: an empty read-only tmpfs holding only
    this jail's own cgroup (see ``jail.CGROUP_GROUP``)."""
    for controller in sorted(glob.glob("/sys/fs/cgroup/*/")):
        g = f"{controller}{group}"
        if not os.path.isdir(g):
            continue
        tmpfs(f"{r}{g}", "leases", "size=16k,mode=755")
        if os.path.isdir(f"{g}/{name}"):
            os.mkdir(f"{r}{g}/{name}")
            bind(f"{g}/{name}", f"{r}{g}/{name}", recursive=False)
        mount("none", f"{r}{g}", None, MS_REMOUNT | MS_RDONLY, None)


if __name__ == "__main__":
    try:
        build(json.loads(sys.argv[1]))
    except OSError as exc:
        sys.exit(f"jail_root: {exc}")
