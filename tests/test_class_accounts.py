"""One password per student (a shared one would let any student log in as any other): kept
across starts, hashed for the hub, the sheet for the teacher readable by root only."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

from autograder.hub import accounts
from autograder.hub.roster import Roster


def _sheet(state: Path) -> dict[str, str]:
    with open(state / "passwords.csv", newline="") as fh:
        return {r["id"]: r["password"] for r in csv.DictReader(fh)}


def test_each_student_has_a_password_of_their_own(tmp_path: Path) -> None:
    new = accounts.write(tmp_path, Roster(("kim", "lee"), "park"))
    assert set(new) == {"kim", "lee", "park"} and len(set(new.values())) == 3, new
    found = accounts.read(tmp_path)
    assert accounts.verify(found, "kim", new["kim"])
    assert not accounts.verify(found, "lee", new["kim"]), "kim's password opens lee's account"
    assert not accounts.verify(found, "nobody", new["kim"])
    assert len(new["park"]) > len(new["kim"]), "the teacher's password is the longer one"
    assert new["kim"] not in (tmp_path / "accounts.json").read_text(), "a password in clear"


def test_passwords_survive_a_restart_and_newcomers_get_one(tmp_path: Path) -> None:
    first = accounts.write(tmp_path, Roster(("kim",), "park"))
    second = accounts.write(tmp_path, Roster(("kim", "lee"), "park"))
    assert set(second) == {"lee"}, second
    assert _sheet(tmp_path)["kim"] == first["kim"], "kim's password changed on restart"
    assert accounts.verify(accounts.read(tmp_path), "kim", first["kim"])


def test_the_files_are_root_only(tmp_path: Path) -> None:
    accounts.write(tmp_path, Roster(("kim",), "park"))
    for name in ("accounts.json", "passwords.csv"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600, f"{name}: {oct(mode)}"
