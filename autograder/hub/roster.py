"""The class roster: a CSV of student ids (one per line, an optional header ``id``), and the
teacher's id given apart. Ids become hub user names (and later Unix users), so they are
checked here with a message that names the line."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

ID = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
RESERVED = frozenset({"root", "admin", "daemon", "nobody", "docker", "jupyter", "hub"})


@dataclass(frozen=True)
class Roster:
    students: tuple[str, ...]
    teacher: str

    @property
    def everyone(self) -> tuple[str, ...]:
        return (self.teacher, *self.students)


def check_id(name: str, where: str) -> str:
    name = name.strip()
    if not ID.match(name):
        raise CourseError(
            f"{where}: {name!r} is not a usable id: lower-case letters, digits, '-' or '_', "
            "starting with a letter, at most 31 characters."
        )
    if name in RESERVED:
        raise CourseError(f"{where}: {name!r} is reserved; choose another id.")
    return name


def read(path: Path, teacher: str) -> Roster:
    """Student ids from ``path`` (first column; blank lines, ``#`` comments and a header ``id``
    are skipped); duplicates and the teacher's own id among students are errors."""
    if not path.is_file():
        raise CourseError(f"roster {path} not found: a CSV with one student id per line.")
    seen: dict[str, int] = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for number, row in enumerate(csv.reader(fh), start=1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if number == 1 and row[0].strip().lower() in {"id", "student", "student_id"}:
                continue
            name = check_id(row[0], f"{path}:{number}")
            if name in seen:
                raise CourseError(f"{path}:{number}: {name!r} is already on line {seen[name]}.")
            seen[name] = number
    if not seen:
        raise CourseError(f"roster {path} has no student ids.")
    teacher = check_id(teacher, "--teacher")
    if teacher in seen:
        raise CourseError(f"{path}:{seen[teacher]}: the teacher {teacher!r} is not a student.")
    return Roster(tuple(seen), teacher)
