"""The hub and a student's server driven over HTTP, as a browser would: start and stop servers
through the hub's REST API (docker-course's token), start a kernel over REST, run code over the
kernel's websocket and read what it printed. For tests and the bench; every wait is bounded."""

from __future__ import annotations

import json
import time
import uuid

import requests
import websocket


class Server:
    def __init__(self, hub_url: str, user: str, token: str) -> None:
        self.base = f"{hub_url}user/{user}/"
        self.headers = {"Authorization": f"token {token}"}

    def get(self, path: str) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers, timeout=30)

    def post(self, path: str, form: dict[str, str]) -> requests.Response:
        return requests.post(self.base + path, headers=self.headers, data=form, timeout=120)

    def put(self, path: str, model: dict) -> requests.Response:
        return requests.put(self.base + path, headers=self.headers, json=model, timeout=60)

    def kernel(self) -> str:
        reply = requests.post(
            self.base + "api/kernels", headers=self.headers, json={"name": "python3"}, timeout=60
        )
        reply.raise_for_status()
        return reply.json()["id"]

    def run(self, kernel: str, code: str, *, timeout: float = 120) -> str:
        """What ``code`` printed (stdout and stderr); raises with the traceback on an error."""
        url = self.base.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"
        ws = websocket.create_connection(
            url, header=[f"{k}: {v}" for k, v in self.headers.items()], timeout=timeout
        )
        try:
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {"msg_id": msg_id, "msg_type": "execute_request",
                                   "username": "", "session": uuid.uuid4().hex, "version": "5.3"},
                        "parent_header": {}, "metadata": {}, "channel": "shell",
                        "content": {"code": code, "silent": False, "store_history": False,
                                    "user_expressions": {}, "allow_stdin": False},
                    }
                )
            )  # fmt: skip
            out, deadline = [], time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    out.append(content["text"])
                elif kind == "error":
                    raise RuntimeError("\n".join(content["traceback"])[-2000:])
                elif kind == "status" and content["execution_state"] == "idle":
                    return "".join(out)
            raise TimeoutError(f"no reply within {timeout} s; printed so far: {''.join(out)}")
        finally:
            ws.close()


class Hub:
    """The hub's REST API with docker-course's token: start and stop students' servers."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.headers = {"Authorization": f"token {token}"}

    def user(self, name: str) -> dict:
        reply = requests.get(f"{self.url}hub/api/users/{name}", headers=self.headers, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def start(self, name: str, *, timeout: float = 180) -> Server:
        reply = requests.post(
            f"{self.url}hub/api/users/{name}/server", headers=self.headers, timeout=30
        )
        assert reply.status_code in (201, 202), (reply.status_code, reply.text[:300])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.user(name)["servers"].get("", {})
            if server.get("ready"):
                return Server(self.url, name, self.token)
            if not server:  # the spawn failed: the hub dropped the server
                raise RuntimeError(f"{name}'s server did not start (see the hub's log)")
            time.sleep(0.5)
        raise TimeoutError(f"{name}'s server not ready within {timeout} s")

    @property
    def api(self) -> str:
        return f"{self.url}hub/api"

    def stop(self, name: str, *, timeout: float = 120) -> None:
        requests.delete(f"{self.url}hub/api/users/{name}/server", headers=self.headers, timeout=30)
        self.wait_stopped(name, timeout=timeout)

    def wait_stopped(self, name: str, *, timeout: float = 120) -> None:
        """Until ``name`` has no server (a stop may be pending: the hub answers 202)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.user(name)["servers"]:
                return
            time.sleep(0.5)
        raise TimeoutError(f"{name}'s server still there after {timeout} s")
