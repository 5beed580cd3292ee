"""An HTTP reply on a published port, with a bounded wait (servers take a moment to listen)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

import docker

from ..korean import particle
from ..waiting import wait_until
from .base import Check, CheckResult, fail, ok


@dataclass(frozen=True)
class HttpReply(Check):
    port: int
    body: str
    path: str = "/"
    host: str = "127.0.0.1"
    timeout: float = 10.0
    exact: bool = True

    @property
    def title(self) -> str:
        url = f"http://{self.host}:{self.port}{self.path}"
        if self.exact:
            return f"{url}의 응답 = {self.body!r}"
        return f"{url}의 응답에 {self.body!r} 포함"

    def run(self, dc: docker.DockerClient) -> CheckResult:
        url = f"http://{self.host}:{self.port}{self.path}"
        if not dc.containers.list(filters={"publish": str(self.port)}):
            return fail(
                self.title,
                repr(self.body),
                f"포트 {particle(self.port, '을/를')} 연결한 실행 중인 컨테이너가 없음",
                f"`docker ps`로 확인하고 `-p {self.port}:…`로 컨테이너를 실행하세요.",
            )
        seen: list[str] = []

        def answered() -> bool:
            """A reply came (right or wrong: a server that answered will not change its
            mind, so only silence is worth waiting for)."""
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    text = reply.read(65536).decode(errors="replace")
            except urllib.error.HTTPError as exc:
                text = f"HTTP {exc.code}"
            seen[:] = [text]
            return True

        try:
            wait_until(answered, timeout=self.timeout, what=url)
        except TimeoutError as exc:
            cause = exc.__cause__
            return fail(
                self.title,
                repr(self.body),
                f"{self.timeout:g}초 동안 응답 없음 ({type(cause).__name__ if cause else ''})",
                "컨테이너가 실행 중인지(`docker ps`), -p 포트 연결이 맞는지, "
                "서버가 그 포트에서 기다리는지 확인하세요.",
            )
        text = seen[0]
        if not ((text == self.body) if self.exact else (self.body in text)):
            return fail(
                self.title,
                repr(self.body),
                repr(text),
                "서버가 답은 했지만 내용이 다릅니다: app.js의 응답 문자열(줄바꿈 포함)을 확인하고, "
                "고친 뒤에는 이미지를 다시 빌드하고 컨테이너를 새로 만드세요.",
            )
        return ok(self.title)
