"""Build the offer: choose interventions, set local volumes, costs and effects, and appraisal settings."""

import streamlit as st

import ui
from ui.appraisal_settings import appraisal_settings
from ui.headline import tiles
from ui.offer_inputs import (
    intervention_panels,
    intervention_picker,
    overlap_inputs,
    population_input,
    unit_cost_finder,
)

current = ui.frame("Build the offer", ":material/construction:")
scenario, result = current.scenario, current.result

st.title("Build the offer")
st.caption(
    "Every change updates every page at once. Values you change here become your figures in your "
    "scenario, credited to you; the documented library is never altered."
)
tiles(result)
intervention_picker(scenario)
overlap_inputs(scenario, result)  # double counting between interventions: shown where they are added
population_input(scenario.settings)
unit_cost_finder(scenario)
intervention_panels(scenario, result)
appraisal_settings(scenario)
