"""The check panel runs a section's visible checks (never the hidden ones) against the live
engine without raising or writing to stderr; the engine panel lists the course's objects."""

from pathlib import Path

import docker
import pytest

from autograder.widgets import panels

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source" / "02-build-run" / "02-build-run.ipynb"


def test_visible_checks_skip_hidden_tests() -> None:
    cells = panels.visible_checks(SOURCE)
    assert [c.grade_id for c in cells][:2] == ["check-build", "check-run"], cells
    everything = " ".join(call for c in cells for call in c.calls)
    assert "ImageExists" in everything and "ImageConfig" not in everything, everything


def test_panel_reports_unrun_tasks_quietly(
    capfd: pytest.CaptureFixture[str], private_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", private_engine.docker_host)  # no section state there
    graded = panels.run_visible(panels.visible_checks(SOURCE), {"PORT": 1, "SECOND_PORT": 2})
    assert graded and not any(r.passed for _, rs in graded for r in rs if rs)
    page = panels.report_html(graded)
    assert "0/4 과제 통과" in page and "과제 셀을 먼저 실행" in page, page[:400]
    assert capfd.readouterr().err == ""


def test_button_fills_the_panel(docker_client) -> None:
    box = panels.check_panel("02-build-run", namespace={"PORT": 1, "SECOND_PORT": 2})
    button, view = box.children
    button.click()
    assert "과제 통과" in view.value, view.value[:300]


def test_engine_panel_lists_course_objects(
    docker_client: docker.DockerClient, cleanup, test_labels
) -> None:
    docker_client.containers.create("busybox:1.37", ["true"], name="data-demo", labels=test_labels)
    page = panels.engine_html(docker_client)
    assert "data-demo" in page and "busybox:1.37" in page, page[:500]
