"""Checks for section 03 (commit, save, load): the base image stays unchanged, a file copied out
of a container matches it, and an image on the engine was loaded back from a ``docker save`` tar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docker

from .. import savetar
from .base import Check, CheckResult, fail, ok, short_id
from .containers import _missing as _missing_container
from .containers import get_container
from .images import _missing, _preview, get_image, read_file, read_from_container


@dataclass(frozen=True)
class FileInImageLacks(Check):
    """``path`` is in image ``ref`` and does NOT contain ``text`` (e.g. the base is unchanged)."""

    ref: str
    path: str
    text: str

    @property
    def title(self) -> str:
        return f"{self.ref} 의 {self.path} 에는 {self.text!r} 가 없다 (이미지는 그대로다)"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        data = read_file(dc, self.ref, self.path)
        if data is None:
            return fail(self.title, f"{self.path} 파일", "파일이 없음")
        content = data.decode(errors="replace")
        if self.text in content:
            return fail(
                self.title,
                f"{self.text!r} 가 없음",
                _preview(content),
                "컨테이너 안에서 바꾼 내용은 원래 이미지에 들어가지 않습니다. "
                f"{self.ref} 를 다시 빌드하거나 같은 이름으로 커밋하지 않았는지 확인하세요.",
            )
        return ok(self.title)


@dataclass(frozen=True)
class CopiedFromContainer(Check):
    """The host file ``host_path`` has the same bytes as ``path`` in container ``name``."""

    host_path: str
    name: str
    path: str

    @property
    def title(self) -> str:
        return f"{self.host_path} 는 컨테이너 {self.name} 의 {self.path} 와 같다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        container = get_container(dc, self.name)
        if container is None:
            return _missing_container(self.title, self.name)
        inside = read_from_container(container, self.path)
        if inside is None:
            return fail(self.title, f"컨테이너 안의 {self.path}", "파일이 없음")
        host = Path(self.host_path)
        if not host.is_file():
            return fail(
                self.title,
                "호스트에 복사한 파일",
                "파일이 없음",
                f"`docker cp {self.name}:{self.path} 호스트경로` 로 꺼내세요.",
            )
        copied = host.read_bytes()
        if copied != inside:
            return fail(
                self.title,
                _preview(inside.decode(errors="replace")),
                _preview(copied.decode(errors="replace")),
                "복사한 뒤 파일을 고치지 않았는지, 다른 컨테이너에서 꺼내지 않았는지 보세요.",
            )
        return ok(self.title, f"{len(copied)} 바이트")


_ZERO_TIME = "0001-01-01T00:00:00Z"


def _parse_time(text: str) -> datetime | None:
    """RFC 3339 with nanoseconds (Go) → aware datetime; None for Go's zero time or junk."""
    if not text or text.startswith("0001-01-01"):
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LoadedFromTar(Check):
    """Image ``ref`` is the one in the ``docker save`` tar ``path`` and was put on the engine by
    ``docker load`` after the tar was written (not left over from before the save).

    The classic image store leaves ``Metadata.LastTagTime`` at Go's zero time for a loaded image
    (commit and tag set it); other stores set it at load time, after the tar's mtime.
    """

    ref: str
    path: str

    @property
    def title(self) -> str:
        return f"{self.ref} 는 {self.path} 에서 docker load 로 다시 불러온 이미지다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        try:
            saved = savetar.read_archive(self.path, verify=False).find(self.ref)
        except savetar.ArchiveError as exc:
            return fail(self.title, "온전한 docker save tar", exc.message)
        if saved is None:
            return fail(self.title, f"tar 의 RepoTags 에 {self.ref}", "그 태그가 없음")
        if image.id not in {saved.config_digest, saved.manifest_digest}:
            return fail(
                self.title,
                f"tar 안의 이미지 {short_id(saved.config_digest)}",
                f"엔진의 이미지 {short_id(image.id)}",
                "tar 를 만든 뒤 이미지를 바꾸지 않았는지 확인하세요.",
            )
        tagged = _parse_time((image.attrs.get("Metadata") or {}).get("LastTagTime") or _ZERO_TIME)
        written = datetime.fromtimestamp(Path(self.path).stat().st_mtime, tz=UTC)
        if tagged is not None and tagged < written:
            return fail(
                self.title,
                "tar 를 쓴 뒤 docker load 로 생긴 이미지",
                f"tar 를 쓰기 전({tagged:%H:%M:%S})부터 있던 이미지",
                f"`docker rmi {self.ref}` 로 지운 뒤 `docker load -i {self.path}` 로 "
                "다시 불러오세요.",
            )
        return ok(self.title, short_id(image.id))
