"""A modern Docker engine beside the course's: Debian sid's Docker 28 + containerd 2 + buildx.

Students run Docker Engine 28–29 or Desktop 4.3x: BuildKit builds through the buildx plugin,
and on fresh installs the containerd image store. The course engine (Debian 12's docker.io
20.10) shows neither, so the engine matrix (``pytest -m engines``, ``docker-course execute
--lane …``) runs every notebook on this one as well, in two lanes:

- ``modern-containerd``: the containerd image store (``"containerd-snapshotter": true``);
- ``modern-overlay2``: the same engine with the overlay2 graph driver (the classic store).

The engine comes from Debian packages only, never a downloaded binary: ``debootstrap`` makes a
minimal sid tree in ``.course/modern-engine/`` (ignored by git), and apt installs
:data:`PACKAGES` into it. The tree is rebuilt only when that list (or the recipe) changes.

A tree is not a machine: a plain ``chroot`` breaks runc (containers then see the tree itself
as their root). So dockerd starts in a mount namespace of its own whose root *is* the tree
(``unshare --mount`` + ``pivot_root``), inside its own network namespace like every private
engine, with its socket folder, data-root and the folders the notebooks bind-mount from the
host (Docker Desktop's file sharing) bound into the tree at their host paths. Killing dockerd
and what it started ends that mount namespace: nothing is left mounted on the host.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import engine, system
from .errors import CourseError
from .private_engine import PrivateEngine

SUITE = "sid"
MIRROR = os.environ.get("DOCKER_COURSE_DEBIAN_MIRROR", "http://deb.debian.org/debian")
PACKAGES = ("docker.io", "containerd", "runc", "docker-buildx", "iptables")
RECIPE = 1  # bump when the way the tree is made changes
BUILDX = Path("usr/libexec/docker/cli-plugins/docker-buildx")
# a mount namespace of its own: what is mounted inside never shows on the host
PRIVATE_MOUNTS = ("unshare", "--mount", "--propagation", "private")
# sid's Release file on some mirrors is past its Valid-Until date; the packages are still sid's
APT = ("apt-get", "-q", "-o", "Acquire::Check-Valid-Until=false", "-o", "APT::Sandbox::User=root")


@dataclass(frozen=True)
class Lane:
    """One column of the engine matrix."""

    name: str
    containerd_store: bool

    @property
    def image_store(self) -> str:
        return "containerd" if self.containerd_store else "classic"

    def daemon_config(self) -> dict[str, object]:
        if self.containerd_store:
            return {"features": {"containerd-snapshotter": True}}
        return {"storage-driver": "overlay2", "features": {"containerd-snapshotter": False}}


LANES = {
    lane.name: lane for lane in (Lane("modern-containerd", True), Lane("modern-overlay2", False))
}
LANE_NAMES = ("course", *LANES)  # "course": the course engine, as students of `make lab` have


def cache_dir() -> Path:
    return engine.project_root() / ".course" / "modern-engine"


def key() -> str:
    """What the tree depends on: a new package list (or recipe, suite, mirror) = a new tree."""
    text = json.dumps([RECIPE, SUITE, MIRROR, sorted(PACKAGES)])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# the tree ------------------------------------------------------------------------------------
def tree(cache: Path | None = None, *, report: Callable[[str], None] = print) -> Path:
    """The sid tree with :data:`PACKAGES` installed; built (≈ 1–2 min) when missing or stale."""
    cache = cache or cache_dir()
    final = cache / f"tree-{key()}"
    if (final / ".complete").is_file():
        return final
    _require_root_linux()
    cache.mkdir(parents=True, exist_ok=True)
    with _locked(cache / ".lock"):
        if (final / ".complete").is_file():  # another process built it while we waited
            return final
        for stale in cache.glob("tree-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in cache.glob(".building-*"):
            shutil.rmtree(stale, ignore_errors=True)
        building = cache / f".building-{secrets.token_hex(4)}"
        log = cache / "build.log"
        try:
            _build(building, log, report)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        building.rename(final)
    return final


def versions(tree_path: Path) -> dict[str, str]:
    """The installed versions of :data:`PACKAGES` in ``tree_path`` (read from its stamp)."""
    try:
        return json.loads((tree_path / ".complete").read_text())
    except (OSError, ValueError):
        return {}


def _build(target: Path, log: Path, report: Callable[[str], None]) -> None:
    if shutil.which("debootstrap") is None:
        system.apt_install(["debootstrap"], why="the modern engine's tree is made by debootstrap")
    report(f"modern engine: debootstrap {SUITE} → {target.parent} (once per package list)")
    with open(log, "wb") as fh:
        _logged(
            fh,
            [
                "debootstrap",
                "--variant=minbase",
                "--include=ca-certificates",
                SUITE,
                str(target),
                MIRROR,
            ],
            what=f"debootstrap of Debian {SUITE} from {MIRROR}",
        )
        # no service starts inside the tree while packages install
        policy = target / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        report(f"modern engine: apt-get install {' '.join(PACKAGES)}")
        inside = " && ".join(
            [
                " ".join((*APT, "update")),
                " ".join((*APT, "install", "-y", "--no-install-recommends", *PACKAGES)),
                " ".join((*APT, "clean")),
            ]
        )
        # apt's maintainer scripts want /proc; a private mount namespace keeps it off the host
        _logged(
            fh,
            [
                *PRIVATE_MOUNTS,
                "sh",
                "-c",
                'mount -t proc proc "$1/proc" && chroot "$1" sh -c "$2"',
                "sh",
                str(target),
                f"export DEBIAN_FRONTEND=noninteractive && {inside}",
            ],
            what=f"apt-get install of {', '.join(PACKAGES)} in the {SUITE} tree",
        )
    found = _installed(target)
    missing = [p for p in PACKAGES if p not in found]
    if missing or not (target / BUILDX).is_file():
        raise CourseError(
            f"the modern engine's tree lacks {', '.join(missing) or BUILDX}",
            fix=f"Read {log}.",
        )
    (target / ".complete").write_text(json.dumps(found, indent=1))
    report("modern engine: " + ", ".join(f"{p} {v}" for p, v in found.items()))


def _installed(target: Path) -> dict[str, str]:
    done = subprocess.run(
        ["dpkg-query", f"--admindir={target}/var/lib/dpkg", "-W", *PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    pairs = (line.split("\t") for line in done.stdout.splitlines())
    return {p: v for p, v in pairs if v}


def _logged(fh: BinaryIO, argv: list[str], *, what: str) -> None:
    fh.write(f"$ {' '.join(argv)}\n".encode())
    fh.flush()
    done = subprocess.run(argv, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise CourseError(
            f"{what} failed (exit {done.returncode}).",
            fix=f"Read {fh.name}; the machine needs Debian's package mirror "
            "(set DOCKER_COURSE_DEBIAN_MIRROR for another one).",
        )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _require_root_linux() -> None:
    if not (system.is_linux() and system.is_root()):
        raise CourseError(
            "the modern engine lane needs Linux and root (debootstrap, namespaces, dockerd).",
            fix="Run it as root on Linux, or try the notebooks on your own Docker Desktop.",
        )


# the engine ----------------------------------------------------------------------------------
# $1 the tree, then host folders to bind at their own paths, "--", then dockerd's argv
PIVOT = r"""set -e
t=$1; shift
mount --make-rprivate /
mount --rbind "$t" "$t"
mount --rbind /dev "$t/dev"
mount -t proc proc "$t/proc"
mount --rbind /sys "$t/sys"
mount -t tmpfs -o mode=0755 tmpfs "$t/run"
mount -t tmpfs -o mode=1777 tmpfs "$t/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$t/var/tmp"
while [ "$1" != -- ]; do mkdir -p "$t$1"; mount --bind "$1" "$t$1"; shift; done
shift
cd "$t"
mkdir -p .old
pivot_root . .old
umount -l /.old
exec "$@"
"""


class ModernEngine(PrivateEngine):
    """``with ModernEngine(LANES["modern-containerd"], tree()) as me: me.client()…``

    A private engine (own network namespace, socket, data-root) whose dockerd is the sid
    tree's. ``shared``: host folders containers may bind-mount (the notebook's work folder)."""

    def __init__(
        self,
        lane: Lane,
        tree_path: Path,
        *,
        shared: Sequence[Path] = (),
        start_timeout: float = 60,
    ) -> None:
        super().__init__(start_timeout=start_timeout)
        self.lane = lane
        self.tree = tree_path
        self.config_dir = self.home / "docker-config"  # DOCKER_CONFIG: the buildx plugin
        binds = [self.run_dir, self.home, *(Path(p).resolve() for p in shared)]
        for path in binds:
            if path == Path("/") or self.tree.resolve().is_relative_to(path):
                raise CourseError(f"{path} cannot be shared with the modern engine.")
        daemon_json = self.run_dir / "daemon.json"
        self.spec = dataclasses.replace(
            self.spec,
            command=(
                "nsenter",
                f"--net=/var/run/netns/{self.name}",
                *PRIVATE_MOUNTS,
                "sh",
                "-c",
                PIVOT,
                "modern-engine",
                str(self.tree),
                *map(str, sorted(set(binds), key=lambda p: len(p.parts))),
                "--",
                "dockerd",
                "--config-file",
                str(daemon_json),
            ),
        )

    def _before_engine(self) -> None:
        (self.run_dir / "daemon.json").write_text(json.dumps(self.lane.daemon_config()))
        plugins = self.config_dir / "cli-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.tree / BUILDX, plugins / "docker-buildx")
        (self.config_dir / "config.json").write_text("{}\n")

    def env(self) -> dict[str, str]:
        """``docker build`` of the host's CLI goes through the tree's buildx plugin."""
        return {**super().env(), "DOCKER_CONFIG": str(self.config_dir)}
