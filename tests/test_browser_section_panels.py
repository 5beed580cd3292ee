"""In JupyterLab in Chromium, section 4 runs top to bottom: its layer diagram renders, and the
check panel's "내 작업 확인" shows ✓ for every task of the solution notebook."""

import pytest

from autograder.widgets import panels
from tests.browser import ROOT, expect

SECTION = ROOT / "source" / "04-layers" / "04-layers.ipynb"
pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.slow]


def test_diagram_renders_and_check_panel_passes(open_notebook) -> None:
    nb = open_notebook(SECTION, "04-layers/04-layers.ipynb")
    nb.run_all()
    diagram = nb.page.locator(".docker-course-layers")
    expect(diagram).to_contain_text("이미지 study/hello:1.1")
    expect(diagram).to_contain_text("공유")  # 1.1 shares its lower layers with 1.0
    nb.shot("layer-diagram", nb.cell_showing(diagram))
    button = nb.page.get_by_role("button", name="내 작업 확인")
    panel = nb.page.locator(".jp-OutputArea-output").filter(has=button)
    button.click()
    tasks = len(panels.visible_checks(SECTION))
    expect(panel).to_contain_text(f"{tasks}/{tasks} 과제 통과")
    marks = [s.split()[0] for s in panel.locator("summary").all_inner_texts()]
    nb.shot("check-panel", nb.cell_showing(button))
    assert marks == ["✓"] * tasks, f"expected {tasks} ✓ in the check panel, saw {marks}"


def test_a_correct_03_passes_every_task_after_its_own_cleanup(open_notebook) -> None:
    """03's task 6 removes modified1 (task 4's container): the panel still counts task 4 as
    done, because its check cell passed when it ran (issue 18)."""
    section = ROOT / "source" / "03-commit-save-load" / "03-commit-save-load.ipynb"
    nb = open_notebook(section, "03-commit-save-load/03-commit-save-load.ipynb")
    nb.run_all()
    button = nb.page.get_by_role("button", name="내 작업 확인")
    panel = nb.page.locator(".jp-OutputArea-output").filter(has=button)
    button.click()
    tasks = len(panels.visible_checks(section))
    expect(panel).to_contain_text(f"{tasks}/{tasks} 과제 통과")
    expect(panel).to_contain_text("과제 4 · ")  # tasks named as the notebook names them
    nb.shot("check-panel", nb.cell_showing(button))
