"""Image checks read tags, IDs, config and files from the engine."""

import docker

from autograder.checks import (
    FileInImage,
    ImageConfig,
    ImageExists,
    NoLayerHas,
    RunsAs,
    TagsShareId,
)


def test_image_exists_and_missing(hello_image, unique_tag: str) -> None:
    assert ImageExists(unique_tag)().passed
    missing = ImageExists(unique_tag + "-nope")()
    assert not missing.passed and "기대" in missing.message and "실제" in missing.message, missing


def test_tags_share_one_id(docker_client: docker.DockerClient, hello_image, unique_tag) -> None:
    other = unique_tag.replace(":1", ":alias")
    hello_image.tag(*other.split(":"))
    assert TagsShareId((unique_tag, other))().passed
    assert not TagsShareId((unique_tag, "busybox:1.37"))().passed


def test_config_and_files(hello_image, unique_tag: str) -> None:
    good = ImageConfig(unique_tag, cmd=("node", "app.js"), workdir="/app")()
    assert good.passed, good.message
    wrong = ImageConfig(unique_tag, workdir="/srv")()
    assert not wrong.passed and "/app" in wrong.seen, wrong.message
    assert FileInImage(unique_tag, "/app/app.js", contains="Hello from container")().passed
    assert FileInImage(unique_tag, "/app/secret.txt", absent=True)().passed
    assert not FileInImage(unique_tag, "/app/app.js", absent=True)().passed


def test_deleted_file_is_still_in_a_lower_layer(
    docker_client: docker.DockerClient, cleanup, test_labels, unique_tag: str, tmp_path
) -> None:
    (tmp_path / "secret.txt").write_text("TOKEN=abc\n")
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox:1.37\nCOPY secret.txt /secret.txt\nRUN rm /secret.txt\nUSER 1000\n"
    )
    docker_client.images.build(path=str(tmp_path), tag=unique_tag, labels=test_labels, rm=True)
    assert FileInImage(unique_tag, "/secret.txt", absent=True)().passed
    leaky = NoLayerHas(unique_tag, "/secret.txt")()
    assert not leaky.passed and "레이어" in leaky.seen, leaky.message
    assert NoLayerHas(unique_tag, "/other.txt")().passed
    assert RunsAs(unique_tag, 1000)().passed
    assert not RunsAs("busybox:1.37")().passed
