"""Offline stand-ins for the course's official images, built FROM scratch from host files.

No registry is reachable on some machines (CI, offline classrooms). A stand-in is built from
what the host already has: a static busybox (Debian ``busybox-static``) for ``sh`` and the
usual tools, and for Node the host's ``node`` binary plus the libraries ``ldd`` lists. It is
tagged under the canonical name and labelled so that every listing says plainly what it is.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from . import labels, system
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

    def write_context(self, out, dockerfile: str) -> None:
        with tarfile.open(fileobj=out, mode="w") as tar:
            _add_text(tar, "Dockerfile", dockerfile, 0o644)
            for path, (mode, uid) in sorted(self.dirs.items()):
                info = tarfile.TarInfo("rootfs" + path)
                info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, mode, uid, uid
                tar.addfile(info)
            for path, (source, mode) in sorted(self.files.items()):
                if isinstance(source, Path):
                    info = tar.gettarinfo(str(source), arcname="rootfs" + path)
                    info.mode, info.uid, info.gid, info.uname, info.gname = mode, 0, 0, "", ""
                    with open(source, "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    _add_text(tar, "rootfs" + path, source, mode)
            for path, target in sorted(self.links.items()):
                info = tarfile.TarInfo("rootfs" + path)
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
    ldd = subprocess.run(["ldd", str(node)], capture_output=True, text=True, check=False).stdout
    libs = []
    for line in ldd.splitlines():
        match = re.search(r"(/\S+)\s+\(0x", line)
        if match:
            libs.append(match.group(1))
    return node, version, libs


def node_rootfs() -> tuple[Rootfs, str]:
    busybox = static_busybox()
    node, version, libs = host_node()
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
        f"FROM scratch: host node {version} ({node}) with its {len(libs)} ldd libraries "
        f"and static busybox {_busybox_version(busybox)} for sh; not Alpine, not Node 24"
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


DOCKERFILES = {
    "node": "FROM scratch\nCOPY rootfs/ /\n"
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
    'CMD ["node"]\n',
    "busybox": 'FROM scratch\nCOPY rootfs/ /\nCMD ["sh"]\n',
}


def build(dc: docker.DockerClient, ref: str, kind: str) -> str:
    """Build the stand-in for ``kind`` and tag it ``ref``. Returns the image ID."""
    rootfs, note = {"node": node_rootfs, "busybox": busybox_rootfs}[kind]()
    tags = labels.managed("images", **{labels.STANDIN: "true", labels.STANDIN_NOTE: note})
    tags["org.opencontainers.image.description"] = f"docker-course offline stand-in for {ref}"
    with tempfile.TemporaryFile() as context:
        rootfs.write_context(context, DOCKERFILES[kind])
        context.seek(0)
        try:
            image, _ = dc.images.build(
                fileobj=context, custom_context=True, tag=ref, labels=tags, rm=True, forcerm=True
            )
        except docker.errors.BuildError as exc:
            raise CourseError(f"building the stand-in for {ref} failed: {exc}") from exc
    return image.id
