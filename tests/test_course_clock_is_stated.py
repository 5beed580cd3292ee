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
SECTIONS = {s.notebook: s for s in clock.course_times(ROOT)}
TIMES = {name: s.full for name, s in SECTIONS.items()}


def test_the_method_counts_reading_tasks_questions_and_cells(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    task = {"nbgrader": {"solution": True, "grade_id": "t"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("가" * 1000),  # 2 min of reading
        # a task of 2 written lines (the given line and comments don't count): 1.5 + 2 × 0.25 min
        nbformat.v4.new_code_cell(
            "import os\n### BEGIN SOLUTION\n# a comment\nx = 1\n\ny = 2\n### END SOLUTION",
            metadata=task,
        ),
        nbformat.v4.new_code_cell('q1 = "a"\nq2 = "b"', metadata=task),  # 2 questions: 2 min
        *(nbformat.v4.new_code_cell("print()") for _ in range(4)),  # 4 cells: 1 min
    ]
    path = tmp_path / "01-x.ipynb"
    path.write_text(json.dumps(nb))
    section = clock.section_time(path)
    assert sum(p.minutes for p in section.parts) == 7.0, section.parts
    assert section.full == 10, "7 minutes, rounded up to 5"


def test_every_section_title_states_its_time() -> None:
    for name, minutes in TIMES.items():
        (path,) = ROOT.glob(f"source/*/{name}.ipynb")
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0]
        section = SECTIONS[name]
        core = f"핵심 {section.core}분" if section.core else "심화"
        want = f"(약 {minutes}분 · {core})"
        assert title.endswith(want), f"{name}: the clock says {want}: {title}"


def test_the_welcome_and_readme_state_the_same_times() -> None:
    welcome = ROOT / "notebooks" / "00-welcome.ipynb"
    text = "\n".join(c.source for c in nbformat.read(welcome, as_version=4).cells)
    readme = (ROOT / "README.md").read_text()
    for name, minutes in TIMES.items():
        core = re.escape(clock.core_cell(SECTIONS[name]))
        assert re.search(rf"\| `{name}` \| 약 {minutes}분 \| {core} \|", text), f"welcome: {name}"
        assert re.search(rf"\| `source/{name}` \| 약 {minutes}분 \| {core} \|", readme), name
    total = clock.section_time(welcome).full + sum(TIMES.values())
    core = sum(s.core for s in SECTIONS.values())
    assert f"모두 하면 약 {clock.hours(total)} · 핵심 경로 약 {core}분" in text, (
        f"the welcome's totals are not {total} and {core} min (run `docker-course clock --stamp`)"
    )
    assert clock.core_path_line(list(SECTIONS.values())) in text, "the welcome's core path"
