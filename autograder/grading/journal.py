"""What a grading run has finished, so that a run killed half-way resumes instead of starting
over: one JSON line per submission, appended (and fsynced) after its grades are in the
gradebook. A rerun skips submissions whose line matches their current files (``--force``
regrades everything), like ``nbgrader autograde`` skips what it graded already.

A run killed between the gradebook commit and the journal line grades that submission once
more on the rerun; nbgrader's gradebook *updates* the submission, so no grade is duplicated.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from . import submission
from .crash import CRASH_ENV, crashpoint
from .worker import Job, Outcome


class Journal:
    def __init__(self, course: Path) -> None:
        self.path = course / ".grading" / "journal.jsonl"
        self.course = course

    def fingerprint(self, job: Job) -> str:
        """Hash of the submitted files (names and bytes): a resubmission is graded again."""
        return submission.fingerprint(submission.scan(self.course, job.student, job.assignment))

    def done(self) -> dict[tuple[str, str], dict]:
        """Finished submissions by (student, assignment); a torn last line is ignored."""
        found: dict[tuple[str, str], dict] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in self.path.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    entry = json.loads(line)
                    found[(entry["student"], entry["assignment"])] = entry
        return found

    def record(self, outcome: Outcome, *, fingerprint: str | None = None) -> None:
        """One line for ``outcome``; ``fingerprint`` is that of the files it graded (default:
        the files there now)."""
        entry = {
            "student": outcome.job.student,
            "assignment": outcome.job.assignment,
            "fingerprint": fingerprint or self.fingerprint(outcome.job),
            "status": outcome.status,
            "backend": outcome.backend,
            "seconds": round(outcome.seconds, 1),
            "lease_seconds": round(outcome.lease_seconds, 2),
            "problems": outcome.problems,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if os.fstat(fd).st_size and os.pread(fd, 1, os.fstat(fd).st_size - 1) != b"\n":
                os.write(fd, b"\n")  # a torn line of a killed run stays on a line of its own
            if os.environ.get(CRASH_ENV) == "journal-mid":
                os.write(fd, line[: len(line) // 2])
                crashpoint("journal-mid")
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
