"""nbgrader's log of one submission is capped: what a submission makes it print (a traceback
of any size) stops at the cap, with a line that says so."""

import io

from autograder.grading.launcher import CappedLog


def test_log_stops_at_the_cap() -> None:
    out = io.StringIO()
    log = CappedLog(out, 10)
    log.write("0123456")
    log.write("789abcdef" * 1000)
    log.write("more")
    text = out.getvalue()
    assert text.startswith("0123456789") and "left out" in text, text[:200]
    assert len(text) < 100, len(text)
