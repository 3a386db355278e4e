"""Check a claim: a health partner recomputes a savings claim with their own unit costs and judgements,
sees like for like why it differs, who gets the money, and sends back a one-page report."""

import streamlit as st

import ui
from roi.analysis import claims
from ui import claim_inputs, claim_state, claim_view
from ui.text import md
from ui.ucd_search import find_unit_cost

current = ui.frame("Check a claim", ":material/fact_check:")
library = current.scenario.library
state = st.session_state
claim_state.init(library)

st.title("Check a savings claim")
st.caption(
    "Enter a claim as the scheme states it. The tool recomputes it at the library's unit costs, the current "
    "scenario's or your own, applies deadweight, attribution and optimism bias, shows each step from the claimed "
    "figure to a defensible one like for like (in the claim's own period and prices), and says who gets the money."
)

claim_inputs.open_claim(library)
error = state.pop("claim_error", None)
if error:
    st.error(md(error), icon=":material/warning:")

claim = state.claim
# GMCA Unit Cost Database rows (ucd:CODE) the claim's lines use join the unit costs it can show (roi.inputs.ucd).
library = claims.with_ucd_rows(claim, library, claim_state.TYPED)

claim_inputs.claim_fields(claim, library)
defaults = claims.load_claim_defaults(library)
for i in range(len(claim.savings)):  # each line as claimed, and your check of it
    claim_inputs.line(i, claim, library, defaults, current.scenario.unit_costs)
if st.button("Add a line", icon=":material/add:", key=claim_state.key("add")):
    claim_state.change({"add_line": {"unit_cost": "bed_day", "quantity": 0}}, library, renew=True)
    st.rerun()
claim_state.update_link()

with st.container(border=True, key="claim-ucd"):  # find a unit cost in the GMCA Unit Cost Database
    find_unit_cost(
        "claim-ucd",
        library,
        use_label="Add a claim line on this unit cost",
        on_use=lambda cost_id: claim_state.change(
            {"add_line": {"unit_cost": cost_id, "quantity": 1.0}}, library, renew=True
        ),
    )

if claim_state.is_blank(claim):
    st.info(
        "Type the claim above (what it claims, the saving, and a line for each outcome it counts), or open an "
        "example, and its check appears here.",
        icon=":material/edit_note:",
    )
    st.stop()
check, refused = claim_state.last_good_check(claim, library, current.scenario)
if refused:
    kept = " The last good check stays below." if check is not None else ""
    st.error(f"{md(refused)}.{kept}", icon=":material/warning:")
if check is None:
    st.stop()

claim_view.headline(check)
claim_view.steps(check)
claim_view.money(check)
claim_view.send_back(check)
