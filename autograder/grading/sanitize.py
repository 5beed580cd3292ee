"""Sanitizing steps nbgrader lacks: cells whose nbgrader metadata is not nbgrader's, or lost
its ``grade_id``.

nbgrader reads ``cell.metadata.nbgrader`` as a dict everywhere: a submission that put a string
there (``"nbgrader": "lies"``) made ``DeduplicateIds`` raise, and the whole notebook scored 0.
:class:`DropBadMetadata` (before ``DeduplicateIds``) turns such cells into plain cells.

``DeduplicateIds`` empties the metadata of every copy of a cell but the last (a student who
pasted a task cell twice), and a student can delete a ``grade_id`` while the ``grade`` flag
stays. nbgrader's ``OverwriteCells`` then raises ``KeyError: 'grade_id'`` and the whole
notebook scores 0. Such cells become plain cells here; the teacher's cells are put back by
``OverwriteCells`` (``add_missing_cells``) as for any deleted cell.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor


class DropOrphanIds(NbGraderPreprocessor):
    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        meta = cell.get("metadata", {})
        if "nbgrader" in meta and not meta["nbgrader"].get("grade_id"):
            self.log.warning("Cell %d lost its grade_id: treated as a plain cell", index)
            del meta["nbgrader"]
        return cell, resources


class DropBadMetadata(NbGraderPreprocessor):
    """nbgrader metadata that is not a dict, or whose ``grade_id`` is not a string: dropped."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        meta = cell.get("metadata", {})
        found = meta.get("nbgrader") if isinstance(meta, dict) else None
        if "nbgrader" in meta and not (
            isinstance(found, dict) and isinstance(found.get("grade_id", ""), str)
        ):
            self.log.warning("Cell %d has no valid nbgrader metadata: treated as plain", index)
            del meta["nbgrader"]
        return cell, resources
