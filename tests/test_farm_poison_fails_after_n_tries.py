"""A submission handed out more times than the limit (its worker died under it each time) is
reported failed with the workers it stopped, and is not graded again."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from autograder.farm import payload, tasks
from autograder.farm.attempts import Attempts
from autograder.farm.redis_server import RedisServer
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from tests.farm import A

pytestmark = pytest.mark.farm  # Debian's redis-server


def test_fourth_delivery_is_failed_without_grading(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    store = redis.Redis(unix_socket_path=str(redis_server.socket))
    try:
        message = payload.submission_message(
            farm_course, Job("perfect", A), kit="0" * 64, time_limit=60, limits=Limits()
        )
        attempts = Attempts(store, 3)
        for host in ("w1", "w2", "w3"):  # three workers that died under it
            attempts.begin("t1", host)
        graded: list[str] = []
        result = tasks.run(
            message,
            grader=lambda *args: graded.append("graded"),
            store=store,
            task="t1",
            worker="w4",
            max_attempts=3,
            work_dir=tmp_path / "work",
        )
    finally:
        store.close()
    assert not graded, "a submission past its tries was graded again"
    assert result["status"] == "failed", result
    assert "lost 3 times" in result["problems"][0], result["problems"]
    assert all(w in result["problems"][0] for w in ("w1", "w2", "w3")), result["problems"]
