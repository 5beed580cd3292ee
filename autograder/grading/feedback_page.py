"""The exporter of nbgrader's feedback pages: nbconvert's HTML export, without a second parse
of a page that it would not change.

nbconvert's ``HTMLExporter`` renders the page, then parses all of it again with BeautifulSoup's
pure-Python parser to add alternative text to images that have none and ``tabindex`` to the lab
template's cells. A feedback page (the classic template, ~200 KB, ~2 000 tags of highlighted
code) has neither in most courses, and that parse and re-serialisation took ~0.1 s of a core a
page (~60% of a page's cost). This exporter renders the same way and runs the very same edits
only when the page holds an ``<img`` tag or one of those cell classes; a page without them is
the rendered page itself (the same document: only BeautifulSoup's re-serialisation is skipped).

The course's ``nbgrader_config.py`` makes it the feedback exporter
(``GenerateFeedback.exporter_class``); it reads ``HTMLExporter``'s configuration like the stock one.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

#: what HTMLExporter's edits select: an image, or a lab-template cell or output
_EDITABLE = re.compile(r"<img\b|jp-Cell-inputWrapper|jp-OutputArea-output", re.IGNORECASE)
NO_ALT = "No description has been provided for this image"  # nbconvert's words


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` that re-parses a page only when the parse has something to edit."""

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter.from_notebook_node (nbconvert 7), up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if _EDITABLE.search(html) is None:
            return html, resources
        return self._accessible(html), resources

    def _accessible(self, html: str) -> str:
        """HTMLExporter's edits, as it makes them."""
        soup = BeautifulSoup(html, features="html.parser")
        missing_alt = 0
        for elem in soup.select("img:not([alt])"):
            elem.attrs["alt"] = NO_ALT
            missing_alt += 1
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
            elem.attrs["tabindex"] = "0"
        for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
            elem.attrs["tabindex"] = "0"
        return str(soup)
