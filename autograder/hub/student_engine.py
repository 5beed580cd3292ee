"""A student's own engine: a rootless engine (:class:`~autograder.rootless_engine.RootlessEngine`)
of the student's Unix user, in a jail and a network namespace of its own, whose disk is kept.

Unlike a grading engine, nothing is thrown away when it stops: the disk image (images,
containers, volumes, the student's home with their notebooks) lives in the class's state
folder, is checked and mounted again on the next start, and dockerd is stopped gracefully so
its databases stay consistent. The name ``dcclass-<id>`` is not the grading reaper's prefix,
so a grading run never removes a student's engine.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from .. import jail
from ..grading.limits import DEFAULT, Cgroup
from ..private_engine import DISK_RECORD, RECORD, _recorded, mount_image
from ..rootless_engine import RootlessEngine

PREFIX = "dcclass-"


class StudentEngine(RootlessEngine):
    def __init__(
        self,
        student: str,
        *,
        user: jail.SlotUser,
        image: Path,
        disk_mb: int,
        cgroup: Cgroup | None = None,
        readonly: tuple[Path, ...] = (),
        writable: tuple[Path, ...] = (),
    ) -> None:
        super().__init__(PREFIX + student, user=user, cgroup=cgroup, disk_mb=disk_mb)
        self.image = image
        self.jail.readonly = tuple(sorted(set(self.jail.readonly) | set(readonly)))
        self.jail.writable = tuple(writable)
        self.fresh = False  # True when this start made the disk (the engine has no images yet)

    @property
    def home_dir(self) -> Path:
        """The student's $HOME (on the disk, at the same path inside the jail)."""
        return self.jail.user_home

    def _attach_disk(self) -> None:
        (self.run_dir / DISK_RECORD).write_text(str(self.image))
        self.image.parent.mkdir(parents=True, exist_ok=True)
        self.fresh = mount_image(self.image, self.disk, self.disk_mb)

    def stop(self) -> None:
        """Stop dockerd gracefully (containers get its shutdown timeout), then everything the
        grading engine's stop removes but the disk image."""
        if not self._processes:
            return super().stop()
        with contextlib.suppress(OSError):
            if self.alive():
                self.shutdown(timeout=30)
        return super().stop()


def leftovers() -> list[str]:
    """Student engines still running with no hub holding them (a hub killed hard)."""
    done = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=False)
    return sorted(line.split()[0] for line in done.stdout.splitlines() if line.startswith(PREFIX))


def image_path(state: Path, student: str) -> Path:
    return state / "students" / student / "disk.img"


def stop_leftovers(state: Path, *, disk_mb: int) -> list[str]:
    """Stop every student engine the previous hub of this state folder left (their disks
    stay); their names. Engines started for another state folder (another class's hub on
    this machine, with its own disks) are left alone."""
    from . import students

    stopped = []
    for name in leftovers():
        student = name.removeprefix(PREFIX)
        try:
            user = students.user(student, create=False)
        except KeyError:
            continue  # not a student of this class's state folder
        image = image_path(state, student)
        found = StudentEngine(student, user=user, image=image, disk_mb=disk_mb)
        if _disk_of(found) != image:
            continue  # the engine of another class's hub (another state folder): not ours
        found._processes = _recorded(found.run_dir / RECORD)
        unbind(image_path(state, student).parent / "lab.sock")
        found.stop()
        Cgroup(name, DEFAULT).remove()
        stopped.append(name)
    return stopped


def _disk_of(found: StudentEngine) -> Path | None:
    """The disk image a running student engine was started on (root's record), if known."""
    try:
        return Path((found.run_dir / DISK_RECORD).read_text().strip())
    except OSError:
        return None


def unbind(target: Path) -> None:
    """Undo the bind of a student's server socket onto ``target`` (a root-only path)."""
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)
    with contextlib.suppress(OSError):
        target.unlink()
