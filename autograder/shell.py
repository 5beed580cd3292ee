"""``!command`` in a notebook without a pause that only waits.

IPython runs every ``!command`` of a kernel in a pseudo-terminal (pexpect, over ptyprocess),
so ``docker run -it`` and coloured output behave as in a terminal. When the command has ended,
IPython reaps it (``isalive()``), and the pty object is then closed when it is collected:
``PtyProcess.close`` sleeps ``delayafterclose`` (0.1 s) to "give the kernel time to update
the process status" before it checks that status. For a child that was already reaped there
is nothing left to update, so the course's kernels close such a pty at once: 0.1 s saved per
``!docker`` line (about 8 s per run of the seven notebooks). A child that still runs, or was
not reaped yet, keeps ptyprocess's pause and its terminate-if-alive, unchanged.
"""

from __future__ import annotations

import functools

_MARK = "_docker_course_quick_close"


def install() -> bool:
    """Close reaped ptys without the pause, in this process (once); False without ptyprocess."""
    try:
        from ptyprocess import PtyProcess
    except ImportError:  # pragma: no cover - IPython on POSIX depends on it through pexpect
        return False
    if getattr(PtyProcess.close, _MARK, False):
        return True
    original = PtyProcess.close

    @functools.wraps(original)
    def close(self, force: bool = True) -> None:
        if not self.closed and self.terminated:  # reaped: its status is known already
            self.delayafterclose = 0
        original(self, force)

    setattr(close, _MARK, True)
    PtyProcess.close = close
    return True
