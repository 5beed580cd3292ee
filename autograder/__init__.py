"""docker-course: an auto-graded Jupyter course on Docker images vs containers."""

__version__ = "0.1.0"
