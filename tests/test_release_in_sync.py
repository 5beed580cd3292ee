"""release/ is what nbgrader generates from source/ today (run `make release` to refresh)."""

import shutil
from pathlib import Path

from autograder import release

ROOT = Path(__file__).resolve().parents[1]


def test_release_matches_a_fresh_generation(tmp_path: Path) -> None:
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "source", tmp_path / "source")
    fresh = release.main(tmp_path, report=lambda _: None)
    assert fresh, "nothing was generated from source/"
    for nb in fresh:
        committed = ROOT / nb.relative_to(tmp_path)
        assert committed.is_file(), f"{committed.relative_to(ROOT)} is missing: run `make release`"
        assert committed.read_text() == nb.read_text(), (
            f"{committed.relative_to(ROOT)} differs from source/: run `make release`"
        )
    extra = {p.relative_to(ROOT) for p in (ROOT / "release").glob("*/*.ipynb")} - {
        p.relative_to(tmp_path) for p in fresh
    }
    assert not extra, f"release/ has notebooks without a source: {extra}"
