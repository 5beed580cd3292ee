"""Checks of layers: what a commit or a rebuild added, what each layer holds, history."""

from __future__ import annotations

import posixpath
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from typing import Any

import docker

from .. import savetar
from ..korean import particle
from .base import Check, CheckResult, fail, join, ok
from .images import _missing, _preview, get_image
from .mismatch import kind, preview


def _layers(dc: docker.DockerClient, ref: str) -> list[str]:
    image = get_image(dc, ref)
    return [] if image is None else list((image.attrs.get("RootFS") or {}).get("Layers") or [])


def _shared_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True)
class LayersExtend(Check):
    """``derived`` = all layers of ``base`` + exactly ``extra`` new layers on top. A failure
    tells how the two relate, not how many layers ``base`` has (a count asked elsewhere)."""

    base: str
    derived: str
    extra: int = 1

    @property
    def title(self) -> str:
        return f"{self.derived} = {self.base}의 레이어 + 새 레이어 {self.extra}개"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.base, self.derived):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        base, derived = _layers(dc, self.base), _layers(dc, self.derived)
        shared = _shared_prefix(base, derived)
        new = len(derived) - len(base)
        if shared == len(base) and new == self.extra:
            return ok(self.title, f"새 레이어 {new}개")
        if shared < len(base):
            seen = f"아래 레이어가 {particle(self.base, '과/와')} 다름 (다른 이미지에서 만듦)"
        elif new == 0:
            seen = "새 레이어가 없음"
        else:
            seen = f"새 레이어 {new}개"
        hint = (
            "커밋 전에 컨테이너에서 실제로 파일을 바꿨는지 `docker diff`로 확인하세요."
            if shared == len(base) and new == 0
            else f"{particle(self.derived, '을/를')} {particle(self.base, '으로/로')} 만든 "
            "컨테이너에서 커밋했는지 확인하세요."
        )
        return fail(self.title, f"{self.base}의 레이어 전부 + 새 레이어 {self.extra}개", seen, hint)


@dataclass(frozen=True)
class SharedLayers(Check):
    """``a`` and ``b`` share at least ``at_least`` bottom layers (reuse, not copies)."""

    a: str
    b: str
    at_least: int = 1

    @property
    def title(self) -> str:
        return (
            f"{particle(self.a, '과/와')} {particle(self.b, '이/가')} "
            f"아래 레이어 {self.at_least}개 이상을 공유한다"
        )

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.a, self.b):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        shared = _shared_prefix(_layers(dc, self.a), _layers(dc, self.b))
        if shared >= self.at_least:
            return ok(self.title, f"{shared}개 공유")
        return fail(
            self.title,
            f"{self.at_least}개 이상 공유",
            f"{shared}개 공유",
            "같은 베이스 이미지와 같은 앞부분 명령으로 빌드해야 레이어가 재사용됩니다.",
        )


def layer_files(dc: docker.DockerClient, ref: str, index: int) -> dict[str, bytes | None]:
    """Paths → content (files ≤ 1 MiB, else None) of one layer of ``ref`` (negative = from top)."""
    return all_layer_files(dc, ref)[index]


#: the layers last read, by image ID, when they hold little (a busybox image, not a node one):
#: an ID names its content in either image store (the config's or the manifest's digest), so
#: a second check of the same image in a cell needs no second ``docker save``
_LAST: dict[str, list[dict[str, bytes | None]]] = {}
_LAST_MAX = 16 << 20  # bytes of file content kept
_LAST_LOCK = threading.Lock()


def all_layer_files(dc: docker.DockerClient, ref: str) -> list[dict[str, bytes | None]]:
    """For each layer of ``ref``, bottom-up: paths → content (files ≤ 1 MiB, else None).

    Read from ``docker save`` output, so a file deleted in a later layer still shows in the
    layer that added it (and the deletion shows as a ``.wh.`` whiteout entry above). ``ref``
    is looked up on the engine every time; the save is skipped when the image it names now
    was the one read last (same ID, same content).
    """
    image = dc.images.get(ref)
    with _LAST_LOCK:
        last = _LAST.get(image.id)
    if last is not None:
        return [dict(files) for files in last]
    layers = _read_layers(image)
    kept = sum(len(data) for files in layers for data in files.values() if data)
    with _LAST_LOCK:
        _LAST.clear()
        if kept <= _LAST_MAX:
            _LAST[image.id] = [dict(files) for files in layers]
    return layers


def _read_layers(image) -> list[dict[str, bytes | None]]:
    with tempfile.NamedTemporaryFile(suffix=".tar") as tmp:
        for chunk in image.save(named=False):
            tmp.write(chunk)
        tmp.flush()
        archive = savetar.read_archive(tmp.name, verify=False)
        (saved,) = archive.images
        layers = []
        with tarfile.open(tmp.name) as outer:
            for name in saved.layers:
                handle = outer.extractfile(name)
                assert handle is not None
                with tarfile.open(fileobj=handle, mode="r:*") as layer:
                    found: dict[str, bytes | None] = {}
                    for member in layer:
                        path = "/" + posixpath.normpath(member.name).lstrip("./")
                        data = None
                        if member.isfile() and member.size <= 1 << 20:
                            data = layer.extractfile(member).read()  # type: ignore[union-attr]
                        found[path] = data
                    layers.append(found)
        return layers


@dataclass(frozen=True)
class FileInLayer(Check):
    """``path`` is in layer ``index`` of ``ref`` (default: the top layer), maybe with text."""

    ref: str
    path: str
    index: int = -1
    contains: str | None = None

    @property
    def title(self) -> str:
        where = "맨 위 레이어" if self.index == -1 else f"{self.index}번 레이어"
        extra = f", 내용에 {self.contains!r}" if self.contains else ""
        return f"{self.ref}의 {where}에 {particle(self.path, '이/가')} 있다{extra}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        files = layer_files(dc, self.ref, self.index)
        if self.path not in files:
            listed = join(sorted(p for p in files if not p.endswith("/"))[:8])
            return fail(
                self.title,
                f"{particle(self.path, '이/가')} 그 레이어에 있음",
                f"그 레이어의 파일: {listed}",
                "그 레이어를 만든 단계(COPY 또는 커밋)에서 이 파일을 바꿨는지 보세요.",
            )
        data = files[self.path]
        if self.contains and (data is None or self.contains.encode() not in data):
            return fail(
                self.title,
                f"{self.contains!r} 포함",
                _preview((data or b"").decode(errors="replace")),
                "바뀐 내용이 커밋되었는지 확인하세요.",
            )
        return ok(self.title)


@dataclass(frozen=True)
class CommitOnTop(Check):
    """The newest history entry of ``ref`` is a `docker commit` (with ``message``), not a build."""

    ref: str
    message: str | None = None

    @property
    def title(self) -> str:
        extra = f" (메시지 {self.message!r})" if self.message else ""
        return f"{self.ref}의 맨 위 이력은 docker commit이다{extra}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        top = (image.history() or [{}])[0]
        created_by = top.get("CreatedBy") or ""
        comment = top.get("Comment") or ""
        # legacy builder: "#(nop) COPY …"/"/bin/sh -c …" with no comment; BuildKit: its comment
        from_build = "#(nop)" in created_by or comment.startswith("buildkit.dockerfile")
        if from_build:
            return fail(
                self.title,
                "커밋으로 생긴 이력",
                f"빌드 명령: {created_by[:80]}",
                '`docker commit -m "메시지" 컨테이너 새이름`으로 만드세요.',
            )
        if self.message is not None and comment != self.message:
            return fail(
                self.title,
                f"메시지 {self.message!r}",
                f"메시지 {comment!r}",
                "`docker commit -m`으로 메시지를 남기세요.",
            )
        return ok(self.title, f"{comment!r}")


@dataclass(frozen=True)
class NoLayerHas(Check):
    """No layer of ``ref`` holds ``path`` (deleting it in a later layer does not count)."""

    ref: str
    path: str

    @property
    def title(self) -> str:
        return f"{self.ref}의 어느 레이어에도 {particle(self.path, '이/가')} 없다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        holding = [n for n, files in enumerate(all_layer_files(dc, self.ref)) if self.path in files]
        if not holding:
            return ok(self.title)
        return fail(
            self.title,
            "어느 레이어에도 없음",
            f"{join(str(n) for n in holding)}번 레이어에 있음",
            "나중 레이어에서 rm 해도 앞 레이어에는 남습니다: .dockerignore나 "
            "multi-stage 빌드로 처음부터 넣지 마세요.",
        )


@dataclass(frozen=True)
class ValueFromLayer(Check):
    """``value`` is the content (stripped) of ``path`` as a layer of ``ref`` holds it: a file a
    later layer deleted is still in the layer that added it (read from the engine, so no copy
    of the answer needs to live in the notebook)."""

    name: str
    value: Any
    ref: str
    path: str

    @property
    def title(self) -> str:
        return f"{self.name} = {self.ref}의 레이어에 남은 {self.path}의 내용"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        found = {
            data.decode(errors="replace").strip()
            for files in all_layer_files(dc, self.ref)
            if (data := files.get(self.path)) is not None
        }
        if not found:
            held = f"{particle(self.path, '이/가')} 든 레이어"
            return fail(self.title, held, "어느 레이어에도 없음")
        seen = self.value.decode(errors="replace") if isinstance(self.value, bytes) else self.value
        if isinstance(seen, str) and seen.strip() in found:
            return ok(self.title)
        what = (
            "레이어에 남은 파일의 내용과 다름"
            if isinstance(seen, str)
            else f"{kind(self.value)}: 문자열(str)이나 바이트(bytes)가 필요"
        )
        return fail(
            self.title,
            "레이어에서 읽은 파일의 내용",
            f"{preview(self.value)} — {what}",
            "docker save 한 tar의 레이어 tar를 하나씩 열어 그 파일을 찾으세요.",
        )


@dataclass(frozen=True)
class OnlyTopLayerDiffers(Check):
    """``a`` and ``b`` have the same number of layers, share all but the top one, and their top
    layers differ (a rebuild after changing only what the last layer-making step copies).
    A failure says how they differ, not how many layers they have (a count asked elsewhere)."""

    a: str
    b: str

    @property
    def title(self) -> str:
        return (
            f"{particle(self.a, '과/와')} {particle(self.b, '은/는')} "
            "맨 위 레이어 하나만 다르고 아래 레이어는 모두 같다"
        )

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.a, self.b):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        a, b = _layers(dc, self.a), _layers(dc, self.b)
        shared = _shared_prefix(a, b)
        if len(a) == len(b) and len(a) >= 2 and shared == len(a) - 1:
            return ok(self.title, "맨 위 레이어만 다름")
        if len(a) == len(b) and shared == len(a):
            seen = "레이어가 모두 같음"
            hint = (
                "두 이미지의 레이어가 모두 같습니다: app.js를 실제로 바꾼 뒤 다시 빌드했는지, "
                "다른 태그로 이미지를 가리키기만 한 건 아닌지 확인하세요."
            )
        elif len(a) != len(b):
            more = "더 많음" if len(b) > len(a) else "더 적음"
            seen = f"레이어 수가 다름: {particle(self.b, '이/가')} {abs(len(b) - len(a))}개 {more}"
            hint = "Dockerfile은 그대로 두고 app.js 내용만 바꿔서 빌드해야 레이어 수가 같습니다."
        else:
            seen = f"맨 위에서부터 {len(a) - shared}개 레이어가 다름"
            hint = (
                "아래 레이어가 재사용되지 않았습니다: 같은 베이스 이미지, 같은 Dockerfile, "
                "같은 빌드 방법(같은 빌더)으로 빌드하세요."
            )
        return fail(self.title, "레이어 수가 같고 맨 위 1개만 다름, 아래는 모두 공유", seen, hint)
