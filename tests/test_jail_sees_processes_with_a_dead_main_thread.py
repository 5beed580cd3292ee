"""A process whose main thread ended (`pthread_exit`) while another thread runs shows as a
zombie in /proc; it is alive, and the sweep that kills a grading user's processes finds it."""

import subprocess
import sys

from autograder import jail, procs
from autograder.waiting import wait_until

HALF_DEAD = """
import ctypes, os, threading, time
threading.Thread(target=time.sleep, args=(120,)).start()
os.write(1, b"ready\\n")
ctypes.CDLL(None).pthread_exit(None)
"""


def test_half_dead_process_is_found() -> None:
    child = subprocess.Popen([sys.executable, "-c", HALF_DEAD], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        held = procs.Process(child.pid)
        wait_until(lambda: _state(child.pid) == "Z", timeout=10, what="the main thread to end")
        found = {pid for pid, _ in jail._process_uids()}
        assert child.pid in found, "a zombie main thread with a live thread: not seen"
    finally:
        child.kill()
        child.wait()
    assert not held.alive()


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0]
