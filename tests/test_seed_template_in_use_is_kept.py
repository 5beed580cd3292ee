"""Two checkouts on one machine (two courses, or CI beside a teacher's run) have different
bundle keys: one run's clean-up must not remove a template the other still uses."""

from __future__ import annotations

import os
import time
from pathlib import Path

from autograder import seed


def _template(base: Path, key: str, age: float) -> Path:
    path = base / f"{seed.TEMPLATE_PREFIX}{key}"
    path.mkdir(parents=True)
    (path / ".complete").write_text("bundle")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_a_template_in_use_is_not_stale(tmp_path: Path, monkeypatch) -> None:
    used = _template(tmp_path, "aaaaaaaaaaaa", seed.STALE_TEMPLATE_AGE + 60)
    unused = _template(tmp_path, "cccccccccccc", seed.STALE_TEMPLATE_AGE + 60)
    monkeypatch.setattr(seed, "_key", lambda tar, tree=None: "aaaaaaaaaaaa")
    assert seed.template(tmp_path / "bundle.tar", base=tmp_path) == used  # a run uses it
    seed._remove_stale(tmp_path, keep=(f"{seed.TEMPLATE_PREFIX}bbbbbbbbbbbb",))  # another run
    assert used.exists(), "a template that a run just used was removed as stale"
    assert not unused.exists(), "a template nobody used for an hour was kept"


def test_a_half_made_template_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    """A run killed while copying its template leaves ``.template-…`` (131 MB seen, four of
    them on one machine); once it is older than any template build it goes."""
    left = tmp_path / f".{seed.TEMPLATE_PREFIX}aaaaaaaaaaaa-dcgrade8-988-1000524288-8016a85e"
    building = tmp_path / f".{seed.TEMPLATE_PREFIX}aaaaaaaaaaaa-dcgrade1-995-1000065536-0badc0de"
    for path in (left, building):
        (path / "image").mkdir(parents=True)
    old = time.time() - seed.STALE_TEMPLATE_AGE - 60
    os.utime(left, (old, old))
    seed._remove_stale(tmp_path, keep=(f"{seed.TEMPLATE_PREFIX}bbbbbbbbbbbb",))
    assert not left.exists(), "a killed run's half-made template was kept"
    assert building.exists(), "a template being made right now was removed"


def test_the_templates_of_every_sections_bundle_are_kept(tmp_path: Path) -> None:
    """Making section 01's template (busybox alone) keeps the template of every image that
    sections 02–04 and 06 use, however long ago a run used it."""
    bundles = tmp_path / "images"
    bundles.mkdir()
    full, small = bundles / "course-images.tar", bundles / "course-images-busybox.tar"
    for tar in (full, small):
        tar.write_bytes(b"bundle")
    keep = seed.current(small)
    templates = tmp_path / "templates"
    kept = [_template(templates, p.removeprefix(seed.TEMPLATE_PREFIX), 2 * seed.STALE_TEMPLATE_AGE)
            for p in keep]  # fmt: skip
    other = _template(templates, "cccccccccccc", 2 * seed.STALE_TEMPLATE_AGE)
    seed._remove_stale(templates, keep=keep)
    assert len(keep) == 2 and all(p.exists() for p in kept), f"kept {keep}, present {kept}"
    assert not other.exists(), "a template of no current bundle was kept"
