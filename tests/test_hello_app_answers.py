"""The guide's app.js (fixed), built FROM the course Node image, answers on a published port."""

import urllib.request
from pathlib import Path

import docker

from autograder.waiting import wait_until

HELLO = Path(__file__).parent / "fixtures" / "hello"


def test_hello_image_answers_on_a_published_port(
    docker_client: docker.DockerClient, cleanup, test_labels, unique_tag: str
) -> None:
    image, _ = docker_client.images.build(
        path=str(HELLO), tag=unique_tag, labels=test_labels, rm=True, forcerm=True
    )
    container = docker_client.containers.run(
        image.id, detach=True, labels=test_labels, ports={"3000/tcp": ("127.0.0.1", None)}
    )
    container.reload()
    port = container.ports["3000/tcp"][0]["HostPort"]

    def body() -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
            return reply.read()

    got = wait_until(body, timeout=20, what="the hello app to answer")
    assert got == b"Hello from container\n", f"GET / answered {got!r}"
