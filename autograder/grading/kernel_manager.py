"""The kernel manager nbgrader uses when grading: kernels go into the submission's jail."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from jupyter_client import AsyncKernelManager

from .kernel_jail import ENV

# called once a kernel process has started (set by the launcher in its nbgrader fork)
on_started: Callable[[], None] | None = None


class JailedKernelManager(AsyncKernelManager):
    """Any kernelspec's command, behind :mod:`autograder.grading.kernel_jail` when the
    environment names a jail (``DOCKER_COURSE_JAIL``); unchanged otherwise."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        if not os.environ.get(ENV):
            return cmd
        connection = os.path.realpath(self.connection_file)
        return [sys.executable, "-m", "autograder.grading.kernel_jail", connection, "--", *cmd]

    async def start_kernel(self, **kw: Any) -> None:
        await super()._async_start_kernel(**kw)
        if on_started is not None:
            on_started()
