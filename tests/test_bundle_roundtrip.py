"""`images bundle` → remove the images → `images load` restores the same IDs and tags."""

from pathlib import Path

import docker

from autograder import bundle, images


def test_bundle_load_restores_ids_and_tags(
    private_prepared, private_client: docker.DockerClient, tmp_path: Path
) -> None:
    refs = [ref for image in images.COURSE_IMAGES for ref in image.refs]
    before = {ref: private_client.images.get(ref).id for ref in refs}
    archive = bundle.bundle(private_client, refs, tmp_path / "course.tar", report=lambda _: None)
    assert sorted(archive.repo_tags) == sorted(refs), f"bundle holds {archive.repo_tags}"

    for image_id in set(before.values()):
        private_client.images.remove(image_id, force=True)
    left = [i.tags for i in private_client.images.list()]
    assert not any(set(tags) & set(refs) for tags in left), f"still present: {left}"

    bundle.load(private_client, tmp_path / "course.tar", report=lambda _: None)
    after = {ref: private_client.images.get(ref).id for ref in refs}
    assert after == before, f"after load {after}, before {before}"
