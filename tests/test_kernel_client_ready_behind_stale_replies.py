"""A kernel client becomes ready even when replies to earlier kernel_info requests are still
queued (a kernel slow to start answers the first request after the client asked again)."""

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.kernel_pool import NotebookKernelManager, ReadyClient


def _run(coro: Coroutine) -> object:
    """``asyncio.run`` on a thread of its own: this one may hold a running loop already (the
    browser tests' Playwright leaves one when the whole suite runs)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coro).result()


@pytest.fixture
def kernel() -> Iterator[NotebookKernelManager]:
    km = NotebookKernelManager(kernel_name="python3")
    _run(km.start_kernel())
    yield km
    _run(km.shutdown_kernel(now=True))


def test_ready_behind_three_stale_replies(kernel: NotebookKernelManager) -> None:
    async def ready() -> None:
        kc = kernel.client()
        assert isinstance(kc, ReadyClient), f"the manager made a {type(kc).__name__}"
        kc.start_channels()
        try:
            for _ in range(3):  # requests whose replies nobody reads yet
                kc.kernel_info()
            await kc.wait_for_ready(timeout=20)
        finally:
            kc.stop_channels()

    _run(ready())  # raises "Kernel didn't respond" when it never gets ready
