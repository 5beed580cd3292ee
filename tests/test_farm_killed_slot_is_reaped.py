"""One slot of a running grading host SIGKILLed mid-submission (the slot, not the host: the
worker lives on and forks a new slot): with the worker still running, nothing of the dead
slot's leases is left (engine, network namespace, jail, disk, cgroup, process), and the
submission is graded on try 2 with local grading's score."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest

from autograder import procs
from autograder.farm.hosts import Farm, Host
from autograder.waiting import wait_until
from tests import nbgrader_course as ng
from tests.farm import grade_victim, journal_lines

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
VICTIM = ("partial", "02-build-run")  # about 6 s of grading after its engine starts


def test_a_killed_slots_leases_are_removed_while_its_worker_runs(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    course, teacher, host, lease = grade_victim(farm_hosts, tmp_path / "course", VICTIM)
    starts, worker = host.starts, procs.Process(host.worker_pid())
    slot = host.owner(lease)
    leases = host.leases_of(slot)  # the one grading, and any other it started (a warm one)
    disks = [d for d in map(host.disk_of, leases) if d]
    doomed = _handles([slot, *(pid for pid, _ in procs.descendants(slot))])
    try:
        os.kill(slot, signal.SIGKILL)
        outcomes = teacher.result(timeout=600)
        seen = f"{outcomes}\n{teacher.said}\n{farm_hosts.logs()}"
        try:
            wait_until(lambda: not _left(host, leases, disks, doomed), timeout=180,
                       what="the dead slot's leases removed")  # fmt: skip
        except TimeoutError:
            pytest.fail(f"left of {leases}: {_left(host, leases, disks, doomed)}\n{seen}")
        assert worker.alive() and host.starts == starts, f"{host.name}'s worker restarted\n{seen}"
    finally:
        for handle in doomed:
            handle.close()
    (outcome,) = outcomes
    assert outcome.status == "graded", seen
    assert any("graded on try 2" in p for p in outcome.problems), outcome.problems
    assert journal_lines(course) == [VICTIM], journal_lines(course)
    local = ng.submission_score(graded_demo_class, *VICTIM)
    assert ng.submission_score(course, *VICTIM) == local, (local, seen)


def _handles(pids: list[int]) -> list[procs.Process]:
    """Handles of those of ``pids`` that still run (a reused pid is not one of them)."""
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            found.append(procs.Process(pid))
    return found


def _left(host: Host, leases: list[str], disks: list[str], doomed: list[procs.Process]):
    """What is left of ``leases`` on ``host``, and which of the dead slot's processes run."""
    left = [x for x in host.leftovers() if any(n in x for n in [*leases, *disks])]
    for lease in leases:
        left += [f"process {p} {c}" for p, c in host.processes(f"dcourse/{lease}").items()]
    return left + [f"process {p.pid} {procs.command(p.pid)}" for p in doomed if p.alive()]
