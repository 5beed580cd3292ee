"""SavedTar: a named save passes; an unnamed save or a truncated copy fails with a reason."""

from pathlib import Path

from autograder.checks import SavedTar


def _save(image, path: Path, named) -> Path:
    with open(path, "wb") as fh:
        for chunk in image.save(named=named):
            fh.write(chunk)
    return path


def test_saved_tar_relations(hello_image, unique_tag: str, tmp_path: Path) -> None:
    named = _save(hello_image, tmp_path / "named.tar", unique_tag)
    good = SavedTar(str(named), unique_tag)()
    assert good.passed, good.message
    unnamed = SavedTar(str(_save(hello_image, tmp_path / "id.tar", False)), unique_tag)()
    assert not unnamed.passed and "RepoTags" in unnamed.expected, unnamed.message
    cut = tmp_path / "cut.tar"
    cut.write_bytes(named.read_bytes()[: named.stat().st_size // 3])
    assert not SavedTar(str(cut), unique_tag)().passed
