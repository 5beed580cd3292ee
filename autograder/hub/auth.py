"""The hub's authenticator: the class roster's ids, each with a password of its own
(:mod:`.accounts`); the teacher is the hub's admin."""

from __future__ import annotations

from pathlib import Path

from jupyterhub.auth import Authenticator
from traitlets import Unicode

from . import accounts


class RosterAuthenticator(Authenticator):
    accounts_file = Unicode(help="accounts.json written by docker-course class").tag(config=True)

    async def authenticate(self, handler, data):
        name = (data or {}).get("username", "").strip().lower()
        password = (data or {}).get("password", "")
        found = accounts.read(Path(self.accounts_file).parent)
        if name and accounts.verify(found, name, password):
            return name
        self.log.warning("failed log-in for %r", name)
        return None
