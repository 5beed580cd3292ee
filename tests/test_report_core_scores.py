"""The report's core column adds up the grade cells outside `(심화)` parts, read from the
course's own notebook (source/, else release/)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import nbformat

from autograder import clock
from autograder.grading import report


def _course(tmp_path: Path, folder: str) -> Path:
    nb = nbformat.v4.new_notebook()
    graded = {"grade": True, "solution": False, "locked": True, "points": 2}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 9. 제목\n\n## 9-1. 핵심"),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {**graded, "grade_id": "core-a"}}),
        nbformat.v4.new_markdown_cell("### 더 알아보기 (심화)"),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {**graded, "grade_id": "deep-b"}}),
        nbformat.v4.new_markdown_cell("## 9-2. 또 (심화)"),
        nbformat.v4.new_code_cell("", metadata={"nbgrader": {**graded, "grade_id": "deep-c"}}),
    ]
    path = tmp_path / folder / "09-x" / "09-x.ipynb"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(nb))
    return tmp_path


def _submission(**scores: float):
    grades = [
        SimpleNamespace(name=name.replace("_", "-"), score=score, max_score=2.0)
        for name, score in scores.items()
    ]
    return SimpleNamespace(notebooks=[SimpleNamespace(grades=grades)])


def test_core_cells_come_from_the_notebooks_headings(tmp_path: Path) -> None:
    assert clock.core_cells(_course(tmp_path, "source"), "09-x") == {"core-a"}


def test_release_serves_when_the_course_has_no_source(tmp_path: Path) -> None:
    assert clock.core_cells(_course(tmp_path, "release"), "09-x") == {"core-a"}


def test_core_points_leave_the_deep_cells_out() -> None:
    sub = _submission(core_a=2.0, deep_b=2.0, deep_c=0.0)
    assert report.core_points(sub, frozenset({"core-a"})) == (2.0, 2.0)


def test_the_table_and_the_csv_show_the_core(tmp_path: Path) -> None:
    row = report.Row("kim", "09-x", 4, 6, "rootless", 3.0, "", 2, 2)
    assert "2/2" in report.table([row]).splitlines()[2], report.table([row])
    report.write_core_csv(tmp_path / "core.csv", [row])
    lines = (tmp_path / "core.csv").read_text().splitlines()
    assert lines == [
        "student,assignment,core_score,core_max_score,score,max_score",
        "kim,09-x,2,2,4,6",
    ], lines
