"""The times students read (each section's title, the welcome's table and total, README) are
the course clock's, computed from the notebooks by the method README states: adding a task or
a page of text moves the clock, and a stale number fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from autograder import clock

ROOT = Path(__file__).resolve().parents[1]
TIMES = {s.notebook: s.full for s in clock.course_times(ROOT)}


def test_the_method_counts_reading_tasks_questions_and_cells(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    task = {"nbgrader": {"solution": True, "grade_id": "t"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("가" * 1000),  # 2 min of reading
        nbformat.v4.new_code_cell("x = 1", metadata=task),  # a task: 3 min
        nbformat.v4.new_code_cell('q1 = "a"\nq2 = "b"', metadata=task),  # 2 questions: 2 min
        *(nbformat.v4.new_code_cell("print()") for _ in range(4)),  # 4 cells: 1 min
    ]
    path = tmp_path / "01-x.ipynb"
    path.write_text(json.dumps(nb))
    assert clock.section_time(path).full == 10, "8 minutes, rounded up to 5"


def test_every_section_title_states_its_time() -> None:
    for name, minutes in TIMES.items():
        (path,) = ROOT.glob(f"source/*/{name}.ipynb")
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
        assert title.endswith(f"(약 {minutes}분)"), f"{name}: clock says {minutes} min: {title}"


def test_the_welcome_and_readme_state_the_same_times() -> None:
    welcome = ROOT / "notebooks" / "00-welcome.ipynb"
    text = "\n".join(c.source for c in nbformat.read(welcome, as_version=4).cells)
    readme = (ROOT / "README.md").read_text()
    for name, minutes in TIMES.items():
        assert re.search(rf"\| `{name}` \| 약 {minutes}분 \|", text), f"welcome: {name}"
        assert re.search(rf"\| `source/{name}` \| 약 {minutes}분 \|", readme), f"README: {name}"
    total = clock.section_time(welcome).full + sum(TIMES.values())
    assert f"모두 하면 약 {clock.hours(total)}" in text, f"the welcome's total is not {total} min"
