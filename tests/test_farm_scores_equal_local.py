"""Demo-class submissions graded through the farm (Redis on a unix socket, one `docker-course
worker` with three slots on this machine, rootless engines) get the scores local grading gave
the same submissions, and the worker leaves no engine behind.

Not the whole class (50 submissions, minutes): `partial` (each section loses some points but
not all, so passing and failing checks are compared), without 04 and 06, the two longest (about
30 s each), and `missing` (folders without a notebook)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder import demo
from autograder.farm.redis_server import RedisServer
from autograder.private_engine import reap_leftovers
from tests import nbgrader_course as ng

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
STUDENTS = {"partial", "missing"}
LEFT_OUT = {"04-layers", "06-best-practices"}


@pytest.fixture
def worker(redis_server: RedisServer, tmp_path: Path) -> Iterator[subprocess.Popen]:
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [str(ng.BIN / "docker-course"), "worker", "--broker", redis_server.url, "-c", "3"],
        cwd=ng.ROOT, env=ng.env(), stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield proc
    finally:
        for sig, grace in ((signal.SIGTERM, 120), (signal.SIGKILL, 30)):  # warm shutdown first
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace)
                break
        log.close()


def test_farm_scores_equal_local_scores(
    graded_demo_class: Path, redis_server: RedisServer, worker: subprocess.Popen, tmp_path
) -> None:
    course = demo.build(tmp_path / "course", ng.ROOT)
    for other in sorted((course / "submitted").glob("*/*")):
        if other.parent.name not in STUDENTS or other.name in LEFT_OUT:
            shutil.rmtree(other)
    done = ng.grade(course, "--farm", redis_server.url, timeout=3000)
    log = (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-2000:]}\nworker:\n{log}"
    assert "rootless on" in done.stdout, done.stdout[-3000:]
    submitted = sorted((p.parent.name, p.name) for p in (course / "submitted").glob("*/*"))
    assert {s for s, _ in submitted} == STUDENTS and len(submitted) == 7, submitted
    differ = {
        key: (ng.submission_score(graded_demo_class, *key), ng.submission_score(course, *key))
        for key in submitted
        if ng.submission_score(graded_demo_class, *key) != ng.submission_score(course, *key)
    }
    assert not differ, f"(student, assignment): (local, farm) {differ}"
    assert reap_leftovers(min_age=0) == [], "engines outlived the worker's submissions"
