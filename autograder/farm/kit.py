"""The kit of one assignment: what a worker needs of the course to grade its submissions.

``source/<assignment>/`` (the notebooks with hidden tests), ``release/<assignment>/*.ipynb``
(what students were handed: tampering is compared with it), ``nbgrader_config.py`` and a
gradebook that holds that assignment only: no student, no grade of anyone (SQLite VACUUMed,
so deleted rows do not linger in free pages). It is content-addressed (sha256), put in Redis
once per run, and cached by workers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError
from . import payload

KEY = "docker-course:kit:{sha}"
TTL = 14 * 24 * 3600  # seconds a kit stays in Redis after its last run


@dataclass(frozen=True)
class Kit:
    assignment: str
    sha: str
    files: dict  # relative path → base64, as payload.encode_files makes them

    def message(self) -> bytes:
        return json.dumps({"assignment": self.assignment, "files": self.files}).encode()


def build(course: Path, assignment: str, lock: threading.Lock) -> Kit:
    names = [
        *(
            p.relative_to(course)
            for p in sorted((course / "source" / assignment).rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts
        ),
        *(p.relative_to(course) for p in sorted((course / "release" / assignment).glob("*.ipynb"))),
        Path("nbgrader_config.py"),
    ]
    files = payload.encode_files(course, names)
    with tempfile.TemporaryDirectory(prefix="dcourse-kit-") as tmp:
        db = Path(tmp) / "gradebook.db"
        with lock:  # the merger writes the gradebook; copy a consistent file
            shutil.copy(course / "gradebook.db", db)
        _strip(db, assignment)
        files |= payload.encode_files(Path(tmp), [Path("gradebook.db")])
    return Kit(assignment, digest(files), files)


def digest(files: dict) -> str:
    """The kit's hash: of its file names and contents."""
    found = hashlib.sha256()
    for name in sorted(files):
        found.update(name.encode() + b"\0" + hashlib.sha256(files[name].encode()).digest())
    return found.hexdigest()


def _strip(db: Path, assignment: str) -> None:
    """Keep ``assignment`` (its notebooks, cells, checksums) and nothing of any student."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db}") as gb:
        warnings.simplefilter("ignore", SAWarning)
        for student in list(gb.students):
            gb.remove_student(student.id)
        for other in [a.name for a in gb.assignments if a.name != assignment]:
            gb.remove_assignment(other)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("VACUUM")


def publish(store, kit: Kit) -> None:
    """Put ``kit`` in Redis (again: that renews its time to live)."""
    store.set(KEY.format(sha=kit.sha), kit.message(), ex=TTL)


def fetch(store, sha: str, cache: Path) -> Path:
    """The folder of kit ``sha`` (cached below ``cache``), checked against its hash."""
    folder = cache / sha
    if (folder / ".complete").is_file():
        return folder
    raw = store.get(KEY.format(sha=sha))
    if raw is None:
        raise CourseError(
            f"kit {sha[:12]} is not in Redis (expired, or Redis lost it)",
            fix="Run docker-course grade --farm again on the teacher's machine: it puts it back.",
        )
    message = json.loads(raw)
    if digest(message["files"]) != sha:
        raise CourseError(f"kit {sha[:12]} in Redis does not match its hash: not used")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{sha[:12]}-", dir=cache))
    try:
        payload.write_files(message["files"], tmp)
        (tmp / ".complete").touch()
        try:
            os.rename(tmp, folder)
        except OSError:  # another slot of this worker made it first
            if not (folder / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def course_from(kit_dir: Path, to: Path) -> Path:
    """A course folder at ``to`` with the kit's files (the submission goes in after)."""
    shutil.copytree(kit_dir, to, ignore=shutil.ignore_patterns(".complete"))
    return to
