"""A submission's kernel, started before nbgrader asks for it, and handed over to nbgrader.

Starting a jailed kernel costs ~0.6 s (the kernel's imports, the jail's ``nsenter``/``setpriv``
chain), all of it on a submission's critical path when nbgrader starts it. A rootless
backend therefore starts the kernel of a lease together with its engine, before the lease
(:meth:`~autograder.grading.backends.PrivateBackend.expect` warms engines while other
submissions grade): by then nothing of any submission exists, so the kernel holds nothing of
one. It is started exactly as nbgrader's kernel manager would start it, with the same
manager class (:class:`~autograder.grading.kernel_manager.JailedKernelManager`), kernelspec,
arguments and environment (the one the worker gives nbgrader: ``backends.nbgrader_env``),
inside the engine's network namespace and the lease's cgroup, as the jail's user.

The hand-over: the lease carries :meth:`WarmKernel.handover` (``None`` once the kernel has
died: it is then not handed out), the worker puts it in nbgrader's environment as
``DOCKER_COURSE_KERNEL``, and the first kernel nbgrader starts in that process takes it
(:func:`claim`) instead of starting one, when it is still alive and its command and
environment are exactly those an ordinary start would use; otherwise it is killed and the
kernel starts as usual. Later starts (a second notebook, a restart) are ordinary starts: a
kernel serves one submission, never more. The kernel's stand-in (``kernel_jail``) is the
grader's child, not nbgrader's: nbgrader holds it by pidfd and signals its process group;
the grader reaps it only when the lease's engine is torn down (its pid, the group's id, is
not reused before), and kills it then if it still runs (:meth:`WarmKernel.close`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import signal
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME

from .. import procs
from . import kernel_jail

if TYPE_CHECKING:
    from .limits import Cgroup

ENV = "DOCKER_COURSE_KERNEL"
JAIL_MODULE = "autograder.grading.kernel_jail"
#: what nbclient adds to an IPython kernel's arguments (``NotebookClient.ipython_hist_file``)
IPYTHON_EXTRA = ["--HistoryManager.hist_file=:memory:"]


@dataclass(frozen=True)
class Handover:
    """What nbgrader's kernel manager needs to take a kernel it did not start."""

    connection_file: str  # root's, in the engine's root-only folder
    process: str  # ``procs.Process.record()`` of the kernel's stand-in (pid and start time)
    kernel_name: str
    cmd: list[str]  # the command it was started with
    env: str  # fingerprint of the environment the kernel got

    def dumps(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def loads(cls, text: str) -> Handover:
        return cls(**json.loads(text))


def fingerprint(environ: Mapping[str, str]) -> str:
    """A digest of the environment a kernel started with ``environ`` gets: in a jail what
    ``kernel_jail`` keeps of it, else all of it (but a hand-over)."""
    spec = environ.get(kernel_jail.ENV)
    if spec:
        env = kernel_jail.kernel_env(environ, json.loads(spec))
    else:
        env = {k: v for k, v in environ.items() if k != ENV}
    return hashlib.sha256(json.dumps(sorted(env.items())).encode()).hexdigest()


# --- the grader's side -------------------------------------------------------------------------
@dataclass
class WarmKernel:
    """A kernel started ahead for one lease (this process is its stand-in's parent)."""

    process: subprocess.Popen
    handed: Handover
    manager: Any = None  # the manager that wrote the connection file (it removes it when freed)

    def handover(self) -> str | None:
        """``DOCKER_COURSE_KERNEL`` for the lease's nbgrader; ``None`` if the kernel died."""
        return self.handed.dumps() if self.process.poll() is None else None

    def close(self) -> None:
        """Kill the kernel (its stand-in's process group) if it still runs, reap the stand-in
        and remove the connection file. Safe to call twice."""
        if self.process.poll() is None:  # not reaped yet: the group's id is still its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        Path(self.handed.connection_file).unlink(missing_ok=True)


def start(
    env: dict[str, str],
    *,
    folder: Path,
    netns: str | None = None,
    cgroup: Cgroup | None = None,
    kernel_name: str = NATIVE_KERNEL_NAME,
) -> WarmKernel:
    """Start a kernel as nbgrader would with ``env`` as its environment: its connection file in
    ``folder`` (root's only), inside network namespace ``netns`` and ``cgroup`` (a
    :class:`~autograder.grading.limits.Cgroup`) when given. Returns at once: the kernel boots
    in the background."""

    def launch() -> WarmKernel:
        return _run(_launch(env, folder, cgroup, kernel_name))

    if netns is None:
        return launch()
    from ..private_engine import call_in_netns  # ports are picked, and bound, in there

    return call_in_netns(netns, launch)


def _run(coro: Any) -> Any:
    """``asyncio.run(coro)``, on a thread of its own when this thread runs a loop already (a
    caller's: asyncio.run refuses to start a second one there)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed back to the caller  # noqa: BLE001
            result["error"] = exc

    thread = threading.Thread(target=target, name="warm kernel start")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


async def _launch(
    env: dict[str, str], folder: Path, cgroup: Cgroup | None, kernel_name: str
) -> WarmKernel:
    from .kernel_manager import JailedKernelManager

    connection = folder / f"kernel-{secrets.token_hex(8)}.json"
    km = JailedKernelManager(
        kernel_name=kernel_name, connection_file=str(connection), cache_ports=False
    )
    extra = list(IPYTHON_EXTRA) if km.ipykernel else []
    cmd, kw = await km.pre_start_kernel(env=env, extra_arguments=extra)
    if kw["env"].get(kernel_jail.ENV) and cmd[1:3] != ["-m", JAIL_MODULE]:
        raise RuntimeError(f"a kernel of a jail would start outside it: {cmd}")
    # as nbgrader's manager sees it before the launch (which adds JPY_PARENT_PID: its own pid)
    env_seen = fingerprint(kw["env"])

    def preexec() -> None:  # in the child, before the exec
        signal.pthread_sigmask(signal.SIG_SETMASK, set())  # as a fresh process's: none blocked
        if cgroup is not None:
            cgroup.join()  # the lease's limits, as for a kernel nbgrader starts in it

    quiet = subprocess.DEVNULL  # kernel_jail points the kernel at a log of its own
    assert km.provisioner is not None
    try:
        await km.provisioner.launch_kernel(
            cmd, **kw, cwd="/", stdin=quiet, stdout=quiet, stderr=quiet, preexec_fn=preexec
        )
    except BaseException:
        connection.unlink(missing_ok=True)
        raise
    process = km.provisioner.process
    handed = Handover(
        str(connection),
        f"{process.pid} {procs.start_time(process.pid)}",  # as Process.record(); unreaped
        kernel_name,
        cmd,
        env_seen,
    )
    return WarmKernel(process, handed, km)


# --- nbgrader's side ---------------------------------------------------------------------------
EXITED = 1  # an adopted stand-in's exit status is its parent's (the grader's) to read


class Adopted:
    """The stand-in of a kernel this process did not start, driven as jupyter_client's
    ``LocalProvisioner`` drives the ``Popen`` of one it did (poll, wait, signals), by pidfd."""

    stdin = stdout = stderr = None

    def __init__(self, process: procs.Process) -> None:
        self._process = process
        self.pid = process.pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not self._process.alive():
            self.returncode = EXITED
            self._process.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        while self.poll() is None:
            done = self._process.wait_dead(3600 if timeout is None else timeout)
            if not done and timeout is not None:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return EXITED

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            self._process.signal(sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


@dataclass
class Claimed:
    """A hand-over taken from the environment: the kernel, if it still runs."""

    handed: Handover
    process: procs.Process | None  # None: gone (or its pid now names another process)

    def unfit(self, kernel_name: str, cmd: list[str], env: Mapping[str, str]) -> str | None:
        """Why an ordinary start of ``cmd`` with ``env`` would differ from this kernel (or it
        is dead), in words; ``None`` when it may be adopted."""
        if self.process is None or not self.process.alive():
            return "it died before nbgrader asked for a kernel"
        if kernel_name != self.handed.kernel_name or cmd != self.handed.cmd:
            return f"nbgrader starts {kernel_name} {cmd}, not {self.handed.cmd}"
        if fingerprint(env) != self.handed.env:
            return "nbgrader's kernel would get another environment"
        return None

    def adopt(self) -> Adopted:
        assert self.process is not None
        return Adopted(self.process)

    def discard(self) -> None:
        """Kill the kernel (it holds memory of this lease's cgroup) and forget it."""
        if self.process is not None:
            # the grader reaps the stand-in only after the lease: the group's id is its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.close()
            self.process = None


def claim() -> Claimed | None:
    """The hand-over in this process's environment, taken out of it: only the first kernel
    started here may adopt it."""
    text = os.environ.pop(ENV, None)
    if not text:
        return None
    handed = Handover.loads(text)
    return Claimed(handed, procs.Process.from_record(handed.process))
