"""The hub's ``jupyterhub_config.py``, written into the class's state folder on each start."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .roster import Roster


@dataclass(frozen=True)
class Ports:
    public: int  # what students open: http://IP:public/
    hub: int  # the hub's own API, loopback only
    proxy_api: int  # configurable-http-proxy's REST API, loopback only


def text(
    state: Path,
    roster: Roster,
    *,
    ip: str,
    ports: Ports,
    proxy: Path,
    course_root: Path,
    api_token: str,
    idle_minutes: int = 60,
    login_config: str = "",
) -> str:
    lines = [
        "# written by `docker-course class up`; rewritten on every start",
        "c = get_config()  # noqa: F821",
        f"c.JupyterHub.ip = {ip!r}",
        f"c.JupyterHub.port = {ports.public}",
        'c.JupyterHub.hub_ip = "127.0.0.1"',
        f"c.JupyterHub.hub_port = {ports.hub}",
        f'c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports.proxy_api}"',
        'c.JupyterHub.proxy_class = "autograder.hub.proxy.UnixSocketProxy"',
        f"c.ConfigurableHTTPProxy.command = [{str(proxy)!r}]",
        f"c.ConfigurableHTTPProxy.pid_file = {str(state / 'proxy.pid')!r}",
        f"c.JupyterHub.db_url = {'sqlite:///' + str(state / 'jupyterhub.sqlite')!r}",
        f"c.JupyterHub.cookie_secret_file = {str(state / 'jupyterhub_cookie_secret')!r}",
        f"c.JupyterHub.pid_file = {str(state / 'jupyterhub.pid')!r}",
        'c.JupyterHub.authenticator_class = "autograder.hub.auth.RosterAuthenticator"',
        f"c.RosterAuthenticator.accounts_file = {str(state / 'accounts.json')!r}",
        f"c.Authenticator.allowed_users = {set(roster.students)!r}",
        f"c.Authenticator.admin_users = {{{roster.teacher!r}}}",
        'c.JupyterHub.spawner_class = "autograder.hub.spawner.StudentSpawner"',
        f"c.StudentSpawner.course_root = {str(course_root)!r}",
        f"c.StudentSpawner.state_dir = {str(state)!r}",
        "c.StudentSpawner.start_timeout = 180",
        "c.StudentSpawner.http_timeout = 60",
        # the REST API answers a spawn at once (202): waiting on it trips a JupyterHub 6.1 bug
        'c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}',
        # idle servers stop (their engine too; files and images stay on the student's disk)
        "c.JupyterHub.load_roles = [",
        '    {"name": "idle-culler", "services": ["idle-culler"], "scopes": [',
        '        "list:users", "read:users:activity", "read:servers", "delete:servers"]},',
        # docker-course's own token (root-only file): `class status`, tests, the bench
        '    {"name": "docker-course", "services": ["docker-course"], "scopes": [',
        '        "list:users", "read:users", "admin:servers", "access:servers"]},',
        "]",
        "c.JupyterHub.services = [",
        '    {"name": "idle-culler", "command": [',
        f'        {sys.executable!r}, "-m", "jupyterhub_idle_culler",',
        f'        "--timeout={idle_minutes * 60}"]}},',
        f'    {{"name": "docker-course", "api_token": {api_token!r}}},',
        "]",
    ]
    if login_config:  # last, so it overrides the roster's authenticator (docs/class-login.md)
        lines += ["", "# --- the teacher's --login-config, as given ---", login_config.rstrip()]
    return "\n".join(lines) + "\n"
