"""The quiz records choices; `%answers` turns them into plain code in the cell, so grading
depends on code, not on widget state."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

from autograder.widgets import quiz


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch):
    ip = InteractiveShell.instance()
    quiz.load_ipython_extension(ip)
    ip.next_inputs = []
    # the kernel turns this into a "replace the cell" payload for JupyterLab
    monkeypatch.setattr(
        ip, "set_next_input", lambda text, replace=False: ip.next_inputs.append((text, replace))
    )
    quiz.CHOSEN.clear()
    yield ip
    quiz.CHOSEN.clear()


def test_widget_choice_becomes_code(shell) -> None:
    box = quiz.quiz(
        quiz.Question("q1", "차이는?", {"a": "x", "b": "y"}),
        quiz.Question("q3", "모두 고르기", {"a": "v", "b": "w", "c": "z"}, multiple=True),
    )
    radio = box.children[1]
    radio.value = "b"
    box.children[3].value = True  # q3: a
    box.children[5].value = True  # q3: c
    assert quiz.CHOSEN == {"q1": "b", "q3": ["a", "c"]}
    shell.run_line_magic("answers", "q1 q3")
    assert shell.user_ns["q1"] == "b" and shell.user_ns["q3"] == ["a", "c"]
    (text, replace), *_ = shell.next_inputs
    assert replace and "q1 = 'b'" in text and "q3 = ['a', 'c']" in text, text


def test_nothing_chosen_sets_nothing(shell, capsys) -> None:
    shell.user_ns.pop("q2_command", None)
    shell.run_line_magic("answers", "q2_command")
    assert "q2_command" not in shell.user_ns
    assert "고르지 않은" in capsys.readouterr().out
