"""Volume content is read through a fresh container; bind-mounted files from the host."""

import secrets
from pathlib import Path

import docker

from autograder.checks import HostFile, VolumeExists, VolumeFile


def test_volume_file_outlives_its_container(
    docker_client: docker.DockerClient, cleanup, test_labels, tmp_path: Path
) -> None:
    name = f"docker-course-test-{secrets.token_hex(4)}"
    docker_client.volumes.create(name, labels=test_labels)
    docker_client.containers.run(
        "busybox:1.37",
        ["sh", "-c", "echo hello > /data/msg"],
        remove=True,
        volumes={name: {"bind": "/data", "mode": "rw"}},
        labels=test_labels,
    )
    assert VolumeExists(name)().passed
    assert VolumeFile(name, "msg", "hello")().passed
    wrong = VolumeFile(name, "msg", "bye")()
    assert not wrong.passed and "hello" in wrong.seen, wrong.message
    assert not VolumeFile(name, "nope", "hello")().passed
    assert not VolumeExists(name + "-x")().passed
    leftovers = docker_client.containers.list(
        all=True, filters={"label": "docker-course.owner=checks"}
    )
    assert not leftovers, f"the reader container was left behind: {leftovers}"

    (tmp_path / "out.txt").write_text("from container\n")
    assert HostFile(str(tmp_path / "out.txt"), "from container")().passed
    assert not HostFile(str(tmp_path / "missing.txt"), "x")().passed
