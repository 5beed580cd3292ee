"""Start a submission's kernel inside its engine's jail, as the grading user.

nbgrader (root: it reads the gradebook and the hidden tests) starts kernels through
:class:`~autograder.grading.kernel_manager.JailedKernelManager`, which puts this module in
front of the kernelspec's command: ``python -m autograder.grading.kernel_jail CONNECTION --
python -m ipykernel_launcher -f CONNECTION``. Still root, it copies the connection file into
the jail's runtime folder (the user cannot read nbgrader's), drops every descriptor and the
session keyring of nbgrader's, and forks the kernel into the jail's pid namespace through
``nsenter`` and ``setpriv``. It stays behind as a thin stand-in for the kernel: nbgrader
signals the kernel's process group (interrupts, kills), which holds both, and this process
ends as the kernel ends. Any kernelspec is wrapped, whatever name a submission asks for.
Without ``DOCKER_COURSE_JAIL`` in the environment the kernel starts as it would have.
"""

from __future__ import annotations

import ctypes
import json
import os
import secrets
import shutil
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

from .. import beneath
from ..jail import Jail, SlotUser, fresh_session_keyring

CLONE_NEWPID = 0x20000000
ENV = "DOCKER_COURSE_JAIL"  # this module imports little: it runs once per kernel start
# what a kernel keeps of nbgrader's environment (no tokens or paths of the grader's): not
# the grader's record of the engine, nor the hand-over of a kernel started ahead (warm_kernel)
DROP = ("DOCKER_COURSE_HISTORY", "DOCKER_COURSE_KERNEL")
KEEP = ("DOCKER_HOST", "DOCKER_COURSE_", "LANG", "LC_", "TZ", "PATH", "JPY_", "PYTHONHASHSEED")


def spec_env(jail: Jail, cwd: Path, *, docker_host: str, run: Path) -> str:
    """The value of ``DOCKER_COURSE_JAIL`` for kernels of this jail: who and where they run,
    the engine as they see it (``docker_host``), their runtime folder ``run``."""
    u = jail.user
    return json.dumps(
        {
            "name": jail.name,
            "user": [u.name, u.uid, u.gid, u.subid_start],
            "home": str(jail.home),
            "user_home": str(jail.user_home),
            "cwd": str(cwd),
            "run": str(run),
            "docker_host": docker_host,
        }
    )


#: the kernel's stdout and stderr go to a file the *user* opens, inside the jail, on its disk
#: (not nbgrader's log: a kernel must not write into a file of root's, past its disk limit)
REDIRECT = 'exec >>"$0" 2>&1 </dev/null; exec "$@"'


def main(argv: list[str]) -> None:
    connection, sep, *cmd = argv
    assert sep == "--" and cmd, "usage: kernel_jail CONNECTION_FILE -- KERNEL COMMAND"
    spec = json.loads(os.environ[ENV])
    user = SlotUser(*spec["user"])
    home, run = Path(spec["home"]), Path(spec["run"])
    jail = Jail(spec["name"], user, home, user_home=Path(spec["user_home"]))
    copy = copy_connection(Path(connection), home, run, user)
    cmd = [arg.replace(connection, str(copy)) for arg in cmd]
    env = kernel_env(os.environ, spec)
    log = str(run / "kernel.log")
    jailed = jail.argv(
        ["sh", "-c", REDIRECT, log, *cmd], cwd=Path(spec["cwd"]), env=env, pid_ns=False
    )
    _leave_the_grader_behind()
    _join_pid_namespace(jail.pidfile)
    child = os.fork()
    if child == 0:
        os.execvp(jailed[0], jailed)
    _stand_in_for(child)


def kernel_env(environ: Mapping[str, str], spec: dict) -> dict[str, str]:
    """What a kernel of the jail ``spec`` keeps of nbgrader's environment ``environ`` (before
    the jail adds the user's ``HOME``, ``USER``, ``TMPDIR``): no token or path of the
    grader's, its engine as the jail sees it, its own IPython and runtime folders."""
    env = {k: v for k, v in environ.items() if k.startswith(KEEP) and k not in DROP}
    env["DOCKER_HOST"] = spec["docker_host"]  # its engine as the jail sees it, not the grader's
    env["IPYTHONDIR"] = str(Path(spec["user_home"]) / ".ipython")
    env["XDG_RUNTIME_DIR"] = str(Path(spec["run"]))
    return env


def copy_connection(connection: Path, home: Path, run: Path, user: SlotUser) -> Path:
    """A copy of nbgrader's connection file the user may read, in ``run``: a new file made
    beneath the jail's home (``run`` swapped for a link leads nowhere else), never an
    existing one."""
    copy = run / f"kernel-{secrets.token_hex(6)}.json"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    fd = beneath.open_beneath(home, beneath.relative_to(home, copy), flags, 0o600)
    with open(connection, "rb") as src, os.fdopen(fd, "wb") as dst:
        shutil.copyfileobj(src, dst)
        os.fchown(dst.fileno(), user.uid, user.gid)
    return copy


def _join_pid_namespace(nsfile: Path) -> None:
    """Children of this process start in the jail's pid namespace (this one stays outside)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(nsfile, os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWPID) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {nsfile} failed")
    finally:
        os.close(fd)


def _stand_in_for(child: int) -> None:
    """Be the kernel for nbgrader: it signals this process group (an interrupt reaches the
    kernel, in the same group, and is ignored here), TERM and HUP are passed on, and this
    process ends as the kernel ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, lambda signum, _frame: os.kill(child, signum))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code)


def _leave_the_grader_behind() -> None:
    """Nothing of nbgrader's crosses: stdin, stdout and stderr become /dev/null (the jailed
    shell points them at its own log), every other descriptor is closed, and the kernel gets
    a session keyring of its own."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # `null` too, if it was not 0, 1 or 2
    fresh_session_keyring()


if __name__ == "__main__":
    main(sys.argv[1:])
