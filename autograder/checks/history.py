"""Checks of what happened, not only of what is left: the engine's own event history.

The final state cannot tell some work from a shortcut: a container that was never created is
"absent" as surely as one that was removed; an image loaded back from a tar looks like the one
that was never removed. The engine records what it did (``/events``: create, destroy, untag,
load, …), so these checks ask it.

Where the history comes from:
- when grading, a recorder of the grader's (outside the kernel) writes every event of the
  submission's engine since it started into a root-only file, named by
  ``DOCKER_COURSE_HISTORY``; the engine's own buffer adds the most recent events, so nothing
  that happened just before a check is missed;
- elsewhere (a student's own engine), the engine's buffer: its last 256 events. When the buffer
  is full, older events are gone: a check that finds no evidence then *passes* and says it
  could not tell (no false ✗ for a student with a long-lived engine); grading has the whole
  history and decides.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors
import requests

from ..korean import particle
from .archive import _parse_time
from .base import Check, CheckResult, fail, ok, short_id
from .images import get_image

ENV = "DOCKER_COURSE_HISTORY"
ENGINE_BUFFER = 256  # events dockerd keeps for /events?since= (daemon/events: eventsLimit)
UNKNOWN = "엔진 기록이 잘려 확인할 수 없음 (채점 때 전체 기록으로 확인)"


@dataclass(frozen=True)
class History:
    events: tuple[dict[str, Any], ...]  # oldest first
    complete: bool  # every event since the engine started (or since the recording began)

    def of(self, kind: str, actions: set[str]) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("Type") == kind and _action(e) in actions]


def history(dc: docker.DockerClient) -> History:
    """The engine's history: the grader's recording (if any) plus the engine's buffer."""
    recorded, recording_complete = _recorded(os.environ.get(ENV))
    since = min((e.get("time", 0) for e in recorded), default=1) or 1
    buffered = list(dc.events(since=since, until=_until(dc), decode=True))
    # no recording here: the engine's buffer is all there is, whole while it is not full
    whole = len(buffered) < ENGINE_BUFFER if recording_complete is None else recording_complete
    seen, merged = set(), []
    for event in [*recorded, *buffered]:
        key = (event.get("timeNano"), event.get("Type"), event.get("Action"), _actor(event))
        if key not in seen:
            seen.add(key)
            merged.append(event)
    merged.sort(key=lambda e: e.get("timeNano", 0))
    return History(tuple(merged), whole)


def _until(dc: docker.DockerClient) -> str | int:
    """The end of the history query: the engine's own clock now. A query that ends in the
    future keeps dockerd streaming until then (the host's next whole second cost each check
    0.5 s on average); the engine's clock also holds where its clock and the host's differ
    (a VM's engine). Without the engine's time: the host's next second, as before."""
    try:
        now = _parse_time(str(dc.info().get("SystemTime", "")))
    except (docker.errors.DockerException, requests.RequestException):
        now = None
    if now is None:
        return int(time.time()) + 1
    return f"{now.timestamp() + 0.01:.6f}"  # seconds.fraction, as dockerd parses it


def _recorded(path: str | None) -> tuple[list[dict[str, Any]], bool | None]:
    """(events, whether the recording is whole) of the grader's file; ([], None) when there
    is none, or when it cannot be read here (the kernel: it is the grader's)."""
    if not path:
        return [], None
    events, whole = [], True
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue  # a line being written
                if event.get("truncated"):
                    whole = False  # the recording stopped at its cap
                else:
                    events.append(event)
    except OSError:
        return [], None
    return events, whole


def _action(event: dict[str, Any]) -> str:
    return str(event.get("Action", "")).split(":", 1)[0]  # "exec_start: sh -c …" → exec_start


def _actor(event: dict[str, Any]) -> str:
    return str((event.get("Actor") or {}).get("ID", ""))


def _name(event: dict[str, Any]) -> str:
    return str(((event.get("Actor") or {}).get("Attributes") or {}).get("name", ""))


@dataclass(frozen=True)
class ContainerLifecycle(Check):
    """A container named ``name`` was created in this engine and (with ``removed``) removed
    again — "absent" alone is also true of one that never existed."""

    name: str
    removed: bool = True

    @property
    def title(self) -> str:
        what = "만들었다가 지웠다" if self.removed else "만들었다"
        return f"컨테이너 {particle(self.name, '을/를')} {what} (엔진 기록)"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        past = history(dc)
        mine = [e for e in past.of("container", {"create", "destroy"}) if _name(e) == self.name]
        created = [e for e in mine if _action(e) == "create"]
        if not created:
            if not past.complete:
                return ok(self.title, UNKNOWN)
            return fail(
                self.title,
                f"컨테이너 {particle(self.name, '을/를')} 만든 기록",
                "그런 컨테이너를 만든 적이 없음",
                f"`docker run ... --name {self.name} ...`으로 먼저 만드세요.",
            )
        if self.removed:
            first = created[0].get("timeNano", 0)
            gone = [e for e in mine if _action(e) == "destroy" and e.get("timeNano", 0) > first]
            if not gone:
                return fail(
                    self.title,
                    f"{particle(self.name, '을/를')} 지운 기록",
                    "만들었지만 지우지 않았음",
                    f"{particle(f'`docker rm -f {self.name}`', '으로/로')} 지우세요.",
                )
        return ok(self.title, f"{len(created)}번 만듦")


@dataclass(frozen=True)
class LoadedAfterRemoval(Check):
    """Image ``ref`` was removed from the engine and then put back by ``docker load`` (the
    image now under ``ref`` is the one that was loaded), wherever the tar was."""

    ref: str

    @property
    def title(self) -> str:
        return f"{particle(self.ref, '을/를')} 지운 뒤 docker load로 다시 불러왔다 (엔진 기록)"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return fail(self.title, f"엔진에 {self.ref}", "그런 이미지가 없음")
        past = history(dc)
        removed = [
            e.get("timeNano", 0)
            for e in past.of("image", {"untag", "delete"})
            if _actor(e) == image.id or _name(e) == self.ref
        ]
        loaded = [
            e.get("timeNano", 0)
            for e in past.of("image", {"load"})
            if _actor(e) == image.id and any(t < e.get("timeNano", 0) for t in removed)
        ]
        if loaded:
            return ok(self.title, short_id(image.id))
        if not past.complete:
            return ok(self.title, UNKNOWN)
        if not removed:
            seen = "지운 기록이 없음"
            hint = (
                f"{particle(f'`docker rmi {self.ref}`', '으로/로')} 지운 뒤 "
                "`docker load -i 파일`로 불러오세요."
            )
        else:
            seen = "지운 뒤 불러온 기록이 없음"
            hint = f"`docker load -i 파일`로 {particle(self.ref, '을/를')} 다시 불러오세요."
        return fail(self.title, "지운 뒤 docker load로 불러온 기록", seen, hint)


def replaced_ids(dc: docker.DockerClient, ref: str, past: History | None = None) -> list[str]:
    """IDs of the images that carried the tag ``ref`` before the image that carries it now
    (oldest first), from the engine's history (``past``, if the caller read it already): a
    rebuild under the same name leaves the old image without a name — a dangling ``<none>``
    image."""
    current = get_image(dc, ref)
    tagged = [
        _actor(e)
        for e in (past or history(dc)).of("image", {"tag"})
        if _name(e) in {ref, f"docker.io/library/{ref}", f"docker.io/{ref}"}
    ]
    seen: list[str] = []
    for image_id in tagged:
        if image_id and image_id not in seen and (current is None or image_id != current.id):
            seen.append(image_id)
    return seen


def previous_id(dc: docker.DockerClient, ref: str) -> str | None:
    """The image that carried ``ref`` just before the current one, or ``None``."""
    replaced = replaced_ids(dc, ref)
    return replaced[-1] if replaced else None


@dataclass(frozen=True)
class ReplacedImageRemoved(Check):
    """``ref`` was built again (its previous image lost the name and became dangling), and that
    previous image has been removed since (``docker image prune`` or ``docker rmi ID``)."""

    ref: str

    @property
    def title(self) -> str:
        return f"다시 빌드해 이름을 잃은 이전 {particle(self.ref, '이/가')} 지워졌다 (엔진 기록)"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return fail(self.title, f"엔진에 {self.ref}", "그런 이미지가 없음")
        past = history(dc)
        replaced = replaced_ids(dc, self.ref, past)
        if not replaced:
            if not past.complete:
                return ok(self.title, UNKNOWN)
            return fail(
                self.title,
                f"{particle(self.ref, '을/를')} 두 번 빌드한 기록",
                "한 번만 빌드됨 (이름을 잃은 이미지가 없음)",
                "`app.js`를 바꾼 뒤 같은 이름으로 한 번 더 빌드하세요.",
            )
        left = [image_id for image_id in replaced if _exists(dc, image_id)]
        if left:
            return fail(
                self.title,
                "이름을 잃은 이전 이미지가 지워짐",
                f"<none> 이미지 {len(left)}개가 남아 있음",
                "`docker images -f dangling=true`로 보고 `docker image prune -f`로 지우세요.",
            )
        return ok(self.title, f"이전 이미지 {len(replaced)}개 지워짐")


def _exists(dc: docker.DockerClient, image_id: str) -> bool:
    try:
        dc.images.get(image_id)
    except docker.errors.ImageNotFound:
        return False
    return True
