"""A folder swapped for a link to a root-only folder (renameat2 RENAME_EXCHANGE, in a loop)
while the grader reads a student's file through it: the grader reads the student's file or
refuses, never the file behind the link."""

import ctypes
import json
import threading
from pathlib import Path

import pytest

from autograder.checks.hostpath import ENV, HostPath, OutsideError
from autograder.grading import kernel_jail

RENAME_EXCHANGE = 2
SWAPS = 20000  # bounded: the swapper stops after this many, or when the reader is done
READS = 2000


def test_env_name_matches_kernel_jail() -> None:
    assert ENV == kernel_jail.ENV


@pytest.fixture
def jailed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "cwd").mkdir(parents=True)
    spec = {"name": "x", "user": ["u", 1, 1, 0], "home": str(home), "cwd": str(home / "cwd")}
    monkeypatch.setenv(ENV, json.dumps(spec))
    return home


def test_swapped_folder_never_leaks(jailed: Path, tmp_path: Path) -> None:
    secret_dir = tmp_path / "root-only"
    secret_dir.mkdir(mode=0o700)
    (secret_dir / "app.js").write_text("CANARY")
    (jailed / "real").mkdir()
    (jailed / "real" / "app.js").write_text("mine")
    (jailed / "link").symlink_to(secret_dir)
    libc = ctypes.CDLL(None, use_errno=True)
    done = threading.Event()

    def swap() -> None:
        for _ in range(SWAPS):
            if done.is_set():
                return
            libc.renameat2(-100, str(jailed / "real").encode(), -100,
                           str(jailed / "link").encode(), RENAME_EXCHANGE)  # fmt: skip

    swapper = threading.Thread(target=swap)
    swapper.start()
    seen: set[bytes] = set()
    try:
        for _ in range(READS):
            try:
                seen.add(HostPath(jailed / "real" / "app.js").read_bytes())
            except (OutsideError, FileNotFoundError, NotADirectoryError):
                seen.add(b"refused")
    finally:
        done.set()
        swapper.join()
    assert b"CANARY" not in seen, f"read through the swapped link: {seen}"
    assert seen <= {b"mine", b"refused"}, seen
