"""A kernel started ahead that died, or that an ordinary start would not match (another
command, another environment), is not handed out: nbgrader starts its own, and the unfit
warm kernel is killed (it would hold memory of the submission's cgroup). Engine-free."""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest

from autograder import procs
from tests import warm_kernels as wk


def _dead_and_reaped(warm, env):
    warm.process.kill()
    warm.process.wait(timeout=wk.WAIT)
    return warm.handed.dumps(), env


def _dead_not_reaped(warm, env):  # a zombie: the grader reaps only when the lease ends
    held = procs.Process(warm.process.pid)
    os.kill(warm.process.pid, signal.SIGKILL)
    assert held.wait_dead(wk.WAIT), "the warm kernel did not die"
    held.close()
    return warm.handed.dumps(), env


def _another_command(warm, env):
    handed = dataclasses.replace(warm.handed, cmd=[*warm.handed.cmd, "--debug"])
    return handed.dumps(), env


def _another_environment(warm, env):
    return warm.handover(), {**env, "LANG": "C.UTF-8" if env.get("LANG") != "C.UTF-8" else "C"}


@pytest.mark.parametrize(
    "spoil", [_dead_and_reaped, _dead_not_reaped, _another_command, _another_environment]
)
def test_nbgrader_starts_its_own_kernel(tmp_path: Path, spoil) -> None:
    warm = wk.start(tmp_path, wk.base_env())
    try:
        handover, env = spoil(warm, wk.base_env())
        seen = wk.run_as_nbgrader(tmp_path, [[wk.FACTS]], env=env, handover=handover)
        ran = wk.facts(seen["notebooks"][0][0])
        assert ran["pid"] != warm.process.pid, f"the {spoil.__name__[1:]} kernel was adopted"
        assert ran["ppid"] == seen["nbgrader"], "the notebook's kernel is not nbgrader's own"
        code = warm.process.wait(timeout=wk.WAIT)  # killed by nbgrader when unfit
        assert code == -signal.SIGKILL, f"the warm kernel ended with {code}, not killed"
    finally:
        warm.close()
