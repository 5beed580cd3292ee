"""The student workspace: made from notebooks/ and release/ outside the checkout; syncing never
overwrites what the student edited; reset puts the student's copy aside, losing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import workspace
from autograder.errors import CourseError


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for rel, text in {
        "notebooks/00-welcome.ipynb": "welcome v1",
        "notebooks/cheatsheet.ipynb": "cheats v1",
        "notebooks/instructor-dashboard.ipynb": "teacher only",
        "release/03-commit-save-load/03-commit-save-load.ipynb": "section 3 v1",
        "source/03-commit-save-load/03-commit-save-load.ipynb": "SOLUTIONS",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _files(where: Path) -> set[str]:
    return {str(p.relative_to(where)) for p in where.rglob("*") if p.is_file()}


def test_the_workspace_holds_what_a_student_needs_only(checkout: Path, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    workspace.sync(checkout, lab, report=lambda _: None)
    assert _files(lab) == {
        "00-welcome.ipynb",
        "cheatsheet.ipynb",
        "03-commit-save-load/03-commit-save-load.ipynb",
        workspace.MANIFEST,
    }, _files(lab)
    assert "SOLUTIONS" not in (lab / "03-commit-save-load/03-commit-save-load.ipynb").read_text()


def test_sync_updates_untouched_files_and_keeps_edited_ones(checkout: Path, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    workspace.sync(checkout, lab, report=lambda _: None)
    (lab / "00-welcome.ipynb").write_text("my notes")  # the student's work
    (checkout / "notebooks/00-welcome.ipynb").write_text("welcome v2")
    (checkout / "notebooks/cheatsheet.ipynb").write_text("cheats v2")
    said: list[str] = []
    done = {s.path: s.action for s in workspace.sync(checkout, lab, report=said.append)}
    assert (lab / "00-welcome.ipynb").read_text() == "my notes", "the student's edit was lost"
    assert (lab / "cheatsheet.ipynb").read_text() == "cheats v2", "an untouched file stayed old"
    assert done["00-welcome.ipynb"] == "kept" and done["cheatsheet.ipynb"] == "updated", done
    assert any("00-welcome.ipynb" in line for line in said), said


def test_reset_puts_the_students_copy_aside(checkout: Path, tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    workspace.sync(checkout, lab, report=lambda _: None)
    mine = lab / "03-commit-save-load/03-commit-save-load.ipynb"
    mine.write_text("half done")
    backup = workspace.reset(checkout, "03-commit-save-load", lab, report=lambda _: None)
    assert mine.read_text() == "section 3 v1"
    assert backup is not None, "reset reported nothing put aside"
    assert (backup / "03-commit-save-load/03-commit-save-load.ipynb").read_text() == "half done"


def test_reset_names_the_sections_it_knows(checkout: Path, tmp_path: Path) -> None:
    with pytest.raises(CourseError) as err:
        workspace.reset(checkout, "09-nothing", tmp_path / "lab", report=lambda _: None)
    assert "03-commit-save-load" in (err.value.fix or ""), err.value.fix


def test_the_workspace_may_not_lie_inside_the_checkout(checkout: Path) -> None:
    with pytest.raises(CourseError):
        workspace.sync(checkout, checkout / "lab", report=lambda _: None)
