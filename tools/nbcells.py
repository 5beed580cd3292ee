"""Helpers to write nbgrader section notebooks from Python (for authors; not used at run time).

    from tools.nbcells import notebook, md, parameters, setup, solution, tests, answer, locked
    nb = notebook([md("# 제목"), parameters("PORT = 3000"), setup("02-build-run"), ...])
    nbformat.write(nb, "source/02-build-run/02-build-run.ipynb")

Teachers may equally edit the notebooks in JupyterLab with nbgrader's "Create Assignment" tool.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def locked(grade_id: str, source: str, *, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = new_code_cell(
        source.strip("\n"), metadata=_meta(grade_id, grade=False, solution=False, locked=True)
    )
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def parameters(source: str) -> nbformat.NotebookNode:
    return locked(
        "parameters",
        "# papermill 매개변수 (parameters)\n" + source.strip("\n"),
        tags=("parameters",),
    )


def setup(section_id: str, extra: str = "") -> nbformat.NotebookNode:
    source = (
        "from autograder import course\n"
        "from autograder.checks import *  # noqa: F403 - 확인 셀에서 씁니다\n\n"
        f'ws = course.setup("{section_id}", work_dir=WORK_DIR)\n'
        "work = ws.work  # 이 장의 작업 폴더\n" + (extra.strip("\n") + "\n" if extra else "") + "ws"
    )
    return locked("setup", source)


def cleanup(section_id: str) -> nbformat.NotebookNode:
    return locked("cleanup", f'course.cleanup("{section_id}")')


def solution(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A task cell: everything between the markers is replaced by a stub in release/."""
    body = source.strip("\n")
    if "### BEGIN SOLUTION" not in body:
        body = f"### BEGIN SOLUTION\n{body}\n### END SOLUTION"
    return new_code_cell(body, metadata=_meta(grade_id, grade=False, solution=True, locked=False))


def tests(grade_id: str, points: float, visible: str, hidden: str = "") -> nbformat.NotebookNode:
    """A grade cell: visible checks, then hidden ones (removed from release/ and feedback)."""
    body = visible.strip("\n")
    if hidden:
        body += f"\n### BEGIN HIDDEN TESTS\n{hidden.strip(chr(10))}\n### END HIDDEN TESTS"
    return new_code_cell(
        body, metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points)
    )


def answer(grade_id: str, points: float, model_answer: str) -> nbformat.NotebookNode:
    """A manually graded written answer (markdown)."""
    body = f"### BEGIN SOLUTION\n{model_answer.strip(chr(10))}\n### END SOLUTION"
    return new_markdown_cell(
        body, metadata=_meta(grade_id, grade=True, solution=True, locked=False, points=points)
    )


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for n, cell in enumerate(nb.cells):
        cell.id = f"c{n:02d}"
    return nb
