"""The engine matrix (issue 12): every notebook of notebooks/ and source/, solutions and hidden
tests, on Docker 28 from Debian sid with BuildKit, once with the containerd image store and once
with overlay2 (the course engine's lane is test_notebooks_execute.py). Each lane also shows the
student the right `engine kind` line and states no engine-specific claim without its engine."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder import execute, modern_engine
from tests.engine_claims import ENGINE_KIND_LINE, unqualified

pytestmark = [pytest.mark.engines, pytest.mark.private_engine, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = execute.discover(ROOT)


@pytest.fixture(scope="module", params=sorted(modern_engine.LANES))
def lane_run(request, tmp_path_factory, docker_client) -> tuple[str, dict[str, execute.Outcome]]:
    """One lane: every notebook, each on a fresh modern engine, three at a time."""
    lane = request.param
    out = tmp_path_factory.mktemp(lane)
    outcomes = execute.main(NOTEBOOKS, output=out, lane=lane, jobs=3, report=print)
    return lane, {_name(o.notebook): o for o in outcomes}


def _name(notebook: Path) -> str:
    return f"{notebook.parent.name}/{notebook.name}"


@pytest.mark.parametrize("notebook", [_name(p) for p in NOTEBOOKS])
def test_notebook_executes_on_the_lane(lane_run, notebook: str) -> None:
    lane, outcomes = lane_run
    outcome = outcomes[notebook]
    assert outcome.ok, f"{lane}: {notebook} failed at {outcome.error} (see {outcome.output})"


def test_setup_cells_name_the_lanes_engine(lane_run) -> None:
    lane, outcomes = lane_run
    docker_version = modern_engine.versions(modern_engine.tree())["docker.io"].split("+")[0]
    store = "containerd" if modern_engine.LANES[lane].containerd_store else "클래식"
    seen = {name: ENGINE_KIND_LINE.findall(o.output.read_text()) for name, o in outcomes.items()}
    shown = sorted(name for name, lines in seen.items() if lines)
    sections = sorted(n for n in outcomes if n.startswith("0") or "welcome" in n)
    assert shown == sections, f"{lane}: the engine kind line is shown only in {shown}"
    for name, line in ((n, line) for n, lines in seen.items() for line in lines):
        assert f"Docker {docker_version}" in line, f"{lane} {name}: {line}"
        assert f"이미지 저장소: {store}" in line, f"{lane} {name}: {line}"
        assert "docker build: BuildKit" in line, f"{lane} {name}: {line}"


def test_executed_notebooks_qualify_engine_claims(lane_run) -> None:
    lane, outcomes = lane_run
    found = [
        f"{name} {line}"
        for name, outcome in outcomes.items()
        for line in unqualified(nbformat.read(outcome.output, as_version=4))
    ]
    assert not found, f"{lane}: engine-specific claims without their engine:\n" + "\n".join(found)
