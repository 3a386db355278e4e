"""Streamlit glue shared by the pages: the frame, widgets and formatting. No maths lives here."""

from .frame import Current, bound, change, compute, frame, key, set_spec, shipped_spec

__all__ = ["Current", "bound", "change", "compute", "frame", "key", "set_spec", "shipped_spec"]
