"""Demo-class submissions graded through the farm's three grading hosts (each a `docker-course
worker` in network, mount and pid namespaces of its own, Redis over a unix socket, rootless
engines) get the scores local grading gave the same submissions; every host graded some, and
none has a network but loopback.

Not the whole class (50 submissions, minutes): `partial` (each section loses some points but
not all, so passing and failing checks are compared), without 04 and 06, the two longest (about
30 s each), and `missing` (folders without a notebook)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.farm.hosts import Farm
from tests import nbgrader_course as ng
from tests.farm import demo_course

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
SECTIONS = ("01-concepts", "02-build-run", "03-commit-save-load", "05-volumes", "07-review")
KEEP = {("partial", a) for a in SECTIONS} | {("missing", a) for a in SECTIONS[:2]}


def test_farm_scores_equal_local_scores(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    course = demo_course(tmp_path / "course", KEEP)
    done = ng.grade(course, "--farm", farm_hosts.url, timeout=3000)
    seen = f"{done.stdout[-3000:]}\n{done.stderr[-2000:]}\n{farm_hosts.logs()}"
    assert done.returncode == 0, seen
    graded_on = {h.name for h in farm_hosts.hosts if f"rootless on {h.worker}" in done.stdout}
    assert graded_on == {h.name for h in farm_hosts.hosts}, f"graded on {graded_on}:\n{seen}"
    differ = {
        key: (ng.submission_score(graded_demo_class, *key), ng.submission_score(course, *key))
        for key in sorted(KEEP)
        if ng.submission_score(graded_demo_class, *key) != ng.submission_score(course, *key)
    }
    assert not differ, f"(student, assignment): (local, farm) {differ}"
    links = {h.name: h.interfaces() for h in farm_hosts.hosts}
    assert all(x == ["lo"] for x in links.values()), f"a host could reach the network: {links}"
    left = {h.name: h.leftovers(running=True) for h in farm_hosts.hosts}
    assert not any(left.values()), f"leases outlived their submissions: {left}"
