"""Layer diagrams: layers bottom-up with the step that made them, the writable layer of a
container, and the layers two images share."""

import docker

from autograder.widgets.diagram import Diagram, Layer, Stack, diagram, instruction


def test_instruction_reads_both_builders() -> None:
    assert instruction("/bin/sh -c #(nop) COPY file:ab in . ") == "COPY file:ab in ."
    long = "/bin/sh -c #(nop) COPY file:" + "bb2285b0" + "0" * 56 + " in . "
    assert instruction(long) == "COPY file:bb2285b0… in .", "a 64-digit file hash is shortened"
    assert instruction("/bin/sh -c apk add x") == "RUN apk add x"
    assert instruction("COPY app.js . # buildkit") == "COPY app.js . # buildkit"


def test_shared_layers_are_marked_and_text_escaped() -> None:
    a = Stack(
        "a", (Layer("sha256:" + "1" * 64, 10, "COPY <x>"), Layer("sha256:" + "2" * 64, 5, "b"))
    )
    b = Stack(
        "b", (Layer("sha256:" + "1" * 64, 10, "COPY <x>"), Layer("sha256:" + "3" * 64, 0, "c"))
    )
    d = Diagram((a, b))
    assert d.shared_depth() == 1
    page = d._repr_html_()
    assert "공유" in page and "&lt;x&gt;" in page and "<x>" not in page, page


def test_commit_adds_one_layer_over_the_shared_stack(
    docker_client: docker.DockerClient, hello_image, test_labels, unique_tag: str
) -> None:
    container = docker_client.containers.create(
        unique_tag, ["sh", "-c", "echo x >> /app/app.js"], labels=test_labels
    )
    container.start()
    container.wait(timeout=30)
    derived = unique_tag.replace(":1", ":mod")
    repo, tag = derived.split(":")
    container.commit(repo, tag, message="add x", conf={"Labels": test_labels})
    d = diagram(unique_tag, derived, container.name, dc=docker_client)
    base, committed, running = d.stacks
    assert len(committed.layers) == len(base.layers) + 1
    assert d.shared_depth() == len(base.layers), "the base layers are not shown as shared"
    assert "docker commit" in committed.layers[-1].made_by, committed.layers[-1]
    assert ("C", "/app/app.js") in (running.writable or ()), running.writable
    assert "COPY" in base.layers[-1].made_by, base.layers
