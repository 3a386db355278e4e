"""'Find a unit cost': search the GMCA Unit Cost Database v1.4 (roi.inputs.ucd) and, where a page can, use a row."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from roi import InputError
from roi.inputs import ucd
from roi.inputs.formats import pounds
from ui.text import md


def _table(rows: list[ucd.Row], library) -> pd.DataFrame:  # noqa: ANN001 - roi.Library
    """Four columns, so that the table fits a projector's page (1280 x 720) without sideways scrolling."""

    def values(row: ucd.Row) -> str:
        parts = [
            f"{kind} {pounds(v.value, pence=True)} ({v.year_as_given})"
            for kind in ("fiscal", "economic", "social")
            if (v := row.values.get(kind))
        ]
        return f"{row.unit}: " + "; ".join(parts)

    def borne(row: ucd.Row) -> str:
        who = library.partners[row.partner].label if row.partner else ("not mapped" if "fiscal" in row.values else "-")
        return f"{row.grade} · {who}"

    return pd.DataFrame(
        {
            "Code": [r.code for r in rows],
            "Unit cost": [r.label for r in rows],
            "Value": [values(r) for r in rows],
            "Grade, borne by": [borne(r) for r in rows],
        }
    )


COLUMNS = {
    "Code": st.column_config.TextColumn(width=70),
    "Unit cost": st.column_config.TextColumn(width=330),
    "Value": st.column_config.TextColumn(width=220),
    "Grade, borne by": st.column_config.TextColumn(width=190),
}


def find_unit_cost(
    key: str,
    library,  # noqa: ANN001 - roi.Library
    use_label: str | None = None,
    on_use: Callable[[str], None] | None = None,
) -> None:
    """A search box over the database; results as a table, and (with ``on_use``) a row to pick and a button
    that passes the picked row's id (``ucd:CODE``) to ``on_use``."""
    st.markdown(f"**Find a unit cost** in the {ucd.SHORT}")
    words = st.text_input(
        "Find a unit cost",
        key=f"{key}-words",
        placeholder="e.g. eviction, A&E attendance, looked after children",
        help="Every word must appear in a row's label, code or commentary. Values are at their own price year; "
        "a row you use is uprated with the GDP deflator like any other cost.",
    )
    if not words.strip():
        return
    try:
        rows = ucd.search(words, library)
    except InputError as error:  # a damaged database file: one line, and the page goes on
        st.error(md(str(error)), icon=":material/warning:")
        return
    if not rows:
        st.info(ucd.no_match(words))
        return
    st.caption(f"{len(rows)} row{'s' if len(rows) != 1 else ''}, best match first (at most {ucd.MAX_RESULTS}).")
    st.dataframe(_table(rows, library), hide_index=True, width="stretch", column_config=COLUMNS)
    if on_use is None:
        return
    usable = [r for r in rows if r.usable and r.total > 0]
    if not usable:
        st.info("None of these rows can be used: their agency maps to no partner of this tool.")
        return
    labels = {r.id: f"{r.code}: {r.label}" for r in usable}
    chosen = st.selectbox("Row to use", list(labels), format_func=lambda i: labels[i], key=f"{key}-row")
    if chosen is not None:
        st.caption(md(ucd.describe(ucd.load(library).rows[chosen])))
    if st.button(use_label or "Use this unit cost", key=f"{key}-use") and chosen is not None:
        on_use(chosen)
        st.rerun()
