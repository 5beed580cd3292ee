"""What the teacher reads after grading: a summary table, a per-check CSV and an HTML page."""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from .. import clock
from .gradebook import db_url
from .worker import Outcome


@dataclass(frozen=True)
class Row:
    student: str
    assignment: str
    score: float
    max_score: float
    backend: str
    seconds: float
    problems: str
    core_score: float = 0.0  # the core path's cells only (clock.py: not under a "(심화)" heading)
    core_max: float = 0.0


def core_points(sub, core: frozenset[str]) -> tuple[float, float]:
    """(score, max) of a gradebook submission's core cells."""
    grades = [g for nb in sub.notebooks for g in nb.grades if g.name in core]
    return sum(g.score for g in grades), sum(g.max_score for g in grades)


def rows(course: Path, outcomes: list[Outcome]) -> list[Row]:
    found = []
    cores: dict[str, frozenset[str]] = {}
    with Gradebook(db_url(course)) as gb:
        for o in sorted(outcomes, key=lambda o: (o.job.student, o.job.assignment)):
            core = cores.setdefault(o.job.assignment, clock.core_cells(course, o.job.assignment))
            try:
                sub = gb.find_submission(o.job.assignment, o.job.student)
                score, max_score = sub.score, sub.max_score
                core_score, core_max = core_points(sub, core)
            except MissingEntry:
                score, max_score, core_score, core_max = 0.0, 0.0, 0.0, 0.0
            found.append(
                Row(
                    o.job.student,
                    o.job.assignment,
                    score,
                    max_score,
                    o.backend,
                    o.seconds,
                    "; ".join(o.problems),
                    core_score,
                    core_max,
                )
            )
    return found


def core_text(r: Row) -> str:
    return f"{r.core_score:g}/{r.core_max:g}" if r.core_max else "-"


def write_core_csv(path: Path, found: list[Row]) -> None:
    """grades-core.csv: every submission's core-path score beside its full score, for a class
    that does the 40-minute core path only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["student", "assignment", "core_score", "core_max_score", "score", "max_score"]
        )
        writer.writerows(
            (
                r.student,
                r.assignment,
                f"{r.core_score:g}",
                f"{r.core_max:g}",
                f"{r.score:g}",
                f"{r.max_score:g}",
            )
            for r in found
        )


def table(found: list[Row]) -> str:
    head = ("student", "assignment", "score", "core", "backend", "time", "problems")
    body = [
        (
            r.student,
            r.assignment,
            f"{r.score:g}/{r.max_score:g}",
            core_text(r),
            r.backend,
            f"{r.seconds:.0f} s",
            r.problems or "-",
        )
        for r in found
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]
    widths[-1] = min(widths[-1], 70)
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*head), line.format(*("-" * w for w in widths))]
    out += [line.format(*(str(x)[:w] for x, w in zip(r, widths, strict=True))) for r in body]
    return "\n".join(out)


def check_rows(course: Path, outcomes: list[Outcome]) -> list[dict]:
    """One row per grade cell: points, passed, and the message the student saw."""
    out = []
    with Gradebook(db_url(course)) as gb:
        for o in outcomes:
            job = o.job
            folder = course / "autograded" / job.student / job.assignment
            cells = {}
            for path in sorted(folder.glob("*.ipynb")):
                for cell in nbformat.read(path, as_version=4).cells:
                    meta = cell.get("metadata", {}).get("nbgrader", {})
                    if meta.get("grade") and cell.cell_type == "code":
                        errors = [x for x in cell.get("outputs", []) if x.output_type == "error"]
                        message = " | ".join(
                            f"{e.ename}: {e.evalue}".strip() for e in errors
                        ).replace("\n", " ")
                        cells[meta["grade_id"]] = (not errors, message)
            try:
                sub = gb.find_submission(job.assignment, job.student)
            except MissingEntry:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell.cell_type != "code":
                        continue
                    passed, message = cells.get(grade.name, (False, o.status))
                    out.append(
                        {
                            "student": job.student,
                            "assignment": job.assignment,
                            "grade_id": grade.name,
                            "points": grade.score,
                            "max_points": grade.max_score,
                            "passed": passed,
                            "message": message[:500],
                        }
                    )
    return out


def write_check_csv(path: Path, found: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["student", "assignment", "grade_id", "points", "max_points", "passed", "message"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(found)


def write_html(path: Path, found: list[Row], checks: list[dict]) -> None:
    head = (
        "<tr><th>student</th><th>assignment</th><th>score</th><th>core</th><th>backend</th>"
        "<th>time</th>"
        "<th>problems</th></tr>"
    )
    body = "".join(
        f"<tr><td>{html.escape(r.student)}</td><td>{html.escape(r.assignment)}</td>"
        f"<td>{r.score:g}/{r.max_score:g}</td><td>{core_text(r)}</td>"
        f"<td>{html.escape(r.backend)}</td>"
        f"<td>{r.seconds:.0f} s</td><td>{html.escape(r.problems)}</td></tr>"
        for r in found
    )
    failed = "".join(
        f"<tr><td>{html.escape(c['student'])}</td><td>{html.escape(c['assignment'])}</td>"
        f"<td>{html.escape(c['grade_id'])}</td><td>{c['points']:g}/{c['max_points']:g}</td>"
        f"<td>{html.escape(c['message'])}</td></tr>"
        for c in checks
        if not c["passed"]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>docker-course grades</title>"
        "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}</style>"
        f"<h1>Grades</h1><table>{head}{body}</table>"
        f"<h2>Checks that failed</h2><table><tr><th>student</th><th>assignment</th>"
        f"<th>cell</th><th>points</th><th>message</th></tr>{failed}</table>",
        encoding="utf-8",
    )
