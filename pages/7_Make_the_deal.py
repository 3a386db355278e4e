"""Make the deal: who should fund what, so that every partner comes out whole."""

from types import SimpleNamespace

import pandas as pd
import streamlit as st

import roi
import ui
from roi import charts, deal
from roi.deal_verb import simulation_for
from roi.limits import standard_draws
from roi.model import STANDARD_SEED, pounds
from ui.text import md
from ui.widgets import chart, export_buttons

SEED = STANDARD_SEED  # with roi.limits.standard_draws: the one simulation the Overview and board pack show

current = ui.frame("Make the deal", ":material/balance:")
spec = current.spec
library = current.scenario.library
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


@st.cache_data(max_entries=32, show_spinner=False)
def draws(spec_json: str) -> dict | None:
    """Per-partner draws of the scenario as written (small: a few arrays of 10,000)."""
    scenario = roi.resolve(roi.schema.ScenarioSpec.model_validate_json(spec_json))
    sim = simulation_for(scenario, standard_draws(scenario), SEED)
    if sim is None:
        return None
    return {"pv_costs": sim.pv_costs, "partner_costs": sim.partner_costs, "partner_cash": sim.partner_cash}


drawn = draws(base_spec.model_dump_json())
simulation = None if drawn is None else SimpleNamespace(**drawn)

rule = st.segmented_control(
    "Rule",
    list(deal.RULES),
    default="cash_break_even",
    key="deal-rule",
    format_func=lambda r: deal.RULES[r].split(":")[0],
    width="stretch",
)
rule = rule or "cash_break_even"
st.caption(deal.RULE_HELP[rule])

options: dict = {}
taking_part = deal.paying_partners(base)
if rule == "custom":
    starting = deal.funding_percentages(base)
    cols = st.columns(min(4, len(taking_part)))
    shares = {}
    for i, partner in enumerate(taking_part):
        shares[partner] = (
            cols[i % len(cols)].number_input(
                f"{library.partners[partner].label} (%)",
                min_value=0.0,
                max_value=100.0,
                value=starting[partner],
                step=5.0,
                key=f"deal-share-{partner}",
            )
            / 100
        )
    options["shares"] = shares
elif rule == "gain_share":
    outcomes = {o.unit_cost for i in current.scenario.interventions for o in i.outcomes}
    unit_costs = [u for u in base.scenario.unit_costs if u in outcomes]
    cols = st.columns(4)
    payers = [p for p in taking_part if p != "district"] or taking_part
    options["payer"] = cols[0].selectbox(
        "Payer", payers, key="deal-payer", format_func=lambda p: library.partners[p].label
    )
    options["outcome"] = cols[1].selectbox(
        "Outcome paid on",
        unit_costs,
        index=unit_costs.index("bed_day") if "bed_day" in unit_costs else 0,
        key="deal-outcome",
        format_func=lambda u: base.scenario.unit_costs[u].label,
    )
    options["price"] = cols[2].number_input(
        "Price per unit avoided (£)", min_value=0.0, max_value=1e9, value=200.0, step=10.0, key="deal-price"
    )
    cap = cols[3].number_input(
        "Annual cap (£, 0 for none)", min_value=0.0, max_value=1e12, value=0.0, step=10_000.0, key="deal-cap"
    )
    options["cap"] = cap or None

try:
    proposal = deal.propose(base, rule, simulation=simulation, file="this page", **options)
except roi.InputError as error:
    st.error(f"{md(error)}. Nothing has changed.", icon=":material/warning:")
    st.stop()

st.subheader(md(proposal.label))
if proposal.shortfall > 0:
    st.warning(
        f"**No split leaves every partner whole in cash:** the offer's cash savings fall "
        f"**{pounds(proposal.shortfall)}** short of its cost, whoever pays.",
        icon=":material/error:",
    )
    with st.expander("Who carries the shortfall under each rule"):
        st.markdown(
            "\n".join(
                f"- **{md(name)}:** "
                + md(", ".join(f"{who} {pounds(amount)}" for who, amount in people) or "nobody")
                + " short"
                for name, people in proposal.carriers.items()
            )
        )
elif proposal.feasible:
    st.success("Under this split no partner loses cash (central estimate).", icon=":material/check_circle:")
else:
    short = proposal.positions[proposal.positions["cash_npv"] < -0.005]
    st.warning(
        "Under this split some partners are short of cash: "
        + md(", ".join(f"{r.label} {pounds(-r.cash_npv)}" for r in short.itertuples()))
        + ". A split where nobody loses cash exists: try 'Nobody loses cash'.",
        icon=":material/warning:",
    )

chart(charts.deal_positions(proposal, "cash_npv"), key="deal-cash-chart")
chart(charts.deal_positions(proposal, "fiscal_npv"), key="deal-fiscal-chart")

st.markdown("**Who pays what, each financial year**")
table = proposal.contributions.drop(columns=["partner"]).rename(
    columns={"label": "Partner", "share": "Share", "pv": "Present value"}
)
years = [y for y in proposal.years if proposal.contributions[y].abs().sum() > 0.005]
table = table[["Partner", "Share", "Present value", *years]]
st.dataframe(
    table.style.format(
        {"Share": "{:.1%}", "Present value": pounds} | dict.fromkeys(years, pounds)  # whole pounds, as beside it
    ),
    hide_index=True,
    width="stretch",
)

st.markdown("**Where each partner ends up**")
positions = proposal.positions
view = pd.DataFrame(
    {
        "Partner": positions["label"],
        "Pays (PV)": positions["pv_contribution"],
        "Cash back (PV)": positions["pv_cash"],
        "Capacity back (PV)": positions["pv_capacity"],
        "Cash position": positions["cash_npv"],
        "Fiscal position": positions["fiscal_npv"],
        "£ back per £1": ["-" if pd.isna(v) else f"£{v:,.2f}" for v in positions["roi"]],
        "Payback year": ["-" if pd.isna(v) else f"Year {int(v)}" for v in positions["payback_year"]],
    }
)
money = ["Pays (PV)", "Cash back (PV)", "Capacity back (PV)", "Cash position", "Fiscal position"]
formats = dict.fromkeys(money, pounds)
if "prob_worse_off" in positions:
    view["Cash position P10 to P90"] = [
        f"{pounds(a)} to {pounds(b)}" for a, b in zip(positions["cash_p10"], positions["cash_p90"], strict=True)
    ]
    view["Chance of losing cash"] = positions["prob_worse_off"]
    formats["Chance of losing cash"] = "{:.0%}"
st.dataframe(view.style.format(formats), hide_index=True, width="stretch")

st.button(
    "Apply this deal to the scenario",
    key="deal-apply",
    type="primary",
    icon=":material/handshake:",
    on_click=lambda: ui.set_spec(deal.apply_deal(spec, proposal)),
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
