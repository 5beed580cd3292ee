"""configurable-http-proxy, JupyterHub's proxy: the npm package, installed by the project into
an ignored folder (``.course/class/proxy``), with Debian's Node when the machine has none.

Version 5, because it routes to unix sockets (``http+unix://``): a student's server listens on
one, so nothing but the proxy reaches it. JupyterHub 6 writes such a target with a port
(``http+unix://%2Fpath:80``), which the proxy would read as part of the path;
:class:`UnixSocketProxy` drops the port on the way in and puts it back on the way out, so the
hub's route check sees the target it wrote.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from jupyterhub.proxy import ConfigurableHTTPProxy

from .. import system
from ..errors import CourseError

PACKAGE = "configurable-http-proxy@5"
UNIX_PORT = re.compile(r"^(http\+unix://[^/:]+):\d+")


class UnixSocketProxy(ConfigurableHTTPProxy):
    async def add_route(self, routespec, target, data):
        return await super().add_route(routespec, UNIX_PORT.sub(r"\1", target), data)

    async def get_all_routes(self):
        routes = await super().get_all_routes()
        for route in routes.values():
            target = route.get("target", "")
            if target.startswith("http+unix://") and not UNIX_PORT.match(target):
                route["target"] = target + ":80"
        return routes


def install(state: Path) -> Path:
    """The proxy's command, installing it first when missing."""
    prefix = state / "proxy"
    command = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if command.exists() and _major(prefix) == PACKAGE.rsplit("@", 1)[1]:
        return command
    if shutil.which("npm") is None:
        system.apt_install(["nodejs", "npm"], why="the class server's proxy (npm package)")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", PACKAGE],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not command.exists():
        raise CourseError(
            f"could not install {PACKAGE} with npm (is registry.npmjs.org reachable?):\n"
            + (done.stderr or done.stdout)[-800:]
        )
    return command


def _major(prefix: Path) -> str:
    import json

    try:
        manifest = prefix / "node_modules" / "configurable-http-proxy" / "package.json"
        return json.loads(manifest.read_text())["version"].split(".")[0]
    except (OSError, ValueError, KeyError):
        return ""
