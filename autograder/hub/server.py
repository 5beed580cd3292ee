"""``docker-course class up|status|down``: the hub as a background process of the machine.

State lives in ``.course/class/`` (root-only, ignored by git): the hub's database and cookie
secret, the accounts and the teacher's password sheet, the proxy, the config, a log and a
record of the hub process (pid and start time, so ``down`` signals that process and no other).
``up`` twice is harmless; after a reboot or a ``kill -9`` the stale record is ignored and the
database and secret are reused, so every student keeps their account and password.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .. import jail, procs, waiting
from ..errors import CourseError
from ..grading import limits
from . import accounts, config, exchange, proxy, roster, student_engine

RECORD = "hub.process"


@dataclass(frozen=True)
class Status:
    running: bool
    url: str
    pid: int | None
    version: str

    def text(self) -> str:
        if not self.running:
            return "class server: not running (`docker-course class up ROSTER` starts it)"
        return f"class server: running at {self.url} (JupyterHub {self.version}, pid {self.pid})"


def state_dir(root: Path) -> Path:
    return root / ".course" / "class"


def up(
    root: Path,
    roster_file: Path,
    *,
    teacher: str,
    ip: str = "127.0.0.1",
    port: int = 8000,
    state: Path | None = None,
    timeout: float = 60,
    idle_minutes: int = 60,
    login_config: Path | None = None,
    echo=print,
) -> Status:
    state = state or state_dir(root)
    found = roster.read(roster_file, teacher)
    login = _login_config(login_config)
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    current = status(state)
    if current.running:
        echo(current.text())
        return current
    jail.ensure_packages()  # each student's engine is rootless (rootlesskit, slirp4netns, uidmap)
    new = accounts.write(state, found)
    exchange.mount(state)
    command = proxy.install(state)
    ports = config.Ports(port, *_free_ports(2, besides=port))
    cfg = state / "jupyterhub_config.py"
    cfg.write_text(
        config.text(
            state, found, ip=ip, ports=ports, proxy=command, course_root=root.resolve(),
            api_token=api_token(state), idle_minutes=idle_minutes, login_config=login,
        )
    )  # fmt: skip
    for name in student_engine.stop_leftovers(state, disk_mb=limits.DEFAULT.disk_mb):
        echo(f"stopped {name}, left running by a hub that was killed (its disk stays)")
    (state / "hub.json").write_text(json.dumps({"url": f"http://{ip}:{port}/"}) + "\n")
    log = open(state / "hub.log", "ab")  # noqa: SIM115 - the hub keeps it
    child = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(cfg)],
        cwd=state,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
    )
    log.close()
    hub = procs.Process(child.pid)
    (state / RECORD).write_text(hub.record())
    try:
        version = waiting.wait_until(
            lambda: hub.alive() and _version(f"http://{ip}:{port}/"),
            timeout=timeout,
            what="the hub answering",
        )
    except TimeoutError as exc:
        hub.kill()
        tail = (state / "hub.log").read_text(errors="replace")[-1500:]
        raise CourseError(
            f"the hub did not start; the end of {state / 'hub.log'}:\n{tail}"
        ) from exc
    if new:
        echo(f"✓ {len(new)} new passwords: {state / 'passwords.csv'} (hand them out; root only)")
    found_status = Status(True, f"http://{ip}:{port}/", child.pid, version)
    echo(found_status.text())
    return found_status


def _login_config(path: Path | None) -> str:
    """The text of a teacher's JupyterHub configuration for an LMS log-in (LTI 1.3, OAuth)."""
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(
            f"cannot read the log-in configuration {path}: {exc}",
            fix="Give a readable UTF-8 Python file (docs/class-login.md has examples).",
        ) from exc


def api_token(state: Path) -> str:
    """docker-course's token for the hub's API (made once; root-only)."""
    path = state / "api-token"
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def status(state: Path) -> Status:
    url = _url(state)
    hub = _hub(state)
    if hub is None:
        return Status(False, url, None, "")
    try:
        version = _version(url)
    except OSError:
        version = ""
    return Status(bool(version), url, hub.pid, version)


def down(state: Path, *, timeout: float = 120, echo=print) -> bool:
    """Stop the hub (it stops the proxy it started); True if one was running."""
    hub = _hub(state)
    if hub is None:
        echo("class server: not running")
        return False
    hub.signal(signal.SIGTERM)  # the hub stops every student's server, then itself
    if not hub.wait_dead(timeout):
        hub.kill()
    (state / RECORD).unlink(missing_ok=True)
    _stop_stray_proxy(state, 10)
    for name in student_engine.stop_leftovers(state, disk_mb=limits.DEFAULT.disk_mb):
        echo(f"stopped {name} (the hub did not stop it in time; its disk stays)")
    for sock in sorted((state / "students").glob("*/lab.sock")):  # a server that died alone
        student_engine.unbind(sock)
    exchange.unmount(state)
    echo("class server: stopped")
    return True


def _hub(state: Path) -> procs.Process | None:
    with contextlib.suppress(OSError):
        found = procs.Process.from_record((state / RECORD).read_text())
        if found is not None and found.alive():
            return found
    return None


def _stop_stray_proxy(state: Path, timeout: float) -> None:
    """A hub killed hard leaves its proxy: stop it if its pid file still names a proxy."""
    pid_file = state / "proxy.pid"
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text().strip())
        if "configurable-http-proxy" in (procs.command(pid) or ""):
            found = procs.Process(pid)
            found.signal(signal.SIGTERM)
            if not found.wait_dead(timeout):
                found.kill()
    pid_file.unlink(missing_ok=True)


def _url(state: Path) -> str:
    with contextlib.suppress(OSError, ValueError, KeyError):
        return json.loads((state / "hub.json").read_text())["url"]
    return ""


def _version(url: str) -> str:
    with urllib.request.urlopen(url + "hub/api", timeout=5) as reply:
        return json.loads(reply.read())["version"]


def _free_ports(n: int, *, besides: int) -> list[int]:
    """``n`` different free loopback ports, none of them ``besides`` (the public port, chosen
    by the caller and maybe not bound yet): all held open together while they are chosen."""
    with contextlib.ExitStack() as held:
        found: list[int] = []
        while len(found) < n:
            s = held.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            if s.getsockname()[1] != besides:
                found.append(s.getsockname()[1])
        return found
