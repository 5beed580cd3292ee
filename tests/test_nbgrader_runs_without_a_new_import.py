"""`nbgrader_cli.run` forks nbgrader from a server that imported it once: its output comes back,
and a failure is a CourseError that quotes nbgrader's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import nbgrader_cli
from autograder.errors import CourseError


def test_output_comes_back(tmp_path: Path) -> None:
    said = nbgrader_cli.run(tmp_path, ["--version"])
    assert "nbgrader version 0.9" in said, f"nbgrader --version said: {said!r}"


def test_a_failure_quotes_nbgrader(tmp_path: Path) -> None:
    with pytest.raises(CourseError) as caught:
        nbgrader_cli.run(tmp_path, ["generate_assignment", "no-such-assignment"])
    message = str(caught.value)
    assert "generate_assignment no-such-assignment failed" in message, message
    assert "no-such-assignment" in message.split("failed", 1)[1], message
