"""Seed a private engine with the course images quickly: a cached bundle of the host's copies."""

from __future__ import annotations

import json
from pathlib import Path

import docker

from . import bundle, engine, images


def cached_bundle(dc: docker.DockerClient, cache_dir: Path | None = None) -> Path:
    """``.course/images/course-images.tar`` for the current course images (rebuilt on change)."""
    cache_dir = cache_dir or engine.project_root() / ".course" / "images"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tar, ids_file = cache_dir / "course-images.tar", cache_dir / "course-images.ids.json"
    images.prepare(dc, report=lambda _: None)
    refs = [ref for image in images.COURSE_IMAGES for ref in image.refs]
    ids = {ref: dc.images.get(ref).id for ref in refs}
    if tar.is_file() and ids_file.is_file() and json.loads(ids_file.read_text()) == ids:
        return tar
    bundle.bundle(dc, refs, tar, report=lambda _: None)
    ids_file.write_text(json.dumps(ids, indent=1))
    return tar


def seed(dc: docker.DockerClient, tar: Path) -> None:
    """Load the cached bundle (we wrote and verified it ourselves: no second hashing)."""
    bundle.load(dc, tar, report=lambda _: None, verify=False)
