"""Each section's ``base`` (the course images its grading engine holds) names every course
image the code of its notebook uses, hidden tests included: an image left out would be
pulled, offline, at grading and fail there, never in the student's lab."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course, engine, images

REFS = {ref: image for image in images.COURSE_IMAGES for ref in image.refs}


@pytest.mark.parametrize("section", sorted(course.SECTIONS))
def test_base_names_every_course_image_the_code_uses(section: str) -> None:
    nb = nbformat.read(engine.project_root() / "source" / section / f"{section}.ipynb", 4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    used = {REFS[m] for m in re.findall("|".join(map(re.escape, REFS)), code)}
    if course.SECTIONS[section].needs_hello:  # setup builds study/hello FROM node
        used.add(REFS[images.NODE])
    base = set(images.named(course.SECTIONS[section].base))
    missing = sorted(image.ref for image in used - base)
    has = sorted(image.ref for image in base)
    assert not missing, f"{section}'s code uses {missing}, which its base {has} lacks"


def test_a_base_names_course_images_only() -> None:
    with pytest.raises(ValueError, match="not course images: alpine:3"):
        images.named(["busybox:1.37", "alpine:3"])
