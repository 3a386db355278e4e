"""Streamlit glue shared by the pages: the frame, widgets and formatting. No maths lives here."""

from .frame import Current, change, compute, frame, key, set_spec, shipped_spec

__all__ = ["Current", "change", "compute", "frame", "key", "set_spec", "shipped_spec"]
