"""The core path: what a class with 40 minutes does. It fits the time, it meets the seed's four
learning objectives with graded work, and the clock reads its markers the way README says."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder import clock

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {s.notebook: s for s in clock.course_times(ROOT)}

# The seed's learning objectives → the graded cells (section, grade_id) of the core path that
# meet them; the fourth, best practices, is read (6-5), not graded.
OBJECTIVES = {
    "이미지와 컨테이너의 본질적 차이": [
        ("01-concepts", "check-containers"),
        ("01-concepts", "check-write"),
    ],
    "주요 명령어 실습": [("02-build-run", "check-build"), ("02-build-run", "check-run")],
    "라이프사이클과 저장/배포": [
        ("03-commit-save-load", "check-modify"),
        ("03-commit-save-load", "check-commit"),
        ("03-commit-save-load", "check-save"),
        ("03-commit-save-load", "check-load"),
    ],
}


def test_the_core_path_fits_a_40_minute_class() -> None:
    core = {name: s.core for name, s in SECTIONS.items() if s.core}
    assert sum(core.values()) <= 40, f"core path minutes by section: {core}"


def test_each_learning_objective_is_graded_on_the_core_path() -> None:
    for objective, cells in OBJECTIVES.items():
        for section, grade_id in cells:
            assert grade_id in SECTIONS[section].core_grade_ids, (
                f"{objective}: {section} {grade_id} is not on the core path "
                f"(core cells: {SECTIONS[section].core_grade_ids})"
            )


def test_best_practices_are_on_the_core_path() -> None:
    parts = [p for p in SECTIONS["06-best-practices"].parts if not p.deep]
    assert any(p.title.startswith("6-5.") for p in parts), [p.title for p in parts]


def test_every_section_not_skipped_has_graded_core_work() -> None:
    for name, section in SECTIONS.items():
        if section.core and name != "06-best-practices":
            assert section.core_grade_ids, f"{name} is on the core path with nothing graded"


def _notebook(tmp_path: Path, *markdown_and_tasks: str) -> Path:
    nb = nbformat.v4.new_notebook()
    for i, text in enumerate(markdown_and_tasks):
        if text.startswith("TASK"):
            meta = {"nbgrader": {"solution": True, "grade": True, "grade_id": f"t{i}", "points": 1}}
            nb.cells.append(nbformat.v4.new_code_cell("x = 1", metadata=meta))
        else:
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
    path = tmp_path / "09-x.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_deep_headings_and_deep_blocks_leave_the_core(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path,
        "# 9. 제목",
        "## 9-1. 핵심",
        "TASK",
        "### 더 알아보기 (심화)\n" + "가" * 500,  # a deep block: one minute of reading
        "TASK",
        "### 그림\n" + "나" * 500,  # back to the core subsection
        "## 9-2. 깊이 (심화)",
        "TASK",
        "### 그림\n",  # a ### inside a deep subsection stays deep
        "TASK",
    )
    section = clock.section_time(path)
    assert section.core_grade_ids == ["t2"], section.parts
    assert section.deep_grade_ids == ["t4", "t7", "t9"], section.parts
    core = [p for p in section.parts if not p.deep]
    # one task (1.75 min) + one minute of reading, and the headings' few characters
    assert sum(p.minutes for p in core) == pytest.approx(2.75, abs=0.05), core


def test_a_section_with_no_core_lesson_is_skipped(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "# 9. 제목\n" + "가" * 500, "## 9-1. 깊이 (심화)", "TASK")
    section = clock.section_time(path)
    assert section.core == 0 and not section.on_core_path, section.parts
    assert section.full == 5
