"""Korean hints beside Docker's own error messages, for the errors beginners meet most.

Docker's message stays as it is (it is what a search engine knows); the course adds one line
under it. In a notebook, :func:`install` (called by every setup cell) hooks the SDK's errors
(``docker.errors.APIError``, ``ContainerError``, ``ImageNotFound``) and watches what `!docker`
commands print (IPython writes their output, stderr included, to ``sys.stdout``): a known error
there gets its hint at the end of the cell.
"""

from __future__ import annotations

import html
import re

#: (pattern in Docker's message, the hint)
HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"container name .* is already in use|Conflict\. The container name", re.S),
        "이 이름의 컨테이너가 이미 있습니다. `docker rm -f 이름`으로 지운 뒤 다시 실행하세요.",
    ),
    (
        re.compile(r"port is already allocated|address already in use"),
        "그 호스트 포트를 다른 컨테이너(또는 프로그램)가 쓰고 있습니다. `docker ps`로 찾아 "
        "지우거나 다른 포트를 쓰세요.",
    ),
    (
        re.compile(r"is not running"),
        "컨테이너가 멈춰 있습니다. `docker ps -a`로 상태를 보고, 필요하면 `docker start 이름`으로 "
        "다시 시작하세요.",
    ),
    (
        re.compile(r"is using its referenced image|image is being used by"),
        "이 이미지를 쓰는 컨테이너가 있어 지울 수 없습니다. 먼저 그 컨테이너를 `docker rm -f`로 "
        "지우세요.",
    ),
    (
        re.compile(r"No such container"),
        "그 이름의 컨테이너가 없습니다. `docker ps -a`로 이름을 확인하세요 (앞의 과제 셀을 "
        "실행했나요?).",
    ),
    (
        re.compile(r"No such image|pull access denied|repository does not exist"),
        "그 이름의 이미지가 엔진에 없습니다. `docker images`로 이름과 태그를 확인하세요.",
    ),
)


def hint(message: str) -> str | None:
    """The Korean hint for Docker's ``message``, or ``None``."""
    return next((text for pattern, text in HINTS if pattern.search(message)), None)


def install() -> bool:
    """Show the hint under the SDK's errors in this IPython kernel (once); False outside one."""
    try:
        import docker.errors
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - a kernel has both
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def handler(shell, etype, value, tb, tb_offset=None):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        text = hint(str(value))
        if text:
            code = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
            display(HTML(f"<div><b>힌트</b>: {code}</div>"))

    errors = (docker.errors.APIError, docker.errors.ContainerError, docker.errors.ImageNotFound)
    shell.set_custom_exc(errors, handler)
    if not getattr(shell, "_docker_course_hints", False):  # a setup cell run twice
        shell._docker_course_hints = True
        _watch_output(shell, display, HTML)
    return True


def _watch_output(shell, display, html_type) -> None:
    """Note Docker errors that `!` commands print during a cell; show their hints after it.

    IPython re-wraps ``sys.stdout.write`` around every cell (to keep outputs in its history)
    and restores it after, so the watch is put on at the start of each cell."""
    import sys

    found: list[str] = []

    def watch(*_) -> None:
        found.clear()
        stream = sys.stdout
        original = stream.write

        def write(text, *args, **kwargs):
            try:
                if isinstance(text, str) and "rror" in text:  # Error / error: cheap first
                    found_hint = hint(text)
                    if found_hint and found_hint not in found:
                        found.append(found_hint)
            except Exception:  # noqa: BLE001 - a hint must never break output
                pass
            return original(text, *args, **kwargs)

        stream.write = write

    def after(*_) -> None:
        for text in found:
            code = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
            display(html_type(f"<div><b>힌트</b>: {code}</div>"))
        found.clear()

    shell.events.register("pre_run_cell", watch)
    shell.events.register("post_run_cell", after)
