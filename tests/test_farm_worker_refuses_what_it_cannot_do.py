"""`docker-course worker` refuses a wrong URL, a backend other than a private engine per
submission, and never grades on a shared engine."""

from __future__ import annotations

import pytest

from autograder.errors import CourseError
from autograder.farm import tasks
from autograder.farm import worker as farm_worker
from autograder.grading import backends
from autograder.grading.limits import Limits


def test_a_wrong_url_is_refused_first() -> None:
    with pytest.raises(CourseError, match="needs a Redis URL"):
        farm_worker.main("amqp://rabbit//", backend="shared")


def test_the_shared_backend_is_refused() -> None:
    with pytest.raises(CourseError, match="rootless or private"):
        farm_worker.main("redis://127.0.0.1:1/0", backend="shared")


def test_a_slot_never_falls_back_to_a_shared_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograder import grade

    closed: list[str] = []

    class Shared(backends.SharedBackend):
        def close(self) -> None:
            closed.append("closed")

    monkeypatch.setattr(grade, "open_backend", lambda *args, **kwargs: Shared())
    with pytest.raises(CourseError, match="never grades on a shared engine"):
        tasks.LocalGrader("rootless")._backend(Limits())
    assert closed == ["closed"], "the refused backend was not closed"
