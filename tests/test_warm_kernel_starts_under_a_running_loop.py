"""A kernel is started ahead even from a thread that runs an event loop already (a caller's,
such as Playwright's in the browser tests): ``asyncio.run`` would refuse there."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from tests import warm_kernels


def test_start_from_inside_a_running_loop(tmp_path: Path) -> None:
    async def caller():
        return warm_kernels.start(tmp_path, warm_kernels.base_env())

    started: list = []  # on a thread of its own: this one may run Playwright's loop already
    thread = threading.Thread(target=lambda: started.append(asyncio.run(caller())))
    thread.start()
    thread.join(timeout=120)
    assert started, "starting a kernel under a running loop failed (see the thread's error)"
    kernel = started[0]
    try:
        assert kernel.handover() is not None, "the kernel started under a loop is not alive"
    finally:
        kernel.close()
    assert kernel.process.poll() is not None, "close() left the kernel's stand-in running"
