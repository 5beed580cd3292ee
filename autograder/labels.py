"""Labels that mark every Docker object this project creates, so cleanup never touches others."""

from __future__ import annotations

PREFIX = "docker-course"
#: present on every object the course, its tools or its tests create
MANAGED = f"{PREFIX}.managed"
#: who created it: "images", "doctor", "tests", a section name, ...
OWNER = f"{PREFIX}.owner"
#: marks an offline stand-in for an official image
STANDIN = f"{PREFIX}.standin"
#: a sentence saying what the stand-in really is
STANDIN_NOTE = f"{PREFIX}.standin.note"


def managed(owner: str, **extra: str) -> dict[str, str]:
    """Labels for a new object created by ``owner``."""
    return {MANAGED: "true", OWNER: owner, **extra}


def selector(owner: str | None = None) -> dict[str, list[str]]:
    """A ``filters`` argument for the docker SDK selecting our objects (of one owner)."""
    wanted = [f"{MANAGED}=true"] if owner is None else [f"{OWNER}={owner}"]
    return {"label": wanted}
