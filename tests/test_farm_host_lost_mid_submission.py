"""A grading host lost mid-submission (SIGKILL of its pid-namespace init: every process of it
dies at once, engine and kernel included): after the visibility timeout the submission is graded
once on another host and merged once, with local grading's score. The host, started again,
reaps what the lost lease left (engine, namespace, jail, disk, cgroup) before it grades."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.farm.hosts import Farm
from tests import nbgrader_course as ng
from tests.farm import grade_victim, journal_lines

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
VICTIM = ("partial", "02-build-run")  # about 6 s of grading after its engine starts


def test_a_lost_hosts_submission_is_graded_once_elsewhere(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    marks = {h.name: h.log.stat().st_size for h in farm_hosts.hosts}
    course, teacher, lost, lease = grade_victim(farm_hosts, tmp_path / "course", VICTIM)
    lost.kill()
    outcomes = teacher.result(timeout=600)
    graded = {
        h.name: h.log.read_text(errors="replace")[marks[h.name] :].count(
            f"{VICTIM[0]}/{VICTIM[1]}: graded in"
        )
        for h in farm_hosts.hosts
    }
    seen = f"{outcomes}\n{teacher.said}\n{farm_hosts.logs()}"
    assert graded[lost.name] == 0, f"{lost.name} finished before it was killed: {graded}\n{seen}"
    assert sum(graded.values()) == 1, f"results per host {graded}\n{seen}"
    (outcome,) = outcomes
    assert outcome.status == "graded" and lost.worker not in outcome.backend, seen
    assert any("graded on try 2" in p for p in outcome.problems), outcome.problems
    assert journal_lines(course) == [VICTIM], journal_lines(course)
    local = ng.submission_score(graded_demo_class, *VICTIM)
    assert ng.submission_score(course, *VICTIM) == local, (local, seen)
    left = lost.leftovers(running=True)
    assert f"cgroup memory/{lease}" in left, f"the kill left no lease to reap: {left}"
    farm_hosts.restart(lost)
    assert lost.leftovers(running=True) == [], f"{lost.name} restarted and kept {left}"
