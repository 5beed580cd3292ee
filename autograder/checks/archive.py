"""Checks of a ``docker save`` tar: valid, tagged, same image as on the engine."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import docker

from .. import savetar
from ..korean import particle
from .base import Check, CheckResult, fail, join, ok, short_id
from .hostpath import HostPath
from .images import _missing, get_image
from .mismatch import Lookup, describe, engine_ids, kind, preview

_ZERO_TIME = "0001-01-01T00:00:00Z"


@dataclass(frozen=True)
class SavedTar(Check):
    """``path`` is a complete ``docker save`` archive holding ``ref`` under its tag.

    With ``same_as_engine`` the saved image must be the one the engine has under ``ref`` (by the
    config digest in the classic store, by the manifest digest in the containerd store).
    """

    path: HostPath
    ref: str
    same_as_engine: bool = True

    @property
    def title(self) -> str:
        path, ref = particle(str(self.path), "은/는"), particle(self.ref, "을/를")
        return f"{path} {ref} 태그와 함께 담은 docker save 파일이다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        try:
            with self.path.open() as fh:
                archive = savetar.read_archive(fh, name=str(self.path))
        except FileNotFoundError:
            return fail(self.title, "온전한 docker save tar", f"{self.path}: 파일이 없음",
                        f"`docker save -o {self.path} {self.ref}`로 저장하세요.")  # fmt: skip
        except savetar.ArchiveError as exc:
            return fail(
                self.title,
                "온전한 docker save tar",
                exc.message,
                f"`docker save -o {self.path} {self.ref}`로 다시 저장하세요.",
            )
        saved = archive.find(self.ref)
        if saved is None:
            return fail(
                self.title,
                f"RepoTags에 {self.ref}",
                f"RepoTags: {join(archive.repo_tags)}",
                "이미지 ID가 아니라 이름:태그로 저장해야 태그가 tar에 남습니다.",
            )
        if self.same_as_engine:
            image = get_image(dc, self.ref)
            if image is None:
                return fail(self.title, f"엔진에 {self.ref}", "그런 이미지가 없음")
            if image.id not in {saved.config_digest, saved.manifest_digest}:
                return fail(
                    self.title,
                    f"지금 엔진의 {particle(self.ref, '과/와')} 같은 이미지",
                    f"tar 안의 {particle(self.ref, '은/는')} 엔진의 것과 다른 이미지",
                    "저장한 뒤 이미지를 바꿨다면 다시 저장하세요.",
                )
        return ok(self.title, f"{archive.format}, 레이어 {len(saved.layers)}개")


@dataclass(frozen=True)
class IsConfigDigest(Check):
    """``value`` is ``"sha256:" + sha256(config JSON)`` of image ``ref``.

    In the classic image store that is exactly the image ID. In the containerd image store
    (Docker 29+) the ID is the manifest digest instead, so the config digest is read from an
    export of the image (only when ``value`` is not the ID). A failure never prints the digest:
    it says what the value is instead (short, without "sha256:", a layer's diff ID, …).
    """

    name: str
    value: Any
    ref: str

    @property
    def title(self) -> str:
        return f"계산한 값 {self.name} = {self.ref}의 config의 sha256"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        if not isinstance(self.value, str) or not self.value:
            return fail(
                self.title,
                '"sha256:..." 문자열',
                f"{kind(self.value)} {preview(self.value)}",
                "변수에 값을 넣으세요.",
            )
        if self.value == image.id:
            return ok(self.title, f"= 이미지 ID {short_id(image.id)}")
        digest = _config_digest(image)
        if self.value == digest:
            return ok(self.title, f"config {short_id(digest)} (이미지 ID는 manifest digest)")
        hint = (
            '앞에 "sha256:"을 붙였는지 보세요.'
            if self.value.removeprefix("sha256:") == digest.removeprefix("sha256:")
            else "manifest.json의 Config가 가리키는 파일의 바이트 전체를 해시하세요."
        )
        wrong = describe(self.value, digest, known=_layers_then_engine(image, dc))
        return fail(self.title, '"sha256:" + 설정 파일 바이트 전체의 sha256', wrong.seen, hint)


@dataclass(frozen=True)
class ConfigBytes(Check):
    """``value`` is the exact bytes of image ``ref``'s config file as ``docker save`` writes
    it: evidence that the config was read from the tar (a copied image ID is not)."""

    name: str
    value: Any
    ref: str

    @property
    def title(self) -> str:
        return f"{particle(self.name, '은/는')} {self.ref}의 설정 파일 바이트다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        if not isinstance(self.value, bytes) or not self.value:
            return fail(
                self.title,
                "bytes (tar에서 읽은 설정 파일)",
                f"{kind(self.value)} {preview(self.value)}",
                "manifest.json의 Config가 가리키는 파일을 .read()로 읽어 넣으세요.",
            )
        digest = "sha256:" + hashlib.sha256(self.value).hexdigest()
        if digest == image.id and _is_config(self.value):  # classic store: the ID is that digest
            return ok(self.title, f"{len(self.value)} 바이트")
        if digest == _config_digest(image):
            return ok(self.title, f"{len(self.value)} 바이트")
        return fail(
            self.title,
            "설정 파일의 바이트 전체 (고치지 않은 그대로)",
            f"{len(self.value)} 바이트, 다른 내용",
            "json.load 한 뒤 다시 쓰지 말고, 파일에서 읽은 바이트를 그대로 넣으세요.",
        )


def _layers_then_engine(image, dc: docker.DockerClient) -> Lookup:
    """What a wrong digest is: a layer of ``image`` (a hashed layer tar), else an engine ID."""
    attrs = getattr(image, "attrs", None) or {}
    layers = list((attrs.get("RootFS") or {}).get("Layers") or [])
    engine = engine_ids(dc)

    def lookup(value: str) -> str | None:
        text = value.strip().lower()
        text = text if text.startswith("sha256:") else "sha256:" + text
        if text in layers:
            n = layers.index(text) + 1
            return f"{n}번째 레이어의 diff ID (설정 파일이 아니라 레이어를 해시함)"
        return engine(value)

    return lookup


def _is_config(data: bytes) -> bool:
    """``data`` is an image config (a JSON object with ``rootfs``), not a manifest or index:
    in the containerd image store the image ID is the manifest's digest, not the config's."""
    try:
        parsed = json.loads(data)
    except ValueError:
        return False
    return isinstance(parsed, dict) and "rootfs" in parsed


def _config_digest(image) -> str:
    """sha256 of the image's config, from ``docker save`` of that one image."""
    with tempfile.NamedTemporaryFile(suffix=".tar") as tmp:
        for chunk in image.save(named=False):
            tmp.write(chunk)
        tmp.flush()
        (saved,) = savetar.read_archive(tmp.name, verify=False).images
        return saved.config_digest


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
    path: HostPath

    @property
    def title(self) -> str:
        return f"{particle(self.ref, '은/는')} {self.path}에서 docker load로 다시 불러온 이미지다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        try:
            with self.path.open() as fh:  # one file for both: its bytes and its mtime
                saved = savetar.read_archive(fh, verify=False, name=str(self.path)).find(self.ref)
                mtime = os.fstat(fh.fileno()).st_mtime
        except FileNotFoundError:
            return fail(self.title, "온전한 docker save tar", f"{self.path}: 파일이 없음")
        except savetar.ArchiveError as exc:
            return fail(self.title, "온전한 docker save tar", exc.message)
        if saved is None:
            return fail(self.title, f"tar의 RepoTags에 {self.ref}", "그 태그가 없음")
        if image.id not in {saved.config_digest, saved.manifest_digest}:
            return fail(
                self.title,
                f"tar 안의 {particle(self.ref, '과/와')} 같은 이미지",
                f"엔진의 {particle(self.ref, '은/는')} tar 안의 것과 다른 이미지",
                "tar를 만든 뒤 이미지를 바꾸지 않았는지 확인하세요.",
            )
        tagged = _parse_time((image.attrs.get("Metadata") or {}).get("LastTagTime") or _ZERO_TIME)
        written = datetime.fromtimestamp(mtime, tz=UTC)
        if tagged is not None and tagged < written:
            return fail(
                self.title,
                "tar를 쓴 뒤 docker load로 생긴 이미지",
                f"tar를 쓰기 전({tagged:%H:%M:%S})부터 있던 이미지",
                f"{particle(f'`docker rmi {self.ref}`', '으로/로')} 지운 뒤 "
                f"{particle(f'`docker load -i {self.path}`', '으로/로')} 다시 불러오세요.",
            )
        return ok(self.title, short_id(image.id))
