"""The course's base images, declared in one place, and how to make them present.

For each image: present → nothing to do; else try a pull with a short timeout; else build an
offline stand-in (see :mod:`autograder.standin`) tagged under the canonical name and labelled
as a stand-in, so notebooks read the same everywhere and every listing says what it is.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import docker
import docker.errors

from . import labels, standin
from .errors import CourseError

Kind = Literal["node", "busybox"]
Status = Literal["real", "stand-in", "missing"]


@dataclass(frozen=True)
class CourseImage:
    """An official image the course builds on."""

    ref: str  # canonical name the notebooks use
    kind: Kind  # how to build an offline stand-in
    why: str
    aliases: tuple[str, ...] = ()

    @property
    def refs(self) -> tuple[str, ...]:
        return (self.ref, *self.aliases)


#: The study guide used ``node:18-alpine``; Node 18 reached end-of-life on 2025-04-30, so the
#: course uses the Node 24 LTS line (supported until 2028-04). The course says so in §2.
COURSE_IMAGES: tuple[CourseImage, ...] = (
    CourseImage("node:24-alpine", "node", "base of study/hello (§2–§4, §6)"),
    CourseImage(
        "busybox:1.37", "busybox", "small tools: volumes (§5), checks", ("busybox:latest",)
    ),
)

NODE, BUSYBOX = (image.ref for image in COURSE_IMAGES)


def named(refs: Iterable[str]) -> tuple[CourseImage, ...]:
    """The course images ``refs`` name (canonical names or aliases), in declaration order."""
    wanted = set(refs)
    unknown = wanted - {ref for image in COURSE_IMAGES for ref in image.refs}
    if unknown:
        raise ValueError(f"not course images: {', '.join(sorted(unknown))}")
    return tuple(image for image in COURSE_IMAGES if wanted & set(image.refs))


PULL_TIMEOUT = float(os.environ.get("DOCKER_COURSE_PULL_TIMEOUT", "20"))


@dataclass(frozen=True)
class ImageState:
    image: CourseImage
    status: Status
    image_id: str | None = None
    note: str = ""
    size: int = 0

    def describe(self) -> str:
        if self.status == "missing":
            return f"{self.image.ref}: missing"
        short = (self.image_id or "")[7:19]
        text = f"{self.image.ref}: {self.status} {short} ({self.size / 1e6:.0f} MB)"
        if self.status == "stand-in":
            text += f" — OFFLINE STAND-IN, not the official image: {self.note}"
        return text

    def describe_ko(self) -> str:
        """The same line for a student (the welcome notebook): what this image really is."""
        if self.status == "missing":
            return f"{self.image.ref}: 없음 — 준비 셀이나 `make lab`이 만듭니다"
        short = (self.image_id or "")[7:19]
        size = f"{short}, {self.size / 1e6:.0f} MB"
        if self.status == "stand-in":
            return (
                f"{self.image.ref}: 오프라인 대체 이미지({size}) — 공식 이미지가 아니라 "
                f"인터넷 없이 이 컴퓨터의 파일로 만든 이미지입니다. 이름과 동작은 같습니다. "
                f"내용: {self.note}"
            )
        return f"{self.image.ref}: 공식 이미지 ({size})"


def state(dc: docker.DockerClient, image: CourseImage) -> ImageState:
    """Is the image present, and is it the real one or our stand-in?"""
    try:
        found = dc.images.get(image.ref)
    except docker.errors.ImageNotFound:
        return ImageState(image, "missing")
    got = found.labels or {}
    if got.get(labels.STANDIN) == "true":
        return ImageState(
            image,
            "stand-in",
            found.id,
            got.get(labels.STANDIN_NOTE, ""),
            found.attrs.get("Size", 0),
        )
    return ImageState(image, "real", found.id, size=found.attrs.get("Size", 0))


def list_states(dc: docker.DockerClient, images: Iterable[CourseImage] = COURSE_IMAGES):
    return [state(dc, image) for image in images]


def prepare(
    dc: docker.DockerClient,
    images: Iterable[CourseImage] = COURSE_IMAGES,
    *,
    pull: bool | None = None,
    pull_timeout: float = PULL_TIMEOUT,
    report: Callable[[str], None] = print,
) -> list[ImageState]:
    """Make every course image present (pull, else build a stand-in). Cheap when all are."""
    if pull is None:
        pull = os.environ.get("DOCKER_COURSE_OFFLINE", "") not in {"1", "true", "yes"}
    images = tuple(images)
    done: list[ImageState] = []
    for n, image in enumerate(images, 1):
        step = f"[{n}/{len(images)}] {image.ref}"
        current = state(dc, image)
        if current.status == "missing":
            started = time.monotonic()
            pulled, reason = (
                _pull(dc, image.ref, pull_timeout, report, step)
                if pull
                else (False, "pulls disabled (DOCKER_COURSE_OFFLINE)")
            )
            if not pulled:
                report(f"{step}: cannot pull ({reason}); building an offline stand-in …")
                standin.build(dc, image.ref, image.kind)
            current = state(dc, image)
            report(f"{step}: {current.status} after {time.monotonic() - started:.1f} s")
        _tag_aliases(dc, image)
        done.append(current)
    return done


def _pull(dc, ref: str, timeout: float, report, step: str) -> tuple[bool, str]:
    """Pull ``ref``; give up when the registry stays silent for ``timeout`` seconds.

    docker-py pulls without a read timeout, so the pull runs in a thread that feeds a queue;
    silence, not total duration, is what fails (a slow classroom line still finishes).
    """
    repo, _, tag = ref.rpartition(":")
    report(f"{step}: pulling (gives up after {timeout:g} s without progress) …")
    events: queue.Queue = queue.Queue()

    def worker() -> None:
        try:
            for event in dc.api.pull(repo, tag, stream=True, decode=True):
                events.put(("event", event))
            events.put(("done", None))
        except Exception as exc:  # handed to the waiting thread  # noqa: BLE001
            events.put(("error", exc))

    threading.Thread(target=worker, name=f"pull {ref}", daemon=True).start()
    layers: set[str] = set()
    while True:
        try:
            kind, payload = events.get(timeout=timeout)
        except queue.Empty:
            return False, f"no answer from the registry within {timeout:g} s"
        if kind == "done":
            return True, ""
        if kind == "error":
            text = getattr(payload, "explanation", None) or f"{type(payload).__name__}: {payload}"
            return False, _short(str(text))
        if "error" in payload:
            return False, _short(payload["error"])
        if payload.get("status") == "Pull complete" and payload.get("id") not in layers:
            layers.add(payload["id"])
            report(f"{step}: layer {payload['id']} pulled ({len(layers)})")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) < 160 else text[:157] + "…"


def _tag_aliases(dc: docker.DockerClient, image: CourseImage) -> None:
    if not image.aliases:
        return
    target = dc.images.get(image.ref)
    for alias in image.aliases:
        if alias not in target.tags:
            repo, _, tag = alias.rpartition(":")
            target.tag(repo, tag)


def require_present(dc: docker.DockerClient) -> None:
    missing = [s.image.ref for s in list_states(dc) if s.status == "missing"]
    if missing:
        raise CourseError(
            f"course images missing: {', '.join(missing)}",
            fix="Run `docker-course images prepare` (or `docker-course images load BUNDLE.tar`).",
        )
