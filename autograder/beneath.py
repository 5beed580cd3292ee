"""Open a file *beneath* a folder, as root, when someone else can write that folder.

The grader runs as root and reads files a submission names or made (a saved image tar, a file
copied out of a container, the jail's runtime folder). Resolving such a path first and opening
it later is a race (a folder swapped for a link in between), and following a link at all reads
whatever the link names with root's rights. :func:`open_beneath` opens in one step with
``openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)`` relative to the folder: a path, a ``..`` or
a link (absolute, or relative that climbs out) that leads outside is refused by the kernel.
Kernels older than 5.6 have no ``openat2``: there every component is opened with
``O_NOFOLLOW`` relative to the one before, and any link is refused.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
from pathlib import Path

SYS_OPENAT2 = 437  # the same number on every architecture (the generic system call table)
RESOLVE_NO_MAGICLINKS = 0x02
RESOLVE_BENEATH = 0x08


class Outside(OSError):
    """The path leads outside the folder, or through a link where none is allowed."""


class _OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]


_libc = ctypes.CDLL(None, use_errno=True)
_has_openat2: bool | None = None  # unknown until first tried


def relative_to(root: Path, path: str | os.PathLike[str], cwd: Path | None = None) -> str:
    """``path`` (absolute, or relative to ``cwd``) as a path relative to ``root``, *as
    written*: no link is resolved and no ``..`` collapsed here (the kernel does both, beneath
    the folder). Raises :class:`Outside` when it is not written below ``root``."""
    text = os.fspath(path)
    if not os.path.isabs(text):
        base = cwd or Path.cwd()
        text = os.path.join(os.fspath(base), text)
    prefix = os.fspath(root).rstrip("/") + "/"
    if not text.startswith(prefix):
        raise Outside(errno.EXDEV, f"{os.fspath(path)}: not inside {os.fspath(root)}")
    return text[len(prefix) :] or "."


def open_beneath(root: Path, rel: str, flags: int = os.O_RDONLY, mode: int = 0o600) -> int:
    """A file descriptor of ``root/rel``, opened without leaving ``root`` (see module)."""
    global _has_openat2
    root_fd = os.open(root, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if _has_openat2 is not False:
            how = _OpenHow(flags | os.O_CLOEXEC, mode if flags & os.O_CREAT else 0,
                           RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)  # fmt: skip
            fd = _libc.syscall(SYS_OPENAT2, root_fd, rel.encode(), ctypes.byref(how),
                               ctypes.sizeof(how))  # fmt: skip
            if fd >= 0:
                _has_openat2 = True
                return fd
            err = ctypes.get_errno()
            if err != errno.ENOSYS:
                _raise(err, rel, root)
            _has_openat2 = False
        return _open_walking(root_fd, rel, flags, mode, root)
    finally:
        os.close(root_fd)


def _open_walking(root_fd: int, rel: str, flags: int, mode: int, root: Path) -> int:
    """The fallback: one component at a time, never through a link, never ``..``."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Outside(errno.EXDEV, f"{rel}: '..' is not followed here")
    fd = os.dup(root_fd)
    try:
        for i, part in enumerate(parts):
            try:
                if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                    raise Outside(errno.ELOOP, f"{rel}: leads through a link")
            except FileNotFoundError:
                if i < len(parts) - 1 or not flags & os.O_CREAT:
                    raise
            if i == len(parts) - 1:
                return os.open(part, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=fd)
            nxt = os.open(part, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                          dir_fd=fd)  # fmt: skip
            os.close(fd)
            fd = nxt
        return os.open(".", flags | os.O_CLOEXEC, mode, dir_fd=fd)
    finally:
        os.close(fd)


def _raise(err: int, rel: str, root: Path) -> None:
    if err in (errno.EXDEV, errno.ELOOP):
        raise Outside(err, f"{rel}: leads outside {root} or through a link")
    raise OSError(err, f"{rel}: {os.strerror(err)}")


def open_regular(root: Path, rel: str) -> int:
    """A read-only descriptor of a *regular* file beneath ``root`` (a pipe, a device or a
    socket is refused before anything is read: opening never blocks)."""
    fd = open_beneath(root, rel, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{rel}: not a regular file")
    os.set_blocking(fd, True)
    return fd
