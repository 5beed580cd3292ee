"""Fixtures of the grading farm's tests: a redis-server of the test's own (unix socket,
append-only), a small course, a fake per-submission grading and a Celery worker thread; three
namespaced grading hosts with real grading, shared by the session, and a teacher thread."""

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
from autograder.farm.hosts import Farm, Host
from autograder.farm.redis_server import RedisServer
from autograder.grade import Merger
from autograder.grading import submission
from autograder.grading.journal import Journal
from autograder.grading.limits import Limits
from autograder.grading.worker import Job, Outcome
from autograder.waiting import wait_until
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
            farm_app.quiet_connection_loss_warning()  # after the worker's logging set-up
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


VISIBILITY = 10.0  # seconds before a lost host's submission is handed out again (tests only)


@pytest.fixture(scope="session")
def farm_hosts(tmp_path_factory: pytest.TempPathFactory, graded_demo_class: Path) -> Iterator[Farm]:
    """Redis (unix socket, append-only, every write synced) and three grading hosts, each a
    ``docker-course worker -c 1`` in network, mount and pid namespaces of its own (see
    :mod:`autograder.farm.hosts`), shared by the tests that grade for real. After the demo
    class's local grading: the hosts start with its engine templates. Whatever a host left
    behind (engine, namespace, jail, cgroup, process) fails the teardown."""
    farm = Farm(tmp_path_factory.mktemp("farm-hosts"), hosts=3, visibility=VISIBILITY)
    with farm:
        yield farm
    assert not farm.leaks, f"the grading hosts left behind: {farm.leaks}"


def demo_course(where: Path, keep: set[tuple[str, str]]) -> Path:
    """The demo class with only the submissions ``keep`` ((student, assignment) pairs)."""
    course = demo.build(where, ng.ROOT, only=sorted({a for _, a in keep}))
    for folder in sorted((course / "submitted").glob("*/*")):
        if (folder.parent.name, folder.name) not in keep:
            shutil.rmtree(folder)
    found = {(p.parent.name, p.name) for p in (course / "submitted").glob("*/*")}
    assert found == keep, f"the demo class has no {sorted(keep - found)}"
    return course


class Teacher(threading.Thread):
    """``grade --farm`` of ``jobs`` in this process (a thread): ``outcomes`` or ``error``."""

    def __init__(self, course: Path, jobs: list[Job], url: str, **options) -> None:
        super().__init__(name="teacher", daemon=True)
        self.course, self.jobs, self.url, self.options = course, jobs, url, options
        self.said: list[str] = []
        self.outcomes: list[Outcome] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from autograder.farm import client

        try:
            self.outcomes = client.grade(
                self.course, self.jobs, self.url, time_limit=900, limits=Limits(),
                merger=merger(self.course), echo=self.said.append, interval=0.2, **self.options,
            )  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            self.error = exc

    def result(self, timeout: float) -> list[Outcome]:
        self.join(timeout)
        assert not self.is_alive(), f"grade --farm did not end in {timeout:g} s: {self.said}"
        assert self.error is None, f"grade --farm failed: {self.error!r} {self.said}"
        assert self.outcomes is not None
        return self.outcomes


def grade_victim(
    farm: Farm, where: Path, victim: tuple[str, str]
) -> tuple[Path, Teacher, Host, str]:
    """The demo course with only ``victim``, its ``grade --farm`` started in a teacher thread,
    and the host and lease that grade it, once its engine runs (the moment a fault test strikes)."""
    course = demo_course(where, {victim})
    teacher = Teacher(course, [Job(*victim)], farm.url, visibility=VISIBILITY)
    teacher.start()
    host, lease = wait_until(
        lambda: next(((h, le) for h in farm.hosts if (le := h.grading(*victim))), None),
        timeout=300, interval=0.05, max_interval=0.1, what="the submission's engine runs",
    )  # fmt: skip
    return course, teacher, host, lease


def journal_lines(course: Path) -> list[tuple[str, str]]:
    """(student, assignment) of every journal line: a submission merged twice shows twice."""
    import json

    path = course / ".grading" / "journal.jsonl"
    lines = path.read_text().splitlines() if path.is_file() else []
    return [(j["student"], j["assignment"]) for j in map(json.loads, lines)]
