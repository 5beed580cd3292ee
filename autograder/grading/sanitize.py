"""A sanitizing step nbgrader lacks: cells whose nbgrader metadata lost its ``grade_id``.

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
