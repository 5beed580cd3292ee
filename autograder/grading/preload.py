"""Imported once by the grading forkserver (``launcher.PRELOAD``): what each nbgrader fork
would otherwise import or build for itself, once per submission.

Measured with cProfile inside the forks of a 20-submission class (2026-12-03): nbformat's
schema validators (fastjsonschema compiles one per process: 0.24 s a submission) and the
modules nbgrader imports only once it runs (IPython, ipykernel's kernelspec, SQLAlchemy's
sqlite dialect, psutil: ~0.2 s a submission), and SQLAlchemy's first use of nbgrader's
gradebook in a process (mapper configuration, statement caches: 37 ms, then 3 ms for each
later gradebook; autograde opens nine). nbformat keeps its validators in a module-level
cache and SQLAlchemy its mappers and caches on classes, so a fork inherits them built.
"""

from __future__ import annotations

import contextlib
import gc
import netrc  # noqa: F401 - requests reads ~/.netrc on its first call
import sqlite3  # noqa: F401
import tempfile

import ipykernel.connect
import ipykernel.kernelspec  # noqa: F401
import IPython  # noqa: F401
import nbformat
import psutil  # noqa: F401
import sqlalchemy
import sqlalchemy.dialects.sqlite
from nbformat import v4
from nbgrader.api import Base, Gradebook, MissingEntry

from . import sanitize  # noqa: F401 - named in the autograde config of every submission


def _warm_validators() -> None:
    """Build every validator a notebook's trip through nbgrader asks for (read, the
    preprocessors' relaxed checks, new outputs, write) on a notebook of each cell and output
    kind."""
    outputs = [
        v4.new_output("stream", name="stdout", text="x"),
        v4.new_output("display_data", data={"text/plain": "x"}),
        v4.new_output("execute_result", data={"text/plain": "x"}, execution_count=1),
        v4.new_output("error", ename="E", evalue="x", traceback=[]),
    ]
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("x"),
            v4.new_code_cell("x", outputs=outputs, execution_count=1),
            v4.new_raw_cell("x"),
        ]
    )
    for relax in (False, True):
        nbformat.validate(nb, relax_add_props=relax)
    nbformat.reads(nbformat.writes(nb), as_version=4)


def _warm_gradebook() -> None:
    """Open a gradebook (in a temporary folder) and ask it what autograde asks; its tables
    are made first, so that nbgrader does not run ``alembic`` for a new database."""
    with tempfile.TemporaryDirectory(prefix="docker-course-preload-") as folder:
        url = f"sqlite:///{folder}/gradebook.db"
        engine = sqlalchemy.create_engine(url)
        Base.metadata.create_all(bind=engine)
        engine.dispose()
        with Gradebook(url) as gb:
            gb.update_or_create_student("preload")
            gb.update_or_create_assignment("preload")
            with contextlib.suppress(MissingEntry):
                gb.find_submission("preload", "preload")


_warm_validators()
_warm_gradebook()
# the last of the forkserver's preloads (``launcher.PRELOAD``): every object alive now moves to
# the collector's permanent generation, so a fork's collections never walk (and so never
# write to, page by copied page) the ~100 MB the forks share with this server
gc.freeze()
