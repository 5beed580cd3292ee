"""A submission that kills the worker process grading it comes back to the queue (acks_late,
reject_on_worker_lost) and, after the allowed tries, is merged as failed with the reason;
the other submissions are graded."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.farm import client
from autograder.farm.redis_server import RedisServer
from autograder.grading.limits import Limits
from autograder.grading.worker import Job
from tests.farm import A, merger
from tests.nbgrader_course import ROOT

pytestmark = pytest.mark.farm  # Debian's redis-server


@pytest.fixture
def prefork_worker(redis_server: RedisServer, tmp_path: Path) -> Iterator[subprocess.Popen]:
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.farm_worker", redis_server.url, str(tmp_path / "w"), "2"],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield proc
    finally:
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the worker and its slots: a group of their own
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace)
                break
        log.close()


def test_poison_is_failed_after_two_tries(
    farm_course: Path, prefork_worker: subprocess.Popen, redis_server: RedisServer, tmp_path
) -> None:
    shutil.copytree(farm_course / "submitted" / "perfect", farm_course / "submitted" / "poison")
    todo = [Job("poison", A), Job("perfect", A)]
    outcomes = client.grade(
        farm_course, todo, redis_server.url, time_limit=30, limits=Limits(),
        merger=merger(farm_course), echo=lambda _: None, interval=0.2,
    )  # fmt: skip
    found = {o.job.student: o for o in outcomes}
    log = (tmp_path / "worker.log").read_text(errors="replace")[-2000:]
    assert found["perfect"].status == "graded", (found["perfect"], log)
    assert found["poison"].status == "failed", (found["poison"], log)
    assert "lost 2 times" in found["poison"].problems[0], found["poison"].problems
    assert "poisoned@test" in found["poison"].problems[0], found["poison"].problems
    assert "SIGKILL" in found["poison"].problems[0], found["poison"].problems
