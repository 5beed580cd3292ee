"""Run nbgrader's own command line from this venv (it shells out to `alembic`, so the venv's
bin must be on PATH), with failures turned into messages for people."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import CourseError

BIN = Path(sys.executable).parent


def env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '')}", **(extra or {})}


def argv(args: list[str]) -> list[str]:
    return [str(BIN / "nbgrader"), *args]


def run(course: Path, args: list[str]) -> str:
    """``nbgrader ARGS`` in ``course``; its output, or a CourseError with the tail of it.

    Forked from this process's nbgrader forkserver (:mod:`autograder.grading.launcher`), which
    imports nbgrader once: importing it is most of a ``generate_assignment`` (3.5 of 4 s), so
    releasing seven sections costs one import, not seven."""
    from .grading import launcher

    with tempfile.TemporaryDirectory(prefix="dcourse-nbgrader-") as tmp:
        log = Path(tmp) / "nbgrader.log"
        done = launcher.nbgrader(args, cwd=course, env=env(), log=log)
        said = log.read_text(errors="replace") if log.exists() else ""
    if done.code != 0:
        raise CourseError(
            f"nbgrader {' '.join(args)} failed (exit {done.code}):\n{said.strip()[-1500:]}"
        )
    return said
