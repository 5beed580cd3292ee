"""A worker gets the assignment, never the class: the kit's gradebook holds the assignment's
cells and no student or grade, and a kit whose bytes do not match its hash is not used."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.errors import CourseError
from autograder.farm import kit
from autograder.farm.redis_server import RedisServer
from autograder.grading import gradebook
from autograder.grading.worker import Job, Outcome
from tests.farm import A


def test_kit_gradebook_has_no_student(farm_course: Path, tmp_path: Path) -> None:
    outcome = Outcome(Job("perfect", A), "missing", "fake", 0.0, tmp_path)
    gradebook.merge(farm_course, outcome, threading.Lock())  # the class now has a student
    built = kit.build(farm_course, A, threading.Lock())
    folder = tmp_path / "kit"
    from autograder.farm import payload

    payload.write_files(built.files, folder)
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        seen = ([a.name for a in gb.assignments], [s.id for s in gb.students])
        cells = len(gb.find_assignment(A).notebooks[0].grade_cells)
    assert seen == ([A], []), f"kit gradebook holds {seen}"
    assert cells > 0, "the kit lost the assignment's grade cells"
    assert b"perfect" not in (folder / "gradebook.db").read_bytes(), "a student's id lingers"
    assert (folder / "source" / A / f"{A}.ipynb").is_file() and (folder / "release" / A).is_dir()


@pytest.mark.farm
def test_a_tampered_kit_is_not_used(
    farm_course: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    import redis

    store = redis.Redis(unix_socket_path=str(redis_server.socket))
    try:
        built = kit.build(farm_course, A, threading.Lock())
        kit.publish(store, built)
        message = json.loads(store.get(kit.KEY.format(sha=built.sha)))
        message["files"]["nbgrader_config.py"] = "Yz0x"  # c=1
        store.set(kit.KEY.format(sha=built.sha), json.dumps(message))
        with pytest.raises(CourseError, match="does not match its hash"):
            kit.fetch(store, built.sha, tmp_path / "cache")
        assert not (tmp_path / "cache" / built.sha).exists(), "a bad kit was cached"
    finally:
        store.close()
