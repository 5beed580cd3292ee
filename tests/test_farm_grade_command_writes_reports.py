"""`grade --farm URL` is `grade` with the grading elsewhere: the same reports, a second run
keeps what the first merged, and the workers are told nothing of what was kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from autograder import grade
from autograder.farm.redis_server import RedisServer
from tests.farm import A, worker_thread

pytestmark = pytest.mark.farm  # Debian's redis-server


def test_grade_main_through_the_farm(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    seen: list[str] = []
    with worker_thread(redis_server.url, work_dir=str(tmp_path / "worker")):
        first = grade.main(
            farm_course, student="perfect", farm=redis_server.url, feedback=False,
            echo=seen.append,
        )  # fmt: skip
        again = grade.main(
            farm_course, student="perfect", farm=redis_server.url, feedback=False,
            echo=seen.append,
        )  # fmt: skip
    assert [(o.job.student, o.status) for o in first] == [("perfect", "graded")], first
    assert [o.status for o in again] == ["graded earlier"], again
    with open(farm_course / "reports" / "grades.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["student_id"] == "perfect"]
    assert [r["assignment"] for r in rows] == [A], rows
    assert float(rows[0]["raw_score"]) > 0, rows
    assert any("on the farm at redis+socket://" in line for line in seen), seen
