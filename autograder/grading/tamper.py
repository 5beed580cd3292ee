"""What a student changed in the protected cells of the notebook they were given.

nbgrader restores grade and locked cells from the source before grading, so tampering earns
nothing; this says *what* was tampered with, for the teacher's report (nbgrader's own log
cannot tell an edit from the hidden tests it adds back).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

CHECKED_TAGS = {"skip-execution", "raises-exception"}


def changes(released: Path, submitted: bytes) -> list[str]:
    """Readable changes to the released notebook's protected cells ([] if none or unreadable);
    ``submitted`` is the handed-in file's content (any JSON at all)."""
    try:
        given = _protected(json.loads(released.read_text(encoding="utf-8")))
        handed = json.loads(submitted.decode("utf-8"))
        cells = [c for c in handed.get("cells", []) if isinstance(c, dict)]
    except (OSError, ValueError, AttributeError):
        return []  # an unreadable submission gets its own reason from nbgrader
    by_id: dict[str, list[dict]] = {}
    for cell in cells:
        grade_id = _meta(cell).get("grade_id")
        if isinstance(grade_id, str) and grade_id:
            by_id.setdefault(grade_id, []).append(cell)
    found: Counter[str] = Counter()
    for grade_id, original in given.items():
        copies = by_id.get(grade_id, [])
        if not copies:
            found[f"deleted or renamed {grade_id}"] += 1
            continue
        if len(copies) > 1:
            found[f"duplicated {grade_id}"] += 1
        cell = copies[-1]
        if cell.get("cell_type") != original.get("cell_type"):
            found[f"retyped {grade_id} to {cell.get('cell_type')}"] += 1
        elif _text(cell) != _text(original) and not _meta(original).get("solution"):
            found[f"edited {grade_id}"] += 1  # (an answer cell is there to be written in)
        if _meta(cell) != _meta(original):
            found[f"changed the nbgrader metadata of {grade_id}"] += 1
        tags = _tags(cell) & CHECKED_TAGS
        if tags - _tags(original):
            found[f"tagged {grade_id} {', '.join(sorted(tags))}"] += 1
    return list(found)


def _protected(nb: dict) -> dict[str, dict]:
    return {
        _meta(c)["grade_id"]: c
        for c in nb.get("cells", [])
        if _meta(c).get("grade_id") and (_meta(c).get("grade") or _meta(c).get("locked"))
    }


def _meta(cell: dict) -> dict:
    """The cell's nbgrader metadata, or {} when a submission put anything else there."""
    meta = cell.get("metadata", {})
    found = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return found if isinstance(found, dict) else {}


def _tags(cell: dict) -> set[str]:
    meta = cell.get("metadata", {})
    tags = meta.get("tags", []) if isinstance(meta, dict) else []
    return {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return ("".join(source) if isinstance(source, list) else str(source)).strip()
