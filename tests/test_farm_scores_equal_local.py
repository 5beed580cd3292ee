"""A class's mix of the demo class graded through the farm's three grading hosts (each a
`docker-course worker` in network, mount and pid namespaces of its own, Redis over a unix
socket, rootless Docker 28 engines) gets, submission by submission, the score local grading gave it
(`graded_demo_class`: `grade -j 3`, graded once per session); every host graded some, none has
a network but loopback, and no lease outlives its submission.

The mix (15 of the demo class's 50 submissions) has every student and every section: full
marks, partial, blank and missing answers, the SDK-only and alternative ways, the two
submissions that try to leak into each other. The whole class through the farm costs as much
as local grading (about 5 min on 2 cores) and would say nothing more: `bench/farm.py` grades
its own mix for figure 9."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.farm.hosts import Farm
from tests import nbgrader_course as ng
from tests.farm import demo_course, scores

pytestmark = [pytest.mark.farm, pytest.mark.engine, pytest.mark.slow]
MIX = {
    *(("perfect", a) for a in ("01-concepts", "06-best-practices")),
    *(("sdk_only", a) for a in ("03-commit-save-load", "05-volumes")),
    *(("alternative", a) for a in ("02-build-run", "04-layers")),
    *(("partial", a) for a in ("05-volumes", "07-review")),
    ("shortcut", "03-commit-save-load"),
    ("core_path", "07-review"),
    *(("blank", a) for a in ("01-concepts", "06-best-practices")),
    *((student, "02-build-run") for student in ("missing", "leak_first", "leak_second")),
}


def test_every_submission_scores_as_graded_locally(
    graded_demo_class: Path, farm_hosts: Farm, tmp_path: Path
) -> None:
    course = demo_course(tmp_path / "course", MIX)
    done = ng.grade(course, "--farm", farm_hosts.url, timeout=3000)
    seen = f"{done.stdout[-3000:]}\n{done.stderr[-2000:]}\n{farm_hosts.logs()}"
    assert done.returncode == 0, seen
    submitted = {(p.parent.name, p.name) for p in (course / "submitted").glob("*/*")}
    local, farm = scores(graded_demo_class), scores(course)
    assert submitted <= set(local), f"local grading did not score {sorted(submitted - set(local))}"
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
