"""``docker-course worker --broker URL``: a Celery worker that grades submissions with a fresh
jailed engine per submission, N at a time (one process per slot, one task per slot)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import signals

from ..errors import CourseError
from ..grading import backends
from .app import check_url, create_app, ping, redact
from .reaper import Background

BACKENDS = ("rootless-modern", "rootless", "private")


def main(
    broker: str,
    *,
    concurrency: int = 1,
    backend: str = "rootless-modern",
    time_limit: float = 900.0,
    max_attempts: int = 3,
    hostname: str | None = None,
    visibility: float | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve the farm at ``broker`` until stopped (SIGTERM: finish the tasks in hand first).
    ``visibility``: seconds after which a lost worker's submission is handed out again
    (default: 3 × ``time_limit`` + 240 s; each worker of a farm should use the same)."""
    from .tasks import LocalGrader

    check_url(broker)
    if backend not in BACKENDS:
        raise CourseError(f"a farm worker grades with {' or '.join(BACKENDS)}, not {backend!r}")
    if not backends.private_available():
        raise CourseError(
            "a farm worker needs a private engine per submission: Linux, root, nsenter and ip",
            fix="Run docker-course worker as root on a Linux grading host (docs/farm.md).",
        )
    grader = LocalGrader(backend)
    app = create_app(
        broker, time_limit=time_limit, grader=grader, max_attempts=max_attempts,
        visibility=visibility,
    )  # fmt: skip
    ping(app)
    _prepare(backend, echo)

    def close(**_) -> None:
        grader.close()

    reaper = Background()  # a new slot removes what dead slots left (a slot killed mid-task)
    signals.worker_process_init.connect(_may_have_children, weak=False)
    signals.worker_process_init.connect(reaper.start, weak=False)
    signals.worker_process_shutdown.connect(close, weak=False)  # each slot (prefork)
    signals.worker_process_shutdown.connect(reaper.join, weak=False)
    signals.worker_shutdown.connect(close, weak=False)  # the main process (solo, threads)
    echo(
        f"worker for {redact(broker)}: {concurrency} slots, {backend} engines, submissions up "
        f"to {time_limit:g} s (a lost worker's submission returns after "
        f"{app.farm_visibility:g} s)"
    )
    argv = ["worker", f"--concurrency={concurrency}", "--prefetch-multiplier=1", "--loglevel=INFO"]
    argv += ["--pool=prefork", "--without-mingle", "--without-gossip"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app.worker_main(argv)


def _may_have_children(**_) -> None:
    """A prefork slot is a daemonic billiard process, and billiard makes the standard
    library's ``multiprocessing`` take its process object as the current one. Grading could
    not start its nbgrader forkserver: "daemonic processes are not allowed to have children",
    then "Pickling an AuthenticationString object is disallowed" (billiard's key type). The
    slot's children die with it all the same: the forkserver exits when its parent's pipe
    closes, and each nbgrader it forks has a parent-death signal
    (:mod:`autograder.grading.launcher`)."""
    import multiprocessing
    import os
    from multiprocessing.process import AuthenticationString

    config = multiprocessing.current_process()._config
    config["daemon"] = False
    config["authkey"] = AuthenticationString(os.urandom(32))


def _prepare(backend: str, echo: Callable[[str], None]) -> None:
    """What every slot needs, done once before the slots start (they would race for it):
    the engine's course images bundled, the jail's packages, the leftovers of a killed run
    removed (a slot must not reap another slot's engines)."""
    from .. import engine, grade, jail, seed

    if engine.probe() is None:
        raise CourseError(
            f"no Docker engine answers at {engine.default_spec().base_url()}: a worker seeds "
            "each submission's engine with the course images from it",
            fix="Run `make setup` (or docker-course engine up && docker-course images prepare) "
            "in this checkout first.",
        )
    dc = engine.client()
    try:
        seed.seeds(dc, engine.project_root() / ".course" / "images")
    finally:
        dc.close()  # the slots are forked after: no inherited connection
    if backend.startswith("rootless"):
        jail.ensure_packages()
    if backend == "rootless-modern":  # Docker 28's tree, made once here (≈ 1–2 min), not per slot
        from .. import modern_engine

        modern_engine.tree(report=echo)
    grade.reap(echo)
