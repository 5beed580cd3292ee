"""An engine that dies under a submission is retried once on a fresh engine; a second death
is reported (the run still completes, and says grading failed for that submission)."""

import pytest

from autograder import demo
from tests import nbgrader_course as ng

A = "07-review"
KILL_ENGINE = """
import os, pathlib, signal
_marker = pathlib.Path({marker!r})
if {always} or not _marker.exists():
    _marker.write_text("killed")
    _sock = pathlib.Path(os.environ["DOCKER_HOST"].removeprefix("unix://"))
    os.kill(int((_sock.parent / "dockerd.pid").read_text()), signal.SIGKILL)
"""


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    where = tmp_path_factory.mktemp("dies")
    course = demo.build(where / "course", ng.ROOT, only=[A])
    for folder in (course / "submitted").iterdir():
        if folder.name != "perfect":
            ng.shutil.rmtree(folder)
    source = ng.source_notebook(A)
    answer = next(
        c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "answer-q1"
    )
    for student, always in (("kills_once", False), ("kills_always", True)):
        code = KILL_ENGINE.format(marker=str(where / student), always=always) + answer
        ng.submit(course, A, student, ng.with_cells(source, {"answer-q1": code}))
    done = ng.grade(course, "-j", "2", "--no-feedback")
    assert done.returncode == 1, "a submission whose engine died twice is a grading failure"
    return {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}


def test_engine_dead_once_is_retried(rows: dict[str, str]) -> None:
    row = rows["kills_once"]
    assert "6/10" in row and "died during attempt 1" in row, row


def test_engine_dead_twice_is_reported(rows: dict[str, str]) -> None:
    row = rows["kills_always"]
    assert "0/10" in row and "died during attempt 2" in row, row


def test_other_submissions_unaffected(rows: dict[str, str]) -> None:
    assert "6/10" in rows["perfect"], rows["perfect"]
