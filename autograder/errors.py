"""Errors meant for people: what happened, and what to do about it."""

from __future__ import annotations


class CourseError(Exception):
    """A problem the user can fix. ``exit_code`` 2 means "the environment is not ready"."""

    def __init__(self, message: str, *, fix: str | None = None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message if not self.fix else f"{self.message}\n  → {self.fix}"
