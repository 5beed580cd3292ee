"""Alternative correct solutions, one module per section (``sNN_name.py`` with ``CELLS``).

Each replaces solution cells (by grade_id) with other correct code: another style (SDK ↔
`!docker`), other file names. They prove that the checks read engine state, not code.
"""

import importlib
import pkgutil


def load() -> dict[str, dict[str, str]]:
    """assignment id ("02-build-run") → {grade_id: code}."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        assignment = info.name[1:].replace("_", "-")
        found[assignment] = module.CELLS
    return found


ALTERNATIVES = load()
