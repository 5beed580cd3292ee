"""Redis SIGKILLed while the three grading hosts grade for real (append-only file, every write
synced), then started again on the same file: every submission is merged exactly once, none is
lost (the one still queued too), with local grading's scores."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from autograder.farm.hosts import Farm
from autograder.grading.worker import Job
from autograder.waiting import wait_until
from tests import nbgrader_course as ng
from tests.farm import VISIBILITY, Teacher, demo_course, journal_lines

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
UNACKED = "unacked"  # kombu's Redis transport: deliveries a worker has not acknowledged yet
# four for three hosts: one is still queued when Redis dies
KEEP = {("blank", "02-build-run"), ("blank", "05-volumes"),
        ("partial", "07-review"), ("perfect", "07-review")}  # fmt: skip


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
    store = redis.Redis(unix_socket_path=str(farm_hosts.redis.socket))
    unacked = {k.decode(): v for k, v in store.hgetall(UNACKED).items()}
    store.close()
    assert not unacked, f"deliveries never acknowledged (they would be graded again): {unacked}"
