"""Section 04 checks: a rebuild differs only in its top layer; a config's sha256 is the ID."""

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import docker

from autograder.checks import IsConfigDigest, OnlyTopLayerDiffers
from tests.conftest import HELLO


def _config_sha(docker_client: docker.DockerClient, ref: str, tmp_path: Path) -> str:
    tar_path = tmp_path / "saved.tar"
    with open(tar_path, "wb") as fh:
        for chunk in docker_client.images.get(ref).save(named=True):
            fh.write(chunk)
    with tarfile.open(tar_path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        config = tar.extractfile(manifest[0]["Config"]).read()
    return "sha256:" + hashlib.sha256(config).hexdigest()


def test_only_top_layer_differs(
    docker_client: docker.DockerClient, hello_image, test_labels, unique_tag: str, tmp_path: Path
) -> None:
    for name in ("Dockerfile", "app.js"):
        shutil.copy(HELLO / name, tmp_path / name)
    app = tmp_path / "app.js"
    app.write_text(app.read_text().replace("Hello from container", "Hello from version 1.1"))
    changed = unique_tag.replace(":1", ":changed")
    docker_client.images.build(path=str(tmp_path), tag=changed, labels=test_labels, rm=True)

    good = OnlyTopLayerDiffers(unique_tag, changed)()
    assert good.passed, good.message
    alias = unique_tag.replace(":1", ":alias")
    hello_image.tag(*alias.split(":"))
    same = OnlyTopLayerDiffers(unique_tag, alias)()
    assert not same.passed and "모두 같습니다" in same.hint, same.message
    other = OnlyTopLayerDiffers(unique_tag, "busybox:1.37")()
    assert not other.passed and "기대" in other.message, other.message
    missing = OnlyTopLayerDiffers(unique_tag, unique_tag + "-nope")()
    assert not missing.passed


def test_config_digest_is_the_classic_image_id(
    docker_client: docker.DockerClient, hello_image, unique_tag: str, tmp_path: Path
) -> None:
    digest = _config_sha(docker_client, unique_tag, tmp_path)
    assert digest == hello_image.id  # the classic store this suite runs on
    assert IsConfigDigest("computed_id", digest, unique_tag)().passed
    bare = IsConfigDigest("computed_id", digest.removeprefix("sha256:"), unique_tag)()
    assert not bare.passed and "sha256:" in bare.hint, bare.message
    assert not IsConfigDigest("computed_id", None, unique_tag)().passed
    assert not IsConfigDigest("computed_id", "sha256:" + "0" * 64, unique_tag)().passed


def test_config_digest_when_the_id_is_a_manifest_digest(
    docker_client: docker.DockerClient, hello_image, unique_tag: str, tmp_path: Path, monkeypatch
) -> None:
    """containerd image store: the ID is not the config digest; the export still tells it."""
    from autograder.checks import archive

    digest = _config_sha(docker_client, unique_tag, tmp_path)

    class ManifestIdImage:
        id = "sha256:" + "f" * 64  # stands for a manifest digest

        def save(self, named: bool = False):
            return hello_image.save(named=named)

    monkeypatch.setattr(archive, "get_image", lambda dc, ref: ManifestIdImage())
    result = IsConfigDigest("computed_id", digest, unique_tag)()
    assert result.passed and "manifest" in result.seen, result.message
    assert not IsConfigDigest("computed_id", ManifestIdImage.id[:-1] + "0", unique_tag)().passed
