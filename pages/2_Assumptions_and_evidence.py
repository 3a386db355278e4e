"""Assumptions and evidence: every figure with its source; edit, reset, upload and download."""

import streamlit as st

import ui
from roi.analysis.evidence import library_figure_counts
from ui.evidence_view import effects, evidence_tables_for, figure_counts, parameters_view, published_tools, ucd_library
from ui.scenario_file import scenario_file
from ui.unit_cost_editor import unit_cost_editor

current = ui.frame("Assumptions and evidence", ":material/menu_book:")
scenario = current.scenario
counts, cost_table, parameters = evidence_tables_for(current.spec.model_dump_json())

st.title("Assumptions and evidence")
st.caption(
    f"Every unit cost with its source, price year and the factor that uprates it to "
    f"{scenario.settings.price_year} prices (HM Treasury GDP deflator). Edit a value in the *Value* column: "
    "it becomes *your figure*, credited to you with your note and the date; the documented value stays in the library."
)
figure_counts(counts, library_figure_counts(scenario.library))  # who said each number
unit_cost_editor(current.spec, scenario, cost_table.copy())
ucd_library(scenario)
effects(scenario)
parameters_view(parameters)
published_tools()
scenario_file(current.spec)
