"""A wrong farm URL or a Redis that does not answer stops with what to do, before anything is
queued; a password never shows in a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.errors import CourseError
from autograder.farm import app as farm_app


@pytest.mark.parametrize("url", ["amqp://guest@localhost//", "http://127.0.0.1:6379", "redis"])
def test_not_redis_is_refused(url: str) -> None:
    with pytest.raises(CourseError) as seen:
        farm_app.create_app(url)
    assert "redis://" in (seen.value.fix or ""), seen.value


def test_tls_without_certificate_policy_is_refused() -> None:
    with pytest.raises(CourseError, match="ssl_cert_reqs"):
        farm_app.check_url("rediss://:secret@farm.example:6380/0")


def test_password_is_redacted() -> None:
    shown = farm_app.redact("redis://:hunter2@10.0.0.5:6379/0")
    assert "hunter2" not in shown and "10.0.0.5" in shown, shown


def test_no_redis_answers(tmp_path: Path) -> None:
    app = farm_app.create_app(f"redis+socket://:hunter2@{tmp_path / 'none.sock'}")
    try:
        with pytest.raises(CourseError) as seen:
            farm_app.ping(app, timeout=2)
    finally:
        app.close()
    assert "no Redis answers" in seen.value.message, seen.value.message
    assert "hunter2" not in str(seen.value), "the password leaked into the message"
    assert "redis-server" in (seen.value.fix or ""), seen.value.fix


def test_visibility_timeout_outlasts_a_task() -> None:
    for limit in (10, 900):
        assert farm_app.visibility_timeout(limit) > farm_app.task_limit(limit) * 2, limit
