"""Grading submissions: one private engine per submission, parallel workers, an out-of-kernel
audit of the state-based checks, results merged into nbgrader's gradebook by one writer."""
