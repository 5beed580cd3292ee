"""Paths in what a student reads back: the grader's folders become the student's own.

A submission is graded in a work folder of the grader's (``/var/tmp/dcourse/<engine>/disk/
work/<section>``); check messages and printed paths name it. In the autograded notebook (and
so in feedback and ``reports/checks.csv``) it is written as the student's default work folder,
``~/docker-course-work/<section>``, and the engine's other folders as ``~``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

STUDENT_WORK = "~/docker-course-work"


def as_the_student_sees(notebook: Path, work: Path, engine_home: Path) -> None:
    """Rewrite the outputs of ``notebook`` in place (sources are left alone)."""
    swaps = [
        (re.compile(re.escape(str(work)) + r"(?=/|\b|$)"), STUDENT_WORK),
        (re.compile(re.escape(str(engine_home)) + r"(/disk)?(?=/|\b|$)"), "~"),
    ]

    def fix(text: str) -> str:
        for pattern, to in swaps:
            text = pattern.sub(to, text)
        return text

    nb = nbformat.read(notebook, as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = fix(out["text"])
            if "evalue" in out:
                out["evalue"] = fix(out["evalue"])
            if "traceback" in out:
                out["traceback"] = [fix(line) for line in out["traceback"]]
            for kind in ("text/plain", "text/html", "text/markdown"):
                data = out.get("data", {})
                if isinstance(data.get(kind), str):
                    data[kind] = fix(data[kind])
    nbformat.write(nb, notebook)
