"""`beneath.open_beneath` opens files under a folder and nothing outside it: not by `..`, not
through an absolute or climbing link, not through a magic link, with or without `openat2`."""

import os
from pathlib import Path

import pytest

from autograder import beneath


@pytest.fixture(params=["openat2", "walking"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(beneath, "_has_openat2", None if request.param == "openat2" else False)
    return request.param


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "secret").write_text("canary")
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    (home / "work" / "mine.txt").write_text("mine")
    return home


def _read(home: Path, rel: str) -> str:
    fd = beneath.open_regular(home, rel)
    with os.fdopen(fd) as fh:
        return fh.read()


def test_a_file_inside_opens(home: Path, mode: str) -> None:
    assert _read(home, "work/mine.txt") == "mine"


@pytest.mark.parametrize(
    "link", ["../../secret", "/proc/self/root/etc/hostname", "{tmp}/secret"], ids=str
)
def test_a_link_out_is_refused(home: Path, mode: str, link: str) -> None:
    (home / "work" / "out.txt").symlink_to(link.format(tmp=home.parent))
    with pytest.raises(beneath.Outside):
        _read(home, "work/out.txt")


def test_dotdot_is_refused(home: Path, mode: str) -> None:
    with pytest.raises(beneath.Outside):
        _read(home, "work/../../secret")


def test_a_linked_folder_is_refused(home: Path, mode: str) -> None:
    (home / "dir").symlink_to(home.parent)
    with pytest.raises(beneath.Outside):
        _read(home, "dir/secret")


def test_a_pipe_is_refused_without_blocking(home: Path, mode: str) -> None:
    os.mkfifo(home / "work" / "pipe")
    with pytest.raises(OSError, match="not a regular file"):
        _read(home, "work/pipe")


def test_paths_are_taken_as_written(home: Path) -> None:
    cwd = home / "work"
    assert beneath.relative_to(home, "mine.txt", cwd) == "work/mine.txt"
    assert beneath.relative_to(home, str(home / "work" / "x"), cwd) == "work/x"
    with pytest.raises(beneath.Outside):
        beneath.relative_to(home, "/etc/passwd", cwd)
    with pytest.raises(beneath.Outside):
        beneath.relative_to(home, str(home) + "-other/x", cwd)
