"""Start a submission's kernel inside its engine's jail, as the grading user.

nbgrader (root: it reads the gradebook and the hidden tests) starts kernels through
:class:`~autograder.grading.kernel_manager.JailedKernelManager`, which puts this module in
front of the kernelspec's command: ``python -m autograder.grading.kernel_jail CONNECTION --
python -m ipykernel_launcher -f CONNECTION``. Still root, it copies the connection file into
the jail's home (the user cannot read nbgrader's), then execs the kernel through ``nsenter``
and ``setpriv``: same pid, so nbgrader's interrupts and kills reach the kernel. Any kernelspec
is wrapped, whatever name a submission asks for. Without ``DOCKER_COURSE_JAIL`` in the
environment the kernel starts as it would have.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from pathlib import Path

from ..jail import Jail, SlotUser

ENV = "DOCKER_COURSE_JAIL"  # this module imports little: it runs once per kernel start
# what a kernel keeps of nbgrader's environment (no tokens or paths of the grader's)
KEEP = ("DOCKER_HOST", "DOCKER_COURSE_", "LANG", "LC_", "TZ", "PATH", "JPY_", "PYTHONHASHSEED")


def spec_env(jail: Jail, cwd: Path) -> str:
    """The value of ``DOCKER_COURSE_JAIL`` for kernels of this jail."""
    u = jail.user
    return json.dumps(
        {
            "name": jail.name,
            "user": [u.name, u.uid, u.gid, u.subid_start],
            "home": str(jail.home),
            "cwd": str(cwd),
        }
    )


def main(argv: list[str]) -> None:
    connection, sep, *cmd = argv
    assert sep == "--" and cmd, "usage: kernel_jail CONNECTION_FILE -- KERNEL COMMAND"
    spec = json.loads(os.environ[ENV])
    user = SlotUser(*spec["user"])
    home = Path(spec["home"])
    jail = Jail(spec["name"], user, home)
    copy = home / "run" / f"kernel-{secrets.token_hex(6)}.json"
    shutil.copyfile(connection, copy)
    os.chown(copy, user.uid, user.gid)
    os.chmod(copy, 0o600)
    cmd = [arg.replace(connection, str(copy)) for arg in cmd]
    env = {k: v for k, v in os.environ.items() if k.startswith(KEEP)}
    env["IPYTHONDIR"] = str(home / ".ipython")
    env["XDG_RUNTIME_DIR"] = str(home / "run")
    jailed = jail.argv(cmd, cwd=Path(spec["cwd"]), env=env)
    os.execvp(jailed[0], jailed)


if __name__ == "__main__":
    main(sys.argv[1:])
