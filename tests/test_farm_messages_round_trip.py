"""A submission crosses the queue as JSON: its files come out byte for byte, with the same
content hash, and a name that would climb out of its folder is refused on either side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.farm import payload
from autograder.grading import submission
from autograder.grading.limits import Limits
from autograder.grading.worker import Job, Outcome
from tests.farm import A


def test_files_and_hash_survive_json(farm_course: Path, tmp_path: Path) -> None:
    folder = farm_course / "submitted" / "perfect" / A
    (folder / "data").mkdir()
    (folder / "data" / "blob.bin").write_bytes(bytes(range(256)) * 3)
    message = payload.submission_message(
        farm_course, Job("perfect", A), kit="k" * 64, time_limit=60, limits=Limits()
    )
    back = json.loads(json.dumps(message))
    written = payload.write_files(back["files"], tmp_path / "out")
    listing = submission.Listing(tmp_path / "out", sorted(written), back["refused"])
    for rel in written:
        seen = (tmp_path / "out" / rel).read_bytes()
        assert seen == (folder / rel).read_bytes(), f"{rel} changed on the way"
    assert submission.fingerprint(listing) == message["fingerprint"], "hash differs after JSON"
    assert payload.limits_of(back) == Limits(), back["limits"]


def test_same_files_same_task_id(farm_course: Path) -> None:
    job = Job("perfect", A)
    first = payload.submission_message(farm_course, job, kit="k", time_limit=60, limits=Limits())
    again = payload.submission_message(farm_course, job, kit="k", time_limit=60, limits=Limits())
    assert payload.task_id(first) == payload.task_id(again)
    (farm_course / "submitted" / "perfect" / A / "extra.txt").write_text("resubmitted")
    changed = payload.submission_message(farm_course, job, kit="k", time_limit=60, limits=Limits())
    assert payload.task_id(changed) != payload.task_id(first), "a resubmission kept its task id"


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../x", "", "a\\..\\x"])
def test_a_name_out_of_the_folder_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(payload.PayloadError):
        payload.write_files({name: "eA=="}, tmp_path)
    assert not list(tmp_path.rglob("*")), "something was written"


def test_a_result_comes_back_as_an_outcome(tmp_path: Path) -> None:
    scratch = tmp_path / "worker"
    job = Job("alice", A)
    (scratch / "autograded" / "alice" / A).mkdir(parents=True)
    (scratch / "autograded" / "alice" / A / f"{A}.ipynb").write_text('{"graded": true}')
    outcome = Outcome(job, "graded", "rootless", 3.25, scratch, ["a problem"], [{"grade_id": "t"}])
    result = json.loads(
        json.dumps(
            payload.result_message(outcome, fingerprint="f", worker="w", attempt=1, started=0)
        )
    )
    back = payload.outcome_of(result, tmp_path / "teacher")
    assert (back.job, back.status, back.problems, back.audits) == (
        job, "graded", ["a problem"], [{"grade_id": "t"}]
    ), back  # fmt: skip
    assert (back.autograded / f"{A}.ipynb").read_text() == '{"graded": true}'


def test_a_result_with_a_strange_status_is_refused(tmp_path: Path) -> None:
    result = {"v": payload.VERSION, "student": "a", "assignment": A, "status": "perfect!"}
    with pytest.raises(payload.PayloadError, match="unknown status"):
        payload.outcome_of(result, tmp_path)
