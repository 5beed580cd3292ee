"""A host that forbids unprivileged user namespaces gets a clear reason (and `grade --backend
auto` falls back to root engines that say NOT JAILED), not a rootless engine failing per lease."""

import subprocess

import pytest

from autograder import jail
from autograder.errors import CourseError


def test_forbidden_user_namespaces_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(cmd, **kwargs):
        assert "unshare" in cmd, cmd
        error = "unshare: unshare failed: Operation not permitted"
        return subprocess.CompletedProcess(cmd, 1, "", error)

    monkeypatch.setattr(jail.subprocess, "run", refused)
    user = jail.SlotUser("dcgrade9", 65000, 65000, jail.SUBID_BASE)
    with pytest.raises(CourseError) as raised:
        jail.check_userns(user)
    text = str(raised.value)
    assert "dcgrade9 may not create a user namespace" in text and "Operation not permitted" in text
    assert "--backend private" in text, text


def test_allowed_user_namespaces_pass() -> None:
    slot = jail.claim_slot()
    try:
        jail.check_userns(slot.user)  # this machine allows them: no error
    finally:
        slot.release()
