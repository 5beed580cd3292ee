"""`submitted/` is read by root: a symlink (to the teacher's notebook, a root-only file,
/dev/zero), a pipe or a device is refused with a reason and never read."""

import os
from pathlib import Path

import pytest

from autograder.grading import submission

A = "01-concepts"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "source" / A).mkdir(parents=True)
    (tmp_path / "source" / A / f"{A}.ipynb").write_text("TEACHER")
    return tmp_path


def _folder(course: Path, student: str) -> Path:
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True)
    return folder


def test_regular_files_are_listed(course: Path) -> None:
    folder = _folder(course, "alice")
    (folder / f"{A}.ipynb").write_text("{}")
    (folder / "work").mkdir()
    (folder / "work" / "big.tar").write_text("ignored")
    listing = submission.scan(course, "alice", A)
    assert listing.files == [Path(f"{A}.ipynb")] and not listing.refused, listing


def test_a_symlinked_notebook_is_refused(course: Path) -> None:
    folder = _folder(course, "mallory")
    (folder / f"{A}.ipynb").symlink_to(course / "source" / A / f"{A}.ipynb")
    (folder / "zero").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe")
    listing = submission.scan(course, "mallory", A)
    assert listing.files == [], listing
    assert len(listing.refused) == 3 and "symbolic link" in listing.refused[0], listing.refused
    with pytest.raises(OSError):
        submission.read_bytes(folder / f"{A}.ipynb")


def test_a_symlinked_student_folder_is_refused(course: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / A
    elsewhere.mkdir(parents=True)
    (elsewhere / f"{A}.ipynb").write_text("{}")
    (course / "submitted").mkdir(exist_ok=True)
    (course / "submitted" / "eve").symlink_to(tmp_path / "elsewhere")
    listing = submission.scan(course, "eve", A)
    assert listing.files == [] and "symbolic link" in listing.refused[0], listing


def test_a_file_over_the_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 100)
    with pytest.raises(OSError, match="larger"):
        submission.read_bytes(big, limit=10)
