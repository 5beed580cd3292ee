"""JupyterHub 6 writes a unix-socket target with a port (``http+unix://%2Fp:80``), which
configurable-http-proxy would read as part of the socket's path: the proxy class drops it on
the way in and restores it on the way out, so the hub's route check sees what it wrote."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from jupyterhub.proxy import ConfigurableHTTPProxy

from autograder.hub.proxy import UnixSocketProxy

SOCKET = "http+unix://%2Fsrv%2Fkim%2Flab.sock"


def _run(coroutine):
    """The coroutine on a loop of its own thread (the browser tests keep one running here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_targets_go_to_the_proxy_without_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    sent = []

    async def add_route(self, routespec, target, data):
        sent.append(target)

    monkeypatch.setattr(ConfigurableHTTPProxy, "add_route", add_route)
    proxy = UnixSocketProxy()
    _run(proxy.add_route("/user/kim/", SOCKET + ":80", {}))
    _run(proxy.add_route("/", "http://127.0.0.1:8081", {}))
    assert sent == [SOCKET, "http://127.0.0.1:8081"], sent


def test_routes_come_back_as_the_hub_wrote_them(monkeypatch: pytest.MonkeyPatch) -> None:
    async def get_all_routes(self):
        return {"/user/kim/": {"target": SOCKET}, "/": {"target": "http://127.0.0.1:8081"}}

    monkeypatch.setattr(ConfigurableHTTPProxy, "get_all_routes", get_all_routes)
    routes = _run(UnixSocketProxy().get_all_routes())
    assert routes["/user/kim/"]["target"] == SOCKET + ":80", routes
    assert routes["/"]["target"] == "http://127.0.0.1:8081", routes
