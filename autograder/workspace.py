"""``docker-course workspace``: the student's own folder, outside the repository.

``make lab`` serves this folder, not the checkout: the student sees the welcome notebook, the
cheat sheet and the released sections (``release/``, no solutions, no hidden tests) and nothing
of ``source/``, ``tests/`` or the grader. Layout::

    ~/docker-course-lab/            ($DOCKER_COURSE_WORKSPACE)
        00-welcome.ipynb
        cheatsheet.ipynb
        01-concepts/01-concepts.ipynb   … one folder per section, as nbgrader releases them
        .workspace.json                 what was copied, with its sha256
        .backups/<time>/…               what ``reset`` put aside

Syncing never overwrites the student's work: a file is copied when missing, and replaced by a
newer course version only while it is still exactly what was copied last time. ``reset`` puts
the student's copy of a section aside under ``.backups/`` and copies it afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseError

MANIFEST = ".workspace.json"
BACKUPS = ".backups"
STUDENT_NOTEBOOKS = ("00-welcome.ipynb", "cheatsheet.ipynb")  # of notebooks/; not the dashboard


def default_path() -> Path:
    return Path(os.environ.get("DOCKER_COURSE_WORKSPACE") or Path.home() / "docker-course-lab")


@dataclass(frozen=True)
class Synced:
    path: str  # relative to the workspace
    action: str  # "copied", "updated", "unchanged", "kept" (the student edited it)


def course_files(root: Path, *, sections: bool = True) -> dict[str, Path]:
    """What a student gets: relative path in the workspace → file in the checkout (without
    the released sections when nbgrader's exchange hands them out)."""
    files = {name: root / "notebooks" / name for name in STUDENT_NOTEBOOKS}
    if not sections:
        return files
    release = root / "release"
    if not release.is_dir():
        raise CourseError(
            f"{release} is missing: the student workspace is made from released notebooks.",
            fix="Run `docker-course release` (or `make release`) in the course checkout.",
        )
    for path in sorted(release.rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            files[str(path.relative_to(release))] = path
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise CourseError(f"course files missing: {', '.join(missing)}")
    return files


def sync(
    root: Path,
    target: Path | None = None,
    *,
    sections: bool = True,
    report: Callable[[str], None] = print,
) -> list[Synced]:
    """Create or update the workspace at ``target`` from the checkout at ``root``."""
    target = (target or default_path()).expanduser().resolve()
    if target == root.resolve() or target.is_relative_to(root.resolve()):
        raise CourseError(
            f"the workspace {target} lies inside the course checkout {root}.",
            fix="Choose a folder outside it (DOCKER_COURSE_WORKSPACE or --path).",
        )
    target.mkdir(parents=True, exist_ok=True)
    copied = _read_manifest(target)
    done = []
    for rel, source in course_files(root, sections=sections).items():
        dest = target / rel
        new = _sha256(source)
        if not dest.exists():
            action = "copied"
        elif (have := _sha256(dest)) == new:
            action = "unchanged"
        elif copied.get(rel) == have:  # untouched by the student: take the new course version
            action = "updated"
        else:
            done.append(Synced(rel, "kept"))
            continue
        if action != "unchanged":
            _copy(source, dest)
        copied[rel] = new
        done.append(Synced(rel, action))
    _write_manifest(target, copied)
    kept = [s.path for s in done if s.action == "kept"]
    changed = sum(s.action in ("copied", "updated") for s in done)
    report(f"student workspace {target}: {changed} files copied or updated, {len(kept)} kept")
    for path in kept:
        report(f"  kept your edited {path} (a newer course version exists: `reset` to take it)")
    return done


def reset(
    root: Path,
    section: str,
    target: Path | None = None,
    *,
    report: Callable[[str], None] = print,
) -> Path | None:
    """Put the student's copy of ``section`` aside and copy it afresh; returns the backup."""
    target = (target or default_path()).expanduser().resolve()
    files = course_files(root)
    chosen = {rel: src for rel, src in files.items() if _section_of(rel) == section}
    if not chosen:
        names = sorted({_section_of(rel) for rel in files})
        raise CourseError(f"no section {section!r}", fix=f"Choose one of: {', '.join(names)}.")
    backup = target / BACKUPS / time.strftime("%Y%m%d-%H%M%S")
    moved = False
    copied = _read_manifest(target)
    for rel, source in chosen.items():
        dest = target / rel
        if dest.exists() and _sha256(dest) != copied.get(rel):
            (backup / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(dest, backup / rel)
            moved = True
        _copy(source, dest)
        copied[rel] = _sha256(source)
    _write_manifest(target, copied)
    if moved:
        report(f"{section}: your previous work is in {backup}; a fresh copy is in place")
        return backup
    report(f"{section}: a fresh copy is in place (nothing of yours to put aside)")
    return None


def _section_of(rel: str) -> str:
    """'01-concepts/01-concepts.ipynb' → '01-concepts'; '00-welcome.ipynb' → '00-welcome'."""
    first = rel.split("/", 1)[0]
    return first.removesuffix(".ipynb")


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, dest)  # a reader never sees half a notebook


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(target: Path) -> dict[str, str]:
    try:
        data = json.loads((target / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_manifest(target: Path, copied: dict[str, str]) -> None:
    tmp = target / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(dict(sorted(copied.items())), indent=1) + "\n")
    os.replace(tmp, target / MANIFEST)
