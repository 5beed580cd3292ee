"""Shared fixtures: the course engine, a private engine, and labelled cleanup."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from autograder import demo, engine, images, labels, modern_engine
from autograder.private_engine import PrivateEngine
from tests import nbgrader_course as ng

pytest_plugins = ["tests.browser", "tests.class_hub", "tests.farm"]  # Chromium; class hub; farm

TEST_OWNER = "tests"
HELLO = Path(__file__).parent / "fixtures" / "hello"


PREBUILD = pytest.StashKey[subprocess.Popen]()
# fixtures that grade on the default engine (Docker 28 from the sid tree), or start workers that do
SID_TREE_FIXTURES = frozenset({"graded_demo_class", "farm_hosts"})


def needs_sid_tree(item: pytest.Item) -> bool:
    """The test runs Docker 28 from Debian sid's tree: marked ``sid_tree`` (it grades on the
    default engine) or ``engines`` (the matrix), or it uses a fixture that grades."""
    return (
        item.get_closest_marker("sid_tree") is not None
        or item.get_closest_marker("engines") is not None
        or not SID_TREE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files that need the sid tree run after every other file, in their order otherwise:
    on a fresh machine the tree (a minute or two of debootstrap, started by
    :func:`pytest_collection_finish`) is then built while the other tests run, instead of
    being waited for by the first grading test. Whole files move, so a module's fixtures are
    still set up once."""
    late = {item.module for item in items if needs_sid_tree(item)}  # type: ignore[attr-defined]
    items[:] = sorted(items, key=lambda item: getattr(item, "module", None) in late)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Grading on the default engine and the engine matrix need Debian sid's engine tree,
    built in a minute or two on a fresh machine: start building it in the background now,
    while the tests before them run (:func:`pytest_collection_modifyitems` puts them last).
    Their own ``modern_engine.tree()`` waits on the same lock, and builds it itself (with its
    messages) if this build failed."""
    if not any(needs_sid_tree(item) for item in session.items):
        return
    cache = modern_engine.cache_dir()
    if (cache / f"tree-{modern_engine.key()}" / ".complete").is_file():
        return
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "prebuild.log", "wb") as log:
        session.config.stash[PREBUILD] = subprocess.Popen(
            [sys.executable, "-c", "from autograder import modern_engine; modern_engine.tree()"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def pytest_sessionfinish(session: pytest.Session) -> None:
    build = session.config.stash.get(PREBUILD, None)
    if build is not None and build.poll() is None:  # the session ended before the matrix
        for sig, grace in ((signal.SIGTERM, 60), (signal.SIGKILL, 30)):  # debootstrap too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(build.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                build.wait(timeout=grace)
                return


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """The course engine (`make test` starts it). Missing engine = failure, not a skip."""
    if engine.probe() is None:
        pytest.fail("no Docker engine answers: run `make test` or `docker-course engine up`")
    dc = engine.client()
    yield dc
    dc.close()


@pytest.fixture(scope="session")
def private_engine() -> Iterator[PrivateEngine]:
    """An engine of our own (own netns, data-root): its images may be deleted freely."""
    with PrivateEngine() as pe:
        yield pe


@pytest.fixture(scope="session")
def private_client(private_engine: PrivateEngine) -> Iterator[docker.DockerClient]:
    dc = private_engine.client()
    yield dc
    dc.close()


@pytest.fixture(scope="session")
def private_prepared(private_client: docker.DockerClient) -> list[images.ImageState]:
    """Course images prepared in the private engine, which has none and no registry."""
    return images.prepare(private_client, report=lambda _msg: None)


@pytest.fixture(scope="session")
def graded_demo_class(tmp_path_factory, docker_client) -> Path:
    """The demo class graded with `docker-course grade -j 3` (minutes: once per session)."""
    course = demo.build(tmp_path_factory.mktemp("demo") / "course", ng.ROOT)
    done = ng.grade(course, "-j", "3", timeout=3000)
    print(done.stdout)
    modern = "from a Debian sid tree)"  # the default: Docker 28, rootless, jailed
    assert modern in done.stdout, f"not graded on the rootless Docker 28 engines:\n{done.stdout}"
    return course


@pytest.fixture
def test_labels() -> dict[str, str]:
    return labels.managed(TEST_OWNER)


@pytest.fixture
def unique_tag() -> str:
    return f"docker-course-test/t{secrets.token_hex(4)}:1"


@pytest.fixture
def cleanup(docker_client: docker.DockerClient) -> Iterator[None]:
    """Remove every container and image the test labelled as ours, even when it fails."""
    yield
    for container in docker_client.containers.list(all=True, filters=labels.selector(TEST_OWNER)):
        container.remove(force=True)
    ours = docker_client.images.list(filters=labels.selector(TEST_OWNER))
    for image in sorted(ours, key=lambda i: i.attrs["Created"], reverse=True):  # children first
        docker_client.images.remove(image.id, force=True)
    for volume in docker_client.volumes.list(filters=labels.selector(TEST_OWNER)):
        volume.remove(force=True)


@pytest.fixture
def hello_image(docker_client: docker.DockerClient, cleanup, test_labels, unique_tag: str):
    """The hello app built under a unique test tag (removed afterwards)."""
    image, _ = docker_client.images.build(
        path=str(HELLO), tag=unique_tag, labels=test_labels, rm=True, forcerm=True
    )
    return image


@pytest.fixture
def fresh_engine(docker_client: docker.DockerClient) -> Iterator[PrivateEngine]:
    """A private engine just started from the course images' template: its event history
    holds nothing but what the test does."""
    from autograder import seed

    with PrivateEngine(template=seed.template(seed.cached_bundle(docker_client))) as pe:
        yield pe
