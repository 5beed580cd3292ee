"""Checks that read the engine's history tell work from its look-alike: a container made and
removed vs one never made, an image loaded back vs one never removed, a build vs a tag. A
long-lived engine whose buffer lost the old events gives no false ✗; the grader's recording
(complete) does decide."""

import io
import tarfile
from pathlib import Path

import docker
import pytest

from autograder.checks import (
    ContainerLifecycle,
    ImageMadeHere,
    LoadedAfterRemoval,
    ReplacedImageRemoved,
    previous_id,
)
from autograder.checks.history import ENGINE_BUFFER, ENV, UNKNOWN
from autograder.grading.recorder import Recorder
from autograder.private_engine import PrivateEngine


def _build(dc: docker.DockerClient, tag: str, marker: str = "built") -> None:
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        data = f'FROM busybox:1.37\nRUN echo {marker} > /built\nCMD ["sh"]\n'.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    dc.images.build(fileobj=context, custom_context=True, tag=tag, rm=True)


def test_lifecycle_needs_a_container_that_existed(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    dc.containers.run("busybox:1.37", ["true"], name="scratch-demo", remove=True)
    assert ContainerLifecycle("scratch-demo")(dc).passed
    never = ContainerLifecycle("never-made")(dc)
    assert not never.passed and "만든 적이 없음" in never.seen, never


def test_loaded_back_after_removal(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    _build(dc, "study/x:1.0")
    assert not LoadedAfterRemoval("study/x:1.0")(dc).passed, "never removed, never loaded"
    saved = b"".join(dc.images.get("study/x:1.0").save(named=True))
    dc.images.remove("study/x:1.0")
    dc.images.load(saved)
    result = LoadedAfterRemoval("study/x:1.0")(dc)
    assert result.passed, result


def test_a_tag_is_not_a_build(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    dc.images.get("busybox:1.37").tag("study/hello", "1.0")
    tagged = ImageMadeHere("study/hello:1.0")(dc)
    assert not tagged.passed and "busybox:1.37" in tagged.seen, tagged
    _build(dc, "study/hello:1.0")
    assert ImageMadeHere("study/hello:1.0")(dc).passed


def test_a_full_buffer_gives_no_false_fail(
    fresh_engine: PrivateEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dc = fresh_engine.client()
    recording = tmp_path / "history.jsonl"
    with Recorder(fresh_engine.docker_host, recording):
        dc.containers.run("busybox:1.37", ["true"], name="early", remove=True)
        for _ in range(ENGINE_BUFFER // 2 + 1):  # create + destroy each: the buffer overflows
            dc.containers.create("busybox:1.37", ["true"]).remove()
    lenient = ContainerLifecycle("early")(dc)
    assert lenient.passed and lenient.seen == UNKNOWN, lenient
    assert ContainerLifecycle("never-made")(dc).seen == UNKNOWN
    monkeypatch.setenv(ENV, str(recording))
    assert ContainerLifecycle("early")(dc).passed, "the recording holds the early events"
    assert not ContainerLifecycle("never-made")(dc).passed, "a complete record decides"


def test_a_rebuild_leaves_a_dangling_image_until_it_is_pruned(fresh_engine: PrivateEngine) -> None:
    dc = fresh_engine.client()
    _build(dc, "study/x:dev")
    first = dc.images.get("study/x:dev").id
    assert not ReplacedImageRemoved("study/x:dev")(dc).passed, "one build counted as a rebuild"
    _build(dc, "study/x:dev", marker="again")
    assert previous_id(dc, "study/x:dev") == first
    left = ReplacedImageRemoved("study/x:dev")(dc)
    assert not left.passed and "<none>" in left.seen, left.message
    dc.images.prune(filters={"dangling": True})
    assert ReplacedImageRemoved("study/x:dev")(dc).passed
