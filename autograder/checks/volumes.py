"""Checks of volumes and bind mounts; volume content is read through a throw-away container."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from .. import labels
from ..images import COURSE_IMAGES
from ..korean import particle
from ..waiting import wait_until
from .base import Check, CheckResult, fail, join, ok
from .containers import _missing, get_container
from .hostpath import HostPath
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
        return f"볼륨 {particle(self.name, '이/가')} 있다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_volume(dc, self.name) is None:
            return fail(
                self.title,
                f"볼륨 {self.name}",
                "그런 볼륨이 없음",
                f"`-v {self.name}:/data`처럼 이름을 붙여 쓰면 볼륨이 만들어집니다.",
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
        return f"볼륨 {self.volume}의 {self.path} 내용이 {self.content!r}"

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

    path: HostPath
    content: str

    @property
    def title(self) -> str:
        return f"호스트 파일 {self.path} 내용이 {self.content!r}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if not self.path.exists():
            return fail(
                self.title,
                "파일이 있음",
                "파일이 없음",
                "바인드 마운트는 `-v $(pwd)/폴더:/경로`처럼 절대 경로로 씁니다.",
            )
        text = self.path.read_bytes(limit=1 << 20).decode(errors="replace")
        if text.strip() != self.content.strip():
            return fail(self.title, repr(self.content), repr(_preview(text)))
        return ok(self.title)


def _same_path(a: str, b: str) -> bool:
    """Equal as written (normalised) or as resolved on this host (symlinks, ``..``)."""
    if os.path.normpath(a) == os.path.normpath(b):
        return True
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _describe(mount: dict) -> str:
    kind = mount.get("Type", "?")
    source = mount.get("Name") if kind == "volume" else mount.get("Source")
    return f"{kind} {source or '?'} → {mount.get('Destination', '?')}"


@dataclass(frozen=True)
class MountedAt(Check):
    """Container ``name`` mounts the named ``volume`` or the host folder ``host_path`` (bind).

    Give exactly one of ``volume`` / ``host_path``. ``destination`` (the path inside the
    container) is checked only when given. Works for running and stopped containers.
    """

    name: str
    volume: str | None = None
    host_path: str | None = None
    destination: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.volume is None) == (self.host_path is None):
            raise ValueError("MountedAt needs exactly one of volume= or host_path=")

    @property
    def _what(self) -> str:
        if self.volume is not None:
            return f"볼륨 {self.volume}"
        return f"호스트 폴더 {self.host_path}"

    @property
    def title(self) -> str:
        where = f" {self.destination}에" if self.destination else ""
        how = "마운트됐다" if self.volume is not None else "바인드 마운트됐다"
        return f"컨테이너 {self.name}에 {particle(self._what, '이/가')}{where} {how}"

    def _matches(self, mount: dict) -> bool:
        if self.destination and mount.get("Destination") != self.destination:
            return False
        if self.volume is not None:
            return mount.get("Type") == "volume" and mount.get("Name") == self.volume
        return mount.get("Type") == "bind" and _same_path(
            mount.get("Source", ""), str(self.host_path)
        )

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        mounts = container.attrs.get("Mounts") or []
        if any(self._matches(m) for m in mounts):
            return ok(self.title)
        dest = self.destination or "/경로"
        if self.volume is not None:
            hint = f"컨테이너를 만들 때 {particle(f'`-v {self.volume}:{dest}`', '을/를')} 붙이세요."
        else:
            hint = (
                f"`-v {self.host_path}:{dest}`처럼 호스트 쪽을 절대 경로(/로 시작)로 쓰세요. "
                "`-v out:/out`처럼 슬래시 없이 쓰면 out이라는 *볼륨*이 생깁니다."
            )
        return fail(
            self.title,
            f"{'volume' if self.volume is not None else 'bind'} {self.volume or self.host_path}"
            f" → {self.destination or '(아무 경로)'}",
            "마운트: " + join(_describe(m) for m in mounts),
            hint + " 마운트는 컨테이너를 만들 때 정해지므로, 지우고 다시 만들어야 합니다.",
        )
