"""Container checks: running, from which image, published port, HTTP reply."""

import docker

from autograder.checks import (
    ContainerAbsent,
    ContainerFromImage,
    ContainerRunning,
    HttpReply,
    PortPublished,
)


def test_running_container_with_a_port(
    docker_client: docker.DockerClient, hello_image, test_labels, unique_tag
) -> None:
    container = docker_client.containers.run(
        unique_tag, detach=True, labels=test_labels, ports={"3000/tcp": ("127.0.0.1", None)}
    )
    container.reload()
    port = int(container.ports["3000/tcp"][0]["HostPort"])
    for check in (
        ContainerRunning(container.name),
        ContainerFromImage(container.name, unique_tag),
        PortPublished(container.name, 3000, port),
        HttpReply(port, "Hello from container\n"),
    ):
        result = check()
        assert result.passed, result.message
    assert not PortPublished(container.name, 3000, port + 1)().passed
    assert not ContainerFromImage(container.name, "busybox:1.37")().passed
    assert not ContainerAbsent(container.name)().passed


def test_stopped_container_is_not_running(
    docker_client: docker.DockerClient, cleanup, test_labels
) -> None:
    container = docker_client.containers.create("busybox:1.37", ["true"], labels=test_labels)
    result = ContainerRunning(container.name)()
    assert not result.passed and "created" in result.seen, result.message
    assert not HttpReply(1, "x", timeout=0.5)().passed
