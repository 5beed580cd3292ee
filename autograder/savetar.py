"""Read and verify ``docker save`` archives in all three formats, with ``tarfile`` only.

- ``legacy`` (Engine ≤ 24): ``manifest.json`` + ``repositories`` + ``<id>/layer.tar``;
  the config is ``<sha256>.json``.
- ``oci`` (Engine 25+): an OCI layout (``oci-layout``, ``index.json``, ``blobs/sha256/…``)
  plus ``manifest.json`` and ``repositories``.
- ``containerd`` (Engine 29+ with the containerd image store): OCI layout and
  ``manifest.json`` but no ``repositories``; layers may be gzipped (digest ≠ DiffID) and the
  image ID is the manifest digest, not the config digest.

``RepoTags`` are present only when an image was saved by name (docker-py: ``save(named=True)``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from .errors import CourseError

Format = Literal["legacy", "oci", "containerd"]
CHUNK = 1 << 20


class ArchiveError(CourseError):
    """The file is not a complete, consistent ``docker save`` archive."""


@dataclass(frozen=True)
class SavedImage:
    config_digest: str  # "sha256:…" of the config JSON bytes
    repo_tags: tuple[str, ...]
    layers: tuple[str, ...]  # archive member names, bottom-up
    diff_ids: tuple[str, ...]  # from the config's rootfs, bottom-up
    config: dict = field(repr=False, compare=False)
    manifest_digest: str | None = None  # OCI formats: the manifest's digest from index.json

    @property
    def image_id(self) -> str:
        """The ID the classic image store gives this image (sha256 of its config)."""
        return self.config_digest


@dataclass(frozen=True)
class SavedArchive:
    path: Path
    format: Format
    images: tuple[SavedImage, ...]

    @property
    def repo_tags(self) -> tuple[str, ...]:
        return tuple(tag for image in self.images for tag in image.repo_tags)

    def find(self, tag: str) -> SavedImage | None:
        return next((image for image in self.images if tag in image.repo_tags), None)


def read_archive(
    source: str | Path | BinaryIO, *, verify: bool = True, name: str | None = None
) -> SavedArchive:
    """Parse ``source`` (a path, or a file opened for reading, called ``name`` in messages);
    with ``verify`` also hash the config and every layer against the config.

    Raises :class:`ArchiveError` (with the file's name and what is wrong) for anything that
    ``docker load`` would reject or load only partly: not a tar, truncated, missing members,
    digests that do not match.
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ArchiveError(f"{path}: no such file.")
        with open(path, "rb") as fh:
            return read_archive(fh, verify=verify, name=str(path))
    path = Path(name or getattr(source, "name", "archive"))
    try:
        with tarfile.open(fileobj=source, mode="r:*") as tar:
            return _read(tar, path, verify)
    except ArchiveError:
        raise
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise ArchiveError(
            f"{path}: not a complete tar archive ({exc}).",
            fix="The file is damaged or truncated: save or copy it again.",
        ) from exc


def _read(tar: tarfile.TarFile, path: Path, verify: bool) -> SavedArchive:
    names = set(tar.getnames())
    if "manifest.json" not in names:
        raise ArchiveError(
            f"{path}: no manifest.json, so this is not a `docker save` archive.",
            fix="Create it with `docker save -o FILE IMAGE` (or docker-course images bundle).",
        )
    manifest = _json(tar, "manifest.json", path)
    if not isinstance(manifest, list) or not manifest:
        raise ArchiveError(f"{path}: manifest.json lists no images.")
    if "oci-layout" in names:
        fmt: Format = "oci" if "repositories" in names else "containerd"
    else:
        fmt = "legacy"
    index_digests = _index_digests(tar, path) if "index.json" in names else {}
    images = []
    for entry in manifest:
        try:
            config_name, layer_names = entry["Config"], list(entry["Layers"])
        except (KeyError, TypeError) as exc:
            raise ArchiveError(f"{path}: manifest.json entry without Config/Layers.") from exc
        raw = _bytes(tar, config_name, path)
        digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        expected = Path(config_name).name.removesuffix(".json")
        if verify and expected != digest.removeprefix("sha256:"):
            raise ArchiveError(f"{path}: config {config_name} does not match its digest.")
        config = json.loads(raw)
        diff_ids = tuple(config.get("rootfs", {}).get("diff_ids", []))
        if len(diff_ids) != len(layer_names):
            raise ArchiveError(
                f"{path}: {len(layer_names)} layers listed but the config names {len(diff_ids)}."
            )
        if verify:
            for name, diff_id in zip(layer_names, diff_ids, strict=True):
                seen = _layer_diff_id(tar, name, path)
                if seen != diff_id:
                    raise ArchiveError(
                        f"{path}: layer {name} is damaged (content {seen[:19]}…, "
                        f"config expects {diff_id[:19]}…).",
                        fix="Save or copy the file again.",
                    )
        tags = tuple(entry.get("RepoTags") or ())
        images.append(
            SavedImage(
                config_digest=digest,
                repo_tags=tags,
                layers=tuple(layer_names),
                diff_ids=diff_ids,
                config=config,
                manifest_digest=next(
                    (index_digests[t] for t in tags if t in index_digests),
                    index_digests.get("") if len(manifest) == 1 else None,
                ),
            )
        )
    return SavedArchive(path=path, format=fmt, images=tuple(images))


def _member(tar: tarfile.TarFile, name: str, path: Path):
    try:
        handle = tar.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise ArchiveError(
            f"{path}: {name} is missing from the archive.",
            fix="The file is incomplete: save or copy it again.",
        )
    return handle


def _bytes(tar: tarfile.TarFile, name: str, path: Path) -> bytes:
    with _member(tar, name, path) as handle:
        return handle.read()


def _json(tar: tarfile.TarFile, name: str, path: Path):
    try:
        return json.loads(_bytes(tar, name, path))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveError(f"{path}: {name} is not valid JSON ({exc}).") from exc


def _layer_diff_id(tar: tarfile.TarFile, name: str, path: Path) -> str:
    """sha256 of the uncompressed layer tar (gzipped layers are decompressed on the fly)."""
    digest = hashlib.sha256()
    with _member(tar, name, path) as handle:
        head = handle.read(2)
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle) if head == b"\x1f\x8b" else handle
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _index_digests(tar: tarfile.TarFile, path: Path) -> dict[str, str]:
    """Image name → manifest digest from an OCI ``index.json`` ('' for an unnamed entry)."""
    index = _json(tar, "index.json", path)
    found: dict[str, str] = {}
    for desc in index.get("manifests", []) if isinstance(index, dict) else []:
        notes = desc.get("annotations") or {}
        name = notes.get("io.containerd.image.name") or ""
        for prefix in ("docker.io/library/", "docker.io/"):
            if name.startswith(prefix):
                name = name.removeprefix(prefix)
                break
        found.setdefault(name, desc.get("digest", ""))
    return found
