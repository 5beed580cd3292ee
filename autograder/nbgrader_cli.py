"""Run nbgrader's own command line from this venv (it shells out to `alembic`, so the venv's
bin must be on PATH), with failures turned into messages for people."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .errors import CourseError

BIN = Path(sys.executable).parent


def env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}", **(extra or {})}


def argv(args: list[str]) -> list[str]:
    return [str(BIN / "nbgrader"), *args]


def run(course: Path, args: list[str]) -> str:
    """``nbgrader ARGS`` in ``course``; its output, or a CourseError with the tail of stderr."""
    done = subprocess.run(
        argv(args), cwd=course, env=env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise CourseError(
            f"nbgrader {' '.join(args)} failed (exit {done.returncode}):\n"
            f"{done.stderr.strip()[-1500:]}"
        )
    return done.stdout + done.stderr
