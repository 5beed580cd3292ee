"""A failed `require` in a notebook shows the friendly table (✗, 기대, 실제, 힌트 with code as
code) and a short red line instead of a Python traceback through the check library, and the
cell still fails (an error output: nbgrader scores it 0). No engine needed: a failed result."""

from __future__ import annotations

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

CELL = """
from autograder.checks import CheckResult, require
require(CheckResult("컨테이너 hello1이 있다", False, "hello1", "없음", "`docker ps -a`로 보세요"))
"""


def test_a_failed_check_is_a_table_and_a_short_error() -> None:
    nb = new_notebook(cells=[new_code_cell(CELL)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(nb, timeout=60, allow_errors=True).execute()
    outputs = nb.cells[0].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert len(errors) == 1, f"the cell did not fail: {outputs}"
    assert "<code>docker ps -a</code>" in html and "✗" in html, html
    traceback = "\n".join(errors[0].traceback)
    assert "base.py" not in traceback and "Traceback" not in traceback, traceback
    assert "통과하지 못했습니다" in traceback and "기대: hello1" in traceback, traceback
    assert not [o for o in outputs if o.get("name") == "stderr"], "a failed check wrote to stderr"
