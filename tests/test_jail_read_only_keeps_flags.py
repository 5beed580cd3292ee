"""A read-only bind in the jail keeps the flags of the mount it binds (nosuid, nodev, noexec),
as ``mount -o remount,bind,ro`` does: a bind remount sets exactly the flags it is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autograder import jail_root

PROBE = """
import os, sys
sys.path.insert(0, {package!r})
import jail_root
a, b = sys.argv[1], sys.argv[2]
flags = jail_root.MS_NOSUID | jail_root.MS_NODEV | jail_root.MS_NOEXEC
jail_root.tmpfs(a, "probe", "size=64k", flags)
jail_root.bind_read_only(a, b)
print(os.statvfs(b).f_flag)
"""


def test_read_only_bind_keeps_nosuid_nodev_noexec(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    code = PROBE.format(package=str(Path(jail_root.__file__).parent))
    done = subprocess.run(  # in a mount namespace of its own: nothing of it outlives the test
        ["unshare", "--mount", "--propagation", "private", sys.executable, "-I", "-S", "-c", code,
         str(a), str(b)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    flags = int(done.stdout)
    for name in ("ST_RDONLY", "ST_NOSUID", "ST_NODEV", "ST_NOEXEC"):
        assert flags & getattr(os, name), f"{name} lost on the read-only bind: flags {flags:#x}"
