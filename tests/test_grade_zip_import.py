"""`grade --zip`: an LMS download lands in submitted/ via nbgrader zip_collect, and every file
it cannot place is reported by name and reason."""

import zipfile
from pathlib import Path

from autograder import demo
from autograder.grading import lms
from tests import nbgrader_course as ng

A = "07-review"


def test_zip_import_places_notebooks_and_reports_the_rest(tmp_path: Path) -> None:
    course = demo.build(tmp_path / "course", ng.ROOT, only=[A])
    ng.shutil.rmtree(course / "submitted")
    notebook = (course / "source" / A / f"{A}.ipynb").read_bytes()
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as zf:
        zf.writestr(f"alice_1234_5678_{A}.ipynb", notebook)
        zf.writestr(f"Bob Lee_42_assignsubmission_file_{A}.ipynb", notebook)
        zf.writestr("carol_99_notes.txt", b"hello")
        zf.writestr("dave_7_99-unknown.ipynb", notebook)
    report = lms.import_zip(course, download, [A])
    placed = sorted((s, a) for s, a, _ in report.placed)
    assert placed == [("Bob Lee", A), ("alice", A)], report.text()
    for student in ("alice", "Bob Lee"):
        assert (course / "submitted" / student / A / f"{A}.ipynb").is_file(), student
    reasons = dict(report.unplaced)
    assert "pattern" in reasons["carol_99_notes.txt"], report.text()
    assert "unknown notebook" in reasons["dave_7_99-unknown.ipynb"], report.text()


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.zip"
    bad.write_text("no")
    try:
        lms.import_zip(tmp_path, bad, [A])
    except lms.CourseError as exc:
        assert "not a zip" in str(exc)
    else:
        raise AssertionError("a non-zip was accepted")
