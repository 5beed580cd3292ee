"""A quiz widget that helps choose answers, and a magic that writes them as code.

Grading must not depend on widget state (autograde re-executes the notebook without it), so the
widget only *records* a choice in the kernel; ``%answers q1 q3`` then sets the variables and
rewrites its own cell into plain code (``q1 = "b"``) through IPython's ``set_next_input``.
That code is what gets saved, submitted and graded.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..korean import choose

CHOSEN: dict[str, object] = {}


@dataclass(frozen=True)
class Question:
    name: str  # the graded answer variable
    prompt: str
    options: dict[str, str]  # key → text
    multiple: bool = False


def answer_code(names: list[str], chosen: dict[str, object] | None = None) -> str:
    chosen = CHOSEN if chosen is None else chosen
    lines = []
    for name in names:
        value = chosen[name]
        lines.append(
            f"{name} = {sorted(value)!r}"
            if isinstance(value, list | tuple | set)
            else f"{name} = {value!r}"
        )
    return "\n".join(lines)


def quiz(*questions: Question):
    """Radio buttons (or check boxes) per question; the choice is recorded, not graded."""
    import ipywidgets as w

    rows = []
    for q in questions:
        title = w.HTML(f"<b>{html.escape(q.name)}</b>: {html.escape(q.prompt)}")
        if q.multiple:
            boxes = [
                w.Checkbox(description=f"{k}: {t}", indent=False, layout=w.Layout(width="auto"))
                for k, t in q.options.items()
            ]

            def changed(_change, q=q, boxes=boxes) -> None:
                CHOSEN[q.name] = [k for k, b in zip(q.options, boxes, strict=True) if b.value]

            for box in boxes:
                box.observe(changed, names="value")
            rows += [title, *boxes]
        else:
            radio = w.RadioButtons(
                options=[(f"{k}: {t}", k) for k, t in q.options.items()],
                value=None,
                layout=w.Layout(width="auto"),
            )

            def picked(change, q=q) -> None:
                CHOSEN[q.name] = change["new"]

            radio.observe(picked, names="value")
            rows += [title, radio]
    _ensure_magic()
    magic = "%answers " + " ".join(q.name for q in questions)
    rows.append(
        w.HTML(
            f"고른 뒤 답 셀에서 <code>{html.escape(magic)}</code>{choose(magic, '을/를')} "
            "실행하면 셀이 답 코드로 바뀝니다. <b>채점은 그 코드로 합니다</b> "
            "(퀴즈 선택은 저장되지 않음)."
        )
    )
    return w.VBox(rows)


def answers_magic(line: str) -> None:
    """``%answers q1 q3``: set the chosen answers and rewrite this cell as plain code."""
    from IPython import get_ipython

    names = line.split()
    missing = [n for n in names if n not in CHOSEN or CHOSEN[n] in (None, [])]
    if missing:
        print(f"퀴즈에서 아직 고르지 않은 문항: {', '.join(missing)}")
        return
    code = answer_code(names)
    shell = get_ipython()
    shell.run_cell(code, store_history=False, silent=True)
    shell.set_next_input(f"# 퀴즈에서 고른 답 (이 코드가 채점됩니다)\n{code}", replace=True)
    print(code)


def _ensure_magic() -> None:
    """Showing a quiz makes ``%answers`` available, so every quiz cell works on its own."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and "answers" not in shell.magics_manager.magics["line"]:
        load_ipython_extension(shell)


def load_ipython_extension(ipython) -> None:
    ipython.register_magic_function(answers_magic, "line", "answers")
