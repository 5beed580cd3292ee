"""Section 03 checks: the base stays unchanged, a copied file matches the container, an image
was loaded back from its tar (not left over from before the save)."""

from pathlib import Path

import docker

from autograder.checks import CopiedFromContainer, FileInImageLacks, LoadedFromTar

LINE = "console.log('modified');"


def _modified_container(dc: docker.DockerClient, ref: str, test_labels):
    container = dc.containers.create(
        ref, ["sh", "-c", f'echo "{LINE}" >> app.js'], labels=test_labels
    )
    container.start()
    assert container.wait(timeout=30)["StatusCode"] == 0
    return container


def test_base_image_lacks_the_change(
    docker_client: docker.DockerClient, hello_image, unique_tag: str, test_labels
) -> None:
    container = _modified_container(docker_client, unique_tag, test_labels)
    good = FileInImageLacks(unique_tag, "/app/app.js", "modified")()
    assert good.passed, good.message
    derived = unique_tag.replace(":1", ":modified")
    repo, tag = derived.split(":")
    container.commit(repo, tag, conf={"Labels": test_labels})
    changed = FileInImageLacks(derived, "/app/app.js", "modified")()
    assert not changed.passed and "modified" in changed.seen, changed.message
    assert not FileInImageLacks(unique_tag, "/app/nope.js", "x")().passed
    assert not FileInImageLacks("docker-course-test/none:1", "/app/app.js", "x")().passed


def test_copied_from_container(
    docker_client: docker.DockerClient, hello_image, unique_tag: str, test_labels, tmp_path: Path
) -> None:
    container = _modified_container(docker_client, unique_tag, test_labels)
    copy = tmp_path / "app.js"
    missing = CopiedFromContainer(str(copy), container.name, "/app/app.js")()
    assert not missing.passed and "docker cp" in missing.hint, missing.message
    original = (Path(__file__).parent / "fixtures" / "hello" / "app.js").read_text()
    copy.write_text(original + LINE + "\n")
    good = CopiedFromContainer(str(copy), container.name, "/app/app.js")()
    assert good.passed, good.message
    copy.write_text(original)
    assert not CopiedFromContainer(str(copy), container.name, "/app/app.js")().passed
    assert not CopiedFromContainer(str(copy), "docker-course-test-none", "/app/app.js")().passed


def test_loaded_from_tar(
    docker_client: docker.DockerClient, hello_image, unique_tag: str, test_labels, tmp_path: Path
) -> None:
    container = _modified_container(docker_client, unique_tag, test_labels)
    derived = unique_tag.replace(":1", ":modified")
    repo, tag = derived.split(":")
    committed = container.commit(repo, tag, message="m", conf={"Labels": test_labels})
    tar = tmp_path / "saved.tar"
    with open(tar, "wb") as fh:
        for chunk in committed.save(named=derived):
            fh.write(chunk)
    before = LoadedFromTar(derived, str(tar))()
    assert not before.passed and "docker rmi" in before.hint, before.message
    docker_client.images.remove(derived)
    with open(tar, "rb") as fh:
        (loaded,) = docker_client.images.load(fh)
    assert loaded.id == committed.id
    after = LoadedFromTar(derived, str(tar))()
    assert after.passed, after.message
    # a tar of another image (the base) does not hold the derived tag
    other = tmp_path / "base.tar"
    with open(other, "wb") as fh:
        for chunk in hello_image.save(named=unique_tag):
            fh.write(chunk)
    assert not LoadedFromTar(derived, str(other))().passed
    assert not LoadedFromTar(derived, str(tmp_path / "none.tar"))().passed
