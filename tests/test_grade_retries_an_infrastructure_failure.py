"""An engine or jail that will not start (a transient failure of the grader, not of the
submission) gets one more attempt before the submission is reported as a grading error."""

from __future__ import annotations

import threading
from pathlib import Path

from autograder import demo
from autograder.grading import worker
from tests import nbgrader_course as ng

A = "07-review"


def test_a_lease_that_fails_twice_is_tried_twice(tmp_path: Path) -> None:
    course = demo.build(tmp_path / "course", ng.ROOT, only=[A])
    tries: list[int] = []

    def broken_lease():
        tries.append(1)
        raise FileNotFoundError("/var/tmp/dcourse/template-x: removed under us")

    outcome = worker.grade_one(
        course,
        worker.Job("perfect", A),
        tmp_path / "scratch",
        broken_lease,
        time_limit=60,
        lock=threading.Lock(),
    )
    assert len(tries) == 2, f"the lease was tried {len(tries)} times"
    assert outcome.status == "error", outcome
    assert "(tried again)" in outcome.problems[0] and "FileNotFoundError" in outcome.problems[-1]
