"""Every notebook (notebooks/ and source/) runs top to bottom with papermill, each on a fresh
private engine seeded with the course images: proof that each section stands alone. This is the
course engine's lane of the engine matrix (the modern lanes: test_engine_matrix.py): its setup
cells name the classic image store, and no engine-specific claim goes without its engine."""

from pathlib import Path

import docker
import nbformat
import pytest

from autograder import execute, seed
from tests.engine_claims import ENGINE_KIND_LINE, unqualified

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = execute.discover(ROOT)


@pytest.fixture(scope="session")
def seed_tar(docker_client) -> Path:
    return seed.cached_bundle(docker_client)


def test_there_are_notebooks() -> None:
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS), "notebooks/ holds no notebook"
    assert any(p.parent.parent.name == "source" for p in NOTEBOOKS), "source/ holds no notebook"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_executes(
    notebook: Path, tmp_path: Path, seed_tar: Path, docker_client: docker.DockerClient
) -> None:
    outcome = execute.run_one(notebook, tmp_path, private=True, seed_tar=seed_tar)
    assert outcome.ok, f"{notebook.name} failed at {outcome.error} (see {outcome.output})"
    version = docker_client.version()["Version"]  # private engines run the same dockerd
    for line in ENGINE_KIND_LINE.findall(outcome.output.read_text()):
        assert f"Docker {version}" in line and "이미지 저장소: 클래식" in line, line
    found = unqualified(nbformat.read(outcome.output, as_version=4))
    assert not found, "engine-specific claims without their engine:\n" + "\n".join(found)
