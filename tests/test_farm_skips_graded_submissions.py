"""A farm run journals what it merged with the hash of the files it graded: a rerun skips
those submissions, and grades one whose files changed."""

from __future__ import annotations

from pathlib import Path

from autograder import grade
from autograder.farm import payload
from autograder.farm.client import Collector
from autograder.grading import submission
from autograder.grading.journal import Journal
from autograder.grading.worker import Job
from tests.farm import A, fake_grade, merger


class _NoAttempts:
    def clear(self, task: str) -> None:
        pass


def test_rerun_skips_what_was_merged(farm_course: Path, tmp_path: Path) -> None:
    jobs = [Job("perfect", A), Job("blank", A)]
    collector = Collector(farm_course, merger(farm_course), _NoAttempts())
    for n, job in enumerate(jobs):
        listing = submission.scan(farm_course, job.student, A)
        fingerprint = submission.fingerprint(listing)
        outcome = fake_grade(farm_course, job, tmp_path / job.student, listing, 60, None)
        result = payload.result_message(
            outcome, fingerprint=fingerprint, worker="w", attempt=1, started=0
        )
        collector.expect(f"t{n}", job, fingerprint)
        collector.accept(f"t{n}", {"status": "SUCCESS", "result": result})
    (farm_course / "submitted" / "blank" / A / "late.txt").write_text("handed in again")
    kept = grade._graded_before(
        farm_course, grade.discover(farm_course, A, None), Journal(farm_course)
    )
    assert kept == [Job("perfect", A)], f"kept {kept}"
