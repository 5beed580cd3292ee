"""In JupyterLab in Chromium, the welcome notebook shows the environment check and an engine
panel whose "새로고침" picks up a container made after it was drawn."""

import secrets

import docker
import pytest

from tests.browser import ROOT, expect

WELCOME = ROOT / "notebooks" / "00-welcome.ipynb"
pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.slow]


def test_engine_panel_refreshes(
    open_notebook, docker_client: docker.DockerClient, cleanup, test_labels
) -> None:
    nb = open_notebook(WELCOME, "notebooks/00-welcome.ipynb")
    nb.run_all()
    expect(nb.page.get_by_text("환경 점검 통과")).to_be_visible()
    view = nb.page.locator(".docker-course-engine")
    expect(view).to_contain_text("busybox:1.37")
    nb.shot("engine-panel", nb.cell_showing(view))
    name = f"docker-course-test-{secrets.token_hex(3)}"
    docker_client.containers.create("busybox:1.37", ["true"], name=name, labels=test_labels)
    expect(view).not_to_contain_text(name)
    nb.page.get_by_role("button", name="새로고침").click()
    expect(view).to_contain_text(name)
    nb.shot("engine-panel-refreshed", nb.cell_showing(view))
