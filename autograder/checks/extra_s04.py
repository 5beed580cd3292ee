"""Checks for section 04 (layers): two builds that differ only in their top layer, and a
value that must be the content address (sha256) of an image's config."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Any

import docker

from .. import savetar
from .base import Check, CheckResult, fail, ok, short_id
from .images import _layers, _missing, _shared_prefix, get_image


@dataclass(frozen=True)
class OnlyTopLayerDiffers(Check):
    """``a`` and ``b`` have the same number of layers, share all but the top one, and their top
    layers differ (a rebuild after changing only what the last layer-making step copies)."""

    a: str
    b: str

    @property
    def title(self) -> str:
        return f"{self.a} 와 {self.b} 는 맨 위 레이어 하나만 다르고 아래 레이어는 모두 같다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.a, self.b):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        a, b = _layers(dc, self.a), _layers(dc, self.b)
        shared = _shared_prefix(a, b)
        seen = f"{self.a}: {len(a)}개, {self.b}: {len(b)}개, 아래에서부터 공유 {shared}개"
        if len(a) == len(b) and len(a) >= 2 and shared == len(a) - 1:
            return ok(self.title, seen)
        if len(a) == len(b) and shared == len(a):
            hint = (
                "두 이미지의 레이어가 모두 같습니다: app.js 를 실제로 바꾼 뒤 다시 빌드했는지, "
                "다른 태그로 이미지를 가리키기만 한 건 아닌지 확인하세요."
            )
        elif len(a) != len(b):
            hint = "Dockerfile 은 그대로 두고 app.js 내용만 바꿔서 빌드해야 레이어 수가 같습니다."
        else:
            hint = (
                "아래 레이어가 재사용되지 않았습니다: 같은 베이스 이미지, 같은 Dockerfile, "
                "같은 빌드 방법(같은 빌더)으로 빌드하세요."
            )
        expected = f"레이어 수가 같고 아래 {max(len(a) - 1, 0)}개 공유, 맨 위 1개만 다름"
        return fail(self.title, expected, seen, hint)


@dataclass(frozen=True)
class IsConfigDigest(Check):
    """``value`` is ``"sha256:" + sha256(config JSON)`` of image ``ref``.

    In the classic image store that is exactly the image ID. In the containerd image store
    (Docker 29+) the ID is the manifest digest instead, so the config digest is read from an
    export of the image (only when ``value`` is not the ID).
    """

    name: str
    value: Any
    ref: str

    @property
    def title(self) -> str:
        return f"계산한 값 {self.name} = {self.ref} 의 config 의 sha256"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        if not isinstance(self.value, str) or not self.value:
            return fail(
                self.title, '"sha256:..." 문자열', repr(self.value)[:80], "변수에 값을 넣으세요."
            )
        if self.value == image.id:
            return ok(self.title, f"= 이미지 ID {short_id(image.id)}")
        digest = _config_digest(image)
        if self.value == digest:
            return ok(self.title, f"config {short_id(digest)} (이미지 ID 는 manifest digest)")
        hint = (
            '앞에 "sha256:" 을 붙였는지 보세요.'
            if self.value.removeprefix("sha256:") == digest.removeprefix("sha256:")
            else "manifest.json 의 Config 가 가리키는 파일의 바이트 전체를 해시하세요."
        )
        return fail(self.title, digest[:80], self.value[:80], hint)


def _config_digest(image) -> str:
    """sha256 of the image's config, from ``docker save`` of that one image."""
    with tempfile.NamedTemporaryFile(suffix=".tar") as tmp:
        for chunk in image.save(named=False):
            tmp.write(chunk)
        tmp.flush()
        (saved,) = savetar.read_archive(tmp.name, verify=False).images
        return saved.config_digest
