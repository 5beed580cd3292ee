"""`class up --login-config FILE`: the teacher's JupyterHub settings (an LTI 1.3 or OAuth
log-in) come last in the hub's configuration, so they replace the password log-in while the
roster stays the list of who may log in; an unreadable file is refused with a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from autograder.errors import CourseError
from autograder.hub import config, server
from autograder.hub.roster import Roster

LTI = 'c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"\n'


def _loaded(text: str) -> Config:
    c = Config()
    exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: c})
    return c


def _text(tmp_path: Path, login: str) -> str:
    return config.text(
        tmp_path, Roster(("kim", "lee"), "park"), ip="127.0.0.1",
        ports=config.Ports(8000, 8001, 8002), proxy=tmp_path / "chp", course_root=tmp_path,
        api_token="t" * 32, login_config=login,
    )  # fmt: skip


def test_the_login_config_replaces_the_password_log_in(tmp_path: Path) -> None:
    c = _loaded(_text(tmp_path, LTI))
    assert c.JupyterHub.authenticator_class.endswith("LTI13Authenticator"), c.JupyterHub
    assert c.Authenticator.allowed_users == {"kim", "lee"}, c.Authenticator
    assert c.Authenticator.admin_users == {"park"}, c.Authenticator


def test_without_one_the_roster_passwords_log_in(tmp_path: Path) -> None:
    c = _loaded(_text(tmp_path, ""))
    assert c.JupyterHub.authenticator_class == "autograder.hub.auth.RosterAuthenticator"


def test_an_unreadable_login_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="cannot read the log-in configuration"):
        server._login_config(tmp_path / "missing.py")
    (tmp_path / "binary.py").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CourseError, match="cannot read") as refused:
        server._login_config(tmp_path / "binary.py")
    assert "docs/class-login.md" in refused.value.fix, refused.value.fix
