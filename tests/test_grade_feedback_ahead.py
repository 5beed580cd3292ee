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
