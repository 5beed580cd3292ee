"""Collecting through nbgrader's exchange: release → fetch → submit → collect → grade.

A saved image tar (over the exchange's 100 MB limit) stays behind with the student: grading
re-executes the notebook, which rebuilds it.
"""

import os
from pathlib import Path

import nbformat
import pytest

from autograder import course as course_module
from autograder import demo
from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "02-build-run"
COURSE_ID = "docker-images-vs-containers"


def _nb(cwd: Path, *args: str, exchange: Path) -> str:
    return ng.nbgrader(cwd, [*args, f"--Exchange.root={exchange}"])


def test_exchange_round_trip_then_grade(tmp_path: Path, docker_client) -> None:
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)
    course = demo.build(tmp_path / "course", ng.ROOT, only=[A])
    ng.shutil.rmtree(course / "submitted")
    _nb(course, "release_assignment", A, exchange=exchange)

    home = tmp_path / "student"
    home.mkdir()
    _nb(home, "fetch_assignment", A, f"--course={COURSE_ID}", exchange=exchange)
    fetched = home / A / f"{A}.ipynb"
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in ng.source_notebook(A).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(fetched, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, fetched)
    # the notebook saves image tars in its work folder, which lies outside the assignment
    # folder (nbgrader refuses to submit a folder over 100 MB)
    work = course_module.work_path(A, None)
    assert A not in work.parent.parts and home not in work.parents, f"work folder {work}"
    big = home / "docker-course-work" / A / "big.tar"
    big.parent.mkdir(parents=True)
    with open(big, "wb") as fh:  # sparse: 120 MB, no disk cost
        fh.truncate(120 * 1024 * 1024)
    _nb(home, "submit", A, f"--course={COURSE_ID}", exchange=exchange)

    _nb(course, "collect", A, exchange=exchange)
    collected = list((course / "submitted").glob(f"*/{A}/{A}.ipynb"))
    assert len(collected) == 1, f"collected {collected}"
    assert not list((course / "submitted").rglob("*.tar")), "a tar travelled"
    student = collected[0].parent.parent.name

    done = ng.grade(course, "-j", "1", "--no-feedback")
    assert done.returncode == 0, f"grade failed:\n{done.stdout}\n{done.stderr[-2000:]}"
    got = ng.scores(course, A, student)
    assert sum(s or 0 for s, _ in got.values()) == 10, f"scores after the exchange: {got}"
