"""Feedback of an assignment starts as soon as its last submission of the run is merged, while
later assignments grade; the last assignment's waits for the end of the run; an assignment with
nothing graded gets none; a failure is raised by ``wait``. (nbgrader replaced by a recorder.)"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from autograder import grade
from autograder.errors import CourseError
from autograder.grading.worker import Job, Outcome


@pytest.fixture
def calls(monkeypatch) -> list[list[str]]:
    seen: list[list[str]] = []
    lock = threading.Lock()

    def nbgrader(course: Path, args: list[str]) -> None:
        with lock:
            seen.append(args)
        if "broken" in args:
            raise CourseError("nbgrader generate_feedback broken failed (exit 1)")

    monkeypatch.setattr(grade, "_nbgrader", nbgrader)
    return seen


def _outcome(student: str, assignment: str, status: str = "graded") -> Outcome:
    return Outcome(Job(student, assignment), status, "test", 1.0, Path("/nonexistent"))


def test_feedback_starts_when_an_assignment_is_done(calls, tmp_path: Path) -> None:
    todo = [Job(s, a) for a in ("01", "02") for s in ("kim", "lee")]
    ahead = grade.FeedbackAhead(tmp_path, todo)
    ahead.merged(_outcome("kim", "01"))
    assert "01" not in ahead.started, "feedback started before the assignment was done"
    ahead.merged(_outcome("lee", "01"))
    assert list(ahead.started) == ["01"], ahead.started
    ahead.merged(_outcome("kim", "02"))
    ahead.merged(_outcome("lee", "02"))
    ahead.wait()
    assert calls == [["generate_feedback", "01", "--force"]], f"the last one is the run's: {calls}"


def test_nothing_graded_no_feedback(calls, tmp_path: Path) -> None:
    todo = [Job("kim", "01"), Job("kim", "02")]
    ahead = grade.FeedbackAhead(tmp_path, todo)
    ahead.merged(_outcome("kim", "01", status="missing"))
    ahead.merged(_outcome("kim", "02"))
    ahead.wait()
    assert calls == [] and not ahead.started, calls


def test_a_failure_is_raised_by_wait(calls, tmp_path: Path) -> None:
    todo = [Job("kim", "broken"), Job("kim", "later")]
    ahead = grade.FeedbackAhead(tmp_path, todo)
    ahead.merged(_outcome("kim", "broken"))
    with pytest.raises(CourseError, match="broken"):
        ahead.wait()


def test_an_idle_worker_gives_the_last_assignment_its_feedback_early(calls, tmp_path) -> None:
    """Two workers: once a single submission is left, the last assignment's merged students
    get their feedback by name; the run's end gives it to the rest (the last one, and one
    graded in an earlier run), never twice."""
    (tmp_path / "autograded" / "old" / "02").mkdir(parents=True)  # graded by an earlier run
    todo = [Job(s, a) for a in ("01", "02") for s in ("kim", "lee", "park")]
    ahead = grade.FeedbackAhead(tmp_path, todo, workers=2)
    for job in todo[:4]:  # 01 done; two of 02 still to come, both in flight
        ahead.merged(_outcome(job.student, job.assignment))
    assert ahead.early == set(), f"feedback given early with nothing of 02 merged: {ahead.early}"
    ahead.merged(_outcome("kim", "02"))  # one left, one worker idle
    ahead.merged(_outcome("lee", "02"))
    ahead.wait()
    early = [
        "generate_feedback",
        "02",
        "--force",
        "--CourseDirectory.student_id_exclude=lee,old,park",
    ]
    assert calls == [["generate_feedback", "01", "--force"], early], calls
    assert ahead.rest("02") == [
        "generate_feedback",
        "02",
        "--force",
        "--CourseDirectory.student_id_exclude=kim",
    ], ahead.rest("02")
    assert ahead.rest("01") is None, "01's feedback would be given twice"


def test_without_workers_nothing_is_given_early(calls, tmp_path) -> None:
    todo = [Job(s, "01") for s in ("kim", "lee")]
    ahead = grade.FeedbackAhead(tmp_path, todo)  # the farm: its workers are not counted
    ahead.merged(_outcome("kim", "01"))
    ahead.merged(_outcome("lee", "01"))
    ahead.wait()
    assert calls == [] and ahead.rest("01") == ["generate_feedback", "01", "--force"], calls
