"""The student's JupyterLab as `docker-course lab` starts it, on a temporary workspace and
config folder, a free loopback port and a random token (shared by the lab's tests)."""

from __future__ import annotations

import json
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

from autograder import lab, workspace
from autograder.waiting import wait_until
from tests.browser import Lab, _stop_group

ROOT = Path(__file__).resolve().parents[1]


def start(tmp_path: Path, *, exchange: Path | None) -> Iterator[Lab]:
    where = tmp_path / "workspace"
    workspace.sync(ROOT, where, report=lambda _: None)
    cfg = lab.write_config(tmp_path / "config", exchange=exchange, course_id="docker-course")
    argv, env = lab.argv(ROOT, where, cfg, port=0)
    token = secrets.token_hex(16)
    runtime = tmp_path / "runtime"
    argv += [
        f"--IdentityProvider.token={token}",
        "--ServerApp.port_retries=0",
        "--LabApp.expose_app_in_browser=True",  # tests wait for the kernel through it
    ]
    env = {**env, "JUPYTER_RUNTIME_DIR": str(runtime)}
    with open(tmp_path / "lab.log", "wb") as log:
        proc = subprocess.Popen(
            argv, env=env, cwd=where, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        info = wait_until(
            lambda: next(runtime.glob("jpserver-*.json"), None),
            timeout=60,
            what=f"the student's JupyterLab to start (log: {tmp_path / 'lab.log'})",
        )
        server = Lab(f"http://127.0.0.1:{json.loads(info.read_text())['port']}/", token, where)
        wait_until(lambda: server.api("GET", "status"), timeout=30, what="JupyterLab to answer")
        yield server
    finally:
        _stop_group(proc)
