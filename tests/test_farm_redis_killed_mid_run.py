"""Redis SIGKILLed while the three grading hosts grade for real (append-only file, every write
synced), then started again on the same file: every submission is merged exactly once, none is
lost (the one still queued too), with local grading's scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.farm.hosts import Farm
from autograder.grading.worker import Job
from autograder.waiting import wait_until
from tests import nbgrader_course as ng
from tests.farm import VISIBILITY, Teacher, demo_course, journal_lines

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
# four for three hosts: one is still queued when Redis dies
KEEP = {("perfect", "01-concepts"), ("sdk_only", "03-commit-save-load"),
        ("blank", "04-layers"), ("perfect", "07-review")}  # fmt: skip


def test_a_redis_sigkill_loses_and_doubles_nothing(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    course = demo_course(tmp_path / "course", KEEP)
    teacher = Teacher(course, [Job(*k) for k in sorted(KEEP)], farm_hosts.url,
                      visibility=VISIBILITY)  # fmt: skip
    teacher.start()
    wait_until(
        lambda: any(h.grading(*k) for h in farm_hosts.hosts for k in KEEP),
        timeout=300, interval=0.05, max_interval=0.1, what="a submission's engine runs",
    )  # fmt: skip
    farm_hosts.redis.stop(kill=True)
    farm_hosts.redis.start()
    outcomes = teacher.result(timeout=900)
    seen = f"{outcomes}\n{teacher.said}\n{farm_hosts.logs()}"
    assert sorted(journal_lines(course)) == sorted(KEEP), seen
    assert sorted((o.job.student, o.job.assignment) for o in outcomes) == sorted(KEEP), seen
    assert all(o.status == "graded" for o in outcomes), seen
    differ = {
        key: (ng.submission_score(graded_demo_class, *key), ng.submission_score(course, *key))
        for key in sorted(KEEP)
        if ng.submission_score(graded_demo_class, *key) != ng.submission_score(course, *key)
    }
    assert not differ, f"(student, assignment): (local, farm) {differ}\n{seen}"
