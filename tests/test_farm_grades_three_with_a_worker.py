"""Smoke: Redis on a unix socket, one real Celery worker (a thread, the fake grading), three
submissions queued by the teacher's side and three results merged, with the scores the same
fake grading gives on the teacher's machine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.farm import client
from autograder.farm.redis_server import RedisServer
from autograder.grading import submission
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from tests.farm import A, fake_grade, merger, scores, worker_thread

STUDENTS = ("blank", "partial", "perfect")

pytestmark = pytest.mark.farm  # Debian's redis-server


def test_three_submissions_through_the_farm(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    here = tmp_path / "here"
    shutil.copytree(farm_course, here)
    local = merger(here)
    for student in STUDENTS:  # the same grading on this machine, for comparison
        job = Job(student, A)
        listing = submission.scan(here, student, A)
        local(fake_grade(here, job, tmp_path / "local" / student, listing, 60, Limits()))
    todo = [Job(s, A) for s in STUDENTS]
    seen: list[str] = []
    with worker_thread(redis_server.url, work_dir=str(tmp_path / "worker")):
        outcomes = client.grade(
            farm_course, todo, redis_server.url, time_limit=60, limits=Limits(),
            merger=merger(farm_course), echo=seen.append, interval=0.1,
        )  # fmt: skip
    assert sorted(o.job.student for o in outcomes) == list(STUDENTS), outcomes
    assert all(o.status == "graded" for o in outcomes), [(o.job, o.problems) for o in outcomes]
    assert scores(farm_course) == scores(here), f"farm {scores(farm_course)} here {scores(here)}"
    assert scores(farm_course)[("blank", A)] < scores(farm_course)[("perfect", A)]
    lines = (farm_course / ".grading" / "journal.jsonl").read_text().splitlines()
    assert len(lines) == 3, lines
    assert "1 workers answer" in seen[-1], seen
    assert not list((tmp_path / "worker").glob("farm-*")), "the worker left a scratch course"
