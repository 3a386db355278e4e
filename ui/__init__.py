"""Streamlit glue shared by the pages: the frame, widgets and formatting. No maths lives here."""

from .frame import Current, bound, change, compute, frame, key, last_edited, redo, set_spec, shipped_spec, undo

__all__ = [
    "Current",
    "bound",
    "change",
    "compute",
    "frame",
    "key",
    "last_edited",
    "redo",
    "set_spec",
    "shipped_spec",
    "undo",
]
