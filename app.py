"""Overview: the one page a partnership board reads."""

import streamlit as st

import ui
from roi.analysis import deal
from roi.analysis.summary import headline_sentence
from roi.inputs.schema import FISCAL_VALUE_TYPES, VALUE_TYPES
from roi.outputs.offer_text import appraisal_basis, undeclared_overlaps_warning
from ui.chart_view import result_chart
from ui.exports import export_buttons
from ui.headline import local_example_note, partner_table, tiles
from ui.text import md

current = ui.frame("Overview", ":material/dashboard:")
result = current.result

presenting = st.toggle(  # while it is on, ui/style.css lays the page out for a projector
    "Presentation view",
    key="presentation",
    help="For a projector or a board: the headline, each partner's position and the likely range on one "
    "screen in large type, without the sidebar. Switch it off to return.",
)
st.title(md(current.scenario.name))
st.caption(appraisal_basis(current.scenario.settings))
tiles(result)
partner_table(result)
if presenting:
    st.stop()
st.markdown(md(headline_sentence(result)))  # a sentence, read as one: not set as a heading
st.markdown(md(deal.funding_sentence(result)))  # who funds it, and the deal agreed (Make the deal)
local_example_note(result)

result_chart(current.spec, "savings_by_partner", key="overview-by-partner")
fiscal_only = st.toggle(
    "Fiscal savings only in the table below",
    value=True,
    key="overview-fiscal-only",
    help="Off: include economic and social value as well.",
)
value_types = FISCAL_VALUE_TYPES if fiscal_only else VALUE_TYPES
result_chart(current.spec, "who_pays_who_saves", tuple(value_types), key="overview-matrix")

double_counting = undeclared_overlaps_warning(result, escape=md)  # said here too, never only in a closed panel
if double_counting:
    st.warning(double_counting, icon=":material/warning:")
if result.warnings:
    with st.expander(f"Notes on this result ({len(result.warnings)})"):
        for warning in result.warnings:
            st.markdown(f"- {md(warning)}")
st.caption(
    "Bed-days, admissions and appointments avoided free NHS capacity; they become cash only where beds "
    "close or planned spending stops, so they count as non-cashable. Economic and social value is shown "
    "but never added into savings."
)

with st.container(key="print-hide-exports"):  # left out when the page is printed (ui/style.css)
    st.divider()
    st.markdown("**Take it to the board**")
    export_buttons(result, st.session_state.base_name.replace(" ", "_"))
