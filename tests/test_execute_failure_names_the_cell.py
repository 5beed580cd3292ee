"""A failing notebook still names its cell ('cell N: Ename: message'), its executed copy is
written with the error in it, and `docker-course execute` exits 1 after the others ran."""

import subprocess
import sys
from pathlib import Path

from autograder import execute
from tests.executor_notebooks import notebook


def test_the_outcome_names_the_failing_cell(tmp_path: Path) -> None:
    broken = notebook(tmp_path / "in" / "broken.ipynb", "x = 1", "raise ValueError('boom')")
    (outcome,) = execute.main([broken], output=tmp_path / "out", report=lambda _: None)
    assert not outcome.ok, "a notebook that raises counted as ok"
    # papermill puts an error marker above the failing cell: cell 4 of the executed copy
    assert outcome.error == "cell 4: ValueError: boom", outcome.error
    assert "ValueError" in outcome.output.read_text(), "the executed copy lacks the error"


def test_the_command_exits_1_and_runs_the_rest(tmp_path: Path) -> None:
    broken = notebook(tmp_path / "in" / "a-broken.ipynb", "raise KeyError('k')")
    fine = notebook(tmp_path / "in" / "b-fine.ipynb", "print('ran')")
    cli = Path(sys.executable).parent / "docker-course"
    done = subprocess.run(
        [str(cli), "execute", str(broken), str(fine), "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, f"exit {done.returncode}:\n{done.stdout}\n{done.stderr}"
    assert "1 ok, 1 failed" in done.stdout, done.stdout
    assert "KeyError: 'k'" in done.stdout, done.stdout
