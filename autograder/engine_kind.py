"""Which engine the student has: what the course's engine-dependent statements depend on.

Three facts change what a student sees on screen: the engine version (API fields come and go),
the image store (classic: the image ID is the sha256 of the config; containerd, the default of
fresh Docker 29 / Desktop ≥ 4.34 installs: the ID is the manifest digest, `docker history`
sizes count blocks, `docker save` keeps compressed blobs) and the builder `docker build` uses
(BuildKit through the buildx plugin on current CLIs, else the classic builder; the Python SDK
always uses the classic builder API). The setup cell of every section shows them in one line.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from typing import Any, Literal

import docker

Store = Literal["classic", "containerd"]
Builder = Literal["BuildKit", "classic"]


@dataclass(frozen=True)
class EngineKind:
    version: str
    api: str
    image_store: Store
    cli_builder: Builder  # what `docker build` (the CLI) builds with
    cli: str  # the docker CLI's version, or "" when there is none

    def line(self) -> str:
        store = "containerd (이미지 ID = 매니페스트 다이제스트)" if self.containerd else "클래식"
        builder = "BuildKit" if self.cli_builder == "BuildKit" else "클래식 빌더"
        cli = f"CLI {self.cli}" if self.cli else "docker CLI 없음"
        return (
            f"Docker {self.version} (API {self.api}) · 이미지 저장소: {store} · "
            f"docker build: {builder} · {cli}"
        )

    @property
    def containerd(self) -> bool:
        return self.image_store == "containerd"


def image_store(info: dict[str, Any]) -> Store:
    """``docker info``'s DriverStatus names the containerd snapshotter on that store."""
    status = info.get("DriverStatus") or []
    pairs = [tuple(p) for p in status if isinstance(p, (list, tuple)) and len(p) == 2]
    if any("io.containerd.snapshotter" in str(v) for _, v in pairs):
        return "containerd"
    return "classic"


def cli_facts(*, timeout: float = 10) -> tuple[str, Builder]:
    """(CLI version, builder of ``docker build``): BuildKit when the buildx plugin answers."""
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        return "", "classic"
    version = _output([docker_cli, "version", "--format", "{{.Client.Version}}"], timeout)
    buildx = _output([docker_cli, "buildx", "version"], timeout)
    return version, ("BuildKit" if buildx else "classic")


def detect(dc: docker.DockerClient) -> EngineKind:
    server = dc.version()
    cli, builder = cli_facts()
    return EngineKind(
        version=server.get("Version", "?"),
        api=server.get("ApiVersion", "?"),
        image_store=image_store(dc.info()),
        cli_builder=builder,
        cli=cli,
    )


def _output(argv: list[str], timeout: float) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
