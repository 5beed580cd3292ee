"""docker-course: an auto-graded Jupyter course on Docker images vs containers."""

from . import _speedups  # noqa: F401 - before anything imports jsonschema

__version__ = "0.1.0"
