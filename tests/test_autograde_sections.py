"""nbgrader autograde of each section: the solution scores full marks, the untouched release 0,
and alternative correct solutions full marks. One private engine per student."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder import seed
from tests import nbgrader_course as ng
from tests.alternatives import ALTERNATIVES

SECTIONS = sorted(p.name for p in (ng.ROOT / "source").iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def seed_tar(docker_client) -> Path:
    return seed.cached_bundle(docker_client)


def _grade(tmp_path: Path, section: str, students: dict, seed_tar: Path) -> dict:
    """Each student in its own course copy (no shared SQLite writer) and its own engine."""
    base = ng.make_course(tmp_path / "base", section)
    courses = {}
    for student, notebook in students.items():
        course = tmp_path / student
        ng.shutil.copytree(base, course)
        ng.submit(course, section, student, notebook(base) if callable(notebook) else notebook)
        courses[student] = course
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: ng.autograde_private(courses[s], section, s, seed_tar), courses))
    return {s: ng.scores(c, section, s) for s, c in courses.items()}


def _auto(grades: dict) -> dict:
    return {gid: pair for gid, pair in grades.items() if pair[0] is not None}


@pytest.mark.slow
@pytest.mark.parametrize("section", SECTIONS)
def test_solution_full_and_release_zero(section: str, tmp_path: Path, seed_tar: Path) -> None:
    students = {
        "solution": ng.source_notebook(section),
        "blank": lambda course: ng.released_notebook(course, section),
    }
    got = _grade(tmp_path, section, students, seed_tar)
    solution, blank = _auto(got["solution"]), _auto(got["blank"])
    assert solution, f"{section} has no auto-graded cell"
    short = {gid: s for gid, (s, m) in solution.items() if s != m}
    assert not short, f"solution lost points in {short} (max {solution})"
    earned = {gid: s for gid, (s, _) in blank.items() if s}
    assert not earned, f"the untouched release earned points: {earned}"


@pytest.mark.slow
@pytest.mark.parametrize("section", sorted(ALTERNATIVES))
def test_alternative_solution_full_marks(section: str, tmp_path: Path, seed_tar: Path) -> None:
    alt = ng.with_cells(ng.source_notebook(section), ALTERNATIVES[section])
    got = _auto(_grade(tmp_path, section, {"alternative": alt}, seed_tar)["alternative"])
    short = {gid: s for gid, (s, m) in got.items() if s != m}
    assert not short, f"the alternative solution lost points: {short}"
