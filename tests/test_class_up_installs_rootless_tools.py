"""`class up` installs what every student's rootless engine needs (rootlesskit, slirp4netns,
uidmap) before the hub starts: on a fresh machine the first student's spawn otherwise fails with
"rootlesskit needs to be installed" (seen in CI when no grading had run before). Engine-free."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import jail
from autograder.hub import server


class Asked(Exception):
    pass


def test_up_asks_for_the_rootless_tools_before_the_hub_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nkim\n")
    installed: list[list[str]] = []

    def apt_install(packages, *, why):
        installed.append(sorted(packages))
        raise Asked  # stop here: nothing of the hub has started

    monkeypatch.setattr(jail, "_which", lambda tool: tool != "rootlesskit")
    monkeypatch.setattr(jail.system, "apt_install", apt_install)
    started = []
    monkeypatch.setattr(server.subprocess, "Popen", lambda *a, **k: started.append(a))
    with pytest.raises(Asked):
        server.up(Path.cwd(), roster, teacher="park", state=tmp_path / "state", echo=print)
    assert installed == [["rootlesskit"]], f"apt was asked for {installed}"
    assert not started, f"the hub started before the tools were there: {started}"
