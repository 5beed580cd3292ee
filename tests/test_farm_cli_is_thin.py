"""`docker-course grade --farm URL` and `docker-course worker` hand their options to the
package; their defaults live in the package's functions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder import cli, grade
from autograder.farm import worker


def test_grade_passes_the_farm_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    got: dict = {}

    def fake(course, **kw):
        got.update(kw)
        return []

    fake.__kwdefaults__ = grade.main.__kwdefaults__
    monkeypatch.setattr(grade, "main", fake)
    done = CliRunner().invoke(cli.cli, ["grade", str(tmp_path), "--farm", "redis://h:6379/0"])
    assert done.exit_code == 0, done.output
    assert got["farm"] == "redis://h:6379/0", got


def test_worker_defaults_come_from_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    got: dict = {}

    def fake(broker, **kw):
        got.update(kw, broker=broker)

    fake.__kwdefaults__ = worker.main.__kwdefaults__
    monkeypatch.setattr(worker, "main", fake)
    done = CliRunner().invoke(cli.cli, ["worker", "--broker", "redis://h/0", "-c", "3"])
    assert done.exit_code == 0, done.output
    assert (got["broker"], got["concurrency"], got["backend"], got["time_limit"]) == (
        "redis://h/0", 3, "rootless-modern", 900.0
    ), got  # fmt: skip
    assert got["visibility"] is None, got  # the package's default: 3 × limit + 240 s


def test_worker_passes_the_visibility_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    got: dict = {}
    fake = lambda broker, **kw: got.update(kw)  # noqa: E731
    fake.__kwdefaults__ = worker.main.__kwdefaults__
    monkeypatch.setattr(worker, "main", fake)
    argv = ["worker", "--broker", "redis://h/0", "--visibility-timeout", "30"]
    done = CliRunner().invoke(cli.cli, argv)
    assert done.exit_code == 0, done.output
    assert got["visibility"] == 30.0, got


def test_a_wrong_url_exits_2_with_the_fix() -> None:
    done = CliRunner().invoke(cli.cli, ["worker", "--broker", "amqp://rabbit//"])
    assert done.exit_code == 2 and "redis://" in done.output, done.output
