"""The Celery app of the farm: Redis as broker and result backend, JSON only, and the
settings that make a lost worker's submission come back to the queue."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from celery import Celery, signals

from ..errors import CourseError

TASK = "docker_course.grade"
QUEUE = "docker-course-grade"
GRACE = 120.0  # seconds a task may run past the submission's limit (engine teardown, upload)
MAX_ATTEMPTS = 3  # deliveries of one submission before it is reported failed
SCHEMES = ("redis", "rediss", "redis+socket")
URL_HELP = (
    "redis://[:password@]host:6379/0, rediss://[:password@]host:6380/0?ssl_cert_reqs=required "
    "(TLS) or redis+socket:///path/to/redis.sock"
)


def visibility_timeout(time_limit: float) -> float:
    """How long Redis waits before it hands an unacknowledged submission (its worker died)
    to another worker: about three times the longest a task may take. (A live worker renews
    the submissions it grades, see :func:`keep_visible`, so a shorter one is safe too.)"""
    return 3 * time_limit + 2 * GRACE


def transport_options(visibility: float) -> dict:
    """The Redis transport's options for a visibility timeout of ``visibility`` seconds: a
    worker looks for lost submissions every ``visibility / 10`` seconds (at most 10 s; kombu's
    default is every 100 s), and the lock of that look expires before the timeout does (a
    worker killed while it held it would otherwise stop every look for 5 minutes)."""
    return {
        "visibility_timeout": visibility,
        "unacked_restore_interval": max(1.0, min(10.0, visibility / 10)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": max(2, min(300, int(visibility / 2))),
    }


def task_limit(time_limit: float) -> float:
    """The hard limit of one task: the submission's limit (nbgrader is stopped then) and
    time to tear its engine down and send the result."""
    return time_limit + GRACE


def check_url(url: str) -> str:
    """``url`` if it names a Redis server, else a CourseError that says what would."""
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise CourseError(
            f"the farm needs a Redis URL, not {redact(url)!r}",
            fix=f"Give one of: {URL_HELP}.",
        )
    if scheme == "rediss" and "ssl_cert_reqs" not in url:
        raise CourseError(
            f"a rediss:// URL needs ssl_cert_reqs (Celery refuses TLS without it): {redact(url)}",
            fix="Add ?ssl_cert_reqs=required (and ssl_ca_certs=/path/ca.pem for your own CA).",
        )
    return url


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = re.sub(r":[^:@]*@", ":***@", parts.netloc, count=1)
    return urlunsplit(parts._replace(netloc=netloc))


def create_app(
    url: str,
    *,
    time_limit: float = 900.0,
    grader: Callable | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    work_dir: str | None = None,
    visibility: float | None = None,
) -> Celery:
    """The farm's app on the Redis server at ``url``. A worker's app gets the ``grader`` that
    grades one submission (see :mod:`.tasks`); the teacher's app only sends and collects.
    ``visibility``: the visibility timeout (default :func:`visibility_timeout` of the limit)."""
    from . import tasks

    check_url(url)
    visibility = visibility_timeout(time_limit) if visibility is None else float(visibility)
    if visibility <= 0:
        raise CourseError(f"the visibility timeout must be positive, not {visibility:g} s")
    app = Celery("docker_course_farm", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],  # never pickle: a message must not be code
        result_accept_content=["json"],
        task_acks_late=True,  # acknowledged when graded, not when received
        task_reject_on_worker_lost=True,  # a worker killed mid-task puts it back
        worker_prefetch_multiplier=1,  # a slot holds one submission, not a batch
        broker_transport_options=transport_options(visibility),
        result_backend_transport_options={"visibility_timeout": visibility},
        task_default_queue=QUEUE,
        task_track_started=True,
        result_expires=7 * 24 * 3600,
        broker_connection_retry_on_startup=True,
        # a worker that loses Redis goes on grading (its result is stored once Redis is back,
        # and merged once); said explicitly, as Celery 6 will change the default
        worker_cancel_long_running_tasks_on_connection_loss=False,
        result_backend_always_retry=True,  # a result survives a Redis restart
        result_backend_max_retries=60,  # ≈ 10 minutes at 10 s apart
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    if grader is not None:  # a worker's app
        quiet_connection_loss_warning()
        # again once the worker has set its logging up: that puts Celery's "always" first
        signals.worker_ready.connect(_quiet_again, weak=False, dispatch_uid=_quiet_again.__name__)
    app.farm_grader = grader
    app.farm_max_attempts = max_attempts
    app.farm_work_dir = work_dir
    app.farm_time_limit = time_limit
    app.farm_visibility = visibility
    tasks.register(app)
    return app


def quiet_connection_loss_warning() -> None:
    """Celery 5.x warns on every lost connection that Celery 6 will cancel the tasks in hand
    (``worker_cancel_long_running_tasks_on_connection_loss``), even when the app sets it. The
    farm sets it (to False: grading goes on, see :func:`create_app`): the warning says nothing."""
    import re
    import warnings

    from celery.exceptions import CPendingDeprecationWarning
    from celery.worker.consumer.consumer import CANCEL_TASKS_BY_DEFAULT

    warnings.filterwarnings(
        "ignore", message=re.escape(CANCEL_TASKS_BY_DEFAULT), category=CPendingDeprecationWarning
    )


def _quiet_again(**_) -> None:
    quiet_connection_loss_warning()


def store(app: Celery):
    """The redis-py client of the app's Redis server (kits and attempt counters live there)."""
    return app.backend.client


def ping(app: Celery, *, timeout: float = 5.0) -> None:
    """Raise a CourseError that says what to do when no Redis answers at the app's URL."""
    url = app.conf.broker_url
    client = store(app)
    pool = client.connection_pool
    pool.connection_kwargs.setdefault("socket_connect_timeout", timeout)
    try:
        client.ping()
    except Exception as exc:  # redis raises ConnectionError, AuthenticationError, SSL errors
        why = f"{type(exc).__name__}: {exc}"
        fix = "Start Redis there (apt-get install redis-server), or correct the URL"
        if "auth" in why.lower() or "password" in why.lower():
            fix = "Give the password in the URL: redis://:PASSWORD@host:6379/0"
        elif "ssl" in why.lower():
            fix = "Check the TLS settings: rediss:// with ssl_cert_reqs and ssl_ca_certs"
        raise CourseError(f"no Redis answers at {redact(url)} ({why})", fix=fix + ".") from exc


UNACKED_INDEX = "unacked_index"  # kombu's Redis transport: delivery tag → when it was handed out


def renew(client, delivery_tag: str) -> bool:
    """Tell Redis that the submission of ``delivery_tag`` is still being graded (a live worker
    calls it every quarter of the visibility timeout): only a lost worker's submissions
    outlive the timeout and are handed out again. False once it was acknowledged."""
    import time

    return bool(client.zadd(UNACKED_INDEX, {delivery_tag: time.time()}, xx=True, ch=True))
