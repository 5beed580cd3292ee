"""A throw-away nbgrader course for one assignment, graded one student per private engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder import nbgrader_cli, seed
from autograder.private_engine import PrivateEngine

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def env() -> dict[str, str]:
    """nbgrader shells out to `alembic`: the venv's bin must be on PATH."""
    return nbgrader_cli.env()


def make_course(where: Path, assignment: str) -> Path:
    """A course folder with the config and one source assignment, released (gradebook made)."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", where)
    shutil.copytree(ROOT / "source" / assignment, where / "source" / assignment)
    nbgrader_cli.run(where, ["generate_assignment", assignment, "--force"])  # no re-import
    return where


def nbgrader(course: Path, args: list[str], *, wrap=lambda argv: argv, extra_env=None) -> str:
    argv = wrap([str(BIN / "nbgrader"), *args])
    done = subprocess.run(
        argv,
        cwd=course,
        env={**env(), **(extra_env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"nbgrader {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout + done.stderr


def grade(course: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """`docker-course grade COURSE ARGS…` as a teacher runs it (output captured)."""
    return subprocess.run(
        [str(BIN / "docker-course"), "grade", str(course), *args],
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def max_points(assignment: str) -> float:
    """The assignment's full marks: the points of the teacher's grade cells."""
    cells = source_notebook(assignment).cells
    return float(sum(c.metadata.get("nbgrader", {}).get("points", 0) for c in cells))


def submission_score(course: Path, student: str, assignment: str) -> float | None:
    """The gradebook's total for one submission, None when there is none."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            return gb.find_submission(assignment, student).score
        except MissingEntry:
            return None


def submit(course: Path, assignment: str, student: str, notebook: nbformat.NotebookNode) -> None:
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{assignment}.ipynb")


def autograde_private(course: Path, assignment: str, student: str, seed_tar: Path) -> None:
    """Autograde one student in a fresh private engine seeded with the course images."""
    with PrivateEngine(template=seed.template(seed_tar)) as pe:
        nbgrader(
            course,
            ["autograde", assignment, "--student", student, "--force"],
            wrap=pe.command,
            extra_env={"DOCKER_HOST": pe.docker_host},
        )


def scores(course: Path, assignment: str, student: str) -> dict[str, tuple[float | None, float]]:
    """grade_id → (auto score or None for manual cells, max score)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: (g.auto_score, g.max_score) for nb in sub.notebooks for g in nb.grades}


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def released_notebook(course: Path, assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)


def with_cells(nb: nbformat.NotebookNode, replacements: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose solution cells (by grade_id) have other code."""
    nb = nbformat.from_dict(nb)
    seen = set()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell.source = replacements[grade_id].strip("\n")
            seen.add(grade_id)
    missing = set(replacements) - seen
    assert not missing, f"no cells with grade_id {missing}"
    return nb
