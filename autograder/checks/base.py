"""Check results for people: what was expected, what was seen, a hint; readable in notebooks.

A check is a small frozen dataclass with a Korean ``title`` and a ``run(dc)`` that looks at live
engine state through the docker SDK and returns a :class:`CheckResult`. Calling a check never
raises and never writes to stderr (nbgrader scores a test cell 0 on any stderr): an engine error
becomes a failed result that says so. :func:`require` turns failures into one AssertionError.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import docker
import docker.errors
import requests

from ..errors import CourseError
from .hostpath import HostPath, OutsideError, host_path_fields


@dataclass(frozen=True)
class CheckResult:
    title: str
    passed: bool
    expected: str = ""
    seen: str = ""
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    @property
    def message(self) -> str:
        if self.passed:
            return f"✓ {self.title}"
        parts = [f"✗ {self.title}"]
        if self.expected:
            parts.append(f"기대: {self.expected}")
        if self.seen:
            parts.append(f"실제: {self.seen}")
        if self.hint:
            parts.append(f"힌트: {self.hint}")
        return "\n   ".join(parts)

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return Results([self])._repr_html_()


def ok(title: str, seen: str = "") -> CheckResult:
    return CheckResult(title, True, seen=seen)


def fail(title: str, expected: str, seen: str, hint: str = "") -> CheckResult:
    return CheckResult(title, False, expected, seen, hint)


@dataclass(frozen=True)
class Check:
    """Base of every check. Subclasses set ``title`` and implement ``run``."""

    hint: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        # a field annotated HostPath can only be read safely (see hostpath.py)
        for name in host_path_fields(type(self)):
            value = getattr(self, name)
            if value is not None and not isinstance(value, HostPath):
                object.__setattr__(self, name, HostPath(value))

    @property
    def title(self) -> str:  # pragma: no cover - every subclass overrides
        return type(self).__name__

    def run(self, dc: docker.DockerClient) -> CheckResult:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, dc: docker.DockerClient | None = None) -> CheckResult:
        try:
            result = self.run(dc or client())
        except CourseError as exc:
            return fail(self.title, "Docker 엔진에 연결", exc.message, exc.fix or "")
        except OutsideError as exc:
            return fail(
                self.title,
                "제출물의 폴더 안의 파일",
                f"{exc}: 밖의 파일 (링크나 ..을 거쳐 폴더를 벗어남)",
                "링크가 아니라 파일 자체를 그 경로에 두세요.",
            )
        except (docker.errors.DockerException, requests.RequestException, OSError) as exc:
            text = getattr(exc, "explanation", None) or str(exc)
            return fail(
                self.title,
                "엔진이 답함",
                f"{type(exc).__name__}: {text}"[:300],
                "`docker-course doctor`로 환경을 점검하세요.",
            )
        if not result.passed and self.hint and not result.hint:
            result = CheckResult(result.title, False, result.expected, result.seen, self.hint)
        return result

    def _repr_html_(self) -> str:
        return self()._repr_html_()


@dataclass(frozen=True)
class Results:
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def __bool__(self) -> bool:
        return self.passed

    def __iter__(self):
        return iter(self.results)

    def __str__(self) -> str:
        return "\n".join(r.message for r in self.results)

    def _repr_html_(self) -> str:
        rows = []
        for r in self.results:
            mark, color = ("✓", "#1a7f37") if r.passed else ("✗", "#cf222e")
            detail = ""
            if not r.passed:
                bits = [("기대", r.expected), ("실제", r.seen), ("힌트", r.hint)]
                detail = "".join(f"<div><b>{k}</b>: {_with_code(v)}</div>" for k, v in bits if v)
            rows.append(
                f"<tr><td style='color:{color};font-weight:bold;vertical-align:top'>{mark}</td>"
                f"<td style='text-align:left'>{_with_code(r.title)}{detail}</td></tr>"
            )
        done = sum(r.passed for r in self.results)
        head = f"{done}/{len(self.results)} 통과"
        return (
            f"<div class='docker-course-checks'><b>{head}</b>"
            f"<table style='margin:0'>{''.join(rows)}</table></div>"
        )


_RECORDED: dict[Check, CheckResult] = {}  # each check's result when its cell last ran


def check(*checks: Check | CheckResult, dc: docker.DockerClient | None = None) -> Results:
    """Run checks (results pass through) and return them for display."""
    results = []
    for c in checks:
        result = c if isinstance(c, CheckResult) else c(dc)
        if not isinstance(c, CheckResult):
            with contextlib.suppress(TypeError):  # a check with an unhashable field
                _RECORDED[c] = result
        results.append(result)
    return Results(results)


def recorded(c: Check) -> CheckResult | None:
    """The result ``c`` gave when a check cell last ran it in this kernel, if it did: a task is
    judged by the state it left, as grading (which runs the cells in order) judges it."""
    try:
        return _RECORDED.get(c)
    except TypeError:
        return None


class ChecksFailed(AssertionError):
    """What :func:`require` raises: an AssertionError (the cell fails, nbgrader scores it 0)
    that IPython shows as its ✗ lines, without a Python traceback through this module."""

    def __init__(self, results: Results) -> None:
        self.results = results
        super().__init__("\n" + "\n".join(r.message for r in results if not r.passed))

    def _render_traceback_(self) -> list[str]:
        failed = [r for r in self.results if not r.passed]
        head = (
            f"\x1b[31m✗ 확인 {len(failed)}개를 통과하지 못했습니다\x1b[0m (위 표의 힌트를 보세요)"
        )
        return [head, *(r.message for r in failed)]


def require(*checks: Check | CheckResult, dc: docker.DockerClient | None = None) -> Results:
    """Like :func:`check`, but raise one :class:`ChecksFailed` that lists every failure; in a
    notebook the friendly table (✗, 기대, 실제, 힌트) is shown first."""
    results = check(*checks, dc=dc)
    if not results.passed:
        _show(results)
        raise ChecksFailed(results)
    return results


def _show(results: Results) -> None:
    """Display the results' table when an IPython kernel runs this (never on stderr)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with every kernel
        return
    if get_ipython() is not None:
        display(results)


_CODE = re.compile(r"`([^`\n]+)`")


def _with_code(text: str) -> str:
    """HTML of ``text`` with its `code` spans as <code> (escaped first)."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


@functools.lru_cache(maxsize=4)
def _client_for(host: str) -> docker.DockerClient:
    from .. import engine

    spec = engine.default_spec()
    if host:
        spec = engine.EngineSpec(state_dir=spec.state_dir, host=host)
    return engine.client(spec, timeout=60)


def client() -> docker.DockerClient:
    """The engine the notebook talks to (``DOCKER_HOST`` or the default socket), cached."""
    return _client_for(os.environ.get("DOCKER_HOST", ""))


def short_id(image_id: str | None) -> str:
    return (image_id or "")[7:19] if (image_id or "").startswith("sha256:") else (image_id or "")


def join(items: Iterable[str]) -> str:
    items = list(items)
    return ", ".join(items) if items else "(없음)"
