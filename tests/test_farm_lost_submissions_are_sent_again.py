"""Redis that lost the queued submissions (started again without its append-only file, or a
crash that lost its last second of writes under ``appendfsync everysec``): the teacher's run
finds them nowhere (not queued, not in a worker's hands, no result), sends them again with
their kits, and every submission is merged once. Submissions that are only waiting for a worker
are never sent twice."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from redis import Redis

from autograder.farm import app as farm_app
from autograder.farm import client
from autograder.farm.redis_server import RedisServer
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from autograder.waiting import wait_until
from tests.farm import A, journal_lines, merger, worker_thread

pytestmark = pytest.mark.farm  # Debian's redis-server

STUDENTS = ("blank", "partial", "perfect")
LOOK = 0.3  # seconds between looks at Redis (5 s in a real run)


def test_lost_submissions_are_sent_again_and_merged_once(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "LOOK", LOOK)
    looks = []
    real_lost = client.lost.lost
    monkeypatch.setattr(client.lost, "lost", lambda *a: looks.append(real_lost(*a)) or looks[-1])
    said: list[str] = []
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["outcomes"] = client.grade(
                farm_course, [Job(s, A) for s in STUDENTS], redis_server.url, time_limit=60,
                limits=Limits(), merger=merger(farm_course), echo=said.append, interval=0.01,
            )  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            done["error"] = exc

    redis = Redis(unix_socket_path=str(redis_server.socket))
    teacher = threading.Thread(target=run, daemon=True)
    teacher.start()
    # no worker yet: queued, waiting, and looked at several times without being sent again
    wait_until(lambda: len(looks) >= 4, timeout=60, what="four looks at the waiting queue")
    assert redis.llen(farm_app.QUEUE) == len(STUDENTS), "waiting submissions were sent again"
    assert not any(looks), f"waiting submissions were taken for lost: {looks}"
    assert not any("sent again" in line for line in said), said

    redis.flushall()  # Redis lost everything: queue, kits, counters
    with worker_thread(redis_server.url, work_dir=str(tmp_path / "w")):
        teacher.join(timeout=120)
    assert not teacher.is_alive(), f"the run did not end after Redis lost its queue: {said}"
    assert "error" not in done, done.get("error")
    assert any(f"{len(STUDENTS)} submissions are nowhere in Redis" in s for s in said), said
    assert sorted(o.job.student for o in done["outcomes"]) == sorted(STUDENTS)
    assert sorted(journal_lines(farm_course)) == sorted((s, A) for s in STUDENTS), (
        "merged twice or lost"
    )
