"""Checks of answer variables (choice questions, computed values).

A failure says what is wrong with the value given, never what was expected
(:mod:`.mismatch`): one wrong try must not hand over the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import docker

from ..korean import particle
from .base import Check, CheckResult, fail, ok
from .mismatch import describe, engine_ids, kind


@dataclass(frozen=True)
class Answer(Check):
    """``value`` is one of ``accepted`` (normalised: stripped, lower-case for strings)."""

    name: str
    value: Any
    accepted: tuple[Any, ...]

    @property
    def title(self) -> str:
        return f"답 {self.name}"

    def run(self, dc: docker.DockerClient | None) -> CheckResult:
        if self.value is None or self.value is ...:
            return fail(self.title, "답을 적음", "비어 있음", "변수에 답을 넣고 셀을 실행하세요.")
        if _norm(self.value) in {_norm(a) for a in self.accepted}:
            return ok(self.title)
        seen = repr(self.value)[:80]
        kinds = {kind(a) for a in self.accepted}
        if len(kinds) == 1 and "None" not in kinds and kind(self.value) not in kinds:
            seen += f" ({kind(self.value)}: {particle(kinds.pop(), '이/가')} 필요)"
        return fail(self.title, "맞는 답", seen)

    def __call__(self, dc: docker.DockerClient | None = None) -> CheckResult:
        result = self.run(None)  # answers need no engine
        if not result.passed and self.hint:
            return CheckResult(result.title, False, result.expected, result.seen, self.hint)
        return result


@dataclass(frozen=True)
class Computed(Check):
    """``value`` equals what ``truth(dc)`` computes from live engine state."""

    name: str
    value: Any
    # not compared: the check panel re-makes this check from the cell's text (a new lambda),
    # and must find the result the check cell recorded for it
    truth: Callable[[docker.DockerClient], Any] = field(compare=False)

    @property
    def title(self) -> str:
        return f"계산한 값 {self.name}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        expected = self.truth(dc)
        if self.value == expected:
            return ok(self.title)
        wrong = describe(self.value, expected, known=engine_ids(dc))
        return fail(self.title, wrong.expected, wrong.seen, wrong.hint)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, list | tuple):
        return tuple(_norm(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(_norm(v) for v in value)
    return value
