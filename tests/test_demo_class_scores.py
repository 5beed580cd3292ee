"""The demo class, graded with `docker-course grade -j 2`, gets exactly the expected scores.

It covers: reference solutions (full marks), untouched releases (0), alternative and SDK-only
solutions (full marks: checks read state, not code), a typical mistake per section, missing
notebooks, and a pair of students where the second passes only if the first's state leaked.
"""

from pathlib import Path

import pytest

from autograder import demo
from tests import nbgrader_course as ng


@pytest.fixture(scope="module")
def graded(tmp_path_factory, docker_client) -> Path:
    course = demo.build(tmp_path_factory.mktemp("demo") / "course", ng.ROOT)
    done = ng.grade(course, "-j", "2", timeout=3000)
    print(done.stdout)
    assert "rootless" in done.stdout, f"not graded on jailed rootless engines:\n{done.stdout}"
    return course


_score = ng.submission_score


def test_every_score_is_expected(graded: Path) -> None:
    expected = demo.expected_scores(ng.ROOT)
    wrong = {
        key: (want, _score(graded, *key))
        for key, want in expected.items()
        if _score(graded, *key) != want
    }
    assert not wrong, "(student, assignment): (expected, got)\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(wrong.items())
    )


def test_every_submission_has_an_expected_score(graded: Path) -> None:
    submitted = {(p.parent.name, p.name) for p in (graded / "submitted").glob("*/*")}
    missing = submitted - set(demo.expected_scores(ng.ROOT))
    assert not missing, f"submissions without an expected score: {sorted(missing)}"


def test_summary_report_exists(graded: Path) -> None:
    page = (graded / "reports" / "report.html").read_text()
    assert "perfect" in page and "rootless" in page, page[:500]
