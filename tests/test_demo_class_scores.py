"""The demo class, graded with `docker-course grade -j 2`, gets exactly the expected scores.

It covers: reference solutions (full marks), untouched releases (0), alternative and SDK-only
solutions (full marks: checks read state, not code), a typical mistake per section, missing
notebooks, and a pair of students where the second passes only if the first's state leaked.
"""

import csv
from pathlib import Path

from autograder import demo
from tests import nbgrader_course as ng

_score = ng.submission_score


def test_every_score_is_expected(graded_demo_class: Path) -> None:
    expected = demo.expected_scores(ng.ROOT)
    wrong = {
        key: (want, _score(graded_demo_class, *key))
        for key, want in expected.items()
        if _score(graded_demo_class, *key) != want
    }
    assert not wrong, "(student, assignment): (expected, got)\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(wrong.items())
    )


def test_every_submission_has_an_expected_score(graded_demo_class: Path) -> None:
    submitted = {(p.parent.name, p.name) for p in (graded_demo_class / "submitted").glob("*/*")}
    missing = submitted - set(demo.expected_scores(ng.ROOT))
    assert not missing, f"submissions without an expected score: {sorted(missing)}"


def test_summary_report_exists(graded_demo_class: Path) -> None:
    page = (graded_demo_class / "reports" / "report.html").read_text()
    assert "perfect" in page and "rootless" in page, page[:500]


def test_reports_show_no_false_tamper_and_no_grader_paths(graded_demo_class: Path) -> None:
    """Answering the essay cells is not tampering; messages name the student's folders."""
    page = (graded_demo_class / "reports" / "report.html").read_text(encoding="utf-8")
    assert "protected cells changed" not in page, "an honest class is reported as tampering"
    checks = (graded_demo_class / "reports" / "checks.csv").read_text(encoding="utf-8")
    assert "/var/tmp/dcourse" not in checks, "a message names a grader's folder"
    assert "~/docker-course-work/" in checks, "no failure message names a work folder at all?"


def test_the_core_path_student_gets_every_core_point(graded_demo_class: Path) -> None:
    """grades-core.csv: the core-path student, like the perfect one, has every core point of
    each section on the path, and the blank student none."""
    with open(graded_demo_class / "reports" / "grades-core.csv", encoding="utf-8") as fh:
        found = {(r["student"], r["assignment"]): r for r in csv.DictReader(fh)}
    on_path = [k for k, r in found.items() if k[0] == "core_path" and float(r["core_max_score"])]
    assert {a for _, a in on_path} >= {"01-concepts", "02-build-run", "03-commit-save-load"}, found
    for student in ("core_path", "perfect"):
        for (who, assignment), r in found.items():
            if who == student:
                assert r["core_score"] == r["core_max_score"], (student, assignment, r)
    blank = [r["core_score"] for (who, _), r in found.items() if who == "blank"]
    assert blank and set(blank) == {"0"}, blank


def test_every_graded_submission_has_its_feedback(graded_demo_class: Path) -> None:
    """Feedback of every assignment, whether it was made while later assignments graded or at
    the end of the run, for every submission with an autograded notebook."""
    autograded = {p.relative_to(graded_demo_class / "autograded").with_suffix(".html")
                  for p in (graded_demo_class / "autograded").glob("*/*/*.ipynb")}  # fmt: skip
    feedback = {p.relative_to(graded_demo_class / "feedback")
                for p in (graded_demo_class / "feedback").glob("*/*/*.html")}  # fmt: skip
    assert len({p.parts[1] for p in autograded}) >= 7, f"the class has 7 sections: {autograded}"
    assert autograded <= feedback, f"no feedback page for {sorted(autograded - feedback)[:10]}"
