"""`docker-course dashboard`: says to grade first on an ungraded folder; saves a PNG otherwise."""

import json
import subprocess
import sys
from pathlib import Path

CLI = Path(sys.executable).parent / "docker-course"


def _dashboard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "dashboard", *args], capture_output=True, text=True, timeout=120)


def test_an_ungraded_folder_is_told_to_grade_first(tmp_path: Path) -> None:
    done = _dashboard(str(tmp_path))
    assert done.returncode == 2, f"exit {done.returncode}:\n{done.stdout}{done.stderr}"
    assert f"docker-course grade {tmp_path}" in done.stderr, done.stderr


def test_a_journal_alone_gives_tables_and_a_png(tmp_path: Path) -> None:
    (tmp_path / ".grading").mkdir()
    entry = {"student": "ann", "assignment": "01-a", "status": "timeout", "seconds": 180.0}
    (tmp_path / ".grading" / "journal.jsonl").write_text(json.dumps(entry) + "\n")
    done = _dashboard(str(tmp_path), "--png", str(tmp_path / "out.png"))
    assert done.returncode == 0, f"exit {done.returncode}:\n{done.stdout}{done.stderr}"
    assert done.stderr == "", done.stderr
    assert "gradebook.db가 없습니다" in done.stdout and "timeout" in done.stdout, done.stdout
    assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG"), "no PNG written"
