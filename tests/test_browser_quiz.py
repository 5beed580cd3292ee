"""In JupyterLab in Chromium, choices made in section 7's quiz widgets become code: `%answers`
rewrites its own cell (IPython's set_next_input(replace=True))."""

import re

import pytest

from tests.browser import ROOT, expect

REVIEW = ROOT / "source" / "07-review" / "07-review.ipynb"
pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.slow]


def test_answers_magic_rewrites_the_answer_cell(open_notebook) -> None:
    nb = open_notebook(REVIEW, "07-review/07-review.ipynb")
    nb.run_all()
    nb.cell("quiz-q1").get_by_role("radio", name=re.compile(r"^b: ")).check()
    for key in ("a", "c"):
        nb.cell("quiz-q3").get_by_role("checkbox", name=re.compile(f"^{key}: ")).check()
    for name, code in (("q1", "q1 = 'b'"), ("q3", "q3 = ['a', 'c']")):
        editor = nb.cell(f"answer-{name}").locator(".cm-content")
        editor.click()
        nb.page.keyboard.press("Control+A")
        nb.page.keyboard.type(f"%answers {name}")
        nb.page.keyboard.press("Shift+Enter")
        expect(editor).to_contain_text(code)
        expect(editor).not_to_contain_text("%answers")
    nb.shot("answers-written")
