"""The class roster: student ids from a CSV, the teacher apart, each bad line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.errors import CourseError
from autograder.hub import roster


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_header_comments_and_blanks(tmp_path: Path) -> None:
    found = roster.read(_csv(tmp_path, "id\nkim\n\n# absent today\nlee,Lee Minji\n"), "park")
    assert found.students == ("kim", "lee") and found.teacher == "park", found


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("kim\nkim\n", "already on line 1"),
        ("Kim Minji\n", "not a usable id"),
        ("root\n", "reserved"),
        ("park\n", "not a student"),
        ("id\n", "no student ids"),
    ],
)
def test_a_bad_roster_says_which_line(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(CourseError, match=said):
        roster.read(_csv(tmp_path, text), "park")


def test_a_missing_roster_says_what_it_should_be(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="one student id per line"):
        roster.read(tmp_path / "nope.csv", "park")
