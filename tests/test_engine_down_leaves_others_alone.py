"""`engine down` never stops an engine it did not start."""

from pathlib import Path

import docker

from autograder import engine


def test_down_without_our_pidfile_stops_nothing(
    docker_client: docker.DockerClient, tmp_path: Path
) -> None:
    host = docker_client.api.base_url
    spec = engine.EngineSpec(state_dir=tmp_path, host=engine.default_spec().base_url())
    assert engine.down(spec) is None, "down claimed to stop an engine it did not start"
    assert docker_client.ping(), f"the engine at {host} stopped answering"


def test_pidfile_of_another_program_is_ignored(tmp_path: Path) -> None:
    spec = engine.EngineSpec(state_dir=tmp_path, host="unix:///nonexistent/docker.sock")
    spec.pidfile.write_text("1")  # pid 1 is alive but is not a dockerd
    assert engine.down(spec) is None, "down would have signalled pid 1"
