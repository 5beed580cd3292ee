"""With --private, a notebook's kernel runs inside its private engine's network namespace and
talks to that engine through DOCKER_HOST; the engine and kernel are gone afterwards."""

from pathlib import Path

import docker
import pytest

from autograder import execute
from tests.executor_notebooks import notebook, printed, running_kernels

CELL = """import os
import docker
print(os.readlink("/proc/self/ns/net"))
print(os.environ["DOCKER_HOST"])
print(docker.from_env().info()["DockerRootDir"])
"""


@pytest.mark.private_engine
def test_the_kernel_lives_in_the_engine_namespace(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    nb = notebook(tmp_path / "in" / "where.ipynb", CELL)
    before = running_kernels()  # the session's other fixtures' (a class hub's students)
    (outcome,) = execute.main([nb], output=tmp_path / "out", private=True, report=print)
    assert outcome.ok, outcome.error
    netns, host, root = "".join(printed(outcome.output)).split()
    assert netns != Path("/proc/self/ns/net").readlink().as_posix(), "kernel in the host netns"
    assert host.startswith("unix:///run/dcourse/dcourse-"), f"DOCKER_HOST={host}"
    assert root != docker_client.info()["DockerRootDir"], "the kernel talked to the host engine"
    assert not Path(host.removeprefix("unix://")).exists(), "the private engine is still up"
    assert running_kernels(besides=before) == [], f"left running: {running_kernels(before)}"
