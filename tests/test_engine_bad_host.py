"""DOCKER_HOST pointing at nothing: a message that names it, exit 2."""

import os
import subprocess
import sys
from pathlib import Path


def test_engine_up_names_the_dead_docker_host(tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/nothing.sock"}
    cli = Path(sys.executable).parent / "docker-course"
    done = subprocess.run([cli, "engine", "up"], env=env, capture_output=True, text=True)
    assert done.returncode == 2, f"exit {done.returncode}: {done.stdout}{done.stderr}"
    assert f"DOCKER_HOST=unix://{tmp_path}/nothing.sock" in done.stderr, done.stderr
    assert "unset DOCKER_HOST" in done.stderr, done.stderr
