"""Every variable a task's given lines (or its check cell) read from the student's solution is
named in the task's text: no NameError for a student who did exactly what the text asked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("source/0[1-7]-*/0*.ipynb"))


def _python(source: str) -> str:
    """IPython source as Python: `!cmd` and `%magic` lines dropped, `x = !cmd` kept as x."""
    lines = []
    for line in source.splitlines():
        if line.strip().startswith(("!", "%")):
            continue
        lines.append(re.sub(r"=\s*!.*$", "= None", line))
    return "\n".join(lines)


def _names(source: str, ctx: type) -> set[str]:
    try:
        tree = ast.parse(_python(source))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def test_given_lines_and_checks_read_only_named_variables() -> None:
    unnamed = []
    for path in NOTEBOOKS:
        task_text, solution, grade_id = "", "", ""
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown":
                task_text = (
                    cell.source if "과제" in cell.source or "문제" in cell.source else task_text
                )
                continue
            if meta.get("solution") and "### BEGIN SOLUTION" in cell.source:
                before, rest = cell.source.split("### BEGIN SOLUTION", 1)
                solution, after = rest.split("### END SOLUTION", 1)
                grade_id, readers = meta["grade_id"], before + "\n" + after
            elif meta.get("grade"):
                readers = cell.source.split("### BEGIN HIDDEN TESTS", 1)[0]
            else:
                continue
            made = _names(solution, ast.Store) - _names(readers, ast.Store)
            for name in sorted(_names(readers, ast.Load) & made):
                if name not in task_text:
                    unnamed.append(f"{path.parent.name} {grade_id}: `{name}`")
    assert not unnamed, "read but never named in the task's text:\n" + "\n".join(unnamed)
