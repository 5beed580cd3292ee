"""Floor of source/07-review: its engine operations as a plain script (see _ops.py).

The review is a quiz: besides the setup cell and the engine panel it does no engine work."""

from _ops import Floor

f = Floor("07-review")
with f.step("setup"):
    f.setup()
with f.step("panels"):
    f.engine_panel()
with f.step("cleanup"):
    f.reset()
f.done()
