"""A notebook whose metadata is anything but what nbgrader writes (`"nbgrader": "lies"`, tags
that are not a list, a grade_id that is a list) is compared without raising."""

import json
from pathlib import Path

from autograder.grading import tamper

RELEASED = {
    "cells": [
        {"cell_type": "code", "source": "require(x)",
         "metadata": {"nbgrader": {"grade": True, "grade_id": "check-a", "locked": True}}},
    ]
}  # fmt: skip


def test_garbage_metadata_is_reported_not_raised(tmp_path: Path) -> None:
    released = tmp_path / "released.ipynb"
    released.write_text(json.dumps(RELEASED))
    handed = {
        "cells": [
            {"cell_type": "code", "source": "x", "metadata": {"nbgrader": "lies"}},
            {"cell_type": "code", "source": "x", "metadata": {"nbgrader": {"grade_id": ["a"]}}},
            {"cell_type": "code", "source": "x", "metadata": {"tags": "skip-execution"}},
            {"cell_type": "code", "source": "x", "metadata": "lies"},
            "not a cell",
        ]
    }
    changed = tamper.changes(released, json.dumps(handed).encode())
    assert changed == ["deleted or renamed check-a"], changed


def test_not_json_is_left_to_nbgrader(tmp_path: Path) -> None:
    released = tmp_path / "released.ipynb"
    released.write_text(json.dumps(RELEASED))
    assert tamper.changes(released, b"\xff not json") == []


def test_answering_a_manually_graded_cell_is_not_tampering(tmp_path: Path) -> None:
    meta = {"grade": True, "solution": True, "grade_id": "why-commit", "locked": False}
    released = tmp_path / "released.ipynb"
    cell = {"cell_type": "markdown", "source": "YOUR ANSWER HERE", "metadata": {"nbgrader": meta}}
    released.write_text(json.dumps({"cells": [cell]}))
    answered = {**cell, "source": "커밋하면 쓰기 레이어가 새 이미지 레이어가 됩니다."}
    assert tamper.changes(released, json.dumps({"cells": [answered]}).encode()) == []
    retyped = {**answered, "cell_type": "code"}
    seen = tamper.changes(released, json.dumps({"cells": [retyped]}).encode())
    assert seen == ["retyped why-commit to code"], seen
