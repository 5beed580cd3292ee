"""The hub's API inside a student's network namespace.

A student's JupyterLab runs in the namespace of the student's engine, where the host's
loopback (and so the hub) is out of reach; it still has to ask the hub who its visitor is. The
hub opens a listening socket *inside* that namespace (a thread that joined it makes the socket;
the socket stays there) and relays each connection to its own API on the host's loopback: one
port, one destination, nothing else of the host reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from ..private_engine import call_in_netns


def listen_in(netns: str, port: int) -> socket.socket:
    def make() -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        sock.setblocking(False)
        return sock

    return call_in_netns(netns, make)


async def relay(netns: str, port: int, target: tuple[str, int]) -> asyncio.Server:
    """Serve ``127.0.0.1:port`` in ``netns`` by relaying to ``target`` (on the host)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    return await asyncio.start_server(handle, sock=listen_in(netns, port))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()
