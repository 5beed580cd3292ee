"""RestartedKeepsFile: a file written in a container survives stop → start of that same
container (the engine's history says it restarted); a never-restarted container or a new
container of the same name does not count."""

from autograder.checks.lifecycle import RestartedKeepsFile
from autograder.private_engine import PrivateEngine

WRITE = ["sh", "-c", "echo kept > /note.txt"]


def test_stop_and_start_keep_the_written_file(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    box = dc.containers.run("busybox:1.37", ["sleep", "600"], name="life", detach=True)
    box.exec_run(WRITE)
    box.stop(timeout=0)
    box.start()
    result = RestartedKeepsFile("life", "/note.txt", "kept")(dc)
    assert result.passed, result.message


def test_a_container_never_restarted_fails(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    box = dc.containers.run("busybox:1.37", ["sleep", "600"], name="once", detach=True)
    box.exec_run(WRITE)
    result = RestartedKeepsFile("once", "/note.txt", "kept")(dc)
    assert not result.passed and "시작 1번" in result.seen, result.message


def test_a_new_container_of_the_same_name_is_not_a_restart(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    first = dc.containers.run("busybox:1.37", ["sleep", "600"], name="again", detach=True)
    first.stop(timeout=0)
    first.remove()
    second = dc.containers.run("busybox:1.37", ["sleep", "600"], name="again", detach=True)
    second.exec_run(WRITE)
    result = RestartedKeepsFile("again", "/note.txt", "kept")(dc)
    assert not result.passed, result.message
