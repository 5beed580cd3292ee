"""Bounded waiting without sleeps sprinkled through the code."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    interval: float = 0.05,
    max_interval: float = 0.5,
    what: str = "condition",
) -> T:
    """Call ``probe`` until it returns something truthy; raise ``TimeoutError`` after ``timeout``.

    Exceptions raised by ``probe`` count as "not yet"; the last one is chained to the timeout.
    """
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            value = probe()
            if value:
                return value
        except Exception as exc:  # a failing probe is "not ready yet"  # noqa: BLE001
            last_exc = exc
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not met within {timeout:g} s") from last_exc
        time.sleep(interval)
        interval = min(interval * 1.5, max_interval)
