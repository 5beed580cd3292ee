"""A section's setup resets only its own names; cleanup removes them unless the grader keeps
them (DOCKER_COURSE_KEEP=1); objects of other sections or programs are never touched."""

from pathlib import Path

import docker
import pytest

from autograder import course
from autograder.checks import ImageConfig
from autograder.private_engine import PrivateEngine


@pytest.fixture
def on_private(private_engine: PrivateEngine, private_prepared, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DOCKER_HOST", private_engine.docker_host)
    monkeypatch.delenv("DOCKER_COURSE_KEEP", raising=False)
    return private_engine


def _names(dc: docker.DockerClient) -> set[str]:
    return {c.name for c in dc.containers.list(all=True)}


def test_setup_resets_own_names_only(on_private, private_client, tmp_path: Path) -> None:
    for name in ("hello1", "someone-elses"):
        private_client.containers.create("busybox:1.37", ["true"], name=name)
    ws = course.setup("02-build-run", work_dir=tmp_path / "w")
    assert ws.work.is_dir(), f"no work folder at {ws.work}"
    assert "someone-elses" in _names(private_client), "setup removed a foreign container"
    assert "hello1" not in _names(private_client), "setup left the section's old hello1"
    private_client.containers.get("someone-elses").remove(force=True)


def test_setup_builds_the_image_a_section_needs(on_private, private_client, tmp_path) -> None:
    course.setup("03-commit-save-load", work_dir=tmp_path)
    built = ImageConfig("study/hello:1.0", cmd=("node", "app.js"), workdir="/app")(private_client)
    assert built.passed, built.message


def test_cleanup_respects_keep(on_private, private_client, monkeypatch) -> None:
    private_client.containers.create("busybox:1.37", ["true"], name="hello2")
    monkeypatch.setenv("DOCKER_COURSE_KEEP", "1")
    assert course.cleanup("02-build-run") == []
    assert "hello2" in _names(private_client), "cleanup removed state the grader keeps"
    monkeypatch.delenv("DOCKER_COURSE_KEEP")
    assert "컨테이너 hello2" in course.cleanup("02-build-run")
    assert "hello2" not in _names(private_client)
