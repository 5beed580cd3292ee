"""What a student reads back names their own folders: the grader's work folder becomes
`~/docker-course-work`, the engine's folder `~` (in every output, not in the code)."""

from pathlib import Path

import nbformat

from autograder.grading.paths import as_the_student_sees

HOME = Path("/var/tmp/dcourse/dcourse-0123abcd")
WORK = HOME / "disk" / "work"


def test_grader_paths_become_the_students(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(f"print('{WORK}')")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text=f"{WORK}/03-commit-save-load/x.tar\n"),
        nbformat.v4.new_output(
            "error", ename="AssertionError", evalue=f"✗ {WORK}/05-volumes/out/a.txt 밖의 파일",
            traceback=[f"in {HOME}/disk/cwd/cell.py"],
        ),
        nbformat.v4.new_output("display_data", data={"text/html": f"<b>{WORK}</b>"}),
    ]  # fmt: skip
    nb.cells.append(cell)
    path = tmp_path / "a.ipynb"
    nbformat.write(nb, path)
    as_the_student_sees(path, WORK, HOME)
    seen = nbformat.read(path, as_version=4).cells[0]
    text = str(seen.outputs)
    assert "/var/tmp/dcourse" not in text, text
    assert "~/docker-course-work/03-commit-save-load/x.tar" in seen.outputs[0].text, text
    assert seen.outputs[1].traceback == ["in ~/cwd/cell.py"], seen.outputs[1].traceback
    assert str(WORK) in seen.source, "the code is the student's: left alone"
