"""Korean hints beside Docker's own error messages, for the errors beginners meet most.

Docker's message stays as it is (it is what a search engine knows); the course adds one line
under it. In a notebook, :func:`install` (called by every setup cell) hooks the SDK's errors
(``docker.errors.APIError``, ``ContainerError``, ``ImageNotFound``); the welcome notebook lists
the same hints for `!docker` commands, whose output IPython passes through untouched.
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
    return True
