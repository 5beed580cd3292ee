"""A submission that never ends is stopped at the wall-clock limit, scored 0 with the reason,
and the others finish; without private engines the shared fallback says so loudly."""

import subprocess
from pathlib import Path

import pytest

from autograder import demo
from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "07-review"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    course = demo.build(tmp_path / "course", ng.ROOT, only=[A])
    keep = {"perfect"}
    for folder in (course / "submitted").iterdir():
        if folder.name not in keep:
            ng.shutil.rmtree(folder)
    looper = ng.with_cells(ng.source_notebook(A), {"answer-q1": "while True:\n    pass"})
    ng.submit(course, A, "looper", looper)
    return course


def _grade(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ng.grade(course, "--no-feedback", *args, timeout=600)


def test_endless_submission_is_stopped(course: Path, docker_client) -> None:
    done = _grade(course, "-j", "2", "--time-limit", "30")  # perfect needs ~6 s
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    looper = next(line for line in done.stdout.splitlines() if line.startswith("looper"))
    assert "0/10" in looper and "limit" in looper, looper
    assert ng.scores(course, A, "perfect")["check-q1"][0] == 2, "perfect did not finish"


def test_shared_backend_warns_loudly(course: Path, docker_client) -> None:
    ng.shutil.rmtree(course / "submitted" / "looper")
    done = _grade(course, "--backend", "shared", "-j", "2")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "SHARED ENGINE" in done.stdout, done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("perfect"))
    assert "shared" in row and "6/10" in row, row


def test_root_engines_say_they_are_not_jailed(course: Path, docker_client) -> None:
    ng.shutil.rmtree(course / "submitted" / "looper")
    done = _grade(course, "--backend", "private")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "NOT JAILED" in done.stdout, done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("perfect"))
    assert "private" in row and "6/10" in row, row
    report = (course / "reports" / "report.html").read_text(encoding="utf-8")
    assert "NOT JAILED: kernel and engine ran as root" in report, "no warning in the report"
