"""`images load` of a non-tar or truncated file: clear error, exit 2, no tag set."""

import subprocess
import sys
from pathlib import Path

import docker
import pytest

from autograder import bundle, labels
from autograder.private_engine import PrivateEngine
from autograder.savetar import ArchiveError

CLI = Path(sys.executable).parent / "docker-course"


def _tags(dc: docker.DockerClient) -> dict[str, str]:
    return {tag: image.id for image in dc.images.list() for tag in image.tags}


@pytest.fixture
def truncated_bundle(private_prepared, private_client: docker.DockerClient, tmp_path: Path):
    """A bundle of an image that is then deleted, cut in half."""
    dockerfile = "FROM busybox:1.37\nRUN head -c 300000 /dev/urandom > /blob\n"
    (tmp_path / "Dockerfile").write_text(dockerfile)
    image, _ = private_client.images.build(
        path=str(tmp_path), tag="loadtest/cut:1", labels=labels.managed("tests"), rm=True
    )
    whole = tmp_path / "whole.tar"
    bundle.bundle(private_client, ["loadtest/cut:1"], whole, report=lambda _: None)
    private_client.images.remove(image.id, force=True)
    cut = tmp_path / "cut.tar"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return cut


def test_truncated_bundle_sets_no_tag(private_client: docker.DockerClient, truncated_bundle):
    before = _tags(private_client)
    with pytest.raises(ArchiveError) as caught:
        bundle.load(private_client, truncated_bundle, report=lambda _: None)
    assert "truncated" in str(caught.value) or "missing" in str(caught.value), caught.value
    assert _tags(private_client) == before, "a failed load changed the engine's tags"


@pytest.mark.parametrize("content", [b"hello, not a tar\n", b"\0" * 2048, b""])
def test_cli_load_of_garbage_exits_2(
    private_engine: PrivateEngine, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.tar"
    bad.write_bytes(content)
    done = subprocess.run(
        [CLI, "images", "load", str(bad)], env=private_engine.env(), capture_output=True, text=True
    )
    assert done.returncode == 2, f"exit {done.returncode}: {done.stdout}{done.stderr}"
    assert str(bad) in done.stderr and "→" in done.stderr, done.stderr
