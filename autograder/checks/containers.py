"""Checks of containers: existence, state, image, ports, writable layer."""

from __future__ import annotations

from dataclasses import dataclass

import docker
import docker.errors

from ..korean import particle
from .base import Check, CheckResult, fail, join, ok, short_id
from .hostpath import HostPath
from .images import _preview, get_image, read_from_container

DIFF_KINDS = {0: "C", 1: "A", 2: "D"}


def get_container(dc: docker.DockerClient, name: str):
    try:
        return dc.containers.get(name)
    except docker.errors.NotFound:
        return None


def _missing(title: str, name: str) -> CheckResult:
    return fail(
        title,
        f"컨테이너 {particle(name, '이/가')} 있음",
        "그런 컨테이너가 없음",
        f"`docker ps -a`로 확인하고, {particle(f'`--name {name}`', '으로/로')} 만드세요.",
    )


@dataclass(frozen=True)
class ContainerExists(Check):
    name: str

    @property
    def title(self) -> str:
        return f"컨테이너 {particle(self.name, '이/가')} 있다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        return ok(self.title, container.status)


@dataclass(frozen=True)
class ContainerAbsent(Check):
    name: str

    @property
    def title(self) -> str:
        return f"컨테이너 {particle(self.name, '은/는')} 지워졌다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return ok(self.title)
        return fail(
            self.title,
            "컨테이너가 없음",
            f"아직 있음 ({container.status})",
            f"{particle(f'`docker rm -f {self.name}`', '으로/로')} 지우세요.",
        )


@dataclass(frozen=True)
class ContainerRunning(Check):
    name: str

    @property
    def title(self) -> str:
        return f"컨테이너 {particle(self.name, '이/가')} 실행 중이다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        if container.status == "running":
            return ok(self.title)
        code = container.attrs.get("State", {}).get("ExitCode")
        logs = container.logs(tail=3).decode(errors="replace").strip()
        return fail(
            self.title,
            "running",
            f"{container.status} (종료 코드 {code}) {_preview(logs)}",
            f"{particle(f'`docker logs {self.name}`', '으로/로')} 이유를 보고, "
            "`-d`로 실행했는지 확인하세요.",
        )


@dataclass(frozen=True)
class ContainerFromImage(Check):
    """The container was created from the image that ``ref`` names now (by ID, not by name).
    A failure names the image the container has instead, by its tags (IDs are answers to find
    elsewhere in the course)."""

    name: str
    ref: str

    @property
    def title(self) -> str:
        name, ref = particle(self.name, "은/는"), particle(self.ref, "으로/로")
        return f"컨테이너 {name} 이미지 {ref} 만들어졌다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        image = get_image(dc, self.ref)
        if image is None:
            return fail(self.title, f"이미지 {self.ref}", "그런 이미지가 없음")
        used = container.attrs.get("Image", "")
        if used == image.id:
            return ok(self.title, short_id(used))
        try:
            tags = dc.images.get(used).tags
        except docker.errors.ImageNotFound:
            tags = []
        seen = (
            f"다른 이미지 {particle(join(tags), '으로/로')} 만들어짐"
            if tags
            else "이름 없는 다른 이미지로 만들어짐 "
            "(같은 이름으로 다시 빌드하기 전의 이미지일 수 있음)"
        )
        return fail(
            self.title,
            f"지금 {particle(self.ref, '이/가')} 가리키는 이미지",
            seen,
            "이미지를 다시 빌드했다면 컨테이너도 새로 만들어야 새 이미지를 씁니다.",
        )


@dataclass(frozen=True)
class PortPublished(Check):
    """``container_port`` is published on ``host_port`` of the host (any address, or loopback)."""

    name: str
    container_port: int
    host_port: int | None = None

    @property
    def title(self) -> str:
        where = f"호스트 {self.host_port}" if self.host_port else "호스트의 어떤 포트"
        return f"{self.name}의 {particle(f'{self.container_port}/tcp', '이/가')} {where}에 연결됐다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        key = f"{self.container_port}/tcp"
        live = (container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
        asked = (container.attrs.get("HostConfig") or {}).get("PortBindings") or {}
        bindings = live.get(key) or asked.get(key) or []  # live when running, else as asked
        ports = list(dict.fromkeys(b.get("HostPort") for b in bindings))  # IPv4 + IPv6 once
        if bindings and (self.host_port is None or str(self.host_port) in ports):
            return ok(self.title, join(p or "?" for p in ports))
        want = self.host_port or "아무 포트"
        return fail(
            self.title,
            f"-p {want}:{self.container_port}",
            f"연결: {join(p or '?' for p in ports)}",
            "포트 연결은 컨테이너를 만들 때 정합니다: 지우고 `-p`를 붙여 다시 만드세요.",
        )


@dataclass(frozen=True)
class DiffHas(Check):
    """``docker diff`` of the container lists these paths with these kinds (A/C/D)."""

    name: str
    entries: tuple[tuple[str, str], ...]  # (path, kind)

    @property
    def title(self) -> str:
        listed = join(f"{k} {p}" for p, k in self.entries)
        return f"{self.name}의 쓰기 레이어(docker diff)에 {listed}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        seen = {item["Path"]: DIFF_KINDS.get(item["Kind"], "?") for item in container.diff() or []}
        missing = [f"{k} {p}" for p, k in self.entries if seen.get(p) != k]
        if not missing:
            return ok(self.title)
        return fail(
            self.title,
            join(f"{k} {p}" for p, k in self.entries),
            join(f"{k} {p}" for p, k in sorted(seen.items())),
            "컨테이너 안의 파일을 실제로 바꿨는지 확인하세요 "
            "(docker diff는 바뀐 경로만 보여 줍니다).",
        )


@dataclass(frozen=True)
class FileInContainer(Check):
    """``path`` inside the container (running or stopped) contains ``contains``; or is absent."""

    name: str
    path: str
    contains: str | None = None
    absent: bool = False

    @property
    def title(self) -> str:
        if self.absent:
            return f"컨테이너 {self.name} 안에 {particle(self.path, '이/가')} 없다"
        extra = f" (내용에 {self.contains!r})" if self.contains else ""
        return f"컨테이너 {self.name} 안에 {particle(self.path, '이/가')} 있다{extra}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        data = read_from_container(container, self.path)
        if self.absent:
            return (
                ok(self.title)
                if data is None
                else fail(
                    self.title,
                    "파일이 없음",
                    f"파일이 있음: {_preview(data.decode(errors='replace'))}",
                )
            )
        if data is None:
            return fail(self.title, f"{self.path} 파일", "파일이 없음")
        text = data.decode(errors="replace")
        if self.contains and self.contains not in text:
            return fail(self.title, f"{self.contains!r} 포함", _preview(text))
        return ok(self.title)


@dataclass(frozen=True)
class CopiedFromContainer(Check):
    """The host file ``host_path`` has the same bytes as ``path`` in container ``name``."""

    host_path: HostPath
    name: str
    path: str

    @property
    def title(self) -> str:
        host, inside = particle(str(self.host_path), "은/는"), particle(self.path, "과/와")
        return f"{host} 컨테이너 {self.name}의 {inside} 같다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing(self.title, self.name)
        inside = read_from_container(container, self.path)
        if inside is None:
            return fail(self.title, f"컨테이너 안의 {self.path}", "파일이 없음")
        if not self.host_path.exists():
            return fail(
                self.title,
                "호스트에 복사한 파일",
                "파일이 없음",
                f"`docker cp {self.name}:{self.path} 호스트경로`로 꺼내세요.",
            )
        with self.host_path.open() as fh:
            copied = fh.read(len(inside) + 1)  # longer is different: no need to read it all
        if copied != inside:
            return fail(
                self.title,
                f"컨테이너 안의 {particle(self.path, '과/와')} 같은 바이트",
                f"다른 내용: {_preview(copied.decode(errors='replace'))}",
                "복사한 뒤 파일을 고치지 않았는지, 다른 컨테이너에서 꺼내지 않았는지 보세요.",
            )
        return ok(self.title, f"{len(copied)} 바이트")
