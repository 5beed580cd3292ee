"""nbgrader's kernel manager takes the kernel started ahead instead of starting one, with the
environment an ordinary start gives, and shuts it down as its own (engine-free)."""

from __future__ import annotations

from pathlib import Path

from tests import warm_kernels as wk


def test_the_first_kernel_is_the_warm_one(tmp_path: Path) -> None:
    env = wk.base_env()
    warm = wk.start(tmp_path, env)
    try:
        seen = wk.run_as_nbgrader(tmp_path, [[wk.FACTS]], env=env, handover=warm.handover())
        adopted = wk.facts(seen["notebooks"][0][0])
        assert adopted["pid"] == warm.process.pid, (
            f"the notebook ran in kernel {adopted['pid']}, the warm one is {warm.process.pid}"
        )
        code = warm.process.wait(timeout=wk.WAIT)
        assert code == 0, f"the adopted kernel was not shut down gracefully: exit {code}"
    finally:
        warm.close()
    assert not Path(warm.handed.connection_file).exists(), "its connection file was left"


def test_its_environment_is_an_ordinary_start_s(tmp_path: Path) -> None:
    env = wk.base_env()
    ordinary = wk.run_as_nbgrader(tmp_path, [[wk.FACTS]], env=env, handover=None)
    warm = wk.start(tmp_path, env)
    try:
        seen = wk.run_as_nbgrader(tmp_path, [[wk.FACTS]], env=env, handover=warm.handover())
    finally:
        warm.close()
    got, want = (wk.facts(s["notebooks"][0][0])["env"] for s in (seen, ordinary))
    for e in (got, want):  # the pid of the process that launched it (jupyter_client's rule)
        e.pop("JPY_PARENT_PID", None)
    diff = {
        k: (got.get(k), want.get(k)) for k in got.keys() | want.keys() if got.get(k) != want.get(k)
    }
    assert not diff, f"adopted vs ordinary kernel environment: {diff}"
