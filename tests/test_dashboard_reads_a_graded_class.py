"""The dashboard reads a graded class (gradebook, checks.csv, journal) into what a teacher asks:
scores of real submissions, hardest checks with their commonest failure, times, flags."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import warnings
from pathlib import Path

import pytest

from autograder import dashboard, nbgrader_cli

NOT_THERE = (
    "✗ 이미지 study/hello:1.0 가 있다\n   기대: 이미지 study/hello:1.0 가 있음\n   실제: 없음"
)
FLAT = "AssertionError:  ✗ 이미지 study/hello:1.0 가 있다    기대: 이미지 study/hello:1.0 가 있음"
CHECKS = [  # student, section, grade_id, points, max_points, passed, message
    ("ann", "01-a", "check-x", 2, 2, True, ""),
    ("ann", "01-a", "check-y", 3, 3, True, ""),
    ("bob", "01-a", "check-x", 2, 2, True, ""),
    ("bob", "01-a", "check-y", 0, 3, False, FLAT),
    ("cat", "01-a", "check-x", 0, 2, False, "NameError: name 'image_id' is not defined"),
    ("cat", "01-a", "check-y", 0, 3, False, NOT_THERE),
    ("dan", "01-a", "check-x", 0, 2, False, "missing"),
    ("dan", "01-a", "check-y", 0, 3, False, "missing"),
]
JOURNAL = [
    {"student": "ann", "assignment": "01-a", "status": "error", "seconds": 1.0},  # superseded
    {"student": "ann", "assignment": "01-a", "status": "graded", "seconds": 6.5},
    {"student": "bob", "assignment": "01-a", "status": "graded", "seconds": 8.0,
     "problems": ["audit overruled the kernel in check-y"]},
    {"student": "cat", "assignment": "01-a", "status": "limit", "seconds": 40.0,
     "problems": ["stopped: process limit (400) reached (fork bomb?)"]},
    {"student": "dan", "assignment": "01-a", "status": "missing", "seconds": 0.1,
     "problems": ["missing notebook 01-a.ipynb (submitted: README.txt)"]},
]  # fmt: skip
SCORES = {"ann": (2, 3), "bob": (2, 0), "cat": (0, 0), "dan": (0, 0)}  # check-x, check-y


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One section, 01-a: check-x (2 points) and check-y (3); eve never hands anything in."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        mp.setenv("PATH", nbgrader_cli.env()["PATH"])  # creating a gradebook runs `alembic`
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's add_submission, about itself
        with Gradebook(f"sqlite:///{path}") as gb:
            gb.add_assignment("01-a")
            gb.add_notebook("01-a", "01-a")
            for cell, points in (("check-x", 2), ("check-y", 3)):
                gb.add_grade_cell(cell, "01-a", "01-a", max_score=points, cell_type="code")
            for student in ("ann", "bob", "cat", "dan", "eve"):
                gb.add_student(student)
            for student, (x, y) in SCORES.items():
                gb.add_submission("01-a", student)
                gb.find_grade("check-x", "01-a", "01-a", student).auto_score = x
                gb.find_grade("check-y", "01-a", "01-a", student).auto_score = y
            gb.db.commit()
    return path


@pytest.fixture
def course(tmp_path: Path, gradebook: Path) -> Path:
    shutil.copy(gradebook, tmp_path / "gradebook.db")
    (tmp_path / "reports").mkdir()
    with open(tmp_path / "reports" / "checks.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["student", "assignment", "grade_id", "points", "max_points", "passed", "message"]
        )
        writer.writerows(CHECKS)
    (tmp_path / ".grading").mkdir()
    lines = [json.dumps(e, ensure_ascii=False) for e in JOURNAL]
    lines[2:2] = ["not json", '{"student": "ann"}', "[1, 2]"]
    (tmp_path / ".grading" / "journal.jsonl").write_text("\n".join(lines) + '\n{"student": "to')
    return tmp_path


def test_scores_are_those_of_real_submissions(course: Path) -> None:
    (scores,) = dashboard.section_scores(dashboard.load(course))
    assert (scores.section, scores.max_score) == ("01-a", 5.0), scores
    assert sorted(scores.scores) == [0.0, 0.0, 2.0, 5.0], f"eve handed nothing in: {scores}"


def test_hardest_check_first_with_its_commonest_failure(course: Path) -> None:
    hardest, easier = dashboard.check_stats(dashboard.load(course))
    assert (hardest.grade_id, hardest.passed, hardest.total) == ("check-y", 1, 3), hardest
    assert hardest.top_failure == "✗ 이미지 study/hello:1.0 가 있다", hardest
    assert hardest.top_failure_count == 2, "flat and multi-line messages are one failure"
    assert (easier.passed, easier.total) == (2, 3), f"dan (missing) is not counted: {easier}"


def test_journal_keeps_the_last_valid_line_of_each_submission(course: Path) -> None:
    found = dashboard.load(course)
    assert [(e.student, e.status) for e in found.journal] == [
        ("ann", "graded"),
        ("bob", "graded"),
        ("cat", "limit"),
        ("dan", "missing"),
    ], found.journal
    assert dashboard.submission_times(found) == {"01-a": [6.5, 8.0, 40.0]}
    assert found.notes == (), found.notes


def test_flags_failures_first_then_warnings(course: Path) -> None:
    flags = dashboard.flagged(dashboard.load(course))
    assert [(f.student, f.status) for f in flags] == [
        ("cat", "limit"),
        ("dan", "missing"),
        ("bob", "graded"),
    ], flags
    assert flags[0].problems.startswith("stopped: process limit"), flags[0]


def test_the_gradebook_is_never_written(course: Path) -> None:
    db = course / "gradebook.db"
    before = hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns
    dashboard.load(course)
    after = hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns
    assert before == after, "loading the dashboard changed gradebook.db"
    assert sorted(p.name for p in course.iterdir()) == [".grading", "gradebook.db", "reports"]


def test_missing_files_are_notes(course: Path) -> None:
    (course / "reports" / "checks.csv").unlink()
    (course / ".grading" / "journal.jsonl").unlink()
    found = dashboard.load(course)
    assert len(found.submissions) == 4 and not found.checks and not found.journal, found
    named = [n.split()[0] for n in found.notes]
    assert named == ["reports/checks.csv가", ".grading/journal.jsonl이"], found.notes
    assert dashboard.check_stats(found) == [] and dashboard.flagged(found) == []


def test_an_ungraded_course_says_to_grade_first(tmp_path: Path) -> None:
    found = dashboard.load(tmp_path)
    assert found.empty, found
    assert len(found.notes) == 1 and f"docker-course grade {tmp_path}" in found.notes[0], (
        found.notes
    )
    for table in (
        dashboard.scores_table(dashboard.section_scores(found)),
        dashboard.checks_table(dashboard.check_stats(found)),
        dashboard.times_table(dashboard.submission_times(found)),
    ):
        assert not table.rows and "<p>" in table._repr_html_(), table


def test_a_long_path_in_a_failure_keeps_its_last_two_parts() -> None:
    message = "✗ /var/tmp/dcourse/dcourse-a2a44eac/disk/work/03-x/hello.tar 는 docker save 파일이다"
    assert dashboard.headline(message) == "✗ …/03-x/hello.tar 는 docker save 파일이다"
    assert dashboard.headline("✗ 파일 /tmp/a.txt 가 있다") == "✗ 파일 /tmp/a.txt 가 있다"


def test_core_scores_leave_the_deep_cells_out(course: Path) -> None:
    """With 01-a's notebook marking check-y as a deep dive, the core table has check-x only."""
    import nbformat

    graded = {"grade": True, "solution": False, "locked": True}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 1. 가\n\n## 1-1. 핵심"),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {**graded, "grade_id": "check-x"}}),
        nbformat.v4.new_markdown_cell("## 1-2. 깊이 (심화)"),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {**graded, "grade_id": "check-y"}}),
    ]
    (course / "source" / "01-a").mkdir(parents=True)
    nbformat.write(nb, course / "source" / "01-a" / "01-a.ipynb")
    (core,) = dashboard.core_scores(dashboard.load(course))
    assert (core.section, core.max_score) == ("01-a", 2.0), core
    assert sorted(core.scores) == [0.0, 0.0, 2.0, 2.0], f"ann and bob have check-x: {core}"
