"""Reading an uploaded file, and the names pages have long imported from here.

The display helpers this module once held now live in smaller modules, each below the page frame and
saved work so that none imports another in a circle: :mod:`ui.headline` (tiles, the partner table),
:mod:`ui.chart_view` (charts), :mod:`ui.differences` (the differences between two scenarios) and
:mod:`ui.exports` (download buttons). Their names stay importable from here for the pages that use them.
"""

from __future__ import annotations

import streamlit as st

import roi
from roi.inputs.limits import MAX_FILE_BYTES

from .chart_view import chart, result_chart
from .differences import differences_table, unbroken
from .exports import export_buttons
from .text import md

__all__ = ["chart", "differences_table", "export_buttons", "read_upload", "result_chart", "unbroken"]


def read_upload(upload, parse, unchanged: str):  # noqa: ANN001, ANN201 - an UploadedFile and a roi parser
    """Read an uploaded file once with ``parse(bytes, name)`` and return what it parses to; None while
    there is no file, after its first reading, or when it is refused. A file over 1 MB is refused, as
    is one ``parse`` refuses (an InputError: file, field, allowed range); the reason, with what stays
    ``unchanged``, is shown for as long as the file stays in its uploader. Read once, a file left in
    its uploader never undoes the changes made after it was opened."""
    if upload is None:
        return None
    problems = st.session_state.setdefault("upload-problems", {})  # file id -> the reason it was refused
    if upload.file_id not in problems:
        problems[upload.file_id] = None
        if upload.size > MAX_FILE_BYTES:
            problems[upload.file_id] = f"{upload.name}: the file is {upload.size:,} bytes; the limit is 1 MB."
        else:
            try:
                return parse(upload.getvalue(), upload.name)
            except roi.InputError as error:
                problems[upload.file_id] = str(error) if str(error).endswith((".", "?", "!")) else f"{error}."
    if problems[upload.file_id]:
        st.error(f"{md(problems[upload.file_id])} {unchanged}", icon=":material/warning:")
    return None
