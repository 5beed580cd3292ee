"""The one writer of the course gradebook: results of the workers go in here, one at a time.

nbgrader's SQLite gradebook does not like concurrent writers, so workers autograde in scratch
copies and the coordinator merges each finished submission with nbgrader's own
``SaveAutoGrades`` (the same code ``nbgrader autograde`` uses), under one lock.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy.exc import SAWarning

from . import submission
from .crash import crashpoint
from .worker import Outcome


def db_url(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


def has_assignment(course: Path, assignment: str) -> bool:
    with Gradebook(db_url(course)) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            return False
    return True


def submissions(course: Path) -> set[tuple[str, str]]:
    """(student, assignment) of every submission the gradebook holds (one query per
    assignment, not one per submission: a class of 200 × 7 stays quick)."""
    if not (course / "gradebook.db").exists():
        return set()
    with Gradebook(db_url(course)) as gb:
        return {
            (sub.student_id, assignment.name)
            for assignment in gb.assignments
            for sub in assignment.submissions
        }


def merge(course: Path, outcome: Outcome, lock: threading.Lock) -> None:
    """Record ``outcome`` in the course: autograded files and grades (0 when not graded)."""
    job = outcome.job
    with lock, warnings.catch_warnings(), Gradebook(db_url(course)) as gb:
        crashpoint("merge-begin")
        # nbgrader's update_or_create_submission trips SQLAlchemy autoflush warnings: noise
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(job.student)
        gb.update_or_create_submission(
            job.assignment, job.student, timestamp=_timestamp(course, job.student, job.assignment)
        )
        target = course / "autograded" / job.student / job.assignment
        if outcome.status == "graded":
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(outcome.autograded, target)
            crashpoint("merge-mid")
            for path in sorted(target.glob("*.ipynb")):
                nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
                resources = {
                    "nbgrader": {
                        "notebook": path.stem,
                        "assignment": job.assignment,
                        "student": job.student,
                        "db_url": db_url(course),
                    }
                }
                SaveAutoGrades().preprocess(nb, resources)
        else:
            submission = gb.find_submission(job.assignment, job.student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is not None or grade.cell.cell_type == "code":
                        grade.auto_score = 0.0
                        grade.needs_manual_grade = False
            gb.db.commit()


def _timestamp(course: Path, student: str, assignment: str):
    stamp = course / "submitted" / student / assignment / "timestamp.txt"
    try:  # a regular file, never through a link, and small
        text = submission.read_bytes(stamp, limit=4096).decode(errors="replace").strip()
    except OSError:
        text = ""
    if text:
        for fmt in ("%Y-%m-%d %H:%M:%S.%f %Z", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
            try:
                return dt.datetime.strptime(text.replace(" UTC", ""), fmt.replace(" %Z", ""))
            except ValueError:
                continue
    return None
