"""Image checks read tags, IDs, config and files from the engine."""

import docker

from autograder.checks import FileInImage, ImageConfig, ImageExists, TagsShareId


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
