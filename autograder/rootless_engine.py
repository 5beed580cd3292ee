"""A private engine that runs without root: Debian's ``dockerd-rootless.sh`` as a grading user,
inside a :class:`~autograder.jail.Jail` and the engine's own network namespace.

Everything a private engine has (its own socket, data-root, ports, disk limit), but a
container that mounts ``/`` sees the jail, not the host, and "root" in a container is the
grading user's sub-uid. Its processes join the submission's cgroup before they start (a
rootless engine cannot create cgroups on a cgroup v1 host, so its containers stay in it).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from . import jail
from .grading.limits import ENGINE, Cgroup
from .private_engine import PrivateEngine, _run

ROOTLESS_SCRIPT = Path("/usr/share/docker.io/contrib/dockerd-rootless.sh")


class RootlessEngine(PrivateEngine):
    """``with RootlessEngine(user=jail.slot_user(0)) as pe: …`` — removed after, with every
    process of that user."""

    def __init__(
        self,
        name: str | None = None,
        *,
        user: jail.SlotUser,
        template: Path | None = None,
        cgroup: Cgroup | None = None,
        disk_mb: int | None = None,
        start_timeout: float = 60,
    ) -> None:
        super().__init__(name, template=template, disk_mb=disk_mb, start_timeout=start_timeout)
        self.user = user
        self.cgroup = cgroup
        run = self.home / "run"  # XDG_RUNTIME_DIR: the socket, pid file and rootlesskit state
        self.spec = dataclasses.replace(
            self.spec,
            state_dir=run,
            host=f"unix://{run}/docker.sock",
            exec_root=run / "exec",
            # the userland proxy is how rootlesskit publishes ports: keep it
            extra_args=("--shutdown-timeout", "3"),
        )
        self.jail = jail.Jail(self.name, user, self.home)
        self.on_stop.insert(0, self.jail.destroy)  # every process of the user, then the mounts

    @property
    def work(self) -> Path:
        return self.disk / "work"

    @property
    def cwd(self) -> Path:
        return self.home / "cwd"

    def _before_engine(self) -> None:
        uid, gid = self.user.uid, self.user.gid
        os.chmod(self.home, 0o700)
        for folder in (self.home, self.disk, self.spec.state_dir, self.work, self.cwd):
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, uid, gid)
        if self.spec.data_root and self.spec.data_root.exists():
            os.chown(self.spec.data_root, uid, gid)
        # rootless ports are published by the user: let it bind low ports in this namespace only
        _run(["nsenter", f"--net=/var/run/netns/{self.name}",
              "sysctl", "-qw", "net.ipv4.ip_unprivileged_port_start=0"])  # fmt: skip
        self.jail.create()
        env = {
            "XDG_RUNTIME_DIR": str(self.spec.state_dir),
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        }
        command = self.jail.argv(
            [str(ROOTLESS_SCRIPT)], cwd=self.home, env=env, netns=self.name, no_new_privs=False
        )  # newuidmap is set-uid: the engine may gain privileges, the kernel may not
        self.spec = dataclasses.replace(
            self.spec, command=tuple(command), preexec=self._join_cgroup if self.cgroup else None
        )

    def _join_cgroup(self) -> None:
        assert self.cgroup is not None
        self.cgroup.join(sub=ENGINE)
