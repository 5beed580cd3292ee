"""`docker-course doctor`: ✓ on a ready machine; ✗ with a fix for each failing check."""

import os
import subprocess
import sys
from pathlib import Path

import docker

CLI = Path(sys.executable).parent / "docker-course"


def _doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "doctor"], env=env, capture_output=True, text=True, timeout=120)


def test_doctor_passes_on_the_course_engine(docker_client: docker.DockerClient) -> None:
    done = _doctor(dict(os.environ))
    assert done.returncode == 0, f"doctor failed:\n{done.stdout}{done.stderr}"
    for name in ("engine reachable", "can run a container", "port publishing", "course images"):
        assert f"✓ {name}" in done.stdout, f"no ✓ {name} in:\n{done.stdout}"


def test_doctor_with_engine_down_lists_fixes(tmp_path: Path) -> None:
    done = _doctor({**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/down.sock"})
    assert done.returncode == 1, f"exit {done.returncode}:\n{done.stdout}{done.stderr}"
    failing = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert len(failing) >= 4, f"expected engine, run, port, images to fail:\n{done.stdout}"
    assert done.stdout.count("→") >= len(failing), f"a ✗ without a fix:\n{done.stdout}"
    assert "DOCKER_HOST" in done.stdout, done.stdout
