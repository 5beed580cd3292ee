"""Students' view: layer diagrams, check panels and an engine panel (ipywidgets 8)."""
