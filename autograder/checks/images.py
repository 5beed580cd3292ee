"""Checks of images: tags, IDs, config, files, layers and history."""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass

import docker
import docker.errors

from .. import labels
from ..korean import particle
from .base import Check, CheckResult, fail, join, ok, short_id


def get_image(dc: docker.DockerClient, ref: str):
    try:
        return dc.images.get(ref)
    except docker.errors.ImageNotFound:
        return None


def _missing(title: str, ref: str) -> CheckResult:
    return fail(
        title,
        f"이미지 {particle(ref, '이/가')} 있음",
        "그런 이미지가 없음",
        f"`docker images`로 목록을 보고, 빌드·태그 명령의 이름({ref})을 확인하세요.",
    )


@dataclass(frozen=True)
class ImageExists(Check):
    ref: str

    @property
    def title(self) -> str:
        return f"이미지 {particle(self.ref, '이/가')} 있다"

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
        return f"이미지 {particle(self.ref, '은/는')} 지워졌다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return ok(self.title)
        return fail(
            self.title,
            "이 이름의 이미지가 없음",
            "아직 있음",
            f"{particle(f'`docker rmi {self.ref}`', '으로/로')} 지우세요.",
        )


@dataclass(frozen=True)
class ImageMadeHere(Check):
    """Image ``ref`` was made on this engine (built, committed or loaded), not a course image
    given another name: ``docker tag busybox:1.37 study/hello:1.0`` is no build."""

    ref: str

    @property
    def title(self) -> str:
        ref = particle(self.ref, "은/는")
        return f"{ref} 이 과제에서 만든 이미지다 (가져온 이미지에 이름만 붙인 것이 아님)"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        from ..images import COURSE_IMAGES

        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        given = {ref: get_image(dc, ref) for c in COURSE_IMAGES for ref in c.refs}
        same = sorted(ref for ref, found in given.items() if found and found.id == image.id)
        if same:
            return fail(
                self.title,
                "Dockerfile로 빌드한 새 이미지",
                f"{particle(join(same), '과/와')} 같은 이미지",
                "`docker tag`는 이름만 붙입니다: `docker build -t 이름 폴더`로 빌드하세요.",
            )
        return ok(self.title, short_id(image.id))


@dataclass(frozen=True)
class TagsShareId(Check):
    """Several tags name one image ID (a tag is a name, not a copy)."""

    refs: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{particle(join(self.refs), '이/가')} 같은 이미지 ID를 가리킨다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        ids = {}
        for ref in self.refs:
            image = get_image(dc, ref)
            if image is None:
                return _missing(self.title, ref)
            ids[ref] = image.id
        if len(set(ids.values())) == 1:
            return ok(self.title, short_id(next(iter(ids.values()))))
        groups: dict[str, list[str]] = {}
        for ref, image_id in ids.items():
            groups.setdefault(image_id, []).append(ref)
        seen = f"서로 다른 이미지 {len(groups)}개: " + " / ".join(join(g) for g in groups.values())
        return fail(
            self.title,
            "모두 같은 ID",
            seen,
            "새로 빌드하지 말고 `docker tag 원본 새이름`으로 이름만 더하세요.",
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
        return f"{self.ref}의 설정: {', '.join(wanted)}"

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
                "Dockerfile의 해당 명령을 고치고 다시 빌드하세요.",
            )
        return ok(self.title)


@dataclass(frozen=True)
class RunsAsNonRoot(Check):
    """The image's config names a user other than root."""

    ref: str

    @property
    def title(self) -> str:
        return f"{particle(self.ref, '은/는')} root가 아닌 사용자로 실행되도록 설정됐다"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        image = get_image(dc, self.ref)
        if image is None:
            return _missing(self.title, self.ref)
        user = (image.attrs.get("Config") or {}).get("User") or ""
        if user.split(":")[0] in {"", "0", "root"}:
            return fail(
                self.title,
                "USER가 root가 아님",
                f"USER {user or '(없음 = root)'}",
                "Dockerfile 끝부분에 `USER node`처럼 일반 사용자를 지정하세요.",
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
            return f"{self.ref} 안에 {particle(self.path, '이/가')} 없다"
        extra = f" (내용에 {self.contains!r} 포함)" if self.contains else ""
        return f"{self.ref} 안에 {particle(self.path, '이/가')} 있다{extra}"

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
                "파일이 있음",
                "최종 이미지에 들어가지 않게 빌드를 바꾸세요.",
            )
        if data is None:
            return fail(
                self.title,
                f"{self.path} 파일",
                "파일이 없음",
                "Dockerfile의 WORKDIR, COPY 대상 경로를 확인하세요.",
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


@dataclass(frozen=True)
class RunsAs(Check):
    """A container of ``ref`` really runs as uid ``uid`` (runs ``id -u`` in a throw-away one)."""

    ref: str
    uid: int | None = None  # None: any uid but 0

    @property
    def title(self) -> str:
        who = f"uid {self.uid}" if self.uid is not None else "root가 아닌 사용자"
        return f"{self.ref} 컨테이너가 실제로 {particle(who, '으로/로')} 실행된다"

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
            return fail(self.title, "id -u의 결과", repr(out[:80]))
        good = uid != 0 if self.uid is None else uid == self.uid
        if good:
            return ok(self.title, f"uid {uid}")
        return fail(
            self.title,
            self.title.split("실제로 ")[1],
            f"uid {particle(uid, '으로/로')} 실행됨",
            "Dockerfile에 `USER node`처럼 일반 사용자를 지정하세요.",
        )


@dataclass(frozen=True)
class FileInImageLacks(Check):
    """``path`` is in image ``ref`` and does NOT contain ``text`` (e.g. the base is unchanged)."""

    ref: str
    path: str
    text: str

    @property
    def title(self) -> str:
        text = particle(repr(self.text), "이/가")
        return f"{self.ref}의 {self.path}에는 {text} 없다 (이미지는 그대로다)"

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
                f"{particle(repr(self.text), '이/가')} 없음",
                _preview(content),
                "컨테이너 안에서 바꾼 내용은 원래 이미지에 들어가지 않습니다. "
                f"{particle(self.ref, '을/를')} 다시 빌드하거나 같은 이름으로 커밋하지 않았는지 "
                "확인하세요.",
            )
        return ok(self.title)
