"""Make the deal: who should fund what, so that every partner comes out whole."""

import streamlit as st

import ui
from roi.analysis import deal
from roi.inputs.parameters import standard_draws
from ui import deal_view
from ui.exports import export_buttons
from ui.text import md

current = ui.frame("Make the deal", ":material/balance:")
spec = current.spec
applied = deal.in_force(spec)
base_spec = deal.undo_deal(spec)
base = ui.compute(base_spec)

st.title("Make the deal")
st.caption(
    "Who should fund what, so that every partner comes out whole? Pick a rule, see where each partner "
    f"ends up, and apply it to the scenario. Present values at {current.scenario.settings.price_year} "
    f"prices; contributions by financial year are undiscounted. The chance of a loss comes from "
    f"{standard_draws(current.scenario):,} "
    "simulations of every range."
)

if applied is not None:
    st.success(f"Deal applied: **{md(applied.label)}**. Every page and export now shows this funding.")
    st.button("Undo the deal", key="deal-undo", on_click=lambda: ui.set_spec(base_spec), icon=":material/undo:")
elif spec.deal is not None:
    st.warning(f"The deal ‘{md(spec.deal.label)}’ no longer applies: the funding was changed after it was agreed.")

rule = deal_view.pick_rule()
options, spots = deal_view.rule_options(rule, base, current.scenario)
proposal, stale = deal_view.propose(base, base_spec.model_dump_json(), rule, options, spots)
deal_view.verdict(proposal)
deal_view.positions(proposal)

st.button(
    "Apply this deal to the scenario",
    key="deal-apply",
    type="primary",
    icon=":material/handshake:",
    on_click=lambda: ui.set_spec(deal.apply_deal(spec, proposal)),
    disabled=stale,
    help="Sets every intervention's funding (or adds the gain-share payments); Undo puts it back exactly.",
)
st.caption(
    "Applying rewrites each intervention's funding shares to this split (a gain share adds the payments "
    "between partners instead), so Overview, Savings by partner, the exports and the scenario link all show "
    "the deal. The funding it replaces is kept, so Undo restores it exactly."
)

st.divider()
st.markdown("**Take it to the board**")
export_buttons(current.result, st.session_state.base_name.replace(" ", "_"))
