"""The engine's own `docker save` output parses, and its config digest is the image ID."""

from pathlib import Path

import docker

from autograder import savetar


def test_saved_course_image_matches_the_engine(
    docker_client: docker.DockerClient, tmp_path: Path
) -> None:
    image = docker_client.images.get("busybox:1.37")
    out = tmp_path / "busybox.tar"
    with open(out, "wb") as fh:
        for chunk in image.save(named="busybox:1.37"):
            fh.write(chunk)
    archive = savetar.read_archive(out)
    (saved,) = archive.images
    assert "busybox:1.37" in saved.repo_tags, saved.repo_tags
    assert len(saved.diff_ids) == len(image.attrs["RootFS"]["Layers"])
    if archive.format != "containerd":  # classic store: ID = sha256 of the config
        assert saved.image_id == image.id, f"{saved.image_id} vs engine {image.id}"
