"""Debian's ``redis-server`` for the farm's tests (and a one-machine farm): installed the way
the project installs Debian packages, started on a unix socket with append-only persistence,
never on a plain TCP port (``--port 0``; with ``tls``, a TLS port on loopback as well, the way
docs/farm.md sets up Redis between machines), stopped when the ``with`` block ends."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .. import system
from ..errors import CourseError

PACKAGE = "redis-server"


def ensure_installed(why: str = "the grading farm (pytest -m farm)") -> str:
    """The path of redis-server, installed with apt if missing (or a CourseError saying how)."""
    found = shutil.which("redis-server")
    if found:
        return found
    system.apt_install([PACKAGE], why=why)
    found = shutil.which("redis-server")
    if not found:
        raise CourseError(
            f"{why}: {PACKAGE} was installed but redis-server is not on PATH",
            fix="Check `dpkg -L redis-server`, then run again.",
        )
    return found


@dataclass(frozen=True)
class Tls:
    """Redis's TLS port on loopback: ``port``, the server's certificate chain and key (PEM), and
    the CA that signed it (clients verify the server with it; Redis asks no client certificate:
    the password authenticates)."""

    port: int
    cert: Path
    key: Path
    ca: Path


class RedisServer:
    """A redis-server of our own in ``folder``: ``url`` is its ``redis+socket://`` URL, or with
    ``tls`` its ``rediss://`` URL on 127.0.0.1 (the socket stays, for :meth:`_answers`)."""

    def __init__(
        self, folder: Path, *, appendonly: bool = True, password: str | None = None,
        fsync: str = "everysec", tls: Tls | None = None,
    ) -> None:  # fmt: skip
        self.folder = folder
        self.tls = tls
        self.fsync = fsync  # appendfsync: everysec (a SIGKILL may lose 1 s) or always
        self.socket = folder / "redis.sock"
        self.password = password
        self.appendonly = appendonly
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        if self.tls:
            query = f"ssl_cert_reqs=required&ssl_ca_certs={quote(str(self.tls.ca))}"
            return f"rediss://{auth}127.0.0.1:{self.tls.port}/0?{query}"
        return f"redis+socket://{auth}{self.socket}"

    def __enter__(self) -> RedisServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, *, timeout: float = 20.0) -> None:
        binary = ensure_installed()
        self.folder.mkdir(parents=True, exist_ok=True)
        argv = [binary, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"]
        argv += ["--dir", str(self.folder), "--appendonly", "yes" if self.appendonly else "no"]
        argv += ["--appendfsync", self.fsync, "--save", "", "--daemonize", "no"]
        argv += ["--logfile", str(self.folder / "redis.log")]
        if self.password:
            argv += ["--requirepass", self.password]
        if self.tls:
            argv += ["--tls-port", str(self.tls.port), "--bind", "127.0.0.1"]
            argv += ["--tls-cert-file", str(self.tls.cert), "--tls-key-file", str(self.tls.key)]
            argv += ["--tls-ca-cert-file", str(self.tls.ca), "--tls-auth-clients", "no"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None:
                raise CourseError(f"redis-server exited ({self.proc.returncode}):\n{self._log()}")
            if time.monotonic() > deadline:
                raise CourseError(f"redis-server did not answer in {timeout:g} s:\n{self._log()}")
            time.sleep(0.05)

    def _answers(self) -> bool:
        import redis

        if not self.socket.exists():
            return False
        client = redis.Redis(unix_socket_path=str(self.socket), password=self.password)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def _log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.folder / "redis.log").read_text(errors="replace")[-1500:]
        return "(no log)"

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGTERM: it writes its append-only file; ``kill``: SIGKILL)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
