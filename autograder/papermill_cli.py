"""``python -m autograder.papermill_cli``: papermill's own command line, started without the
import cost that ``autograder._speedups`` removes (seconds per executed notebook)."""

from __future__ import annotations

from papermill.cli import papermill

import autograder  # noqa: F401 - applies the import-time fixes first

if __name__ == "__main__":
    papermill()
