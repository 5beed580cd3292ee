"""Every notebook (notebooks/ and source/) runs top to bottom with papermill, each on a fresh
private engine seeded with the course images: proof that each section stands alone."""

from pathlib import Path

import pytest

from autograder import execute, seed

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = execute.discover(ROOT)


@pytest.fixture(scope="session")
def seed_tar(docker_client) -> Path:
    return seed.cached_bundle(docker_client)


def test_there_are_notebooks() -> None:
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS), "notebooks/ holds no notebook"
    assert any(p.parent.parent.name == "source" for p in NOTEBOOKS), "source/ holds no notebook"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_executes(notebook: Path, tmp_path: Path, seed_tar: Path) -> None:
    outcome = execute.run_one(notebook, tmp_path, private=True, seed_tar=seed_tar)
    assert outcome.ok, f"{notebook.name} failed at {outcome.error} (see {outcome.output})"
