"""Reading an uploaded file: one reader for every upload (a scenario, a claim).

The display helpers this module once held live in :mod:`ui.headline` (tiles, the partner table),
:mod:`ui.chart_view` (charts), :mod:`ui.differences` (two scenarios compared) and :mod:`ui.exports`
(download buttons).
"""

from __future__ import annotations

import streamlit as st

import roi
from roi.inputs.limits import MAX_FILE_BYTES

from .text import md


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
