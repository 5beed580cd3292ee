"""A student's server: JupyterLab as the student's Unix user, in a jail, in the network
namespace of the student's own rootless engine (:class:`.StudentEngine`).

- ``DOCKER_HOST`` is the student's engine; ``127.0.0.1:PORT`` in a notebook reaches the
  student's own published ports, and two students may both publish 3000.
- JupyterLab listens on a unix socket on the student's disk; the hub binds the socket it
  finds there (after checking it is a socket of the student's) onto a root-only path, and the
  proxy routes to that path: nothing else reaches a student's server, and nothing the student
  later puts at the socket's path changes where the proxy goes.
- The hub's API is relayed into the namespace (:mod:`.forward`) on the port the hub has on the
  host, so the server's ``JUPYTERHUB_API_URL`` works unchanged.
- The workspace (the welcome and the cheat sheet; sections come through nbgrader's exchange,
  :mod:`.exchange`, bound writable) is synced by the student's own process, inside the jail,
  from read-only binds of the checkout's ``release/`` and ``notebooks/``: root never writes
  into a folder a student controls.
- Memory, processes and CPU of the engine, its containers and the server are one cgroup with
  the grading limits (:class:`~autograder.grading.limits.Limits`); the disk is the engine's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlparse

from jupyterhub.spawner import Spawner
from traitlets import Float, Integer, Unicode

from .. import jail, lab, procs, waiting
from ..grading import limits
from ..rootless_engine import bind_mount
from . import exchange, forward, students
from .student_engine import StudentEngine, image_path, unbind

LAB_PORT = 8888  # jupyter_server refuses a unix socket beside any other port
WORKSPACE = "docker-course-lab"


class StudentSpawner(Spawner):
    course_root = Unicode(help="the course checkout").tag(config=True)
    state_dir = Unicode(help="the class's state folder").tag(config=True)
    memory_mb = Integer(limits.DEFAULT.memory_mb).tag(config=True)
    pids = Integer(limits.DEFAULT.pids).tag(config=True)
    cpus = Float(limits.DEFAULT.cpus).tag(config=True)
    disk_mb = Integer(limits.DEFAULT.disk_mb).tag(config=True)

    engine: StudentEngine | None = None
    cgroup: limits.Cgroup | None = None
    lab: subprocess.Popen | None = None
    relay: asyncio.Server | None = None
    socket_path: Path | None = None

    @property
    def folder(self) -> Path:
        """Root-only: the disk image, the bound socket, the server's log."""
        return Path(self.state_dir) / "students" / self.user.name

    async def start(self):
        self.port = LAB_PORT
        self.default_url = "/lab/tree/00-welcome.ipynb"
        env = self.get_env()
        hub_port = urlparse(env["JUPYTERHUB_API_URL"]).port or 80
        try:
            await asyncio.to_thread(self._start_engine)
            assert self.engine is not None
            self.relay = await forward.relay(self.engine.name, hub_port, ("127.0.0.1", hub_port))
            await asyncio.to_thread(self._start_lab, env)
            await asyncio.to_thread(self._bind_socket)
        except BaseException:
            await self.stop()
            raise
        return "http+unix://" + quote(str(self.socket_path), safe="")

    async def poll(self):
        if self.lab is None:
            return 0
        return self.lab.poll()

    async def stop(self, now: bool = False):
        if self.relay is not None:
            self.relay.close()
            self.relay = None
        await asyncio.to_thread(self._stop_all)

    # the blocking parts, in a thread ----------------------------------------------------------
    def _start_engine(self) -> None:
        root = Path(self.course_root)
        state = Path(self.state_dir)
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        user = students.user(self.user.name)
        budget = limits.Limits(self.memory_mb, self.pids, self.cpus, self.disk_mb)
        can_limit = limits.available() is None
        self.cgroup = limits.Cgroup(f"dcclass-{self.user.name}", budget) if can_limit else None
        if self.cgroup is not None:
            self.cgroup.create()
        shared = exchange.mount(state)
        config = lab.write_config(
            state / "lab-config", exchange=shared, course_id=exchange.course_id(root), hub=True
        )
        (config / "migrated").touch()  # read-only in the jail: jupyter_core must not migrate
        self.engine = StudentEngine(
            self.user.name,
            user=user,
            image=image_path(state, self.user.name),
            disk_mb=self.disk_mb,
            cgroup=self.cgroup,
            readonly=(root / "release", root / "notebooks", config),
            writable=(shared,),
        )
        self.engine.start()
        if self.engine.fresh:
            from .. import seed

            seed.seed(self.engine.client(), root / ".course" / "images" / "course-images.tar")

    def _start_lab(self, env: dict[str, str]) -> None:
        assert self.engine is not None
        engine = self.engine
        home = engine.home_dir
        where = home / WORKSPACE
        # a new name each start: a socket left on the (kept) disk by the last server is never
        # mistaken for this one's
        sock = engine.spec.state_dir / f"lab-{secrets.token_hex(6)}.sock"
        settings = home / ".jupyter" / "lab"
        env = {
            **env,
            "DOCKER_HOST": engine.inner_host,
            "DOCKER_COURSE_ROOT": self.course_root,
            "DOCKER_COURSE_WORKSPACE": str(where),
            "JUPYTER_CONFIG_DIR": str(Path(self.state_dir) / "lab-config"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings / "user-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(settings / "workspaces"),
            "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(engine.spec.state_dir / "jupyter"),
            "JUPYTERHUB_ROOT_DIR": str(where),
        }
        script = (
            '"$0" -m autograder.cli workspace sync --no-sections --path "$1" >/dev/null || exit 1; '
            # nbgrader fetches into the server's working folder: the workspace
            'cd "$1" && exec "$0" -m jupyterhub.singleuser --ServerApp.sock="$2" '
            "--ServerApp.sock_mode=0600 "
            # window.jupyterapp: what the browser tests wait on (is the kernel connected?); a
            # script on the lab's page can reach the same through the lab's own REST API
            "--LabApp.expose_app_in_browser=True"
        )
        argv = engine.jail.argv(
            ["sh", "-c", script, sys.executable, str(where), str(sock)],
            cwd=home,
            env=env,
            netns=engine.name,
        )
        log = open(self.folder / "lab.log", "ab")  # noqa: SIM115 - the child keeps it
        cgroup = self.cgroup

        def preexec() -> None:
            jail.fresh_session_keyring()
            if cgroup is not None:
                cgroup.join()

        self.lab = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=preexec, cwd="/"
        )
        log.close()
        self._lab_socket = sock

    def _bind_socket(self) -> None:
        """Wait for the server's socket; bind *that* socket onto a root-only path."""
        assert self.engine is not None and self.lab is not None
        made = self._lab_socket
        user = self.engine.user

        def ready() -> int | None:
            if self.lab is not None and self.lab.poll() is not None:
                raise RuntimeError(f"JupyterLab of {self.user.name} ended; see {self.folder}")
            fd = os.open(made, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
            st = os.fstat(fd)
            if stat.S_ISSOCK(st.st_mode) and st.st_uid == user.uid:
                return fd
            os.close(fd)
            return None

        fd = waiting.wait_until(ready, timeout=self.start_timeout, what="the student's server")
        try:
            target = self.folder / "lab.sock"
            unbind(target)
            target.touch(mode=0o600)
            bind_mount(f"/proc/self/fd/{fd}", target)
        finally:
            os.close(fd)
        self.socket_path = target

    def _stop_all(self) -> None:
        if self.lab is not None:
            for pid, _ in procs.descendants(self.lab.pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)  # the server saves and ends its kernels
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.lab.wait(timeout=10)
            self.lab = None
        if self.socket_path is not None:
            unbind(self.socket_path)
            self.socket_path = None
        if self.engine is not None:
            self.engine.stop()  # the jail too: every process of the student
            self.engine = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
