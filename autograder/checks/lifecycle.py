"""Checks of a container's life and of what leaves it: stop → start keeps the writable layer;
``docker export`` writes the container's flattened file system (no layers, no config).

The contrast the course is about: an image is read-only layers plus a config (``docker save``
keeps both), a container is an image plus one writable layer that lives as long as the
container does — through stop and start — and ``docker export`` flattens it into one file tree.
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass

import docker

from ..korean import particle
from .base import Check, CheckResult, fail, ok
from .containers import _missing, get_container
from .history import UNKNOWN, _action, _actor, history
from .hostpath import HostPath
from .images import read_from_container

# what marks a `docker save` archive (any of its three layouts) at the top of the tar
SAVE_MARKERS = {"manifest.json", "index.json", "oci-layout", "repositories"}


@dataclass(frozen=True)
class RestartedKeepsFile(Check):
    """Container ``name`` was stopped and started again (the same container, per the engine's
    history), and ``path`` in it still holds ``contains``: the writable layer outlived the stop."""

    name: str
    path: str
    contains: str

    @property
    def title(self) -> str:
        return (
            f"컨테이너 {self.name}: 멈췄다가 다시 시작해도 {particle(self.path, '이/가')} 남아 있다"
        )

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        data = read_from_container(container, self.path)
        if data is None or self.contains not in data.decode(errors="replace"):
            return fail(
                self.title,
                f"{self.path}에 {self.contains!r}",
                "파일이 없음" if data is None else "파일은 있지만 내용이 다름",
                "다시 시작하기 전에 `docker exec`로 파일을 썼는지 확인하세요. "
                "컨테이너를 지우고 새로 만들면 쓰기 레이어도 새것입니다.",
            )
        past = history(dc)
        mine = [
            e
            for e in past.of("container", {"start", "die"})
            if _actor(e) == container.id  # this container, not an earlier one of the name
        ]
        actions = [_action(e) for e in mine]
        restarted = any(
            actions[i] == "die" and "start" in actions[:i] and "start" in actions[i + 1 :]
            for i in range(len(actions))
        )
        if restarted:
            return ok(self.title, f"시작 {actions.count('start')}번, 멈춤 {actions.count('die')}번")
        if not past.complete:
            return ok(self.title, UNKNOWN)
        return fail(
            self.title,
            "시작 → 멈춤 → 다시 시작 기록 (같은 컨테이너)",
            f"시작 {actions.count('start')}번, 멈춤 {actions.count('die')}번",
            f"`docker stop {self.name}` 뒤 {particle(f'`docker start {self.name}`', '으로/로')} "
            "다시 시작하세요.",
        )


@dataclass(frozen=True)
class ExportedTar(Check):
    """``path`` is a ``docker export`` of a container: one flat file tree (no ``manifest.json``,
    no layers, no config) holding ``member`` (a path inside it, e.g. ``app/note.txt``) with
    ``contains`` in it."""

    path: HostPath
    member: str
    contains: str = ""

    @property
    def title(self) -> str:
        return (
            f"{particle(self.path, '은/는')} 컨테이너의 파일 시스템을 펼친 docker export 파일이다"
        )

    def run(self, dc: docker.DockerClient | None) -> CheckResult:
        try:
            with self.path.open() as fh, tarfile.open(fileobj=fh, mode="r:") as tar:
                members = {m.name.lstrip("./").rstrip("/"): m for m in tar}
                data = None
                found = members.get(self.member.lstrip("/"))
                if found is not None and found.isfile():
                    extracted = tar.extractfile(found)
                    data = extracted.read(1 << 20).decode(errors="replace") if extracted else ""
        except FileNotFoundError:
            return fail(self.title, "docker export tar", f"{self.path}: 파일이 없음",
                        "`docker export -o 파일 컨테이너`로 저장하세요.")  # fmt: skip
        except (tarfile.TarError, OSError) as exc:
            return fail(self.title, "읽을 수 있는 tar", f"{type(exc).__name__}: {exc}"[:200])
        top = {name.split("/", 1)[0] for name in members}
        if top & SAVE_MARKERS:
            return fail(
                self.title,
                "펼친 파일 시스템 (etc/, bin/, …)",
                f"docker save 파일 ({', '.join(sorted(top & SAVE_MARKERS))}가 있음)",
                "`docker save`(이미지)가 아니라 `docker export`(컨테이너)로 만드세요.",
            )
        if "etc" not in top:
            return fail(self.title, "펼친 파일 시스템 (etc/, bin/, …)", "etc/가 없는 tar")
        if data is None:
            return fail(
                self.title,
                f"{self.member} (컨테이너의 쓰기 레이어에 쓴 파일)",
                "그 파일이 tar에 없음",
                "파일을 쓴 그 컨테이너를 export 하세요.",
            )
        if self.contains and self.contains not in data:
            return fail(self.title, f"{self.member}에 {self.contains!r}", "내용이 다름")
        return ok(self.title, f"파일 {len(members)}개, manifest.json 없음")
