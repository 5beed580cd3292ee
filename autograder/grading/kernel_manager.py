"""The kernel manager nbgrader uses when grading: kernels go into the submission's jail, and
the first one is the kernel started ahead for the submission, if there is one (see
:mod:`autograder.grading.warm_kernel`)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import KernelProvisionerBase, LocalProvisioner

from . import warm_kernel
from .kernel_jail import ENV

# called once a kernel process has started (set by the launcher in its nbgrader fork)
on_started: Callable[[], None] | None = None


class JailedKernelManager(AsyncKernelManager):
    """Any kernelspec's command, behind :mod:`autograder.grading.kernel_jail` when the
    kernel's environment (the one it is started with, else this process's) names a jail
    (``DOCKER_COURSE_JAIL``); unchanged otherwise. The first kernel
    it starts in a process takes the hand-over in ``DOCKER_COURSE_KERNEL``, if any."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        env = (self._launch_args or {}).get("env") or os.environ  # the kernel's, if given
        if not env.get(ENV):
            return cmd
        connection = os.path.realpath(self.connection_file)
        return [sys.executable, "-m", "autograder.grading.kernel_jail", connection, "--", *cmd]

    async def start_kernel(self, **kw: Any) -> None:
        warm = warm_kernel.claim()
        if warm is not None:
            if self.provisioner is None and not self.kernel_spec.metadata.get("kernel_provisioner"):
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = AdoptingProvisioner(
                    warm, kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            else:  # another provisioner starts this kernel: the warm one is not used
                warm.discard()
        await super()._async_start_kernel(**kw)
        if on_started is not None:
            on_started()


class AdoptingProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, whose first launch takes a kernel started ahead
    (when it still runs and an ordinary start would run the same command in the same
    environment) instead of starting one. Interrupts, shut-down and kills reach it as they
    reach any local kernel: through its process group. Later launches (restarts) are ordinary.
    """

    def __init__(self, warm: warm_kernel.Claimed, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._warm: warm_kernel.Claimed | None = warm
        self._adopting: warm_kernel.Claimed | None = None

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        warm, self._warm = self._warm, None
        if warm is not None:
            launch = await self._adoption(warm, kwargs)
            if launch is not None:
                return launch
        return await super().pre_launch(**kwargs)

    async def _adoption(self, warm: warm_kernel.Claimed, kwargs: dict) -> dict[str, Any] | None:
        """The launch arguments of the warm kernel, if it may be adopted (else it is killed)."""
        km = self.parent
        extra = list(kwargs.get("extra_arguments") or [])
        rest = {k: v for k, v in kwargs.items() if k != "extra_arguments"}
        # the environment as an ordinary start would make it (jupyter_client's own steps)
        launch = await KernelProvisionerBase.pre_launch(self, **rest)
        ordinary = km.connection_file
        km.connection_file = warm.handed.connection_file
        try:
            cmd = km.format_kernel_cmd(extra_arguments=extra)
        finally:
            km.connection_file = ordinary
        why_not = warm.unfit(km.kernel_name, cmd, launch["env"])
        if why_not:
            self.log.info("The kernel started ahead is not used (%s): starting one", why_not)
            warm.discard()
            return None
        km.connection_file = warm.handed.connection_file
        km.load_connection_file()
        self.connection_info = km.get_connection_info()
        self._adopting = warm
        return {**launch, "cmd": cmd}

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        warm, self._adopting = self._adopting, None
        if warm is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = warm.adopt()
        self.pid = self.pgid = self.process.pid  # kernel_jail's stand-in leads its own session
        self.cwd = kwargs.get("cwd")
        self.log.info("Adopted the kernel started ahead (stand-in pid %s)", self.pid)
        return self.connection_info
