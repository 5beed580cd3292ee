"""A submission and its result as JSON (files in base64): what crosses the queue.

Neither side trusts the other's paths: a name that is absolute, climbs with ``..`` or is not
plain text is refused before anything is written.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import time
from pathlib import Path, PurePosixPath

from ..grading import submission
from ..grading.limits import Limits
from ..grading.worker import Job, Outcome

VERSION = 1
MAX_RESULT_FILE = 64 * 1024 * 1024  # bytes of one autograded file a worker sends back
STATUSES = frozenset({"graded", "missing", "timeout", "limit", "failed", "error"})


class PayloadError(ValueError):
    """A message that is not what this version of docker-course sends."""


def encode_files(folder: Path, names: list[Path], *, limit: int = submission.MAX_FILE) -> dict:
    """``{relative posix path: base64}`` of regular files ``names`` under ``folder``."""
    return {
        PurePosixPath(*rel.parts).as_posix(): base64.b64encode(
            submission.read_bytes(folder / rel, limit=limit)
        ).decode("ascii")
        for rel in names
    }


def safe_path(name: str) -> Path:
    """``name`` as a relative path that stays below where it is written, or PayloadError."""
    rel = PurePosixPath(name)
    if not name or rel.is_absolute() or any(p in {"", ".", ".."} for p in rel.parts):
        raise PayloadError(f"refused file name {name!r} (absolute, empty or with ..)")
    if "\\" in name or "\0" in name:
        raise PayloadError(f"refused file name {name!r}")
    return Path(*rel.parts)


def write_files(files: dict, to: Path) -> list[Path]:
    """Write ``files`` (as :func:`encode_files` made them) below ``to``; their paths."""
    written = []
    for name, data in sorted(files.items()):
        rel = safe_path(name)
        target = to / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            target.write_bytes(base64.b64decode(data, validate=True))
        except (ValueError, TypeError) as exc:
            raise PayloadError(f"{name}: not base64 ({exc})") from exc
        written.append(rel)
    return written


def submission_message(
    course: Path, job: Job, *, kit: str, time_limit: float, limits: Limits
) -> dict:
    """Everything a worker needs of one submission but the kit of its assignment."""
    listing = submission.scan(course, job.student, job.assignment)
    return {
        "v": VERSION,
        "student": job.student,
        "assignment": job.assignment,
        "fingerprint": submission.fingerprint(listing),
        "files": encode_files(listing.folder, listing.files),
        "refused": list(listing.refused),
        "kit": kit,
        "time_limit": float(time_limit),
        "limits": dataclasses.asdict(limits),
    }


def task_id(message: dict) -> str:
    """The same submission (files, kit, limits) gets the same task id: a rerun after the
    teacher's machine died finds the results the workers already sent."""
    key = {k: message[k] for k in ("student", "assignment", "fingerprint", "kit", "time_limit")}
    key["limits"] = message["limits"]
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return f"dcourse-{digest[:40]}"


def check_message(message: dict) -> None:
    if not isinstance(message, dict) or message.get("v") != VERSION:
        version = message.get("v") if isinstance(message, dict) else None
        raise PayloadError(
            f"message version {version!r}, this worker reads version {VERSION}: "
            "run the same docker-course on the teacher's machine and the workers"
        )
    for key in ("student", "assignment"):
        value = message.get(key)
        if not isinstance(value, str) or len(safe_path(value).parts) != 1:
            raise PayloadError(f"{key} {value!r} is not one folder name")


def limits_of(message: dict) -> Limits:
    fields = {f.name for f in dataclasses.fields(Limits)}
    return Limits(**{k: v for k, v in message.get("limits", {}).items() if k in fields})


def result_message(
    outcome: Outcome, *, fingerprint: str, worker: str, attempt: int, started: float
) -> dict:
    """What a worker sends back: the outcome and its autograded files."""
    folder = outcome.autograded
    names = []
    if outcome.status == "graded" and folder.is_dir():
        names = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return {
        "v": VERSION,
        "student": outcome.job.student,
        "assignment": outcome.job.assignment,
        "fingerprint": fingerprint,
        "status": outcome.status,
        "backend": outcome.backend,
        "seconds": round(outcome.seconds, 3),
        "problems": list(outcome.problems),
        "audits": list(outcome.audits),
        "autograded": encode_files(folder, names, limit=MAX_RESULT_FILE),
        "worker": worker,
        "attempt": attempt,
        "started": started,
        "finished": time.time(),  # with "started": the queue's overhead (bench/farm.py)
    }


def outcome_of(result: dict, scratch: Path) -> Outcome:
    """The :class:`Outcome` of a worker's result, its autograded files written below
    ``scratch`` the way a local grading's scratch holds them."""
    if not isinstance(result, dict) or result.get("v") != VERSION:
        raise PayloadError(f"a result this docker-course does not read: {str(result)[:200]}")
    job = Job(result["student"], result["assignment"])
    for name in (job.student, job.assignment):
        if len(safe_path(name).parts) != 1:
            raise PayloadError(f"{name!r} is not one folder name")
    if result.get("status") not in STATUSES:
        raise PayloadError(f"unknown status {str(result.get('status'))[:40]!r}")
    outcome = Outcome(
        job,
        result["status"],
        str(result.get("backend", "?")),
        float(result.get("seconds", 0.0)),
        scratch,
        [str(p) for p in result.get("problems", [])],
        list(result.get("audits", [])),
    )
    write_files(result.get("autograded", {}), outcome.autograded)
    return outcome
