"""``docker-course grade COURSE --farm URL``: queue one task per submission not graded yet,
show progress, and merge every result once (this process is the one writer of the gradebook,
the journal and the reports, as in local grading)."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import redis.exceptions
from celery import states
from celery.exceptions import TimeoutError as CeleryTimeout
from celery.result import ResultSet
from kombu.exceptions import OperationalError

from ..errors import CourseError
from ..grading.limits import Limits
from ..grading.worker import Job, Outcome
from . import kit, lost, payload, tasks
from .app import create_app, ping, redact, store
from .attempts import Attempts

REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OperationalError)
LOOK = 5.0  # seconds without news before the stored results (and lost submissions) are looked at


def grade(
    course: Path,
    todo: list[Job],
    url: str,
    *,
    time_limit: float,
    limits: Limits,
    merger: Callable[..., bool],
    echo: Callable[[str], None] = print,
    interval: float = 0.5,
    patience: float = 600.0,
    visibility: float | None = None,
) -> list[Outcome]:
    """Grade ``todo`` on the farm at ``url``; each outcome is merged by ``merger`` (see
    ``grade.Merger``) as it comes back; a Redis that stops answering is waited for up to
    ``patience`` seconds; ``visibility``: the farm's visibility timeout, if not the default
    (the workers' own decides when a lost submission comes back). The outcomes, in the order
    they came back."""
    from ..grade import progress

    if not todo:  # everything was graded already: no need of the farm
        return []
    app = create_app(url, time_limit=time_limit, visibility=visibility)
    try:
        ping(app)
        redis = store(app)
        kits = {}
        for name in sorted({job.assignment for job in todo}):
            kits[name] = kit.build(course, name, merger.lock)
            _patiently(lambda k=kits[name]: kit.publish(redis, k), patience, echo)
        collector = Collector(course, merger, Attempts(redis, app.farm_max_attempts))
        messages = {}
        for job in todo:
            message = payload.submission_message(
                course, job, kit=kits[job.assignment].sha, time_limit=time_limit, limits=limits
            )
            tid = payload.task_id(message)
            collector.expect(tid, job, message["fingerprint"])
            messages[tid] = message
            _patiently(lambda m=message, t=tid: _send_once(app, m, t), patience, echo)

        def send_again(tids: set[str]) -> None:
            """Submissions Redis lost: their kits and messages once more."""
            for name in sorted({collector.expected[t][0].assignment for t in tids}):
                kit.publish(redis, kits[name])
            for tid in sorted(tids):
                tasks.send(app, messages[tid])

        echo(f"grading {len(todo)} submissions on the farm at {redact(url)} ({_workers(app)})")
        with progress(len(todo)) as bar:
            _collect(
                app, collector, bar, interval=interval, patience=patience, echo=echo,
                send_again=send_again,
            )  # fmt: skip
        return collector.outcomes
    finally:
        app.close()


def _collect(
    app, collector: Collector, bar, *, interval: float, patience: float, echo,
    send_again: Callable[[set[str]], None] | None = None,
) -> None:  # fmt: skip
    """Merge results as they come until every expected one is in; wait for Redis through a
    restart (it keeps queue and results on disk: appendonly yes). Results are announced on a
    pub/sub channel, and one announced while that channel reconnected (a Redis restart) is
    never heard: so every ``wait`` seconds, and after each reconnection, the results already
    stored are read directly. Submissions Redis lost (a crash that lost its last writes, a
    Redis started without its file) are found then too, and sent again (``send_again``)."""
    down_since: float | None = None
    wait = max(LOOK, 20 * interval)
    suspects: set[str] = set()  # held nowhere at the last look
    while pending := [tid for tid in collector.expected if tid not in collector.handled]:
        try:
            for tid, meta in app.backend.get_many(pending, interval=0, max_iterations=1):
                down_since = None
                _take(app, collector, bar, tid, meta)
            pending = [tid for tid in pending if tid not in collector.handled]
            if not pending:
                break
            results = ResultSet([app.AsyncResult(t) for t in pending])
            for tid, meta in results.iter_native(interval=interval, timeout=wait):
                down_since = None
                _take(app, collector, bar, tid, meta)
        except (TimeoutError, CeleryTimeout):  # nothing heard for a while: read them again
            if send_again is not None:
                with contextlib.suppress(*REDIS_DOWN):  # the next look waits for Redis
                    now_lost = lost.lost(app, pending)
                    gone, suspects = now_lost & suspects, now_lost - suspects
                    if gone:
                        echo(
                            f"{len(gone)} submissions are nowhere in Redis (not queued, not in "
                            "a worker's hands, no result: Redis lost them): sent again"
                        )
                        send_again(gone)
            continue
        except REDIS_DOWN as exc:
            now = time.monotonic()
            if down_since is None:
                down_since = now
                echo(f"Redis does not answer ({type(exc).__name__}): waiting up to {patience:g} s")
            elif now - down_since > patience:
                raise CourseError(
                    f"Redis did not answer for {patience:g} s; {len(collector.outcomes)} "
                    "submissions were merged",
                    fix="Run the same grade --farm command again once Redis is back: merged "
                    "submissions are kept, results the workers sent are collected.",
                ) from exc
            time.sleep(min(5.0, interval * 4))


def _take(app, collector: Collector, bar, tid: str, meta: dict) -> None:
    outcome = collector.accept(tid, meta)
    if outcome is None:
        return
    # merged and journaled: Redis may drop it (it expires anyway). Not forget(): the backend
    # retries that for minutes while Redis is down, and the run would wait on it.
    with contextlib.suppress(*REDIS_DOWN):
        store(app).delete(app.backend.get_key_for_task(tid))
        app.backend.result_consumer.cancel_for(tid)
    bar.set_postfix_str(f"{outcome.job.student}/{outcome.job.assignment} {outcome.status}")
    bar.update()


def _send_once(app, message: dict, tid: str) -> None:
    """Queue ``message`` unless a run that died sent it already: SUCCESS is collected, STARTED
    is in a worker's hands (Redis hands it out again if that worker is lost)."""
    if app.AsyncResult(tid).state not in (states.SUCCESS, states.STARTED):
        tasks.send(app, message)


def _patiently(step: Callable[[], object], patience: float, echo) -> None:
    """``step``, again while Redis does not answer (a restart), for up to ``patience`` s."""
    deadline = None
    while True:
        try:
            step()
            return
        except REDIS_DOWN as exc:
            now = time.monotonic()
            if deadline is None:
                deadline = now + patience
                echo(f"Redis does not answer ({type(exc).__name__}): waiting up to {patience:g} s")
            elif now > deadline:
                raise CourseError(
                    f"Redis did not answer for {patience:g} s while submissions were sent",
                    fix="Run the same grade --farm command again once Redis is back.",
                ) from exc
            time.sleep(0.5)


def _workers(app) -> str:
    try:
        replies = app.control.ping(timeout=1.0)
    except REDIS_DOWN:
        return "Redis does not answer just now"
    if not replies:
        return "no worker answers yet: start them with docker-course worker --broker URL"
    return f"{len(replies)} workers answer"


class Collector:
    """Turns each result into an :class:`Outcome` and merges it once: a result delivered twice
    (a task graded twice after its worker was thought lost) is merged the first time only."""

    def __init__(self, course: Path, merger: Callable[..., bool], attempts: Attempts) -> None:
        self.course = course
        self.merger = merger
        self.attempts = attempts
        self.expected: dict[str, tuple[Job, str]] = {}  # task id → (job, fingerprint)
        self.outcomes: list[Outcome] = []
        self.handled: set[str] = set()  # task ids whose result was taken (merged or a repeat)

    def expect(self, tid: str, job: Job, fingerprint: str) -> None:
        self.expected[tid] = (job, fingerprint)

    def accept(self, tid: str, meta: dict) -> Outcome | None:
        """Merge the result ``meta`` (a Celery result: status and result) of task ``tid``; the
        outcome, or None if it is not one of ours or was merged already."""
        if tid not in self.expected or tid in self.handled:
            return None
        job, fingerprint = self.expected[tid]
        scratch = self.course / ".grading" / "farm" / f"{job.student}--{job.assignment}"
        shutil.rmtree(scratch, ignore_errors=True)
        outcome = self._outcome(job, fingerprint, meta, scratch)
        merged = self.merger(outcome, fingerprint=fingerprint)
        self.handled.add(tid)
        if not merged:
            return None
        with contextlib.suppress(*REDIS_DOWN):  # the counter expires anyway
            self.attempts.clear(tid)
        self.outcomes.append(outcome)
        return outcome

    def _outcome(self, job: Job, fingerprint: str, meta: dict, scratch: Path) -> Outcome:
        status, result = meta.get("status"), meta.get("result")
        if status == states.SUCCESS:
            try:
                outcome = payload.outcome_of(result, scratch)
                if outcome.job != job or result.get("fingerprint") != fingerprint:
                    raise payload.PayloadError(
                        f"a result for {outcome.job.student}/{outcome.job.assignment} "
                        f"(files {str(result.get('fingerprint'))[:12]}) came back as this one's"
                    )
                worker = str(result.get("worker", "?")).split(" pid ")[0].removeprefix("celery@")
                outcome.backend = f"{outcome.backend} on {worker}"
                if int(result.get("attempt", 1)) > 1:
                    outcome.problems.append(
                        f"graded on try {result['attempt']} (a worker was lost before)"
                    )
                return outcome
            except (payload.PayloadError, KeyError, TypeError, ValueError) as exc:
                why = f"the worker's result could not be read: {exc}"
        else:
            why = f"the task ended {status}: {_exception_text(result)}"
        return Outcome(job, "error", "farm", 0.0, scratch, [why[:400]])


def _exception_text(result) -> str:
    if isinstance(result, dict):
        return f"{result.get('exc_type', '?')}: {result.get('exc_message', '')}"[:300]
    return f"{type(result).__name__}: {result}"[:300]
