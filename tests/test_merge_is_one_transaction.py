"""The coordinator's merge writes exactly what nbgrader's own ``SaveAutoGrades`` writes, in one
transaction: one commit per submission instead of nbgrader's one per row, and a merge that
fails midway leaves the gradebook as it was."""

from __future__ import annotations

import shutil
import threading
import warnings
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SAWarning

from autograder.grading import gradebook
from autograder.grading.worker import Job, Outcome
from tests.nbgrader_course import make_course

A = "07-review"
FAILED_CELLS = {"check-q2"}  # an autograded notebook where this test cell raised


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("merge") / "course", A)


@pytest.fixture
def course(released: Path, tmp_path: Path) -> Path:
    shutil.copytree(released, tmp_path / "course")
    return tmp_path / "course"


def _outcome(course: Path, student: str, scratch: Path) -> Outcome:
    """A graded outcome whose notebook failed the cells in FAILED_CELLS."""
    target = scratch / "autograded" / student / A
    target.mkdir(parents=True)
    nb = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in FAILED_CELLS:
            cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="")]
    nbformat.write(nb, target / f"{A}.ipynb")
    (course / "submitted" / student / A).mkdir(parents=True)
    return Outcome(Job(student, A), "graded", "test", 1.0, scratch)


def _nbgraders_way(course: Path, outcome: Outcome) -> None:
    """What the merge did before: nbgrader's calls, each committing on its own."""
    job = outcome.job
    with Gradebook(gradebook.db_url(course)) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's autoflush noise
        gb.update_or_create_student(job.student)
        gb.update_or_create_submission(job.assignment, job.student)
    target = course / "autograded" / job.student / job.assignment
    shutil.copytree(outcome.autograded, target)
    for path in sorted(target.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        info = {"notebook": path.stem, "assignment": A, "student": job.student,
                "db_url": gradebook.db_url(course)}  # fmt: skip
        SaveAutoGrades().preprocess(nb, {"nbgrader": info})


def _written(course: Path, student: str) -> dict[str, tuple]:
    with Gradebook(gradebook.db_url(course)) as gb:
        notebook = gb.find_submission(A, student).notebooks[0]
        rows = {g.name: (g.auto_score, g.needs_manual_grade) for g in notebook.grades}
        rows |= {f"comment {c.name}": (c.auto_comment,) for c in notebook.comments}
        return rows


class Commits:
    """Counts commits on every SQLAlchemy engine while it is open."""

    def __init__(self) -> None:
        self.n = 0

    def _seen(self, _conn) -> None:
        self.n += 1

    def __enter__(self) -> Commits:
        event.listen(Engine, "commit", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(Engine, "commit", self._seen)


def test_the_merge_writes_what_nbgrader_writes(course: Path, tmp_path: Path) -> None:
    ours = _outcome(course, "ours", tmp_path / "a")
    theirs = _outcome(course, "theirs", tmp_path / "b")
    with Commits() as opening:  # nbgrader's Gradebook() commits its table and course checks
        Gradebook(gradebook.db_url(course)).close()
    with Commits() as merged:
        gradebook.merge(course, ours, threading.Lock())
    with Commits() as nbgraders:
        _nbgraders_way(course, theirs)
    got, want = _written(course, "ours"), _written(course, "theirs")
    assert got == want, f"merged {got}\nnbgrader wrote {want}"
    scores = {name: row[0] for name, row in got.items() if not name.startswith("comment")}
    assert scores["check-q2"] == 0 and scores["check-q1"] == 2, f"not the graded notebook: {scores}"
    assert got["why-commit"][1] is True, f"a written answer is not left for a person: {got}"
    writes, nbgraders_writes = merged.n - opening.n, nbgraders.n - 2 * opening.n
    assert writes == 1, f"the merge's writes took {writes} commits (nbgrader's: {nbgraders_writes})"
    assert nbgraders_writes > 5, f"nbgrader's way took {nbgraders_writes} commits: not per row?"


def test_a_merge_that_fails_midway_leaves_nothing(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = _outcome(course, "kim", tmp_path / "a")
    calls = []

    def fails_on_the_second_grade(self, cell, resources):
        calls.append(cell.metadata.nbgrader.grade_id)
        if len(calls) == 2:
            raise RuntimeError("the disk filled up")
        return SaveAutoGrades._add_score(self, cell, resources)

    monkeypatch.setattr(gradebook.SaveAutoGradesIn, "_add_score", fails_on_the_second_grade)
    with pytest.raises(RuntimeError, match="disk filled"):
        gradebook.merge(course, outcome, threading.Lock())
    assert len(calls) == 2, f"the merge did not get as far as the second grade: {calls}"
    with Gradebook(gradebook.db_url(course)) as gb, pytest.raises(MissingEntry):
        found = gb.find_submission(A, "kim")
        pytest.fail(f"half a merge was committed: {[g.auto_score for g in found.grades]}")


class RowLookups(Commits):
    """Counts the SELECTs of grade or comment rows on every SQLAlchemy engine while open."""

    def __enter__(self) -> RowLookups:
        event.listen(Engine, "before_cursor_execute", self._count)
        return self

    def _count(self, _conn, _cursor, statement: str, *_args) -> None:
        text = " ".join(statement.split())
        if text.startswith("SELECT") and any(f"FROM {t} " in text for t in ("grade", "comment")):
            self.n += 1

    def __exit__(self, *exc) -> None:
        event.remove(Engine, "before_cursor_execute", self._count)


def test_the_merge_reads_each_notebooks_rows_once(course: Path, tmp_path: Path) -> None:
    ours = _outcome(course, "ours", tmp_path / "a")
    theirs = _outcome(course, "theirs", tmp_path / "b")
    with RowLookups() as merged:
        gradebook.merge(course, ours, threading.Lock())
    with RowLookups() as nbgraders:
        _nbgraders_way(course, theirs)
    rows = len(_written(course, "ours"))
    assert nbgraders.n >= rows > 5, f"nbgrader's way looked {rows} rows up {nbgraders.n} times"
    assert merged.n == 2, f"the merge looked its {rows} rows up in {merged.n} queries, not 2"
