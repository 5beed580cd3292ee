"""A kernel started ahead serves one notebook of one submission: the next kernel nbgrader
starts in the same process (a second notebook) is an ordinary one, its own child, and the
hand-over reaches neither kernel's environment. Engine-free."""

from __future__ import annotations

from pathlib import Path

from autograder.grading import warm_kernel
from tests import warm_kernels as wk


def test_the_second_notebook_gets_a_fresh_kernel(tmp_path: Path) -> None:
    env = wk.base_env()
    warm = wk.start(tmp_path, env)
    try:
        seen = wk.run_as_nbgrader(tmp_path, [[wk.FACTS]] * 2, env=env, handover=warm.handover())
    finally:
        warm.close()
    first, second = (wk.facts(nb[0]) for nb in seen["notebooks"])
    assert first["pid"] == warm.process.pid, "the first notebook did not take the warm kernel"
    assert second["pid"] != first["pid"], "the warm kernel served a second notebook"
    assert second["ppid"] == seen["nbgrader"], "the second kernel is not nbgrader's own child"
    leaked = [k for k in (first, second) if warm_kernel.ENV in k["env"]]
    assert not leaked, f"{warm_kernel.ENV} reached a kernel: {leaked}"
