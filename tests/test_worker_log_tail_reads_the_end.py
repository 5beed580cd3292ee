"""The reason line of a failed submission comes from the end of its log, whatever its size:
a 2 GiB log (sparse here) is not read into memory."""

import tracemalloc
from pathlib import Path

from autograder.grading.worker import _tail


def test_tail_of_a_huge_log(tmp_path: Path) -> None:
    log = tmp_path / "autograde.log"
    with open(log, "wb") as fh:
        fh.truncate(2 * 1024**3)
        fh.seek(0, 2)
        fh.write(b"\n[AutogradeApp | ERROR] the reason\n")
    tracemalloc.start()
    try:
        seen = _tail(log)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen.endswith("[AutogradeApp | ERROR] the reason"), seen[-200:]
    assert peak < 4 * 1024**2, f"read {peak} bytes into memory for the tail"
