"""Seed a private engine with the course images quickly.

Two steps, each cached: a bundle of the host's copies of the course images
(``.course/images/course-images.tar``), and a *template*: the data-root of a stopped engine
that loaded that bundle. A new engine starts from a copy of the template (``cp --reflink``,
~0.1 s) instead of loading the bundle (~1.3 s of layer extraction per engine).

A section that starts from fewer images (``course.Section.base``: busybox alone for 01, 05
and 07) has a bundle and template of its own (``course-images-busybox.tar``, 2 MB where every
image is 131 MB): its grading engines copy less into their disk and hold only what its
notebook uses (:class:`Seeds`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import docker

from . import bundle, engine, images
from .jail import SlotUser
from .private_engine import DATA_BASE, PrivateEngine
from .rootless_engine import RootlessEngine

TEMPLATE_PREFIX = "template-"
STALE_TEMPLATE_AGE = 3600.0  # older templates of other bundles may still be copied by a run


@dataclass(frozen=True)
class Seeds:
    """The bundles engines start from: every course image (``full``), and, for a section
    that starts from fewer (by section id), a bundle of only those."""

    full: Path
    sections: Mapping[str, Path] = field(default_factory=dict)

    def tar(self, section: str | None = None) -> Path:
        """The bundle of ``section``'s images (``None``, or a name no section has: all)."""
        return self.sections.get(section, self.full) if section else self.full


def seeds(dc: docker.DockerClient, cache_dir: Path | None = None) -> Seeds:
    """Every bundle a grading run may start engines from (each made once, rebuilt on change)."""
    from . import course

    full = cached_bundle(dc, cache_dir)
    own: dict[str, Path] = {}
    for section in course.SECTIONS.values():
        used = images.named(section.base)
        if set(used) != set(images.COURSE_IMAGES):
            own[section.id] = cached_bundle(dc, cache_dir, used, prepared=True)
    return Seeds(full, own)


def cached_bundle(
    dc: docker.DockerClient,
    cache_dir: Path | None = None,
    only: Iterable[images.CourseImage] | None = None,
    *,
    prepared: bool = False,
) -> Path:
    """``.course/images/course-images.tar`` for the current course images (rebuilt on change);
    with ``only``, of those images (``course-images-busybox.tar``). ``prepared``: the images
    were just made present (:func:`images.prepare`)."""
    cache_dir = cache_dir or engine.project_root() / ".course" / "images"
    cache_dir.mkdir(parents=True, exist_ok=True)
    chosen = images.COURSE_IMAGES if only is None else tuple(only)
    name = "course-images"
    if set(chosen) != set(images.COURSE_IMAGES):
        name += "".join(f"-{image.kind}" for image in chosen)
    tar, ids_file = cache_dir / f"{name}.tar", cache_dir / f"{name}.ids.json"
    if not prepared:
        images.prepare(dc, report=lambda _: None)
    refs = [ref for image in chosen for ref in image.refs]
    ids = {ref: dc.images.get(ref).id for ref in refs}
    if tar.is_file() and ids_file.is_file() and json.loads(ids_file.read_text()) == ids:
        return tar
    bundle.bundle(dc, refs, tar, report=lambda _: None)
    ids_file.write_text(json.dumps(ids, indent=1))
    return tar


def seed(dc: docker.DockerClient, tar: Path) -> None:
    """Load the cached bundle (we wrote and verified it ourselves: no second hashing)."""
    bundle.load(dc, tar, report=lambda _: None, verify=False)


def template(
    tar: Path, *, base: Path = DATA_BASE, user: SlotUser | None = None, tree: Path | None = None
) -> Path:
    """The data-root of a stopped private engine holding ``tar``'s images (made once).

    With ``user``, of a rootless engine of that grading user: its files belong to the user's
    sub-uids, so each user has its own template. With ``tree``, of that engine (Docker from the
    sid tree: :class:`~autograder.rootless_engine.RootlessEngine`'s ``tree``)."""
    suffix = f"-{user.name}-{user.uid}-{user.subid_start}" if user else ""
    final = base / f"{TEMPLATE_PREFIX}{_key(tar, tree)}{suffix}"
    if (final / ".complete").is_file():
        with contextlib.suppress(OSError):  # in use: another checkout's run must not reap it
            os.utime(final)
        return final
    base.mkdir(parents=True, exist_ok=True)
    staging = base / f".{final.name}-{secrets.token_hex(4)}"
    try:
        with PrivateEngine() if user is None else RootlessEngine(user=user, tree=tree) as pe:
            seed(pe.client(), tar)
            pe.shutdown(timeout=30)  # stopped cleanly: its databases are consistent
            subprocess.run(
                ["cp", "-a", "--reflink=auto", str(pe.spec.data_root), str(staging)], check=True
            )
        # its networks are remade by each engine faster than they are restored (~0.2 s)
        shutil.rmtree(staging / "network", ignore_errors=True)
        (staging / ".complete").write_text(str(tar))
        try:
            os.rename(staging, final)
        except OSError:  # another run made it first: theirs is as good as ours
            if not (final / ".complete").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _remove_stale(base, keep=current(tar, tree))
    return final


def current(tar: Path, tree: Path | None = None) -> tuple[str, ...]:
    """Name prefixes of the templates this checkout uses: of ``tar`` and of its siblings (the
    bundles of the other sections' image sets), for this engine."""
    tars = {tar, *tar.parent.glob("course-images*.tar")}
    return tuple(sorted(f"{TEMPLATE_PREFIX}{_key(t, tree)}" for t in tars))


def _key(tar: Path, tree: Path | None = None) -> str:
    """Changes when the bundle or the engine binary changes (a data-root is version-bound)."""
    dockerd = shutil.which("dockerd") if tree is None else tree / "usr/sbin/dockerd"
    parts = [tar.resolve(), *(p for p in [dockerd] if p)]
    stamp = [(str(p), os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in parts]
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:12]


def _remove_stale(base: Path, *, keep: tuple[str, ...]) -> None:
    """Templates of other bundles or engines (every user's template of this one is kept) that
    no run has used for :data:`STALE_TEMPLATE_AGE` (each use touches a template): another
    checkout grading on this machine keeps its own. A half-made template (``.template-*``: its
    run was killed while copying) is removed once it is as old: making one takes a minute."""
    for old in [*base.glob(f"{TEMPLATE_PREFIX}*"), *base.glob(f".{TEMPLATE_PREFIX}*")]:
        with contextlib.suppress(OSError):  # another run removed it first
            if old.name.startswith(keep) or time.time() - old.stat().st_mtime < STALE_TEMPLATE_AGE:
                continue
            shutil.rmtree(old, ignore_errors=True)
