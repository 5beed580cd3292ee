"""Students as Unix users: ``dcs-<id>``, each with a sub-uid range of its own for the rootless
engine. The range follows from the user's uid (``SUBID_BASE + (FIRST + uid) · SUBID_COUNT``),
so it is the same for every class folder on the machine, never meets another student's, and
lies far from the grading slots' ranges (slots 0–31)."""

from __future__ import annotations

import pwd

from .. import jail
from ..errors import CourseError

PREFIX = "dcs-"
COMMENT = "docker-course student"
FIRST = 4096  # grading slot n uses SUBID_BASE + n · SUBID_COUNT, n < 32


def unix_name(student: str) -> str:
    return PREFIX + student


def user(student: str, *, create: bool = True) -> jail.SlotUser:
    """The student's Unix user, created on first use (``create``), with its sub-uid range;
    ``KeyError`` when it does not exist and ``create`` is false."""
    name = unix_name(student)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        if not create:
            raise
        jail._run(
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
             "--comment", COMMENT, name]
        )  # fmt: skip
        entry = pwd.getpwnam(name)
    if entry.pw_gecos != COMMENT:
        raise CourseError(f"the Unix user {name} exists and is not a docker-course student.")
    start = jail.SUBID_BASE + (FIRST + entry.pw_uid) * jail.SUBID_COUNT
    rng = f"{start}-{start + jail.SUBID_COUNT - 1}"
    for kind, flag in (("subuid", "--add-subuids"), ("subgid", "--add-subgids")):
        if f"{name}:{start}:{jail.SUBID_COUNT}" not in _read(f"/etc/{kind}"):
            jail._run(["usermod", flag, rng, name])
    return jail.SlotUser(name, entry.pw_uid, entry.pw_gid, start)


def remove(student: str) -> None:
    """Delete the student's Unix user (tests; a class that ends). Their disk is not touched."""
    name = unix_name(student)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return
    if entry.pw_gecos == COMMENT:
        jail._run(["userdel", name])


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return ""
