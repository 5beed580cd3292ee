"""Checks of images: tags, IDs, config, files, layers and history."""

from __future__ import annotations

import io
import posixpath
import tarfile
import tempfile
from dataclasses import dataclass

import docker
import docker.errors

from .. import labels, savetar
from .base import Check, CheckResult, fail, join, ok, short_id


def get_image(dc: docker.DockerClient, ref: str):
    try:
        return dc.images.get(ref)
    except docker.errors.ImageNotFound:
        return None


def _missing(title: str, ref: str) -> CheckResult:
    return fail(
        title,
        f"이미지 {ref} 가 있음",
        "그런 이미지가 없음",
        f"`docker images` 로 목록을 보고, 빌드·태그 명령의 이름({ref})을 확인하세요.",
    )


@dataclass(frozen=True)
class ImageExists(Check):
    ref: str

    @property
    def title(self) -> str:
        return f"이미지 {self.ref} 가 있다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        return ok(self.title, short_id(image.id))


@dataclass(frozen=True)
class ImageAbsent(Check):
    ref: str

    @property
    def title(self) -> str:
        return f"이미지 {self.ref} 는 지워졌다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return ok(self.title)
        return fail(
            self.title,
            "이 이름의 이미지가 없음",
            f"아직 있음 ({short_id(image.id)})",
            f"`docker rmi {self.ref}` 로 지우세요.",
        )


@dataclass(frozen=True)
class TagsShareId(Check):
    """Several tags name one image ID (a tag is a name, not a copy)."""

    refs: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{join(self.refs)} 가 같은 이미지 ID 를 가리킨다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        ids = {}
        for ref in self.refs:
            image = get_image(dc, ref)
            if image is None:
                return _missing(self.title, ref)
            ids[ref] = image.id
        if len(set(ids.values())) == 1:
            return ok(self.title, short_id(next(iter(ids.values()))))
        seen = ", ".join(f"{r}→{short_id(i)}" for r, i in ids.items())
        return fail(
            self.title,
            "모두 같은 ID",
            seen,
            "새로 빌드하지 말고 `docker tag 원본 새이름` 으로 이름만 더하세요.",
        )


@dataclass(frozen=True)
class ImageConfig(Check):
    """Only the given fields are compared (None = not checked)."""

    ref: str
    cmd: tuple[str, ...] | None = None
    workdir: str | None = None
    user: str | None = None
    exposed_ports: tuple[str, ...] | None = None

    @property
    def title(self) -> str:
        wanted = []
        if self.cmd is not None:
            wanted.append(f"CMD {list(self.cmd)}")
        if self.workdir is not None:
            wanted.append(f"WORKDIR {self.workdir}")
        if self.user is not None:
            wanted.append(f"USER {self.user}")
        if self.exposed_ports is not None:
            wanted.append(f"EXPOSE {join(self.exposed_ports)}")
        return f"{self.ref} 의 설정: {', '.join(wanted)}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        config = image.attrs.get("Config") or {}
        wrong = []
        if self.cmd is not None and list(config.get("Cmd") or []) != list(self.cmd):
            wrong.append(f"CMD {config.get('Cmd')}")
        if self.workdir is not None and (config.get("WorkingDir") or "") != self.workdir:
            wrong.append(f"WORKDIR {config.get('WorkingDir') or '(없음)'}")
        if self.user is not None and (config.get("User") or "") != self.user:
            wrong.append(f"USER {config.get('User') or '(없음 = root)'}")
        if self.exposed_ports is not None:
            seen = sorted(config.get("ExposedPorts") or {})
            if seen != sorted(self.exposed_ports):
                wrong.append(f"EXPOSE {join(seen)}")
        if wrong:
            return fail(
                self.title,
                self.title.split(": ", 1)[1],
                ", ".join(wrong),
                "Dockerfile 의 해당 명령을 고치고 다시 빌드하세요.",
            )
        return ok(self.title)


@dataclass(frozen=True)
class RunsAsNonRoot(Check):
    """The image's config names a user other than root."""

    ref: str

    @property
    def title(self) -> str:
        return f"{self.ref} 는 root 가 아닌 사용자로 실행되도록 설정됐다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        user = (image.attrs.get("Config") or {}).get("User") or ""
        if user.split(":")[0] in {"", "0", "root"}:
            return fail(
                self.title,
                "USER 가 root 가 아님",
                f"USER {user or '(없음 = root)'}",
                "Dockerfile 끝부분에 `USER node` 처럼 일반 사용자를 지정하세요.",
            )
        return ok(self.title, f"USER {user}")


def read_file(dc: docker.DockerClient, ref: str, path: str, *, max_bytes: int = 1 << 20):
    """Content of ``path`` in image ``ref`` (None when absent), without running the image."""
    container = dc.containers.create(ref, ["true"], labels=labels.managed("checks"))
    try:
        return read_from_container(container, path, max_bytes=max_bytes)
    finally:
        container.remove(force=True)


def read_from_container(container, path: str, *, max_bytes: int = 1 << 20) -> bytes | None:
    try:
        stream, _ = container.get_archive(path)
    except docker.errors.NotFound:
        return None
    buf = io.BytesIO()
    for chunk in stream:
        buf.write(chunk)
        if buf.tell() > max_bytes + 65536:
            break
    buf.seek(0)
    with tarfile.open(fileobj=buf, mode="r|") as tar:
        for member in tar:
            if member.isfile():
                handle = tar.extractfile(member)
                return handle.read(max_bytes) if handle else b""
    return None


@dataclass(frozen=True)
class FileInImage(Check):
    """``path`` exists in the image (optionally containing some text); or, ``absent``, not."""

    ref: str
    path: str
    contains: str | None = None
    absent: bool = False

    @property
    def title(self) -> str:
        if self.absent:
            return f"{self.ref} 안에 {self.path} 가 없다"
        extra = f" (내용에 {self.contains!r} 포함)" if self.contains else ""
        return f"{self.ref} 안에 {self.path} 가 있다{extra}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        data = read_file(dc, self.ref, self.path)
        if self.absent:
            if data is None:
                return ok(self.title)
            return fail(
                self.title,
                "파일이 없음",
                f"{len(data)} 바이트짜리 파일이 있음",
                "최종 이미지에 들어가지 않게 빌드를 바꾸세요.",
            )
        if data is None:
            return fail(
                self.title,
                f"{self.path} 파일",
                "파일이 없음",
                "Dockerfile 의 WORKDIR 과 COPY 대상 경로를 확인하세요.",
            )
        text = data.decode(errors="replace")
        if self.contains and self.contains not in text:
            return fail(
                self.title,
                f"{self.contains!r} 포함",
                _preview(text),
                "파일 내용을 고친 뒤 다시 빌드/커밋했는지 확인하세요.",
            )
        return ok(self.title)


def _preview(text: str, limit: int = 120) -> str:
    text = text.strip().replace("\n", "⏎")
    return text if len(text) <= limit else "…" + text[-limit:]


def _layers(dc: docker.DockerClient, ref: str) -> list[str]:
    image = get_image(dc, ref)
    return [] if image is None else list((image.attrs.get("RootFS") or {}).get("Layers") or [])


@dataclass(frozen=True)
class LayersExtend(Check):
    """``derived`` = all layers of ``base`` + exactly ``extra`` new layers on top."""

    base: str
    derived: str
    extra: int = 1

    @property
    def title(self) -> str:
        return f"{self.derived} = {self.base} 의 레이어 + 새 레이어 {self.extra}개"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.base, self.derived):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        base, derived = _layers(dc, self.base), _layers(dc, self.derived)
        shared = _shared_prefix(base, derived)
        if shared == len(base) and len(derived) == len(base) + self.extra:
            return ok(self.title, f"{len(base)} + {self.extra}")
        seen = f"{self.base}: {len(base)}개, {self.derived}: {len(derived)}개, 공유 {shared}개"
        hint = (
            "커밋 전에 컨테이너에서 실제로 파일을 바꿨는지 `docker diff` 로 확인하세요."
            if len(derived) == len(base)
            else f"{self.derived} 를 {self.base} 로 만든 컨테이너에서 커밋했는지 확인하세요."
        )
        return fail(
            self.title, f"{len(base)} + {self.extra} 개, 아래 {len(base)}개 공유", seen, hint
        )


def _shared_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


@dataclass(frozen=True)
class SharedLayers(Check):
    """``a`` and ``b`` share at least ``at_least`` bottom layers (reuse, not copies)."""

    a: str
    b: str
    at_least: int = 1

    @property
    def title(self) -> str:
        return f"{self.a} 와 {self.b} 가 아래 레이어 {self.at_least}개 이상을 공유한다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        for ref in (self.a, self.b):
            if get_image(dc, ref) is None:
                return _missing(self.title, ref)
        shared = _shared_prefix(_layers(dc, self.a), _layers(dc, self.b))
        if shared >= self.at_least:
            return ok(self.title, f"{shared}개 공유")
        return fail(
            self.title,
            f"{self.at_least}개 이상",
            f"{shared}개",
            "같은 베이스 이미지와 같은 앞부분 명령으로 빌드해야 레이어가 재사용됩니다.",
        )


def layer_files(dc: docker.DockerClient, ref: str, index: int) -> dict[str, bytes | None]:
    """Paths → content (files ≤ 1 MiB, else None) of one layer of ``ref`` (negative = from top)."""
    return all_layer_files(dc, ref)[index]


def all_layer_files(dc: docker.DockerClient, ref: str) -> list[dict[str, bytes | None]]:
    """For each layer of ``ref``, bottom-up: paths → content (files ≤ 1 MiB, else None).

    Read from ``docker save`` output, so a file deleted in a later layer still shows in the
    layer that added it (and the deletion shows as a ``.wh.`` whiteout entry above).
    """
    image = dc.images.get(ref)
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
        return f"{self.ref} 의 {where}에 {self.path} 가 있다{extra}"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        files = layer_files(dc, self.ref, self.index)
        if self.path not in files:
            listed = join(sorted(p for p in files if not p.endswith("/"))[:8])
            return fail(
                self.title,
                f"{self.path} 가 그 레이어에 있음",
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
        return f"{self.ref} 의 맨 위 이력은 docker commit 이다{extra}"

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
                '`docker commit -m "메시지" 컨테이너 새이름` 으로 만드세요.',
            )
        if self.message is not None and comment != self.message:
            return fail(
                self.title,
                f"메시지 {self.message!r}",
                f"메시지 {comment!r}",
                "`docker commit -m` 으로 메시지를 남기세요.",
            )
        return ok(self.title, f"{comment!r}")


@dataclass(frozen=True)
class NoLayerHas(Check):
    """No layer of ``ref`` holds ``path`` (deleting it in a later layer does not count)."""

    ref: str
    path: str

    @property
    def title(self) -> str:
        return f"{self.ref} 의 어느 레이어에도 {self.path} 가 없다"

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
            "나중 레이어에서 rm 해도 앞 레이어에는 남습니다: .dockerignore 나 "
            "multi-stage 빌드로 처음부터 넣지 마세요.",
        )


@dataclass(frozen=True)
class RunsAs(Check):
    """A container of ``ref`` really runs as uid ``uid`` (runs ``id -u`` in a throw-away one)."""

    ref: str
    uid: int | None = None  # None: any uid but 0

    @property
    def title(self) -> str:
        who = f"uid {self.uid}" if self.uid is not None else "root 가 아닌 사용자"
        return f"{self.ref} 컨테이너가 실제로 {who} 로 실행된다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        if get_image(dc, self.ref) is None:
            return _missing(self.title, self.ref)
        container = dc.containers.create(
            self.ref,
            ["id", "-u"],
            entrypoint=[],
            labels=labels.managed("checks"),
            network_disabled=True,
        )
        try:
            container.start()
            container.wait(timeout=30)
            out = container.logs(stdout=True, stderr=False).decode().strip()
        finally:
            container.remove(force=True)
        try:
            uid = int(out)
        except ValueError:
            return fail(self.title, "id -u 의 결과", repr(out[:80]))
        good = uid != 0 if self.uid is None else uid == self.uid
        if good:
            return ok(self.title, f"uid {uid}")
        return fail(
            self.title,
            self.title.split("실제로 ")[1],
            f"uid {uid}",
            "Dockerfile 에 `USER node` 처럼 일반 사용자를 지정하세요.",
        )
