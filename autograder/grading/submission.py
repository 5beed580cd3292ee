"""The files of one submission, as the root grader may read them: regular files only.

``submitted/`` is written from what students hand in (the exchange, an LMS zip). The grader
runs as root, so a symbolic link there (to the teacher's ``source/`` notebook, to a root-only
file, to ``/dev/zero``) would be read with root's rights. :func:`scan` lists a submission
without following anything and refuses every entry that is not a regular file or a folder;
:func:`read_bytes` opens one of those files without following a link, up to a size.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

#: never graded, never copied (nbgrader's ignore list for this course: saved image tars)
IGNORED_DIRS = frozenset({"work"})
IGNORED_SUFFIXES = (".tar",)
MAX_FILE = 256 * 1024 * 1024  # bytes of one submitted file the grader reads


@dataclass
class Listing:
    folder: Path
    files: list[Path] = field(default_factory=list)  # regular files, relative to ``folder``
    refused: list[str] = field(default_factory=list)  # why an entry was left out, in words

    def has(self, name: str) -> bool:
        return Path(name) in self.files


def scan(course: Path, student: str, assignment: str) -> Listing:
    """The submission's regular files; links, devices, pipes and sockets are refused."""
    folder = course / "submitted" / student / assignment
    listing = Listing(folder)
    for level in (folder.parent, folder):
        kind = _kind(level)
        if kind != "folder":
            if kind != "missing":
                listing.refused.append(f"refused {level.relative_to(course)}: {kind}")
            return listing
    _walk(folder, Path(), listing)
    listing.files.sort()
    return listing


def _walk(top: Path, rel: Path, listing: Listing) -> None:
    with os.scandir(top / rel) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = rel / entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in IGNORED_DIRS:
                    _walk(top, path, listing)
                continue
            if entry.name.endswith(IGNORED_SUFFIXES) or IGNORED_DIRS & set(path.parts):
                continue
            kind = _kind(top / path)
            if kind == "file":
                listing.files.append(path)
            else:
                listing.refused.append(f"refused {path}: {kind}")


def _kind(path: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link (submit the file itself)"
    return "not a regular file (a pipe, socket or device)"


def read_bytes(path: Path, *, limit: int = MAX_FILE) -> bytes:
    """The bytes of regular file ``path`` (not through a link); OSError if it is none, or if
    it holds more than ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(f"{path.name}: not a regular file")
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path.name}: larger than {limit // (1024 * 1024)} MB")
    return data


def copy(listing: Listing, to: Path) -> None:
    """Copy the listed files (and only those) to folder ``to``."""
    for rel in listing.files:
        target = to / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(read_bytes(listing.folder / rel))


def fingerprint(listing: Listing) -> str:
    """Hash of a submission's files (names and bytes) and of what was refused: a resubmission
    is graded again, an unchanged one is not."""
    digest = hashlib.sha256()
    for rel in listing.files:  # regular files only, never through a link
        digest.update(str(rel).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(read_bytes(listing.folder / rel)).digest())
        except OSError as exc:
            digest.update(f"unreadable: {exc}".encode())
    for why in listing.refused:
        digest.update(why.encode() + b"\0")
    return digest.hexdigest()
