"""Facts about the host and the one way we install system packages (Debian's apt)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess

from .errors import CourseError


def is_linux() -> bool:
    return platform.system() == "Linux"


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def has_apt() -> bool:
    return shutil.which("apt-get") is not None


def apt_install(packages: list[str], *, why: str) -> None:
    """Install Debian packages, or explain exactly what the user must install themselves."""
    wanted = " ".join(packages)
    if not is_linux():
        raise CourseError(
            f"{why}: this needs Linux, but this is {platform.system()}.",
            fix="Start Docker Desktop (or another Docker engine) and run the command again.",
        )
    if not is_root():
        raise CourseError(
            f"{why}: installing {wanted} needs root.",
            fix=f"Run `sudo apt-get install -y {wanted}` once, or run this command as root.",
        )
    if not has_apt():
        raise CourseError(
            f"{why}: apt-get is not available to install {wanted}.",
            fix=f"Install {wanted} with your system's package manager.",
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {wanted} with apt-get ({why}) …", flush=True)
    for cmd in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
    ):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
            raise CourseError(
                f"{why}: `{' '.join(cmd)}` failed (exit {done.returncode}):\n{tail}",
                fix=f"Install {wanted} by hand, then run the command again.",
            )
