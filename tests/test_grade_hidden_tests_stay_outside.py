"""Hidden tests that the grader can run itself never reach the kernel.

A spy submission (perfect answers plus an input transformer that records every cell the kernel
is sent) prints what it saw at the end; the test reads that from the autograded notebook. In
01-concepts five of the six grade cells have hidden checks the grader runs outside the kernel;
one (check-containers) compares kernel objects, so its hidden part still runs in the kernel.
A wrong answer is still caught, by the grader, with the usual message.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from tests import nbgrader_course as ng

pytestmark = pytest.mark.sid_tree  # grades on the default engine (Docker 28, sid tree)

A = "01-concepts"
MARK = "SPY "
SPY = """
_sent = []
get_ipython().input_transformers_cleanup.append(lambda lines: _sent.append("".join(lines)) or lines)
"""
REPORT = f"""
import json
print({MARK!r} + json.dumps(_sent))
"""
#: text that only the hidden tests of 01-concepts contain (one per cell graded outside)
SECRETS = {
    "check-image": '"image_layers",',
    "check-write": '"/tmp/only-in-a.txt", absent=True',
    "check-q1": 'Answer("q1", q1, ("b",))',
    "check-q2": 'Answer("q2", q2, ("c",))',
    "check-q3": 'Answer("q3", q3, ("d",))',
    "check-lifecycle": 'ContainerFromImage("life", "busybox:1.37")',
    "check-inspect": '"container_image = busybox:1.37의 이미지 ID"',
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, list[str]]:
    course = ng.make_course(tmp_path_factory.mktemp("hidden") / "course", A)
    spy = nbformat.from_dict(ng.source_notebook(A))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in spy.cells]
    spy.cells.insert(ids.index("setup") + 1, nbformat.v4.new_code_cell(SPY.strip()))
    spy.cells.append(nbformat.v4.new_code_cell(REPORT.strip()))
    ng.submit(course, A, "spy", spy)
    wrong = 'q1, q2, q3 = "a", "c", "d"'
    ng.submit(course, A, "wrong_q1", ng.with_cells(ng.source_notebook(A), {"task-quiz": wrong}))
    done = ng.grade(course, "-j", "2", "--no-feedback")
    assert done.returncode == 0, f"grade failed:\n{done.stdout}\n{done.stderr[-3000:]}"
    nb = nbformat.read(course / "autograded" / "spy" / A / f"{A}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    lines = [line for t in texts for line in t.splitlines() if line.startswith(MARK)]
    assert lines, f"the spy printed nothing: {[t[:200] for t in texts if t]}"
    return course, json.loads(lines[-1][len(MARK) :])


def test_the_kernel_never_sees_those_hidden_tests(graded) -> None:
    sent = "\n".join(graded[1])
    assert "require(" in sent, "the spy saw no grade cell at all: it did not work"
    seen = {gid: text for gid, text in SECRETS.items() if text in sent}
    assert not seen, f"hidden tests sent to the kernel: {seen}"


def test_only_the_kernel_object_cell_still_sends_its_hidden_part(graded) -> None:
    hidden = sorted({s for s in graded[1] if "### BEGIN HIDDEN TESTS" in s})  # IPython
    # transforms a cell twice (to decide how to run it, then to run it): count distinct cells
    assert len(hidden) == 1 and 'ContainerFromImage("concept-a"' in hidden[0], hidden


def test_scores_and_the_wrong_answer_is_named(graded) -> None:
    course = graded[0]
    full = ng.max_points(A)
    assert ng.submission_score(course, "spy", A) == full
    scores = ng.scores(course, A, "wrong_q1")
    assert scores["check-q1"][0] == 0 and sum(v[0] or 0 for v in scores.values()) == full - 1, (
        scores
    )
    rows = (course / "reports" / "checks.csv").read_text(encoding="utf-8").splitlines()
    q1 = next(r for r in rows if r.startswith("wrong_q1,") and ",check-q1," in r)
    assert "답 q1" in q1 and "'a'" in q1, q1
