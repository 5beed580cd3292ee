"""Files a check reads from the machine it runs on, named by the student: :class:`HostPath`.

A check field annotated ``HostPath`` (``path: HostPath``) is turned into one when the check is
made, from the ``str`` the notebook passes. A ``HostPath`` is not a ``str`` nor path-like:
``open()``, ``Path()`` or ``tarfile.open()`` of it raise ``TypeError``, so a check can only read
it through :meth:`HostPath.open` and friends, which open it safely for the grader:

- graded in a jail (``DOCKER_COURSE_JAIL`` set, in the grader as root and in the kernel alike):
  the path (absolute, or relative to the kernel's folder) must lie inside the submission's
  folder, and it is opened in one step beneath that folder (:mod:`autograder.beneath`), so
  neither a link nor a folder swapped for one between a check and a read leads outside;
- elsewhere (the student's own lab): opened as written, with the student's own rights.

Only regular files are opened (a pipe or a device never blocks a check).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .. import beneath

ENV = "DOCKER_COURSE_JAIL"  # (autograder.grading.kernel_jail.ENV; not imported: no cycle)
MAX_READ = 256 * 1024 * 1024  # bytes read into memory by read_bytes()


class OutsideError(OSError):
    """The path leads outside the submission's folder (by name, ``..`` or a link);
    ``str()`` is the path as the student wrote it."""


class HostPath:
    """A student-named file on this machine; read it only through these methods."""

    __slots__ = ("text",)

    def __init__(self, text: str | os.PathLike[str] | HostPath) -> None:
        self.text = text.text if isinstance(text, HostPath) else os.fspath(text)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"HostPath({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HostPath) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    @property
    def name(self) -> str:
        return os.path.basename(self.text)

    def open(self) -> BinaryIO:
        """The file, opened for reading (``OSError`` if it is missing or not a regular file;
        :class:`OutsideError` if it lies outside the submission's folder)."""
        jail = _jail()
        if jail is None:
            fd = os.open(self.text, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise OSError(f"{self.text}: not a regular file")
            os.set_blocking(fd, True)
        else:
            home, cwd = jail
            try:
                fd = beneath.open_regular(home, beneath.relative_to(home, self.text, cwd))
            except beneath.Outside:
                raise OutsideError(self.text) from None
        return os.fdopen(fd, "rb")

    def exists(self) -> bool:
        """A regular file is there (and, when jailed, inside the submission's folder)."""
        try:
            self.open().close()
        except OutsideError:
            raise
        except OSError:
            return False
        return True

    def read_bytes(self, limit: int = MAX_READ) -> bytes:
        with self.open() as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise OSError(f"{self.text}: larger than {limit // (1024 * 1024)} MB")
        return data

    def stat(self) -> os.stat_result:
        with self.open() as fh:
            return os.fstat(fh.fileno())


def _jail() -> tuple[Path, Path] | None:
    """(the submission's folder, the kernel's folder) when graded in a jail."""
    spec = os.environ.get(ENV)
    if not spec:
        return None
    where = json.loads(spec)
    return Path(where["home"]), Path(where["cwd"])


def host_path_fields(cls: type) -> tuple[str, ...]:
    """Names of the dataclass fields of ``cls`` annotated ``HostPath``."""
    import dataclasses

    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.type in ("HostPath", HostPath) or f.type == "HostPath | None"
    )
