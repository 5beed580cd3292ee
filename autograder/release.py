"""``docker-course release``: regenerate ``release/`` from ``source/`` with nbgrader.

``release/`` is committed; ``tests/test_release_in_sync.py`` proves it matches ``source/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from . import nbgrader_cli
from .errors import CourseError

VOLATILE_NOTEBOOK_KEYS = ("widgets",)


def assignments(root: Path) -> list[str]:
    return sorted(
        p.name for p in (root / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb"))
    )


def main(
    root: Path | None = None,
    *,
    only: list[str] | None = None,
    report: Callable[[str], None] = print,
) -> list[Path]:
    """Run ``nbgrader generate_assignment`` for every assignment (or ``only``) under ``root``."""
    root = (root or Path.cwd()).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise CourseError(f"{root} has no nbgrader_config.py", fix="Run from the course root.")
    written = []
    for name in only or assignments(root):
        nbgrader_cli.run(root, ["generate_assignment", name, "--force"])
        for nb in sorted((root / "release" / name).glob("*.ipynb")):
            normalise(nb)
            written.append(nb)
        report(f"✓ release/{name}")
    return written


def normalise(path: Path) -> None:
    """Stable bytes: sorted keys, no outputs, no widget state; so diffs show real changes."""
    nb = json.loads(path.read_text())
    for key in VOLATILE_NOTEBOOK_KEYS:
        nb.get("metadata", {}).pop(key, None)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
