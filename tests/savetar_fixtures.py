"""Synthetic `docker save` archives in the three formats (Engine ≤24, 25+, 29+ containerd).

This machine's engine writes only the legacy format; these fixtures follow the layouts the
engines write (manifest.json, repositories, OCI index/blobs) closely enough to test parsing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def layer_tar(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


@dataclass
class Synthetic:
    path: Path
    config_digest: str
    manifest_digest: str | None
    layer_count: int


def write_archive(path: Path, fmt: str, tags: list[str], layers: list[bytes]) -> Synthetic:
    diff_ids = ["sha256:" + sha(layer) for layer in layers]
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["sh"]},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created_by": f"step {n}"} for n in range(len(layers))],
        },
        separators=(",", ":"),
    ).encode()
    members: dict[str, bytes] = {}
    manifest_digest = None
    if fmt == "legacy":
        config_name = sha(config) + ".json"
        members[config_name] = config
        layer_names = []
        for n, layer in enumerate(layers):
            layer_id = sha(layer + str(n).encode())
            members[f"{layer_id}/VERSION"] = b"1.0"
            members[f"{layer_id}/json"] = b"{}"
            members[f"{layer_id}/layer.tar"] = layer
            layer_names.append(f"{layer_id}/layer.tar")
    else:
        gz = fmt == "containerd"
        blobs = [gzip.compress(layer, mtime=0) if gz else layer for layer in layers]
        config_name = "blobs/sha256/" + sha(config)
        members[config_name] = config
        layer_names = []
        for blob in blobs:
            members["blobs/sha256/" + sha(blob)] = blob
            layer_names.append("blobs/sha256/" + sha(blob))
        media = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if fmt == "containerd" else "")
        oci_manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "sha256:" + sha(config),
                    "size": len(config),
                },
                "layers": [
                    {"mediaType": media, "digest": "sha256:" + sha(b), "size": len(b)}
                    for b in blobs
                ],
            }
        ).encode()
        members["blobs/sha256/" + sha(oci_manifest)] = oci_manifest
        manifest_digest = "sha256:" + sha(oci_manifest)
        members["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
        members["index.json"] = json.dumps(
            {
                "schemaVersion": 2,
                "manifests": [
                    {
                        "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "digest": manifest_digest,
                        "size": len(oci_manifest),
                        "annotations": {
                            "io.containerd.image.name": "docker.io/" + tag,
                            "org.opencontainers.image.ref.name": tag.rpartition(":")[2],
                        },
                    }
                    for tag in tags
                ],
            }
        ).encode()
    members["manifest.json"] = json.dumps(
        [{"Config": config_name, "RepoTags": tags or None, "Layers": layer_names}]
    ).encode()
    if fmt != "containerd":
        members["repositories"] = json.dumps(
            {t.rpartition(":")[0]: {t.rpartition(":")[2]: sha(config)} for t in tags}
        ).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return Synthetic(path, "sha256:" + sha(config), manifest_digest, len(layers))
