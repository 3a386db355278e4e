"""Reading an uploaded file, and the names pages have long imported from here.

The display helpers this module once held now live in smaller modules, each below the page frame and
saved work so that none imports another in a circle: :mod:`ui.headline` (tiles, the partner table),
:mod:`ui.chart_view` (charts), :mod:`ui.differences` (the differences between two scenarios) and
:mod:`ui.exports` (download buttons). Their names stay importable from here for the pages that use them.
"""

from __future__ import annotations

import streamlit as st

import roi

from .chart_view import chart, result_chart
from .differences import differences_table, unbroken
from .exports import export_buttons
from .text import md

__all__ = ["chart", "differences_table", "export_buttons", "read_upload", "result_chart", "unbroken"]


def read_upload(upload, parse, unchanged: str):  # noqa: ANN001, ANN201 - an UploadedFile and a roi parser
    """Parse an uploaded file with ``parse(bytes, name)``: refuse files over 1 MB, and show an InputError
    (file, field, allowed range) with what stays ``unchanged``. Returns the parsed object or None."""
    from roi.inputs.library import MAX_FILE_BYTES

    if upload is None:
        return None
    if upload.size > MAX_FILE_BYTES:
        st.error(f"{md(upload.name)}: the file is {upload.size:,} bytes; the limit is 1 MB. {unchanged}")
        return None
    try:
        return parse(upload.getvalue(), upload.name)
    except roi.InputError as error:
        st.error(f"{md(error)}. {unchanged}", icon=":material/warning:")
        return None
