"""The whole demo class graded through the farm's three grading hosts (each a `docker-course
worker` in network, mount and pid namespaces of its own, Redis over a unix socket, rootless
Docker 28 engines) gets, submission by submission, the score local grading gave it
(`graded_demo_class`: `grade -j 3`, graded once per session); every host graded some, none has
a network but loopback, and no lease outlives its submission."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import demo
from autograder.farm.hosts import Farm
from tests import nbgrader_course as ng
from tests.farm import scores

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]


def test_every_submission_scores_as_graded_locally(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    course = demo.build(tmp_path / "course", ng.ROOT)
    done = ng.grade(course, "--farm", farm_hosts.url, timeout=3000)
    seen = f"{done.stdout[-3000:]}\n{done.stderr[-2000:]}\n{farm_hosts.logs()}"
    assert done.returncode == 0, seen
    submitted = {(p.parent.name, p.name) for p in (course / "submitted").glob("*/*")}
    local, farm = scores(graded_demo_class), scores(course)
    assert set(local) == submitted, f"local grading scored {sorted(set(local) ^ submitted)}"
    assert set(farm) == submitted, f"not scored through the farm: {sorted(submitted - set(farm))}"
    differ = {key: (local[key], farm[key]) for key in sorted(submitted) if local[key] != farm[key]}
    assert not differ, f"{len(differ)} of {len(submitted)} differ, (student, assignment): " + (
        ", ".join(f"{k}: local {a:g}, farm {b:g}" for k, (a, b) in differ.items())
    )
    graded_on = {h.name for h in farm_hosts.hosts if f"rootless on {h.worker}" in done.stdout}
    assert graded_on == {h.name for h in farm_hosts.hosts}, f"graded on {graded_on}:\n{seen}"
    links = {h.name: h.interfaces() for h in farm_hosts.hosts}
    assert all(x == ["lo"] for x in links.values()), f"a host could reach the network: {links}"
    left = {h.name: h.leftovers(running=True) for h in farm_hosts.hosts}
    assert not any(left.values()), f"leases outlived their submissions: {left}"
