"""`docker save` archives of all three formats parse to the same facts."""

from pathlib import Path

import pytest

from autograder import savetar
from tests.savetar_fixtures import layer_tar, write_archive

FORMATS = ["legacy", "oci", "containerd"]
LAYERS = [layer_tar({"app/app.js": b"console.log(1)\n"}), layer_tar({"app/x": b"x" * 5000})]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_gives_tags_layers_and_config_digest(tmp_path: Path, fmt: str) -> None:
    made = write_archive(tmp_path / "img.tar", fmt, ["study/hello:modified"], LAYERS)
    archive = savetar.read_archive(made.path)
    assert archive.format == fmt, f"detected {archive.format}"
    (image,) = archive.images
    assert image.repo_tags == ("study/hello:modified",), image.repo_tags
    assert len(image.layers) == made.layer_count, image.layers
    assert image.config_digest == made.config_digest
    assert image.manifest_digest == made.manifest_digest
    assert archive.find("study/hello:modified") is image


@pytest.mark.parametrize("fmt", FORMATS)
def test_saved_without_a_name_has_no_tags(tmp_path: Path, fmt: str) -> None:
    made = write_archive(tmp_path / "img.tar", fmt, [], LAYERS)
    assert savetar.read_archive(made.path).repo_tags == ()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_damaged_layer_is_reported(tmp_path: Path, fmt: str) -> None:
    made = write_archive(tmp_path / "img.tar", fmt, ["a:1"], LAYERS)
    data = bytearray(made.path.read_bytes())
    spot = data.find(b"console.log(1)")
    if fmt == "containerd":  # gzipped: damage the compressed stream instead
        spot = data.find(b"\x1f\x8b\x08") + 40
    data[spot] ^= 0xFF
    made.path.write_bytes(bytes(data))
    with pytest.raises(savetar.ArchiveError, match=r"damaged|not a complete"):
        savetar.read_archive(made.path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_truncated_archive_is_reported(tmp_path: Path, fmt: str) -> None:
    made = write_archive(tmp_path / "img.tar", fmt, ["a:1"], LAYERS)
    made.path.write_bytes(made.path.read_bytes()[:3000])
    with pytest.raises(savetar.ArchiveError, match=r"missing|not a complete|no manifest"):
        savetar.read_archive(made.path)
