"""A cell that runs past --cell-timeout fails the notebook with nbclient's time-out (in the
notebook's papermill.log, as the papermill command printed it), and the executed copy is
still written, with what ran before that cell."""

from pathlib import Path

from autograder import execute
from tests.executor_notebooks import notebook, printed


def test_a_timed_out_cell_leaves_the_copy(tmp_path: Path) -> None:
    slow = notebook(
        tmp_path / "in" / "slow.ipynb", "print('before')", "import time\ntime.sleep(600)"
    )
    (outcome,) = execute.main([slow], output=tmp_path / "out", cell_timeout=2, report=print)
    assert not outcome.ok, "a cell past its time-out counted as ok"
    log = (outcome.output.parent / "papermill.log").read_text()
    assert "CellTimeoutError: A cell timed out" in log, log[-2000:]
    assert outcome.output.is_file(), "no executed copy after the time-out"
    assert printed(outcome.output) == ["before\n"], printed(outcome.output)
