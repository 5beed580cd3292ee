"""Import an LMS download (one zip of every student's files) into ``submitted/``.

nbgrader's ``zip_collect`` does the work (extract, match file names, copy, timestamps); this
module only runs it once per assignment and reports, file by file, what it could not place.
The default pattern fits Canvas/Moodle-style names such as ``alice_1234_5678_02-build-run.ipynb``
or ``Alice Kim_42_assignsubmission_file_02-build-run.ipynb``: the student id is everything
before the first underscore, the notebook name comes last.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import nbgrader_cli
from ..errors import CourseError

DEFAULT_PATTERN = r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>\d\d-[A-Za-z0-9-]+\.ipynb)$"


@dataclass
class ImportReport:
    placed: list[tuple[str, str, str]] = field(default_factory=list)  # student, assignment, file
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # member, reason

    def text(self) -> str:
        lines = [f"imported {len(self.placed)} notebooks from the zip"]
        if self.unplaced:
            lines.append(f"{len(self.unplaced)} files could not be placed:")
            lines += [f"  ✗ {member}: {reason}" for member, reason in self.unplaced]
        return "\n".join(lines)


def import_zip(
    course: Path, zip_path: Path, assignments: list[str], pattern: str = DEFAULT_PATTERN
) -> ImportReport:
    if not zipfile.is_zipfile(zip_path):
        raise CourseError(
            f"{zip_path} is not a zip file.",
            fix="Pass the zip your LMS gave you (e.g. 'Download all submissions').",
        )
    regex = re.compile(pattern)
    notebooks = {f"{a}.ipynb": a for a in assignments}
    report = ImportReport()
    wanted: set[str] = set()
    with zipfile.ZipFile(zip_path) as archive:
        for member in archive.namelist():
            if member.endswith("/"):
                continue
            match = regex.match("/x/" + member.split("/")[-1])
            if not match:
                report.unplaced.append((member, "name does not match the pattern"))
            elif match["file_id"] not in notebooks:
                report.unplaced.append((member, f"unknown notebook {match['file_id']}"))
            else:
                wanted.add(notebooks[match["file_id"]])
                report.placed.append((match["student_id"], notebooks[match["file_id"]], member))
    for assignment in sorted(wanted):
        archive_dir = course / "downloaded" / assignment / "archive"
        if archive_dir.exists():
            shutil.rmtree(archive_dir)
        archive_dir.mkdir(parents=True)
        shutil.copy(zip_path, archive_dir / zip_path.name)
        _zip_collect(course, assignment, pattern)
    for student, assignment, member in list(report.placed):
        if not (course / "submitted" / student / assignment / f"{assignment}.ipynb").is_file():
            report.placed.remove((student, assignment, member))
            report.unplaced.append((member, "nbgrader zip_collect did not place it"))
    return report


def _zip_collect(course: Path, assignment: str, pattern: str) -> None:
    nbgrader_cli.run(
        course,
        [
            "zip_collect",
            assignment,
            "--force",
            "--strict",
            f"--FileNameCollectorPlugin.named_regexp={pattern}",
        ],
    )
