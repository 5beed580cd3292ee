"""One tar with all course images, for offline or rate-limited classrooms.

``bundle`` saves the images by name (so their tags travel) and verifies the file before it
appears under its final name. ``load`` verifies the file before the engine sees a byte of it,
so a truncated or foreign file changes no tag.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import docker
import docker.errors

from . import savetar
from .errors import CourseError


def bundle(
    dc: docker.DockerClient,
    refs: Iterable[str],
    out: str | Path,
    *,
    report: Callable[[str], None] = print,
) -> savetar.SavedArchive:
    """Save ``refs`` (with their tags) into ``out``; return the verified archive."""
    refs = list(refs)
    out = Path(out)
    missing = [ref for ref in refs if not _exists(dc, ref)]
    if missing:
        raise CourseError(
            f"cannot bundle: {', '.join(missing)} not present on this engine.",
            fix="Run `docker-course images prepare` first.",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    started, written, shown = time.monotonic(), 0, 0
    try:
        # docker-py's Image.save() takes one image; the engine's endpoint takes many names.
        response = dc.api._get(dc.api._url("/images/get"), params={"names": refs}, stream=True)
        dc.api._raise_for_status(response)
        with open(part, "wb") as fh:
            for chunk in response.iter_content(chunk_size=1 << 20):
                fh.write(chunk)
                written += len(chunk)
                if written - shown >= 50_000_000:
                    shown = written
                    report(f"  … {written / 1e6:.0f} MB written")
        archive = savetar.read_archive(part)
        absent = [ref for ref in refs if ref not in archive.repo_tags]
        if absent:
            raise CourseError(f"the engine saved {part} without the tags {', '.join(absent)}.")
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
    report(
        f"bundled {len(refs)} tags ({written / 1e6:.0f} MB) into {out} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return savetar.SavedArchive(path=out, format=archive.format, images=archive.images)


def load(
    dc: docker.DockerClient,
    path: str | Path,
    *,
    report: Callable[[str], None] = print,
    verify: bool = True,
) -> list[str]:
    """Verify ``path`` then ``docker load`` it. Returns the tags it set."""
    archive = savetar.read_archive(path, verify=verify)  # raises before the engine is touched
    before = {tag: _id(dc, tag) for tag in archive.repo_tags}
    started = time.monotonic()
    with open(path, "rb") as fh:
        try:
            dc.images.load(fh)
        except docker.errors.APIError as exc:
            raise CourseError(f"the engine refused {path}: {exc.explanation or exc}") from exc
    for tag in archive.repo_tags:
        now, was = _id(dc, tag), before[tag]
        change = "new" if was is None else ("unchanged" if was == now else f"was {was[7:19]}")
        report(f"  {tag} → {(now or '?')[7:19]} ({change})")
    report(f"loaded {len(archive.images)} images from {path} in {time.monotonic() - started:.1f} s")
    return list(archive.repo_tags)


def _exists(dc: docker.DockerClient, ref: str) -> bool:
    return _id(dc, ref) is not None


def _id(dc: docker.DockerClient, ref: str) -> str | None:
    try:
        return dc.images.get(ref).id
    except docker.errors.ImageNotFound:
        return None
