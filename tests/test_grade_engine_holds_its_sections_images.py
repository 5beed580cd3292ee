"""A grading engine holds the course images its section starts from (``Section.base``), no
more: section 01's engine has busybox alone (a 2 MB template), section 02's has Node too."""

from __future__ import annotations

import subprocess

import pytest

from autograder import course, grade, images
from autograder.grading import backends
from autograder.grading.limits import DEFAULT

pytestmark = pytest.mark.sid_tree


def _tags(lease: backends.Lease) -> set[str]:
    done = subprocess.run(
        lease.wrap(["docker", "-H", lease.docker_host, "image", "ls", "--format",
                    "{{.Repository}}:{{.Tag}}"]),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return set(done.stdout.split())


def test_each_sections_engine_holds_its_base_images() -> None:
    with grade.open_backend("rootless-modern", DEFAULT, lambda _: None, reap_first=False) as b:
        assert isinstance(b, backends.RootlessBackend), f"not a rootless backend: {b.name}"
        b.expect(["01-concepts", "02-build-run"], at_once=2)
        seen = {}
        for section in ("01-concepts", "02-build-run"):
            with b.lease(section) as lease:
                seen[section] = _tags(lease)
    for section, tags in seen.items():
        want = {ref for image in images.named(course.SECTIONS[section].base) for ref in image.refs}
        assert tags == want, f"{section}'s engine holds {sorted(tags)}, not {sorted(want)}"
    assert images.NODE not in seen["01-concepts"] and images.NODE in seen["02-build-run"]
