"""Streamlit glue shared by the pages: the frame, widgets and formatting. No maths lives here.

``ui.frame(...)`` sets up a page; the scenario's state and the widgets bound to it are :mod:`ui.state`.
"""

from .frame import Current, frame
from .state import bound, change, compute, key, last_edited, number_field, redo, set_spec, shipped_spec, undo

__all__ = [
    "Current",
    "bound",
    "change",
    "compute",
    "frame",
    "key",
    "last_edited",
    "number_field",
    "redo",
    "set_spec",
    "shipped_spec",
    "undo",
]
