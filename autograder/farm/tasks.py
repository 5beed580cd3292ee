"""One task grades one submission: the kit of its assignment and its files make a course
folder of one submission, which today's per-submission grading (``grading.worker.grade_one``,
with a lease of this worker's backend) grades; the autograded files, scores' inputs and
problems go back as JSON. The teacher's machine merges them."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from billiard.exceptions import WorkerLostError
from celery.worker.request import Request

from ..errors import CourseError
from ..grading import backends, submission
from ..grading.limits import Limits
from ..grading.worker import Job, Outcome, grade_one
from . import kit, payload
from .app import TASK, renew, store, task_limit
from .attempts import Attempts

log = logging.getLogger(__name__)

#: grades one submission: (course, job, scratch, listing, time limit, limits) → its outcome
Grader = Callable[[Path, Job, Path, submission.Listing, float, Limits], Outcome]
WORK_DIR = Path(os.environ.get("DOCKER_COURSE_FARM_DIR", "/var/tmp/docker-course-farm"))


def register(app) -> None:
    # shared=False: a task of its own per app (Celery's default adds it to every app, and
    # then an app's worker could run it with another app's Redis and grader)
    @app.task(
        name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True, shared=False,
        Request=FarmRequest,
    )  # fmt: skip
    def grade(self, message: dict) -> dict:
        farm = self.app
        if farm.farm_grader is None:
            raise CourseError("this app only sends submissions; start docker-course worker")
        return run(
            message,
            grader=farm.farm_grader,
            store=store(farm),
            task=self.request.id,
            worker=f"{self.request.hostname or socket.gethostname()} pid {os.getpid()}",
            max_attempts=farm.farm_max_attempts,
            work_dir=Path(farm.farm_work_dir) if farm.farm_work_dir else WORK_DIR,
            delivery_tag=(self.request.delivery_info or {}).get("delivery_tag"),
            renew_every=farm.farm_visibility / 4,
        )


class FarmRequest(Request):
    """A task request whose slot dying is written beside its try (the attempt log), so the
    report of a submission that kept killing its worker says how it died. It also hands the
    message's delivery tag to the slot, which renews it while it grades (:func:`run`)."""

    def __init__(self, message, *args, **kwargs) -> None:
        super().__init__(message, *args, **kwargs)
        tag = getattr(message, "delivery_tag", None)
        if tag is not None:  # the slot gets this dict with the request
            self._delivery_info["delivery_tag"] = str(tag)

    def on_failure(self, exc_info, send_failed_event=True, return_ok=False):
        exc = exc_info.exception
        exc = getattr(exc, "exc", exc)  # unwrap ExceptionWithTraceback
        if isinstance(exc, WorkerLostError | SystemExit):
            with contextlib.suppress(Exception):  # a note only: never in the way of the requeue
                why = str(exc).split(" Job:")[0] or type(exc).__name__
                Attempts(store(self.task.app), 0).lost(self.id, why)
        return super().on_failure(exc_info, send_failed_event, return_ok)


def run(
    message: dict,
    *,
    grader: Grader,
    store,
    task: str,
    worker: str,
    max_attempts: int,
    work_dir: Path,
    delivery_tag: str | None = None,
    renew_every: float = 60.0,
) -> dict:
    """Grade the submission of ``message`` with ``grader``; the result message. While it
    grades, the delivery ``delivery_tag`` is renewed every ``renew_every`` seconds (see
    :func:`.app.renew`)."""
    with _kept_visible(store, delivery_tag, renew_every):
        return _run(message, grader, store, task, worker, max_attempts, work_dir)


@contextlib.contextmanager
def _kept_visible(store, delivery_tag: str | None, every: float):
    """A thread that renews ``delivery_tag`` every ``every`` seconds until the block ends."""
    if delivery_tag is None:
        yield
        return
    done = threading.Event()

    def keep() -> None:
        while not done.wait(every):
            try:
                renew(store, delivery_tag)
            except Exception as exc:  # Redis down: the next renewal may succeed  # noqa: BLE001
                log.info("could not renew %s: %s", delivery_tag, exc)

    thread = threading.Thread(target=keep, name="farm-renew", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def _run(message, grader, store, task, worker, max_attempts, work_dir) -> dict:
    started = time.time()
    payload.check_message(message)
    job = Job(message["student"], message["assignment"])
    attempts = Attempts(store, max_attempts)
    count, earlier = attempts.begin(task, worker)
    if attempts.exhausted(count):
        outcome = Outcome(job, "failed", "-", 0.0, work_dir, [attempts.why(count, earlier)])
        log.warning("%s/%s: %s", job.student, job.assignment, outcome.problems[0])
        return _result(outcome, message, worker, count, started)
    kit_dir = kit.fetch(store, message["kit"], work_dir / "kits")
    work_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="farm-", dir=work_dir))
    try:
        course = kit.course_from(kit_dir, tmp / "course")
        folder = course / "submitted" / job.student / job.assignment
        folder.mkdir(parents=True)
        files = payload.write_files(message["files"], folder)
        listing = submission.Listing(folder, sorted(files), [str(r) for r in message["refused"]])
        if submission.fingerprint(listing) != message["fingerprint"]:
            raise payload.PayloadError("the submission's files do not match their hash")
        scratch = course / ".grading" / f"{job.student}--{job.assignment}"
        outcome = grader(
            course, job, scratch, listing, float(message["time_limit"]), payload.limits_of(message)
        )
        log.info(
            "%s/%s: %s in %.1f s", job.student, job.assignment, outcome.status, outcome.seconds
        )
        return _result(outcome, message, worker, count, started)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _result(outcome: Outcome, message: dict, worker: str, count: int, started: float) -> dict:
    return payload.result_message(
        outcome, fingerprint=message["fingerprint"], worker=worker, attempt=count, started=started
    )


def send(app, message: dict) -> str:
    """Queue ``message``; its task id."""
    tid = payload.task_id(message)
    app.send_task(TASK, args=[message], task_id=tid, time_limit=task_limit(message["time_limit"]))
    return tid


class LocalGrader:
    """Today's grading of one submission (``grade_one``) on a lease of this process's backend
    (one per set of limits, opened on first use: each slot of a worker is a process)."""

    def __init__(self, choice: str = "rootless-modern") -> None:
        self.choice = choice
        self._backends: dict[Limits, backends.Backend] = {}
        self._lock = threading.Lock()

    def __call__(
        self,
        course: Path,
        job: Job,
        scratch: Path,
        listing: submission.Listing,
        time_limit: float,
        limits: Limits,
    ) -> Outcome:
        return grade_one(
            course,
            job,
            scratch,
            functools.partial(self._backend(limits).lease, job.assignment),
            time_limit=time_limit,
            lock=threading.Lock(),  # this course folder has no other writer
            listing=listing,
        )

    def _backend(self, limits: Limits) -> backends.Backend:
        from .. import grade

        with self._lock:
            if limits not in self._backends:
                opened = grade.open_backend(self.choice, limits, log.warning, reap_first=False)
                if isinstance(opened, backends.SharedBackend):
                    opened.close()
                    raise CourseError("a farm worker never grades on a shared engine")
                self._backends[limits] = opened
            return self._backends[limits]

    def close(self) -> None:
        with self._lock:
            opened, self._backends = list(self._backends.values()), {}
        for backend in opened:
            backend.close()
