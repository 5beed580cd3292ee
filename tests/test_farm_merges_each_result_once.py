"""The teacher's machine merges a result once: the same result delivered twice leaves one
submission in the gradebook, one journal line and one outcome."""

from __future__ import annotations

import json
from pathlib import Path

from autograder.farm import payload
from autograder.farm.client import Collector
from autograder.grading import submission
from autograder.grading.journal import Journal
from autograder.grading.worker import Job
from tests.farm import A, fake_grade, merger, scores


class _NoAttempts:
    def clear(self, task: str) -> None:
        pass


def test_a_result_delivered_twice_is_merged_once(farm_course: Path, tmp_path: Path) -> None:
    job = Job("perfect", A)
    listing = submission.scan(farm_course, job.student, A)
    fingerprint = submission.fingerprint(listing)
    outcome = fake_grade(farm_course, job, tmp_path / "w", listing, 60, None)
    result = payload.result_message(
        outcome, fingerprint=fingerprint, worker="celery@w1 pid 1", attempt=1, started=0
    )
    meta = {"status": "SUCCESS", "result": json.loads(json.dumps(result))}
    collector = Collector(farm_course, merger(farm_course), _NoAttempts())
    collector.expect("t1", job, fingerprint)
    first, second = collector.accept("t1", meta), collector.accept("t1", meta)
    assert first is not None and second is None, (first, second)
    lines = Journal(farm_course).path.read_text().splitlines()
    assert len(lines) == 1, lines
    assert list(scores(farm_course)) == [("perfect", A)], scores(farm_course)
    assert first.backend == "fake on w1", first.backend


def test_a_result_for_other_files_is_not_taken_as_this_one(farm_course: Path, tmp_path: Path):
    job = Job("perfect", A)
    listing = submission.scan(farm_course, job.student, A)
    outcome = fake_grade(farm_course, job, tmp_path / "w", listing, 60, None)
    result = payload.result_message(outcome, fingerprint="old", worker="w", attempt=1, started=0)
    collector = Collector(farm_course, merger(farm_course), _NoAttempts())
    collector.expect("t1", job, submission.fingerprint(listing))
    seen = collector.accept("t1", {"status": "SUCCESS", "result": result})
    assert seen.status == "error" and "came back as this one's" in seen.problems[0], seen
