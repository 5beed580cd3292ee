"""What `kernel_jail` execs the kernel with: none of nbgrader's descriptors (its log among
them) and not the grader's session keyring (a key of the grading session stays unreadable)."""

import subprocess
import sys
from pathlib import Path

PROBE = """
import ctypes, os, platform
from autograder.grading.kernel_jail import _leave_the_grader_behind
from autograder.jail import SYS_KEYCTL

libc = ctypes.CDLL(None, use_errno=True)
KEYCTL_JOIN, KEYCTL_SEARCH, SESSION = 1, 10, -3
n = SYS_KEYCTL[platform.machine()]
libc.syscall(n, ctypes.c_long(KEYCTL_JOIN), None)  # the probe's own "grading session"
SYS_ADD_KEY = {"x86_64": 248, "aarch64": 217, "riscv64": 217}[platform.machine()]
key = libc.syscall(SYS_ADD_KEY, b"user", b"dcourse-grader-secret", b"CANARY",
                   ctypes.c_size_t(6), ctypes.c_long(SESSION))
assert key > 0, ctypes.get_errno()
log = os.open(os.devnull, os.O_WRONLY)  # stands for nbgrader's log
_leave_the_grader_behind()
try:
    os.fstat(log)
    log_open = True
except OSError:
    log_open = False
found = libc.syscall(n, ctypes.c_long(KEYCTL_SEARCH), ctypes.c_long(SESSION),
                     b"user", b"dcourse-grader-secret", ctypes.c_long(0))
with open(os.environ["ANSWER"], "w") as fh:
    fh.write(f"log-open={log_open} key-found={found > 0}")
"""


def test_no_descriptor_and_no_keyring_cross(tmp_path: Path) -> None:
    answer = tmp_path / "answer"
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={"ANSWER": str(answer), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert answer.read_text() == "log-open=False key-found=False", answer.read_text()
