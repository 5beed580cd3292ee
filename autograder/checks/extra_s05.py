"""Checks for §5 (volumes and bind mounts): what a container has mounted, read from inspect."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import docker

from .base import Check, CheckResult, fail, join, ok
from .containers import _missing, get_container


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
        if (self.volume is None) == (self.host_path is None):
            raise ValueError("MountedAt needs exactly one of volume= or host_path=")

    @property
    def _what(self) -> str:
        if self.volume is not None:
            return f"볼륨 {self.volume}"
        return f"호스트 폴더 {self.host_path}"

    @property
    def title(self) -> str:
        where = f" 가 {self.destination} 에" if self.destination else " 가"
        how = "마운트됐다" if self.volume is not None else "바인드 마운트됐다"
        return f"컨테이너 {self.name} 에 {self._what}{where} {how}"

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
            hint = f"컨테이너를 만들 때 `-v {self.volume}:{dest}` 를 붙이세요."
        else:
            hint = (
                f"`-v {self.host_path}:{dest}` 처럼 호스트 쪽을 절대 경로(/ 로 시작)로 쓰세요. "
                "`-v out:/out` 처럼 슬래시 없이 쓰면 out 이라는 *볼륨*이 생깁니다."
            )
        return fail(
            self.title,
            f"{'volume' if self.volume is not None else 'bind'} {self.volume or self.host_path}"
            f" → {self.destination or '(아무 경로)'}",
            "마운트: " + join(_describe(m) for m in mounts),
            hint + " 마운트는 컨테이너를 만들 때 정해지므로, 지우고 다시 만들어야 합니다.",
        )
