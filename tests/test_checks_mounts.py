"""MountedAt (§5): named volumes and bind mounts are told apart, read from `docker inspect`."""

import secrets
from pathlib import Path

import docker
import pytest

from autograder.checks import MountedAt


def test_mounted_at_volume_and_bind(
    docker_client: docker.DockerClient, cleanup, test_labels, tmp_path: Path
) -> None:
    token = secrets.token_hex(4)
    volume, name = f"docker-course-test-{token}", f"docker-course-test-{token}"
    docker_client.volumes.create(volume, labels=test_labels)
    host = tmp_path / "out"
    host.mkdir()
    docker_client.containers.create(
        "busybox:1.37",
        ["true"],
        name=name,
        labels=test_labels,
        volumes={
            volume: {"bind": "/data", "mode": "rw"},
            str(host): {"bind": "/out", "mode": "rw"},
        },
    )  # created, never started: mounts are already in inspect

    assert MountedAt(name, volume=volume)().passed
    assert MountedAt(name, volume=volume, destination="/data")().passed
    assert MountedAt(name, host_path=str(host))().passed
    assert MountedAt(name, host_path=str(host / "sub" / ".."), destination="/out")().passed

    wrong_dest = MountedAt(name, volume=volume, destination="/elsewhere")()
    assert not wrong_dest.passed and "/data" in wrong_dest.seen, wrong_dest.message
    as_bind = MountedAt(name, host_path=volume)()  # a volume name is not a host folder
    assert not as_bind.passed and "바인드" in as_bind.title, as_bind.message
    assert not MountedAt(name, volume=volume + "-x")().passed
    missing = MountedAt(name + "-gone", volume=volume)()
    assert not missing.passed and "--name" in missing.hint, missing.message


def test_mounted_at_needs_one_source() -> None:
    with pytest.raises(ValueError):
        MountedAt("c")
    with pytest.raises(ValueError):
        MountedAt("c", volume="v", host_path="/x")
