"""The grading forkserver builds, once, what every nbgrader fork would otherwise build again:
nbformat's schema validators and SQLAlchemy's first gradebook, and leaves no file behind; its
last preload freezes what it built, so the forks' garbage collections leave it shared."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from autograder.grading import launcher

PROBE = """
import gc, json, sys
import autograder.grading.preload
from nbformat import validator
print(json.dumps({
    "validators": [list(k) for k in validator.validators],
    "imported": [m for m in ("IPython", "ipykernel.kernelspec", "sqlalchemy.dialects.sqlite",
                             "autograder.grading.sanitize") if m in sys.modules],
    "frozen": gc.get_freeze_count(),
}))
"""


def test_the_forkserver_preloads_it_last() -> None:
    assert launcher.PRELOAD[-1] == "autograder.grading.preload", launcher.PRELOAD


def test_validators_and_modules_are_built_and_nothing_is_left(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, f"importing the preload failed: {done.stderr[-2000:]}"
    got = json.loads(done.stdout)
    keys = {tuple(k) for k in got["validators"]}
    assert {("fastjsonschema", 4, 5, False), ("fastjsonschema", 4, 5, True)} <= keys, (
        f"validators built: {sorted(keys)}"
    )
    assert len(got["imported"]) == 4, f"imported ahead: {got['imported']}"
    assert got["frozen"] > 100_000, f"{got['frozen']} objects frozen after the preload"
    assert list(tmp_path.iterdir()) == [], (
        f"the preload left files in its TMPDIR: {list(tmp_path.iterdir())}"
    )
    assert "alembic" not in done.stderr, f"nbgrader ran alembic: {done.stderr[-500:]}"
