"""Without Linux or root, `engine up` exits 2 and says exactly what to start."""

from pathlib import Path

import pytest

from autograder import engine, system
from autograder.errors import CourseError


@pytest.fixture
def dead_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> engine.EngineSpec:
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    return engine.EngineSpec(state_dir=tmp_path, host=f"unix://{tmp_path}/none.sock")


@pytest.mark.parametrize(
    ("linux", "root", "advice"),
    [(False, True, "Docker Desktop"), (True, False, "sudo systemctl start docker")],
)
def test_up_explains_what_to_start(
    dead_spec: engine.EngineSpec,
    monkeypatch: pytest.MonkeyPatch,
    linux: bool,
    root: bool,
    advice: str,
) -> None:
    monkeypatch.setattr(system, "is_linux", lambda: linux)
    monkeypatch.setattr(system, "is_root", lambda: root)
    with pytest.raises(CourseError) as caught:
        engine.up(dead_spec, timeout=1)
    assert caught.value.exit_code == 2
    assert advice in str(caught.value), f"no advice {advice!r} in: {caught.value}"
