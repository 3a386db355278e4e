"""Download buttons for the board: Excel workbook, PDF board pack and scenario YAML, named after the
saved version they are when a saved document is open (:func:`ui.saved.export_label`)."""

from __future__ import annotations

import streamlit as st

import roi
from roi.outputs import export

from .saved import export_label


def export_buttons(result: roi.Result, name: str) -> None:
    """Download buttons for the board: Excel workbook, PDF board pack, scenario YAML."""
    stem, document = export_label(name or "scenario")  # a saved document: its name, version and author
    cols = st.columns(3)
    cols[0].download_button(
        "Excel workbook",
        data=lambda: export.workbook(result, document=document),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
    )
    cols[1].download_button(
        "Board pack (PDF)",
        data=lambda: export.board_pack(result, document=document),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        width="stretch",
    )
    cols[2].download_button(
        "Scenario (YAML)",
        data=roi.dump_spec(result.scenario.spec),
        file_name=f"{stem}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
