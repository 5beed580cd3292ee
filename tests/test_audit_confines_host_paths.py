"""The audit runs as root outside the jail: a path a student hands to a check (a saved tar, a
copied file) must not lead it to the grader's files, by name or through a symlink."""

import json
from pathlib import Path

import pytest

from autograder.grading import audit, kernel_jail

SOURCE = 'require(SavedTar(tar_path, "study/hello:1.0"))'


@pytest.fixture
def jailed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "cwd").mkdir(parents=True)
    (home / "work").mkdir()
    spec = {"name": "x", "user": ["u", 1, 1, 0], "home": str(home), "cwd": str(home / "cwd")}
    monkeypatch.setenv(kernel_jail.ENV, json.dumps(spec))
    return home


def _failures(tar_path: str) -> list[str]:
    result = audit.audit_cell(SOURCE, {}, True, "check-save", None, {"tar_path": tar_path})
    assert result.audited, f"the check was not audited: {result}"
    return result.failures


def test_a_path_outside_fails(jailed: Path, tmp_path: Path) -> None:
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    failures = _failures(str(secret))
    assert failures and "밖의 파일" in failures[0], failures


def test_a_symlink_out_of_the_jail_fails(jailed: Path, tmp_path: Path) -> None:
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    (jailed / "work" / "evil.tar").symlink_to(secret)
    failures = _failures(str(jailed / "work" / "evil.tar"))
    assert failures and "밖의 파일" in failures[0], failures


def test_a_relative_path_is_the_kernels(jailed: Path) -> None:
    (jailed / "cwd" / "mine.tar").write_bytes(b"not a tar")
    failures = _failures("mine.tar")
    assert failures and "밖의 파일" not in failures[0], failures  # judged, as a bad tar
    assert "mine.tar" in failures[0], failures


def test_hostfile_through_a_symlink_shows_no_secret(jailed: Path, tmp_path: Path) -> None:
    """The check of section 05 (a bind mount's file): a link to a root-only file is refused,
    and the file's content appears in no message."""
    secret = tmp_path / "root-only.txt"
    secret.write_text("CANARY-05")
    (jailed / "work" / "out.txt").symlink_to(secret)
    source = 'require(HostFile(out_path, "hello from bind-demo"))'
    result = audit.audit_cell(
        source, {}, True, "check-bind", None, {"out_path": str(jailed / "work" / "out.txt")}
    )
    assert result.failures and "밖의 파일" in result.failures[0], result
    assert "CANARY" not in json.dumps(result.failures, ensure_ascii=False), result.failures
