"""A jail's namespace bind that the kernel refuses (EINVAL: namespace ids come from per-CPU
batches, and a new namespace whose id is not above the enclosing one's is refused, on one CPU
every time) is tried again on each CPU in turn: on the enclosing namespace's CPU it holds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder import jail

TRIES = textwrap.dedent("""
    import subprocess, sys
    from autograder.jail import _pinned
    target = sys.argv[1]
    subprocess.run(["mount", "--bind", target, target], check=True)
    subprocess.run(["mount", "--make-private", target], check=True)
    for attempt in range(int(sys.argv[2])):
        open(f"{target}/ns", "w").close()
        argv = [*_pinned(attempt), "unshare", f"--mount={target}/ns", "true"]
        if subprocess.run(argv, capture_output=True).returncode == 0:
            subprocess.run(["umount", f"{target}/ns"], check=True)
            print(attempt)
            break
    subprocess.run(["umount", target], check=True)
""")


def test_the_tries_after_the_first_take_each_cpu_in_turn(monkeypatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {3, 0, 5})
    pins = [jail._pinned(attempt) for attempt in range(5)]
    cpus = [argv[-1] if argv else "any" for argv in pins]
    assert cpus == ["any", "0", "3", "5", "0"], pins


@pytest.mark.parametrize("cpu", sorted(os.sched_getaffinity(0)))
def test_a_bind_holds_within_the_tries_below_a_namespace_made_on_any_cpu(
    tmp_path: Path, cpu: int
) -> None:
    cpus = sorted(os.sched_getaffinity(0))
    every = ",".join(map(str, cpus))  # the tries themselves may run anywhere again
    done = subprocess.run(
        ["taskset", "-c", str(cpu), "unshare", "--mount", "--pid", "--fork", "--mount-proc",
         "taskset", "-c", every, sys.executable, "-c", TRIES, str(tmp_path), str(1 + len(cpus))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip(), (
        f"no bind held in {1 + len(cpus)} tries below a namespace made on CPU {cpu}: {done.stderr}"
    )
