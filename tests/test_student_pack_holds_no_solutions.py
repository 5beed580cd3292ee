"""`docker-course student-pack`: a zip with the course package, the welcome, the cheat sheet and
release/ — no source/, no tests, no dashboard, no solution or hidden test in any notebook."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from autograder import student_pack
from autograder.errors import CourseError

ROOT = Path(__file__).resolve().parents[1]


def test_the_pack_holds_what_a_student_needs_and_no_solutions(tmp_path: Path) -> None:
    pack = student_pack.build(ROOT, tmp_path / "pack.zip", report=lambda _: None)
    with zipfile.ZipFile(pack) as zf:
        names = set(zf.namelist())
        notebooks = [json.loads(zf.read(n)) for n in names if n.endswith(".ipynb")]
    top = student_pack.TOP
    for wanted in (
        "pyproject.toml",
        "autograder/__init__.py",
        "autograder/course_files/hello/app.js",
        "notebooks/00-welcome.ipynb",
        "notebooks/cheatsheet.ipynb",
        "release/03-commit-save-load/03-commit-save-load.ipynb",
        student_pack.GUIDE,
    ):
        assert f"{top}/{wanted}" in names, f"{wanted} is missing from the pack"
    for unwanted in ("source/", "tests/", "bench/", "instructor-dashboard", "__pycache__"):
        assert not [n for n in names if unwanted in n], f"{unwanted} is in the pack"
    sources = "".join("".join(c["source"]) for nb in notebooks for c in nb["cells"])
    assert "### BEGIN SOLUTION" not in sources and "### BEGIN HIDDEN TESTS" not in sources


def test_a_release_with_solutions_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "checkout"
    for rel in ("pyproject.toml", "environment.yml", "Makefile", "notebooks/00-welcome.ipynb",
                "notebooks/cheatsheet.ipynb"):  # fmt: skip
        (fake / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / rel, fake / rel)
    (fake / "autograder").mkdir()
    leaked = fake / "release/01-concepts/01-concepts.ipynb"
    leaked.parent.mkdir(parents=True)
    shutil.copy(ROOT / "source/01-concepts/01-concepts.ipynb", leaked)
    with pytest.raises(CourseError) as err:
        student_pack.build(fake, tmp_path / "pack.zip", report=lambda _: None)
    assert "01-concepts" in err.value.message, err.value.message
    assert not (tmp_path / "pack.zip").exists(), "a pack with solutions was written"
