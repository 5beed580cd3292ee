"""A recorded process is found again only while it is the same process (pid and start time):
a record whose pid now names another process gives nothing to signal."""

import subprocess

from autograder import procs


def test_record_finds_the_same_process() -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        held = procs.Process(child.pid)
        again = procs.Process.from_record(held.record())
        assert again is not None and again.alive(), held.record()
        again.kill()
        assert not held.alive(), "the process survived SIGKILL through its pidfd"
    finally:
        child.kill()
        child.wait()


def test_a_reused_pid_is_not_found() -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        started = procs.start_time(child.pid)
        assert procs.Process.from_record(f"{child.pid} {started + 1}") is None
    finally:
        child.kill()
        child.wait()
    assert procs.Process.from_record(f"{child.pid} {started}") is None, "gone is gone"
