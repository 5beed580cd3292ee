"""A farm worker process for the tests: prefork slots (each a process, as in production)
with the fake grading, and a submission named ``poison`` that kills its slot.

    python -m tests.farm_worker URL WORK_DIR MAX_ATTEMPTS
"""

from __future__ import annotations

import os
import signal
import sys

from autograder.farm.app import create_app
from tests.farm import fake_grade


def grade_or_die(course, job, scratch, listing, time_limit, limits):
    if job.student == "poison":
        os.kill(os.getpid(), signal.SIGKILL)  # as an out-of-memory kill would
    return fake_grade(course, job, scratch, listing, time_limit, limits)


def main() -> None:
    url, work_dir, attempts = sys.argv[1], sys.argv[2], int(sys.argv[3])
    app = create_app(
        url, time_limit=30, grader=grade_or_die, max_attempts=attempts, work_dir=work_dir
    )
    app.worker_main(
        ["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
         "--without-mingle", "--without-gossip", "--hostname=poisoned@test"]
    )  # fmt: skip


if __name__ == "__main__":
    main()
