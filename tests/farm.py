"""Fixtures of the grading farm's tests: a redis-server of the test's own (unix socket,
append-only), a small course, a fake per-submission grading and a Celery worker thread."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from autograder import demo
from autograder.farm import app as farm_app
from autograder.farm.redis_server import RedisServer
from autograder.grade import Merger
from autograder.grading import submission
from autograder.grading.journal import Journal
from autograder.grading.limits import Limits
from autograder.grading.worker import Job, Outcome
from tests import nbgrader_course as ng

A = "07-review"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Debian's redis-server on a unix socket in tmp_path (no TCP port), append-only."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture(scope="session")
def farm_course_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo class's 07-review, released (nbgrader ran once for the session)."""
    return demo.build(tmp_path_factory.mktemp("farm") / "course", ng.ROOT, only=[A])


@pytest.fixture
def farm_course(farm_course_template: Path, tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(farm_course_template, course)
    return course


def merger(course: Path) -> Merger:
    return Merger(course, Journal(course), threading.Lock())


def fake_grade(
    course: Path,
    job: Job,
    scratch: Path,
    listing: submission.Listing,
    time_limit: float,
    limits: Limits,
) -> Outcome:
    """Grading without an engine: the submitted notebooks become the autograded ones, and a
    notebook that still holds the stub (``NotImplementedError``) fails every grade cell."""
    target = scratch / "autograded" / job.student / job.assignment
    target.mkdir(parents=True, exist_ok=True)
    wanted = sorted(p.name for p in (course / "source" / job.assignment).glob("*.ipynb"))
    if not all(listing.has(name) for name in wanted):
        return Outcome(job, "missing", "fake", 0.01, scratch, [*listing.refused, "missing"])
    for name in wanted:
        nb = nbformat.read(listing.folder / name, as_version=4)
        blank = any("NotImplementedError" in cell.source for cell in nb.cells)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                cell.outputs = (
                    [
                        nbformat.v4.new_output(
                            "error", ename="AssertionError", evalue="", traceback=[]
                        )
                    ]
                    if blank
                    else []
                )
        nbformat.write(nb, target / name)
    return Outcome(job, "graded", "fake", 0.01, scratch, list(listing.refused))


@contextlib.contextmanager
def worker_thread(url: str, grader=fake_grade, **options) -> Iterator[object]:
    """A real Celery worker (solo pool, in a thread) of the farm at ``url`` with ``grader``."""
    from celery.contrib.testing.worker import start_worker

    worker_app = farm_app.create_app(url, time_limit=60, grader=grader, **options)
    try:
        with start_worker(
            worker_app, pool="solo", perform_ping_check=False, loglevel="WARNING",
            shutdown_timeout=20,
        ) as worker:  # fmt: skip
            yield worker
    finally:
        worker_app.close()


def scores(course: Path) -> dict[tuple[str, str], float]:
    from nbgrader.api import Gradebook

    from autograder.grading.gradebook import db_url

    with Gradebook(db_url(course)) as gb:
        return {
            (sub.student_id, assignment.name): sub.score
            for assignment in gb.assignments
            for sub in assignment.submissions
        }
