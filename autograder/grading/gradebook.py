"""The one writer of the course gradebook: results of the workers go in here, one at a time.

nbgrader's SQLite gradebook does not like concurrent writers, so workers autograde in scratch
copies and the coordinator merges each finished submission with nbgrader's own
``SaveAutoGrades`` (the same code ``nbgrader autograde`` uses), under one lock.

A merge is one transaction: nbgrader commits after every row it writes (about 18 commits, each
an fsync, for one submission), here those commits only flush and the merge commits once, so a
submission's grades are in the gradebook whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import nbformat
from nbgrader.api import Comment, Grade, Gradebook, GradeCell, MissingEntry, SolutionCell
from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session, joinedload

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


def merge(
    course: Path, outcome: Outcome, lock: threading.Lock, gb: Gradebook | None = None
) -> None:
    """Record ``outcome`` in the course: autograded files and grades (0 when not graded).
    ``gb``: the course's gradebook, kept open by the caller across merges (its engine's cache
    of compiled statements halves the CPU of a merge), else one is opened for this merge."""
    job = outcome.job
    opened = contextlib.nullcontext(gb) if gb is not None else Gradebook(db_url(course))
    with lock, warnings.catch_warnings(), opened as gb, one_transaction(gb):
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
                SaveAutoGradesIn(gb).preprocess(nb, resources)
        else:
            submission = gb.find_submission(job.assignment, job.student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is not None or grade.cell.cell_type == "code":
                        grade.auto_score = 0.0
                        grade.needs_manual_grade = False


@contextlib.contextmanager
def one_transaction(gb: Gradebook) -> Iterator[None]:
    """Everything ``gb`` writes inside is committed once at the end, or rolled back on an
    exception: nbgrader's own commits in between only flush."""
    session: Session = gb.db()  # the scoped session's session: nbgrader's commits land here
    session.commit = session.flush  # type: ignore[method-assign]
    try:
        yield
    except BaseException:
        del session.commit
        session.rollback()
        raise
    del session.commit
    session.commit()


class SaveAutoGradesIn(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` writing through an open gradebook (the merge's
    transaction) instead of opening its own connection, which the merge's lock on the
    SQLite file would block; its rows looked up in the notebook's rows read up front
    (:class:`NotebookRows`)."""

    def __init__(self, gradebook: Gradebook, **kw) -> None:
        super().__init__(**kw)
        self.open_gradebook = gradebook

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.gradebook = NotebookRows(
            self.open_gradebook, self.notebook_id, self.assignment_id, self.student_id
        )
        return NbGraderPreprocessor.preprocess(self, nb, resources)  # the cells, as nbgrader's


class NotebookRows:
    """The gradebook as ``SaveAutoGrades`` uses it, for one submitted notebook: its grade and
    comment rows by cell name, read in two queries first. nbgrader's ``find_grade`` and
    ``find_comment`` make a six-table join for each cell (~4 ms of a core each, two dozen a
    notebook, in the coordinator that every worker waits on). Anything else goes to the
    gradebook itself, as do names this notebook has no row for (nbgrader's error, then)."""

    def __init__(self, gb: Gradebook, notebook: str, assignment: str, student: str) -> None:
        self._gb, self._key = gb, (notebook, assignment, student)
        found = gb.find_submission_notebook(notebook, assignment, student)
        load_cell = joinedload(Grade.cell)
        self._grades = _by_cell(
            gb.db.query(Grade).options(load_cell).filter(Grade.notebook_id == found.id),
            first=GradeCell,  # nbgrader's order: a grade cell of that name, then a task cell
        )
        self._comments = _by_cell(
            gb.db.query(Comment)
            .options(joinedload(Comment.cell))
            .filter(Comment.notebook_id == found.id),
            first=SolutionCell,
        )

    def __getattr__(self, name: str):
        return getattr(self._gb, name)

    def find_grade(self, grade_cell: str, notebook: str, assignment: str, student: str) -> Grade:
        row = self._grades.get(grade_cell) if (notebook, assignment, student) == self._key else None
        return row or self._gb.find_grade(grade_cell, notebook, assignment, student)

    def find_comment(
        self, solution_cell: str, notebook: str, assignment: str, student: str
    ) -> Comment:
        row = (
            self._comments.get(solution_cell) if (notebook, assignment, student) == self._key
            else None
        )  # fmt: skip
        return row or self._gb.find_comment(solution_cell, notebook, assignment, student)


def _by_cell(rows, *, first: type) -> dict:
    """Rows by their cell's name; of two cells of one name, the one of type ``first``, as
    nbgrader's lookups choose (only grade or solution cells and task cells have rows)."""
    found: dict = {}
    for row in rows:
        cell = row.cell
        if cell.name not in found or isinstance(cell, first):
            found[cell.name] = row
    return found


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
