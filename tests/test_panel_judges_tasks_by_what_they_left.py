""" "내 작업 확인" judges a task by the state its check cell saw (as grading, which runs the
cells in order): a later task's cleanup is no ✗. Tasks are named as the notebook names them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docker.errors

from autograder.checks import Check, CheckResult, Computed, check
from autograder.checks.base import fail, ok
from autograder.widgets.panels import _judged, _task_name, visible_checks

ROOT = Path(__file__).resolve().parents[1]
WORLD = {"modified1": True}


@dataclass(frozen=True)
class Exists(Check):
    name: str

    def run(self, dc) -> CheckResult:
        return ok(self.name) if WORLD.get(self.name) else fail(self.name, "있음", "없음")


def test_a_later_cleanup_does_not_fail_an_earlier_task() -> None:
    WORLD["modified1"] = True
    assert check(Exists("modified1"), dc=object()).passed  # the check cell ran: ✓
    WORLD["modified1"] = False  # task 6: docker rm -f modified1
    judged = _judged(Exists("modified1"))
    assert judged.passed and "확인 셀을 실행했을 때 통과" in judged.seen, judged


def test_a_computed_value_checked_before_the_cleanup_stays_done() -> None:
    """02's task 4 (the image's ID, computed from the engine): the panel makes the check again
    from the cell's text, with a new lambda, after Run All's cleanup removed the image."""

    def gone(dc):
        raise docker.errors.ImageNotFound("no such image: study/hello:1.0")

    assert check(Computed("image_id", "sha256:aa", lambda dc: "sha256:aa"), dc=object()).passed
    judged = _judged(Computed("image_id", "sha256:aa", gone))
    assert judged.passed and "확인 셀을 실행했을 때 통과" in judged.seen, judged
    assert not _judged(Computed("image_id", "sha256:bb", gone)).passed  # another answer


def test_a_task_never_checked_is_judged_now() -> None:
    WORLD["never-checked"] = False
    assert not _judged(Exists("never-checked")).passed


def test_tasks_are_named_as_the_notebook_names_them() -> None:
    assert _task_name("**과제 2.** `hello2`를 만드세요. 힌트: …") == "과제 2 · hello2를 만드세요."
    assert _task_name("## 문제 3. 데이터를 남기려면?\n\n보기") == "문제 3 · 데이터를 남기려면?"
    names = [
        c.task
        for c in visible_checks(ROOT / "release/03-commit-save-load/03-commit-save-load.ipynb")
    ]
    assert names and all(n.startswith("과제 ") for n in names), names
