"""Import-time fixes for the tools this project starts many times (graders, papermill).

``jsonschema`` (imported by nbformat, nbgrader, papermill, jupyter_events) loads the optional
``rfc3987_syntax`` package if it is installed, and that package builds ~35 Lark parsers at
import: ~2 s of CPU in every process, for the ``iri`` string format that no Jupyter schema
uses (python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532). Marking it absent
makes jsonschema skip that one format checker; every other check is unchanged.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
