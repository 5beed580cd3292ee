"""Redis restarted in the middle of a run (SIGTERM, append-only file kept): every submission
is merged once and none is lost (worker, result backend and teacher's side reconnect)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from autograder.farm import client
from autograder.farm.redis_server import RedisServer
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from tests.farm import A, fake_grade, merger, scores, worker_thread

pytestmark = pytest.mark.farm  # Debian's redis-server

STUDENTS = ("alternative", "blank", "core_path", "partial", "perfect", "sdk_only")


def slow_grade(*args):
    time.sleep(0.4)  # long enough for the restart to fall inside the run
    return fake_grade(*args)


def test_a_redis_restart_loses_and_doubles_nothing(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    journal = farm_course / ".grading" / "journal.jsonl"
    seen: list[str] = []
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["outcomes"] = client.grade(
                farm_course, [Job(s, A) for s in STUDENTS], redis_server.url, time_limit=60,
                limits=Limits(), merger=merger(farm_course), echo=seen.append, interval=0.1,
            )  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            done["error"] = exc

    with worker_thread(redis_server.url, grader=slow_grade, work_dir=str(tmp_path / "w")):
        teacher = threading.Thread(target=run)
        teacher.start()
        deadline = time.monotonic() + 60
        while not (journal.exists() and journal.read_text().count("\n") >= 1):
            assert time.monotonic() < deadline, f"nothing merged in 60 s: {seen}"
            time.sleep(0.05)
        redis_server.stop()  # SIGTERM: Redis writes its append-only file
        time.sleep(1.0)
        redis_server.start()
        teacher.join(timeout=120)
    assert not teacher.is_alive(), f"the run did not end after the restart: {seen}"
    assert "error" not in done, done.get("error")
    students = sorted(o.job.student for o in done["outcomes"])
    assert students == sorted(STUDENTS), students
    lines = journal.read_text().splitlines()
    assert len(lines) == len(STUDENTS), f"journal lines {len(lines)}: doubled or lost"
    assert len(scores(farm_course)) == len(STUDENTS), scores(farm_course)
