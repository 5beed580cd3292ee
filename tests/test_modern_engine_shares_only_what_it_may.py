"""The modern engine binds the host folders its containers may mount into its tree at their own
paths; it refuses to share `/` or a folder holding the tree itself (nothing is started here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import modern_engine
from autograder.errors import CourseError

LANE = modern_engine.LANES["modern-containerd"]


def test_the_work_folder_is_bound_at_its_own_path(tmp_path: Path) -> None:
    tree, work = tmp_path / "tree", tmp_path / "nb" / "work"
    me = modern_engine.ModernEngine(LANE, tree, shared=[work])
    argv = list(me.spec.command)
    binds = argv[argv.index(str(tree)) + 1 : argv.index("--")]
    assert str(work.resolve()) in binds and str(me.run_dir) in binds, binds
    assert argv[argv.index("--") + 1] == "dockerd", argv
    assert binds == sorted(binds, key=lambda p: len(Path(p).parts)), "parents before children"


@pytest.mark.parametrize("shared", ["/", "tree-parent"])
def test_sharing_the_root_or_the_tree_is_refused(tmp_path: Path, shared: str) -> None:
    tree = tmp_path / "cache" / "tree"
    folder = Path("/") if shared == "/" else tmp_path / "cache"
    with pytest.raises(CourseError):
        modern_engine.ModernEngine(LANE, tree, shared=[folder])


def test_the_lanes_choose_their_image_store() -> None:
    containerd = modern_engine.LANES["modern-containerd"].daemon_config()
    overlay2 = modern_engine.LANES["modern-overlay2"].daemon_config()
    assert containerd["features"] == {"containerd-snapshotter": True}, containerd
    assert overlay2["storage-driver"] == "overlay2", overlay2
