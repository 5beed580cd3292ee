"""Checks of volumes and bind mounts; volume content is read through a throw-away container."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from .. import labels
from ..images import COURSE_IMAGES
from ..waiting import wait_until
from .base import Check, CheckResult, fail, ok
from .images import _preview

READER_IMAGE = COURSE_IMAGES[1].ref  # busybox


def read_volume_file(dc: docker.DockerClient, volume: str, path: str) -> bytes | None:
    """Content of ``path`` (relative to the volume root) or None, via a labelled busybox."""
    inner = "/v/" + path.lstrip("/")
    container = dc.containers.create(
        READER_IMAGE,
        ["cat", inner],
        labels=labels.managed("checks"),
        volumes={volume: {"bind": "/v", "mode": "ro"}},
        network_disabled=True,
    )
    try:
        container.start()
        status = container.wait(timeout=30)
        out = container.logs(stdout=True, stderr=False)
    finally:
        container.remove(force=True)
    return out if status.get("StatusCode") == 0 else None


def get_volume(dc: docker.DockerClient, name: str):
    try:
        return dc.volumes.get(name)
    except docker.errors.NotFound:
        return None


@dataclass(frozen=True)
class VolumeExists(Check):
    name: str

    @property
    def title(self) -> str:
        return f"볼륨 {self.name} 가 있다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_volume(dc, self.name) is None:
            return fail(
                self.title,
                f"볼륨 {self.name}",
                "그런 볼륨이 없음",
                f"`-v {self.name}:/data` 처럼 이름을 붙여 쓰면 볼륨이 만들어집니다.",
            )
        return ok(self.title)


@dataclass(frozen=True)
class VolumeFile(Check):
    """A file in a named volume has this content (read through a fresh container)."""

    volume: str
    path: str
    content: str
    settle: float = 5.0

    @property
    def title(self) -> str:
        return f"볼륨 {self.volume} 의 {self.path} 내용이 {self.content!r}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_volume(dc, self.volume) is None:
            return fail(self.title, f"볼륨 {self.volume}", "그런 볼륨이 없음")
        # a detached container may still be writing: look again for a few seconds
        seen: list[bytes | None] = [None]

        def settled() -> bool:
            seen[0] = read_volume_file(dc, self.volume, self.path)
            return (
                seen[0] is not None
                and seen[0].decode(errors="replace").strip() == self.content.strip()
            )

        with contextlib.suppress(TimeoutError):
            wait_until(settled, timeout=self.settle, interval=0.3)
        data = seen[0]
        if data is None:
            return fail(
                self.title,
                f"{self.path} 파일",
                "볼륨에 그 파일이 없음",
                "컨테이너 안의 마운트 경로(-v 이름:/data)에 썼는지 확인하세요.",
            )
        text = data.decode(errors="replace")
        if text.strip() != self.content.strip():
            return fail(self.title, repr(self.content), repr(_preview(text)))
        return ok(self.title)


@dataclass(frozen=True)
class HostFile(Check):
    """A host file (e.g. written by a container through a bind mount) has this content."""

    path: str
    content: str

    @property
    def title(self) -> str:
        return f"호스트 파일 {self.path} 내용이 {self.content!r}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        file = Path(self.path)
        if not file.is_file():
            return fail(
                self.title,
                "파일이 있음",
                "파일이 없음",
                "바인드 마운트는 `-v $(pwd)/폴더:/경로` 처럼 절대 경로로 씁니다.",
            )
        text = file.read_text(errors="replace")
        if text.strip() != self.content.strip():
            return fail(self.title, repr(self.content), repr(_preview(text)))
        return ok(self.title)
