"""The feedback exporter gives the page nbconvert's HTMLExporter gives (the same document, once
both are read back by the same parser), and skips the second parse only where it edits nothing."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from autograder.grading import feedback_page
from autograder.grading.feedback_page import FeedbackExporter

ROOT = Path(__file__).resolve().parents[1]
PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()  # only its signature


def _notebook(*, image: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nb.cells.append(
        nbformat.v4.new_markdown_cell("## 이미지와 컨테이너\n\n`docker ps -a` 로 **모두** 봅니다.")
    )
    code = nbformat.v4.new_code_cell("import docker\nclient = docker.from_env()\nprint(client)")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="<DockerClient>\n")]
    if image:
        code.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": PNG}))
    nb.cells.append(code)
    return nb


def _pages(template: str, nb: nbformat.NotebookNode) -> tuple[str, str]:
    config = Config()
    config.HTMLExporter.template_name = template
    stock, _ = HTMLExporter(config=config).from_notebook_node(nb)
    ours, _ = FeedbackExporter(config=config).from_notebook_node(nb)
    return stock, ours


def _document(html: str) -> str:
    return str(BeautifulSoup(html, features="html.parser"))


@pytest.mark.parametrize("template", ["classic", "lab"])
@pytest.mark.parametrize("image", [False, True])
def test_same_document_as_nbconvert(template: str, image: bool) -> None:
    stock, ours = _pages(template, _notebook(image=image))
    assert _document(ours) == _document(stock), f"{template} page differs from nbconvert's"
    assert "<strong>모두</strong>" in ours and "client" in ours, "the notebook is not on the page"


def test_image_without_alt_gets_nbconvert_alt_text() -> None:
    _, ours = _pages("classic", _notebook(image=True))
    assert f'alt="{feedback_page.NO_ALT}"' in ours, "the image got no alternative text"


def test_lab_cells_are_focusable() -> None:
    _, ours = _pages("lab", _notebook(image=False))
    assert 'tabindex="0"' in ours, "the lab template's cells were not made focusable"


def test_plain_classic_page_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[int] = []
    monkeypatch.setattr(
        FeedbackExporter, "_accessible", lambda self, html: parsed.append(1) or html
    )
    _pages("classic", _notebook(image=False))
    assert parsed == [], "a page with nothing to edit was parsed a second time"
    _pages("classic", _notebook(image=True))
    assert parsed == [1], f"a page with an image was parsed {len(parsed)} times, not once"


def test_course_config_uses_it_for_feedback() -> None:
    from nbgrader.converters import GenerateFeedback
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    converter = GenerateFeedback(config=config)
    assert converter.exporter_class is FeedbackExporter, converter.exporter_class
