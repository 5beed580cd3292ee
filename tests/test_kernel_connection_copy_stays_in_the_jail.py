"""The root-side copy of the kernel's connection file lands in the jail's runtime folder or
nowhere: a runtime folder swapped for a link to another folder is refused."""

import os
from pathlib import Path

import pytest

from autograder import beneath
from autograder.grading.kernel_jail import copy_connection
from autograder.jail import SlotUser

USER = SlotUser("nobody", os.getuid(), os.getgid(), 0)


def test_copy_goes_to_the_runtime_folder(tmp_path: Path) -> None:
    home, connection = tmp_path / "home", tmp_path / "kernel.json"
    (home / "disk" / "run").mkdir(parents=True)
    connection.write_text('{"key": "k"}')
    copy = copy_connection(connection, home, home / "disk" / "run", USER)
    assert copy.parent == home / "disk" / "run" and copy.read_text() == '{"key": "k"}'


def test_a_linked_runtime_folder_is_refused(tmp_path: Path) -> None:
    home, connection, elsewhere = tmp_path / "home", tmp_path / "kernel.json", tmp_path / "etc"
    (home / "disk").mkdir(parents=True)
    elsewhere.mkdir()
    (home / "disk" / "run").symlink_to(elsewhere)
    connection.write_text("{}")
    with pytest.raises(beneath.Outside):
        copy_connection(connection, home, home / "disk" / "run", USER)
    assert list(elsewhere.iterdir()) == [], "root wrote through the link"
