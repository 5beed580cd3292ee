"""Docker's common errors keep their message and get a Korean hint beside it: the rule, and in
a real kernel an SDK error raised in a cell (no engine needed: the error is raised by hand)."""

from __future__ import annotations

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from autograder.hints import hint

CONFLICT = (
    '409 Client Error: Conflict ("Conflict. The container name "/hello1" is already in use by '
    'container "3f2a". You have to remove (or rename) that container to be able to reuse it.")'
)


def test_common_errors_have_a_hint_and_others_none() -> None:
    assert "docker rm -f" in (hint(CONFLICT) or "")
    assert "포트" in (hint("Bind for 0.0.0.0:3000 failed: port is already allocated") or "")
    assert "멈춰" in (hint("Container 3f2a is not running") or "")
    assert hint("something else entirely") is None


def test_a_kernel_shows_the_hint_under_the_sdk_error() -> None:
    cell = (
        "import docker.errors\nfrom autograder import hints\nhints.install()\n"
        f"raise docker.errors.APIError({CONFLICT!r})"
    )
    nb = new_notebook(cells=[new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=60, allow_errors=True).execute()
    outputs = nb.cells[0].outputs
    assert [o for o in outputs if o.output_type == "error"], f"the cell did not fail: {outputs}"
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "<code>docker rm -f 이름</code>" in shown, shown


def test_a_docker_cli_error_in_a_cell_gets_its_hint_after_the_cell() -> None:
    """`!docker …` prints Docker's own error (stand-in: a shell printing it on stderr, exit
    125, as the CLI does); the hint follows it in the same cell's output."""
    setup = "from autograder import hints\nhints.install()"
    error = (
        "!sh -c 'echo \"docker: Error response from daemon: Conflict. The container name "
        '\\"/hello1\\" is already in use by container \\"3f2a\\"." >&2; exit 125\''
    )
    nb = new_notebook(cells=[new_code_cell(setup), new_code_cell(error), new_code_cell("1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=60, allow_errors=True).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    shown = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[1].outputs)
    assert "Conflict. The container name" in printed, "Docker's own message is kept"
    assert "<code>docker rm -f 이름</code>" in shown, shown
    later = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[2].outputs)
    assert "힌트" not in later, "a hint leaked into the next cell"
