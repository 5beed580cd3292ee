"""`docker-course grade -j 2`: each submission on its own engine; a kernel that fakes `require`
is overruled by the out-of-kernel audit; reports and feedback are written, hidden tests hidden."""

import csv
from pathlib import Path

import nbformat
import pytest

from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "02-build-run"
FAKE = "require = lambda *a, **k: None  # pretend every check passed\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory, docker_client) -> Path:
    course = ng.make_course(tmp_path_factory.mktemp("course"), A)
    ng.submit(course, A, "perfect", ng.source_notebook(A))
    ng.submit(course, A, "blank", ng.released_notebook(course, A))
    cheat = nbformat.from_dict(ng.source_notebook(A))
    for cell in cheat.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "import docker\nclient = docker.from_env()\n" + FAKE
    ng.submit(course, A, "cheater", cheat)
    done = ng.grade(course, "-j", "2")
    assert done.returncode == 0, f"grade failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    return course


def test_scores(graded: Path) -> None:
    scores = {
        s: sum(v[0] or 0 for v in ng.scores(graded, A, s).values())
        for s in ("perfect", "blank", "cheater")
    }
    assert scores == {"perfect": 10, "blank": 0, "cheater": 0}, scores


def test_audit_flags_the_cheater(graded: Path) -> None:
    with open(graded / "reports" / "checks.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["student"] == "cheater"]
    audited = [r for r in rows if "AuditFailed" in r["message"]]
    assert audited, f"no AuditFailed row for the cheater: {rows}"


def test_feedback_hides_hidden_tests(graded: Path) -> None:
    page = (graded / "feedback" / "perfect" / A / f"{A}.html").read_text()
    assert "ImageExists" in page and "BEGIN HIDDEN TESTS" not in page
    assert "ImageConfig" not in page, "a hidden check shows in the feedback"
