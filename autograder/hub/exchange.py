"""nbgrader's exchange on the class server, and the teacher's course folder beside it.

- The exchange (``.course/class/exchange``) is a file system of its own (a 2 GB image, like an
  engine's disk): students write into its ``inbound`` and could otherwise fill the host's disk.
  nbgrader's own permissions apply inside (``inbound`` is write-only for students: nobody
  lists another's submission). Each student's jail binds it writable; nothing else of the
  state folder.
- The course folder (``.course/class/course``) is what ``docker-course grade`` grades:
  ``nbgrader_config.py`` and ``source/`` copied from the checkout at each ``class release``,
  ``release/``, ``submitted/``, the gradebook and the reports made there.

The teacher works as root on the machine: ``docker-course class release 02-build-run`` puts a
section in the students' *Assignments* panel, ``class collect 02-build-run`` brings their
submissions into the course folder, ``docker-course grade .course/class/course`` grades them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from .. import nbgrader_cli, release
from ..errors import CourseError
from ..private_engine import mount_image

SIZE_MB = 2048


def root(state: Path) -> Path:
    return state / "exchange"


def course_dir(state: Path) -> Path:
    return state / "course"


def course_id(checkout: Path) -> str:
    """The course id of the checkout's ``nbgrader_config.py``."""
    for line in (checkout / "nbgrader_config.py").read_text().splitlines():
        if line.startswith("c.CourseDirectory.course_id"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise CourseError(f"{checkout}/nbgrader_config.py names no CourseDirectory.course_id")


def mount(state: Path) -> Path:
    """The exchange, mounted (made on first use, with nbgrader's 0777 root)."""
    at = root(state)
    if _mounted(at):
        return at
    mount_image(state / "exchange.img", at, SIZE_MB)
    os.chmod(at, 0o777)
    return at


def unmount(state: Path) -> None:
    at = root(state)
    if _mounted(at):
        subprocess.run(["umount", "-l", str(at)], capture_output=True, check=False)


def release_to_students(checkout: Path, state: Path, assignment: str) -> str:
    """Regenerate ``assignment`` in the course folder from the checkout's source and put it
    in the exchange; nbgrader's output."""
    course = course_dir(state)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(checkout / "nbgrader_config.py", course)
    source = checkout / "source" / assignment
    if not source.is_dir():
        raise CourseError(f"no assignment {assignment!r} in {checkout / 'source'}")
    shutil.rmtree(course / "source" / assignment, ignore_errors=True)
    shutil.copytree(source, course / "source" / assignment)
    release.main(course, only=[assignment], report=lambda _: None)
    return nbgrader_cli.run(
        course, ["release_assignment", assignment, "--force", f"--Exchange.root={mount(state)}"]
    )


def collect(state: Path, assignment: str, *, course: str) -> str:
    """The students' latest submissions of ``assignment`` into the course folder; a submission
    whose folder is not owned by the student it names is set aside first (nbgrader's exchange
    believes the name a student gives)."""
    refused = set_aside_impostors(state, course)
    said = nbgrader_cli.run(
        course_dir(state),
        ["collect", assignment, "--update", f"--Exchange.root={mount(state)}"],
    )
    return "".join(f"✗ set aside {name}: {why}\n" for name, why in refused) + said


def set_aside_impostors(state: Path, course: str) -> list[tuple[str, str]]:
    """Move inbound submissions not owned by the Unix user of the student they name into a
    root-only ``.refused/`` of the exchange; (name, why) of each."""
    from . import students

    inbound = mount(state) / course / "inbound"
    refused = mount(state) / ".refused"
    found = []
    for entry in sorted(inbound.iterdir()) if inbound.is_dir() else []:
        student = entry.name.split("+", 1)[0]
        try:
            owner = pwd.getpwnam(students.unix_name(student)).pw_uid
        except KeyError:
            owner = None
        st = entry.lstat()
        if owner is not None and stat.S_ISDIR(st.st_mode) and st.st_uid == owner:
            continue
        refused.mkdir(mode=0o700, exist_ok=True)
        os.rename(entry, refused / entry.name)
        who = pwd.getpwuid(st.st_uid).pw_name if _known_uid(st.st_uid) else str(st.st_uid)
        found.append((entry.name, f"made by {who}, not by {student}'s account"))
    return found


def _known_uid(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _mounted(at: Path) -> bool:
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        return any(line.split()[4] == str(at) for line in fh)
