"""A commit adds exactly one layer holding the change; history says it was a commit."""

import docker

from autograder.checks import CommitOnTop, DiffHas, FileInLayer, LayersExtend


def test_commit_relations(docker_client: docker.DockerClient, hello_image, test_labels, unique_tag):
    container = docker_client.containers.create(
        unique_tag,
        ["sh", "-c", "echo \"console.log('modified');\" >> /app/app.js"],
        labels=test_labels,
    )
    container.start()
    assert container.wait(timeout=30)["StatusCode"] == 0
    assert DiffHas(container.name, (("/app/app.js", "C"),))().passed
    derived = unique_tag.replace(":1", ":modified")
    repo, tag = derived.split(":")
    container.commit(repo, tag, message="add a log line", conf={"Labels": test_labels})

    assert LayersExtend(unique_tag, derived, extra=1)().passed
    assert not LayersExtend(unique_tag, derived, extra=2)().passed
    layer = FileInLayer(derived, "/app/app.js", contains="modified")()
    assert layer.passed, layer.message
    assert not FileInLayer(unique_tag, "/app/app.js", contains="modified")().passed
    assert CommitOnTop(derived, message="add a log line")().passed
    built = CommitOnTop(unique_tag)()
    assert not built.passed, f"a built image passed as a commit: {built.message}"
