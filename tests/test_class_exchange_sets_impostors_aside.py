"""nbgrader's exchange believes the name a student gives: kim hands 01 in as lee; the teacher's
collect sets that submission aside (its folder is kim's, not lee's) and collects nothing
under lee's name from it."""

from __future__ import annotations

import pytest

from autograder.hub import exchange
from tests.class_hub import KIM, LEE, ROOT, ClassHub

pytestmark = [pytest.mark.hub, pytest.mark.slow]
SECTION = "01-concepts"  # 02 is the browser test's


def test_a_submission_under_another_name_is_set_aside(class_hub: ClassHub, class_servers) -> None:
    s, kernel = class_servers[KIM]
    course = exchange.course_id(ROOT)
    exchange.release_to_students(ROOT, class_hub.state, SECTION)
    if s.get(f"api/contents/{SECTION}").status_code == 404:  # not fetched by an earlier test
        fetched = s.post("assignments/fetch", {"course_id": course, "assignment_id": SECTION})
        assert fetched.status_code == 200 and fetched.json()["success"], fetched.text[:500]
    said = s.run(
        kernel,
        "import os, sys; os.chdir(os.path.expanduser('~/docker-course-lab'))\n"
        f"!{{sys.executable}} -m nbgrader submit {SECTION} --course={course} "
        f"--student={LEE} 2>&1 | tail -3",
    )
    inbound = exchange.root(class_hub.state) / course / "inbound"
    made = sorted(p.name for p in inbound.iterdir())
    collected = exchange.collect(class_hub.state, SECTION, course=course)
    assert f"✗ set aside {LEE}+{SECTION}" in collected, (said, made, collected)
    refused = exchange.root(class_hub.state) / ".refused"
    assert any(p.name.startswith(f"{LEE}+{SECTION}") for p in refused.iterdir()), collected
