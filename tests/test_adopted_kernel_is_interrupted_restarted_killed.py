"""nbgrader's kernel manager drives an adopted kernel (not its child) as its own: an interrupt
reaches it and it lives on, a restart replaces it with an ordinary kernel, a kill ends it.
Engine-free: the manager's API, as nbclient calls it on a timeout or a dead kernel."""

from __future__ import annotations

import signal
from pathlib import Path

from tests import warm_kernels as wk

MANAGER = r"""
import asyncio, json, os, sys
from autograder.grading.kernel_manager import JailedKernelManager
from autograder.grading.warm_kernel import IPYTHON_EXTRA

async def run(kc, code, *, interrupt=None):
    msg_id, out = kc.execute(code), ""
    while True:  # bounded: every wait below has a deadline
        msg = await kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out += msg["content"]["text"]
            if interrupt and "asleep" in out:
                await interrupt()
                interrupt = None  # once
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out

async def client(km):
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return kc

async def main(plan):
    # a graceful exit is awaited up to this bound (jupyter_client's 5 s sends SIGTERM after
    # 2.5 s, which a loaded 2-core machine overran once): the test is not about speed
    km = JailedKernelManager(kernel_name="python3", shutdown_wait_time=120)
    await km.start_kernel(extra_arguments=IPYTHON_EXTRA)
    kc = await client(km)
    seen = {"nbgrader": os.getpid(), "pid": await run(kc, "import os; print(os.getpid())")}
    if plan == "interrupt, restart":
        seen["interrupted"] = await run(
            kc, "import time\ntry:\n print('asleep', flush=True); time.sleep(600)\n"
            "except KeyboardInterrupt:\n print('interrupted')", interrupt=km.interrupt_kernel)
        seen["pid after interrupt"] = await run(kc, "print(os.getpid())")
        kc.stop_channels()
        await km.restart_kernel()
        kc = await client(km)
        seen["restarted"] = await run(kc, "import os; print(os.getpid(), os.getppid())")
    kc.stop_channels()
    await km.shutdown_kernel(now=plan == "kill")
    seen["alive after shut-down"] = await km.is_alive()
    json.dump(seen, open(sys.argv[2], "w"))

asyncio.run(main(json.load(open(sys.argv[1]))))
"""


def _run(tmp_path: Path, plan: str) -> tuple[dict, int, int]:
    env = wk.base_env()
    warm = wk.start(tmp_path, env)
    try:
        handover = warm.handover()
        seen = wk.run_as_nbgrader(tmp_path, plan, env=env, handover=handover, script=MANAGER)
        return seen, warm.process.pid, warm.process.wait(timeout=wk.WAIT)
    finally:
        warm.close()


def test_interrupt_then_restart(tmp_path: Path) -> None:
    seen, warm_pid, code = _run(tmp_path, "interrupt, restart")
    assert int(seen["pid"]) == warm_pid, f"ran in {seen['pid']}, not the warm {warm_pid}"
    assert "interrupted" in seen["interrupted"], f"the sleep was not interrupted: {seen}"
    assert int(seen["pid after interrupt"]) == warm_pid, "the interrupt ended the kernel"
    pid, ppid = map(int, seen["restarted"].split())
    assert pid != warm_pid and ppid == seen["nbgrader"], f"restart gave {pid} (parent {ppid})"
    assert code == 0, f"the adopted kernel did not shut down gracefully on restart: exit {code}"
    assert seen["alive after shut-down"] is False


def test_kill(tmp_path: Path) -> None:
    seen, warm_pid, code = _run(tmp_path, "kill")
    assert int(seen["pid"]) == warm_pid, f"ran in {seen['pid']}, not the warm {warm_pid}"
    assert seen["alive after shut-down"] is False, "the manager says the kernel still runs"
    assert code == -signal.SIGKILL, f"the adopted kernel ended with {code}, not killed"
