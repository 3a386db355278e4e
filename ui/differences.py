"""The differences between two scenarios as a table (Compare, History, a save that met a newer version):
each input, its two values, and the NPV it alone moves (``roi.analysis.compare.differences``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from roi.analysis.compare import stopped_note
from roi.inputs.formats import pounds


def npv_effects(table: Any) -> list[str]:
    """The words for ``roi.analysis.compare.differences``' effects: pounds, "cannot be applied alone", or, past
    its time budget, "not valued (time limit)"."""
    valued = table.attrs.get("valued", len(table))
    return [
        "not valued (time limit)" if row >= valued else "cannot be applied alone" if v is None or v != v else pounds(v)
        for row, v in enumerate(table["npv_effect"])
    ]


def unbroken(frame: Any) -> Any:
    """A table's text with a negative amount kept on one line when its cell wraps ('-£207,608' broke
    after the minus sign on a phone): a word joiner, which takes no width, after each '-£'."""
    return frame.map(lambda v: v.replace("-£", "-\u2060£") if isinstance(v, str) else v)


def differences_table(table: Any, first: str, second: str, wrap: bool = False) -> None:
    """A ``roi.analysis.compare.differences`` table (Compare, History, a save conflict): each input, its value in
    ``first`` and ``second``, the NPV it alone moves, and a note if the time budget cut it short.
    ``wrap``: a static table whose cells wrap, so it fits a phone's width without sideways scrolling."""
    shown = table.assign(npv_effect=npv_effects(table))
    columns = {"input": "Input", "first": first, "second": second, "npv_effect": "Moves NPV by"}
    if wrap:
        st.table(unbroken(shown.rename(columns=columns).set_index("Input")))
    else:
        st.dataframe(shown.rename(columns=columns), hide_index=True, width="stretch")
    if stopped_note(table):
        st.caption(stopped_note(table))
