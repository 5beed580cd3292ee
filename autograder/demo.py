"""The demo class: a generated nbgrader course with typical students, for `make demo` and the
end-to-end grading test.

Students live in ``tests/fixtures/class/students/<name>.py``; each defines ``SUBMISSIONS``:
assignment (or ``"*"`` for every one) → ``"source"`` (the reference solution), ``"release"``
(untouched student version), ``"core"`` (the reference solution of the core path's tasks only,
the deep dives left untouched), ``"missing"`` (a submission folder without the notebook), or
``{grade_id: code}`` (the reference solution with those cells replaced). Expected scores sit
beside them in ``tests/fixtures/class/expected_scores.csv``.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat

from . import clock, engine, release

CLASS_DIR = Path("tests") / "fixtures" / "class"


def students(root: Path) -> dict[str, dict]:
    found = {}
    for path in sorted((root / CLASS_DIR / "students").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"demo_student_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        found[path.stem] = module.SUBMISSIONS
    return found


def expected_scores(root: Path) -> dict[tuple[str, str], float]:
    with open(root / CLASS_DIR / "expected_scores.csv", encoding="utf-8") as fh:
        return {(r["student"], r["assignment"]): float(r["score"]) for r in csv.DictReader(fh)}


def build(course: Path, root: Path | None = None, *, only: list[str] | None = None) -> Path:
    """A fresh course folder: config, source/, release/ (generated) and submitted/."""
    root = (root or engine.project_root()).resolve()
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course)
    assignments = only or release.assignments(root)
    for name in assignments:
        shutil.copytree(root / "source" / name, course / "source" / name)
    release.main(course, only=assignments, report=lambda _: None)
    for student, plan in students(root).items():
        for name in assignments:
            spec = plan.get(name, plan.get("*"))
            if spec is not None:
                submit(course, student, name, spec)
    return course


def submit(course: Path, student: str, assignment: str, spec) -> None:
    """``spec``: "release" (blank), "source" (solution), "core" (core-path solutions only),
    "missing", or grade_id → code."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if spec == "missing":
        (folder / "README.txt").write_text("I forgot to upload the notebook.\n")
        return
    nb = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    source = course / "source" / assignment / f"{assignment}.ipynb"
    if spec == "core":
        _solve(nb, source, only=set(clock.section_time(source).core_task_ids))
    elif spec != "release":
        _solve(nb, source)
    if isinstance(spec, dict):
        wanted = dict(spec)
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in wanted:
                cell.source = wanted.pop(grade_id).strip("\n")
        if wanted:
            raise KeyError(f"{student}/{assignment}: no cells {sorted(wanted)}")
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def _solve(nb: nbformat.NotebookNode, source: Path, only: set[str] | None = None) -> None:
    """Fill the student's copy with the teacher's solutions, as a student who solved it would
    (the protected cells stay as released: no hidden tests in a student's notebook)."""
    teacher = nbformat.read(source, as_version=4)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in teacher.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in solutions and (only is None or grade_id in only):
            lines = solutions[grade_id].splitlines()
            cell.source = "\n".join(ln for ln in lines if ln.strip() not in MARKERS)


MARKERS = {"### BEGIN SOLUTION", "### END SOLUTION"}


def main(course: Path | None = None, *, jobs: int = 3, echo=print) -> int:
    """Build the demo class, grade it, compare with the expected scores."""
    from . import grade

    root = engine.project_root()
    course = build(course or root / ".course" / "demo", root)
    echo(f"demo class in {course}: {len(students(root))} students")
    grade.main(course, jobs=jobs, echo=echo)
    from nbgrader.api import Gradebook, MissingEntry

    from .grading.gradebook import db_url

    wrong = []
    with Gradebook(db_url(course)) as gb:
        for (student, assignment), score in expected_scores(root).items():
            try:
                got = gb.find_submission(assignment, student).score
            except MissingEntry:
                got = None
            if got != score:
                wrong.append(f"{student}/{assignment}: expected {score:g}, got {got}")
    echo("\n".join(wrong) if wrong else "every score is the expected one")
    echo(f"HTML report: {course / 'reports' / 'report.html'}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
