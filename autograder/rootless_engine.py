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
import stat
from pathlib import Path

from . import jail, jail_root
from .errors import CourseError
from .grading.limits import ENGINE, Cgroup
from .private_engine import PrivateEngine, _run

ROOTLESS_SCRIPT = Path("/usr/share/docker.io/contrib/dockerd-rootless.sh")
# Docker 28 from the engine matrix's sid tree: overlay2 with native diff in a user namespace
TREE_SCRIPT = Path(__file__).parent / "engine_scripts" / "dockerd-rootless-tree.sh"
# The engine's namespace has no route out, so a pull (``FROM`` an image the bundle does not
# hold, ``docker run`` of a missing tag) would wait on slirp4netns's DNS until it times out
# (20-25 s per pull). A registry proxy on a closed loopback port makes it fail without DNS
# (about 10 s, the engine's own retries), and the error names the proxy.
OFFLINE_PROXY = "http://127.0.0.1:9"  # discard: nothing listens on it
OFFLINE = {"HTTP_PROXY": OFFLINE_PROXY, "HTTPS_PROXY": OFFLINE_PROXY, "NO_PROXY": ""}


class RootlessEngine(PrivateEngine):
    """``with RootlessEngine(user=jail.slot_user(0)) as pe: …`` — removed after, with every
    process of that user.

    Everything the user (and so a submission) can write lies on the engine's disk
    (``disk/``): the engine's runtime folder (socket, pid file, log), the data-root, the work
    folder, the kernel's folder and ``$HOME``. The grader trusts none of it: it talks to the
    engine through a bind mount of the socket it saw the engine create, in a root-only folder
    (``docker_host``), and signals only the processes it started (:mod:`autograder.procs`).
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        user: jail.SlotUser,
        template: Path | None = None,
        cgroup: Cgroup | None = None,
        disk_mb: int | None = None,
        start_timeout: float = 60,
        tree: Path | None = None,
    ) -> None:
        super().__init__(name, template=template, disk_mb=disk_mb, start_timeout=start_timeout)
        self.user = user
        self.cgroup = cgroup
        self.tree = tree  # None: Debian's dockerd; else the sid tree's (modern_engine.tree())
        run = self.disk / "run"  # XDG_RUNTIME_DIR: the socket, pid file and rootlesskit state
        self.spec = dataclasses.replace(
            self.spec,
            state_dir=run,
            host=f"unix://{run}/docker.sock",
            exec_root=run / "exec",
            # the userland proxy is how rootlesskit publishes ports: keep it. No iptables: the
            # engine's namespace has no route out to masquerade, a published port is the
            # proxy's socket, the bridge forwards between containers without rules, and the
            # embedded DNS of user-defined networks still answers; dockerd's ~140 runs of
            # iptables and ip6tables an engine (start, stop, each container) cost ~0.2 CPU-s
            extra_args=("--shutdown-timeout", "3", "--iptables=false", "--ip6tables=false"),
            own_log=True,
        )
        readonly = () if tree is None else (tree, TREE_SCRIPT.parent)
        self.jail = jail.Jail(
            self.name, user, self.home, user_home=self.disk / "home", readonly=readonly
        )
        self.on_stop.insert(0, self.jail.destroy)  # every process of the user, then the mounts

    @property
    def work(self) -> Path:
        return self.disk / "work"

    @property
    def cwd(self) -> Path:
        return self.disk / "cwd"

    @property
    def inner_host(self) -> str:
        """``DOCKER_HOST`` as the jailed kernel sees its engine."""
        return str(self.spec.host)

    def _before_engine(self) -> None:
        uid, gid = self.user.uid, self.user.gid
        if self.disk != self.home:  # the user writes on its disk only
            os.chown(self.home, 0, 0)
            os.chmod(self.home, 0o711)
        else:
            os.chmod(self.home, 0o700)
        user_dirs = (self.disk, self.spec.state_dir, self.work, self.cwd, self.jail.user_home)
        for folder in user_dirs:
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
            **OFFLINE,
        }
        log = str(self.spec.logfile)  # opened by the user, inside the jail, on its disk
        command = self.jail.argv(
            ["sh", "-c", 'exec >>"$0" 2>&1 </dev/null; exec "$@"', log, *self._script()],
            cwd=self.jail.user_home,
            env=env,
            netns=self.name,
            no_new_privs=False,
        )  # newuidmap is set-uid: the engine may gain privileges, the kernel may not
        self.spec = dataclasses.replace(self.spec, command=tuple(command), preexec=self._preexec)

    def _script(self) -> list[str]:
        if self.tree is None:
            return [str(ROOTLESS_SCRIPT)]
        return [str(TREE_SCRIPT), str(self.tree)]

    def _preexec(self) -> None:
        jail.fresh_session_keyring()  # not the grader's: a key of its session must not leak
        if self.cgroup is not None:
            self.cgroup.join(sub=ENGINE)

    def _kill_containers(self) -> bool:
        """Nothing to ask dockerd: its containers run inside the jail's pid namespace and the
        lease's cgroup, which :meth:`stop` kills whole (the jail, then the cgroup) right after
        dockerd. Asking dockerd to kill each one and clean up after it cost ~0.1 CPU-s a
        running container, for a data-root that is deleted anyway."""
        return True

    def _after_engine(self) -> None:
        """Bind the socket the engine just made (nothing of the submission has run yet) into
        the grader's root-only folder: the grader talks to *this* engine for the whole lease,
        whatever the submission later puts at the socket's path in its own folder."""
        made = Path(str(self.spec.host).removeprefix("unix://"))
        fd = os.open(made, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            st = os.fstat(fd)
            if not (stat.S_ISSOCK(st.st_mode) and self.user.owns(st.st_uid)):
                raise CourseError(f"{made} is not the socket the rootless engine made")
            target = self.run_dir / "docker.sock"
            target.touch(mode=0o600)
            bind_mount(f"/proc/self/fd/{fd}", target)
        finally:
            os.close(fd)
        self._host = f"unix://{target}"


def bind_mount(source: str, target: Path) -> None:
    """``mount --bind SOURCE TARGET`` as one system call (``/proc/self/fd/N`` stays this
    process's file: no path is looked up again)."""
    jail_root.bind(source, str(target), recursive=False)
