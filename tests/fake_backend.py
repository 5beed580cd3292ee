"""A ``PrivateBackend`` without engines, for the warm-engine and warm-kernel unit tests: no
seed template, and a ``record`` of what the test's own ``_start_engine`` (and the rest) did."""

from __future__ import annotations

from typing import Any

from autograder.grading.backends import PrivateBackend


class RecordingBackend(PrivateBackend):
    def __init__(self, record: Any, seeds: Any = None) -> None:
        self.record = record
        super().__init__(seeds, limits=None)

    def _template(self, tar):
        return None
