"""notebooks/instructor-dashboard.ipynb runs with papermill on the graded demo class and shows
its three figures and the submissions a teacher should look at."""

from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "instructor-dashboard.ipynb"


@pytest.mark.slow
def test_dashboard_shows_figures_and_flags(graded_demo_class: Path, tmp_path: Path) -> None:
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "dashboard.ipynb"),
        parameters={"COURSE_DIR": str(graded_demo_class)},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    outputs = [
        o for c in nbformat.read(tmp_path / "dashboard.ipynb", as_version=4).cells
        for o in c.get("outputs", [])
    ]  # fmt: skip
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3, f"expected scores, pass rates and times; saw {len(images)} images"
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "missing notebook" in html, "the flagged table lacks the student without a notebook"
    streams = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not streams, f"the dashboard wrote to stderr: {streams}"
