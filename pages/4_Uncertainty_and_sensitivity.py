"""Uncertainty and sensitivity: how sure is this saving, and which assumption matters most?"""

import streamlit as st

import ui
from ui.exports import export_buttons
from ui.uncertainty_view import sensitivity, simulation, simulation_results, simulation_settings

current = ui.frame("Uncertainty and sensitivity", ":material/casino:")
scenario, result = current.scenario, current.result

st.title("Uncertainty and sensitivity")
st.caption(
    "Every unit cost and effect parameter with a low-high range is drawn at once (triangular, or PERT, on "
    "low / central / high). Ranges marked as local judgements have no published basis."
)
draws, seed, distribution = simulation_settings(scenario)
run_key = (current.spec.model_dump_json(), draws, seed, distribution)  # the simulation's key on the server
summary = simulation(scenario, run_key)
simulation_results(scenario, result, run_key, summary)
sensitivity(run_key[0], result)

st.divider()
st.markdown("**Take it to the board**")
export_buttons(result, st.session_state.base_name.replace(" ", "_"))
