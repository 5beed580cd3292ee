"""A fixed engine name (a student's) left behind by a dead owner is taken back on the next
start; one whose owner lives is refused with who holds it, and nothing of it is touched.

Seen in CI: a killed test run left ``dcclass-test-lee``'s namespace, and every later hub's
``ip netns add`` of that student failed with "File exists"."""

import os
import secrets
import subprocess

import pytest

from autograder import private_engine as pe_module
from autograder import procs
from autograder.errors import CourseError

pytestmark = pytest.mark.private_engine


def _name() -> str:
    return "dctest-" + secrets.token_hex(3)  # not the grading reaper's prefix


def _netns_exists(name: str) -> bool:
    return (pe_module.NETNS / name).exists()


def _leave(name: str, owner: int) -> None:
    """What a killed owner leaves: the namespace and its root-only folder naming the owner."""
    subprocess.run(["ip", "netns", "add", name], check=True)
    run_dir = pe_module.RUN_BASE / name
    run_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    (run_dir / "owner.pid").write_text(str(owner))
    (run_dir / pe_module.OWNER_START).write_text(str(procs.start_time(owner)))


def test_a_dead_owners_namespace_is_taken_back() -> None:
    name = _name()
    owner = subprocess.Popen(["sleep", "60"])
    _leave(name, owner.pid)
    owner.kill()
    owner.wait()
    engine = pe_module.PrivateEngine(name)
    try:
        info = engine.start()
        assert info is not None, "the engine did not answer after taking its name back"
        assert _netns_exists(name), "the engine runs without its namespace"
        assert (engine.run_dir / "owner.pid").read_text() == str(os.getpid()), (
            "the new engine does not name this process as its owner"
        )
    finally:
        engine.stop()
    assert not _netns_exists(name), "the namespace outlived its engine"


def test_a_live_owners_engine_is_refused_and_left_alone() -> None:
    name = _name()
    owner = subprocess.Popen(["sleep", "60"])
    try:
        _leave(name, owner.pid)
        with pytest.raises(CourseError) as refused:
            pe_module.PrivateEngine(name).start()
        said = str(refused.value)
        assert str(owner.pid) in said and "sleep" in said, f"the refusal names no holder: {said}"
        assert _netns_exists(name), "a live owner's namespace was deleted"
        run_dir = pe_module.RUN_BASE / name
        assert (run_dir / "owner.pid").read_text() == str(owner.pid), "the owner's record changed"
    finally:
        owner.kill()
        owner.wait()
        pe_module.PrivateEngine(name).stop()
    assert not _netns_exists(name)
