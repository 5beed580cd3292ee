"""The modern engine's tree is built once per package list: a cached tree is used as it is, a
new package list builds a new one and removes the old (no network here: the build is faked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import modern_engine


def _fake_build(calls: list[Path]):
    def build(target: Path, log: Path, report) -> None:
        calls.append(target)
        target.mkdir(parents=True)
        (target / ".complete").write_text(json.dumps({"docker.io": "28.5.2"}))

    return build


def test_a_complete_tree_is_used_as_it_is(tmp_path, monkeypatch) -> None:
    cached = tmp_path / f"tree-{modern_engine.key()}"
    cached.mkdir()
    (cached / ".complete").write_text("{}")
    calls: list[Path] = []
    monkeypatch.setattr(modern_engine, "_build", _fake_build(calls))
    assert modern_engine.tree(tmp_path, report=lambda _: None) == cached
    assert calls == [], f"built again although {cached} is complete"


def test_a_new_package_list_builds_a_new_tree(tmp_path, monkeypatch) -> None:
    old_key = modern_engine.key()
    old = tmp_path / f"tree-{old_key}"
    old.mkdir()
    (old / ".complete").write_text("{}")
    monkeypatch.setattr(modern_engine, "PACKAGES", (*modern_engine.PACKAGES, "fuse-overlayfs"))
    assert modern_engine.key() != old_key
    calls: list[Path] = []
    monkeypatch.setattr(modern_engine, "_build", _fake_build(calls))
    monkeypatch.setattr(modern_engine, "_require_root_linux", lambda: None)
    new = modern_engine.tree(tmp_path, report=lambda _: None)
    assert new == tmp_path / f"tree-{modern_engine.key()}" and len(calls) == 1, (new, calls)
    assert not old.exists(), "the tree of the old package list was kept"
    assert modern_engine.versions(new) == {"docker.io": "28.5.2"}


def test_an_unfinished_tree_is_built_again(tmp_path, monkeypatch) -> None:
    half = tmp_path / f"tree-{modern_engine.key()}"
    half.mkdir()  # no .complete: a build that was killed
    monkeypatch.setattr(modern_engine, "_require_root_linux", lambda: None)
    calls: list[Path] = []
    monkeypatch.setattr(modern_engine, "_build", _fake_build(calls))
    assert (modern_engine.tree(tmp_path, report=lambda _: None) / ".complete").is_file()
    assert len(calls) == 1, calls


def test_a_failed_build_leaves_nothing_behind(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(modern_engine, "_require_root_linux", lambda: None)

    def broken(target: Path, log: Path, report) -> None:
        target.mkdir()
        raise RuntimeError("mirror unreachable")

    monkeypatch.setattr(modern_engine, "_build", broken)
    with pytest.raises(RuntimeError):
        modern_engine.tree(tmp_path, report=lambda _: None)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock"], list(tmp_path.iterdir())
