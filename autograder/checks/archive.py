"""Checks of a ``docker save`` tar: valid, tagged, same image as on the engine."""

from __future__ import annotations

from dataclasses import dataclass

import docker

from .. import savetar
from .base import Check, CheckResult, fail, join, ok, short_id
from .images import get_image


@dataclass(frozen=True)
class SavedTar(Check):
    """``path`` is a complete ``docker save`` archive holding ``ref`` under its tag.

    With ``same_as_engine`` the saved image must be the one the engine has under ``ref`` (by the
    config digest in the classic store, by the manifest digest in the containerd store).
    """

    path: str
    ref: str
    same_as_engine: bool = True

    @property
    def title(self) -> str:
        return f"{self.path} 는 {self.ref} 를 태그와 함께 담은 docker save 파일이다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        try:
            archive = savetar.read_archive(self.path)
        except savetar.ArchiveError as exc:
            return fail(
                self.title,
                "온전한 docker save tar",
                exc.message,
                f"`docker save -o {self.path} {self.ref}` 로 다시 저장하세요.",
            )
        saved = archive.find(self.ref)
        if saved is None:
            return fail(
                self.title,
                f"RepoTags 에 {self.ref}",
                f"RepoTags: {join(archive.repo_tags)}",
                "이미지 ID 가 아니라 이름:태그로 저장해야 태그가 tar 에 남습니다.",
            )
        if self.same_as_engine:
            image = get_image(dc, self.ref)
            if image is None:
                return fail(self.title, f"엔진에 {self.ref}", "그런 이미지가 없음")
            if image.id not in {saved.config_digest, saved.manifest_digest}:
                return fail(
                    self.title,
                    f"엔진의 {self.ref} ({short_id(image.id)})",
                    f"tar 안의 이미지 {short_id(saved.config_digest)}",
                    "이미지를 바꾼 뒤 다시 저장하세요.",
                )
        return ok(self.title, f"{archive.format}, 레이어 {len(saved.layers)}개")
