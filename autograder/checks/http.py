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
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    text = reply.read(65536).decode(errors="replace")
            except urllib.error.HTTPError as exc:
                text = f"HTTP {exc.code}"
            seen[:] = [text]
            return (text == self.body) if self.exact else (self.body in text)

        try:
            wait_until(answered, timeout=self.timeout, what=url)
        except TimeoutError as exc:
            cause = exc.__cause__
            got = repr(seen[0]) if seen else f"응답 없음 ({type(cause).__name__ if cause else ''})"
            return fail(
                self.title,
                repr(self.body),
                got,
                "컨테이너가 실행 중인지(`docker ps`), -p 포트 연결이 맞는지, "
                "app.js의 응답 문자열을 확인하세요.",
            )
        return ok(self.title)
