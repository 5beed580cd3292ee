"""An engine that dies under a submission is retried once on a fresh engine; a second death
is reported (the run still completes, and says grading failed for that submission).

The submissions kill their own dockerd. "Only the first time" needs a marker file that outlives
the attempt, which a jailed kernel cannot write (its files go with its engine): that case runs
on root engines (`--backend private`); dying every time runs on both kinds."""

import pytest

from autograder import demo
from tests import nbgrader_course as ng

A = "07-review"
KILL_ENGINE = """
import contextlib, os, pathlib, signal
_marker = pathlib.Path({marker!r})
if {always} or not _marker.exists():
    with contextlib.suppress(OSError):  # a jailed kernel cannot write outside its engine
        _marker.write_text("killed")
    _sock = pathlib.Path(os.environ["DOCKER_HOST"].removeprefix("unix://"))
    os.kill(int((_sock.parent / "dockerd.pid").read_text()), signal.SIGKILL)
"""


def _grade(where, backend: str) -> dict[str, str]:
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
    kinds = (("kills_once", False), ("kills_always", True))
    for student, always in kinds if backend == "private" else kinds[1:]:
        code = KILL_ENGINE.format(marker=str(where / student), always=always) + answer
        ng.submit(course, A, student, ng.with_cells(source, {"answer-q1": code}))
    done = ng.grade(course, "-j", "2", "--no-feedback", "--backend", backend)
    assert done.returncode == 1, "a submission whose engine died twice is a grading failure"
    assert backend in done.stdout, f"not graded on {backend} engines:\n{done.stdout}"
    return {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def private_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _grade(tmp_path_factory.mktemp("dies-private"), "private")


@pytest.fixture(scope="module")
def rootless_rows(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _grade(tmp_path_factory.mktemp("dies-rootless"), "rootless")


@pytest.fixture(params=["private_rows", "rootless_rows"])
def rows(request: pytest.FixtureRequest) -> dict[str, str]:
    return request.getfixturevalue(request.param)


def test_engine_dead_once_is_retried(private_rows: dict[str, str]) -> None:
    row = private_rows["kills_once"]
    assert "6/10" in row and "died during attempt 1" in row, row


def test_engine_dead_twice_is_reported(rows: dict[str, str]) -> None:
    row = rows["kills_always"]
    assert "0/10" in row and "died during attempt 2" in row, row


def test_other_submissions_unaffected(rows: dict[str, str]) -> None:
    assert "6/10" in rows["perfect"], rows["perfect"]
