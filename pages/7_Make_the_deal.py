"""Make the deal: who should fund what, so that every partner comes out whole."""

from types import SimpleNamespace

import streamlit as st

import roi
import ui
import ui.deal_tables
from roi.analysis import deal
from roi.engine.uncertainty import simulation_for
from roi.inputs.formats import pounds
from roi.inputs.limits import STANDARD_SEED
from roi.inputs.parameters import standard_draws
from roi.outputs import charts
from ui.text import md
from ui.widgets import chart, export_buttons

SEED = STANDARD_SEED  # with roi.inputs.parameters.standard_draws: the one simulation the Overview and board pack show

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
    scenario = roi.resolve(roi.inputs.schema.ScenarioSpec.model_validate_json(spec_json))
    sim = simulation_for(scenario, standard_draws(scenario), SEED)
    if sim is None:
        return None
    return {
        "pv_costs": sim.pv_costs,
        "partner_costs": sim.partner_costs,
        "partner_cash": sim.partner_cash,
        "partner_fiscal": sim.partner_fiscal,
    }


base_json = base_spec.model_dump_json()
drawn = draws(base_json)
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
spots: dict = {}  # field -> the place beside its input where a refusal is shown
taking_part = deal.paying_partners(base)
label_of = {p: library.partners[p].label for p in library.partners}
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
    spots["shares"] = st.empty()
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
    spots["gain_share"] = st.empty()

if rule in deal.PROMISING_RULES or rule in deal.SERVICE_RULES:
    left, right = st.columns(2)
    if rule in deal.PROMISING_RULES:
        if left.toggle(
            "Hold at a confidence",
            key="deal-hold",
            help="Solve the rule so that its promise holds in at least this share of the simulation's draws, "
            "not only at the central values.",
        ):
            options["confidence"] = (
                left.number_input(
                    "Confidence (%)",
                    min_value=0.0,
                    max_value=100.0,
                    value=80.0,
                    step=5.0,
                    format="%.0f",
                    key="deal-confidence",
                    help="From 50% to 99%: each partner's promise holds in at least this share of draws.",
                )
                / 100
            )
        spots["confidence"] = left.empty()
    if rule in deal.SERVICE_RULES:
        options["by_service"] = right.toggle(
            "Fund by service",
            key="deal-by-service",
            help="Share each intervention's cost among the partners its own savings reach, not one pooled split.",
        )
        if options["by_service"]:
            services = {i.id: i.label for i in base.scenario.interventions}
            core_of = right.selectbox(
                "Statutory core of",
                [None, *services],
                index=1 + list(services).index("dfg_adaptation") if "dfg_adaptation" in services else 0,
                format_func=lambda i: "No statutory core" if i is None else services[i],
                key="deal-core-of",
                help="A part of one intervention's cost that a partner funds whatever the deal, such as the "
                "housing authority's mandatory disabled facilities grant; the others top it up.",
            )
            if core_of is not None:
                held_by, amount = right.columns(2)
                carrier = held_by.selectbox(
                    "Carried by",
                    taking_part,
                    index=taking_part.index("district") if "district" in taking_part else 0,
                    format_func=label_of.get,
                    key="deal-core-partner",
                )
                pounds_core = amount.number_input(
                    "Core (£, present value)",
                    value=0.0,
                    step=50_000.0,
                    format="%.0f",
                    key="deal-core",
                    help="Your figure.",
                )
                options["cores"] = {core_of: (carrier, pounds_core)}
        spots["cores"] = right.empty()
        spots["by_service"] = right.empty()

if rule == "cash_break_even":
    with st.expander("Bargaining weights and fallbacks"):
        st.caption(
            "A weight is a partner's bargaining power (1 each by default); a fallback is its cash position, "
            "present value, if there is no deal (£0: no deal, no programme). A housing authority that must "
            "fund the disabled facilities grant anyway can enter that spending as a negative fallback."
        )
        weights, fallbacks = {}, {}
        for partner in taking_part:
            weight_col, fallback_col = st.columns(2)
            weight = weight_col.number_input(
                f"{label_of[partner]}: weight", value=1.0, step=0.5, key=f"deal-weight-{partner}"
            )
            fallback = fallback_col.number_input(
                f"{label_of[partner]}: fallback (£)",
                value=0.0,
                step=50_000.0,
                format="%.0f",
                key=f"deal-fallback-{partner}",
            )
            if weight != 1.0:
                weights[partner] = weight
            if fallback != 0.0:
                fallbacks[partner] = fallback
        options["weights"], options["fallbacks"] = weights or None, fallbacks or None
        spots["weights"] = st.empty()
        spots["fallbacks"] = st.empty()

stale = False
try:
    proposal = deal.propose(base, rule, simulation=simulation, file="this page", **options)
    st.session_state["deal-last-good"] = (base_json, proposal)
except roi.InputError as error:
    where = spots.get(error.field.split(".")[0])
    (where or st).error(f"{md(error.problem)}", icon=":material/warning:")
    last = st.session_state.get("deal-last-good")
    if last is None or last[0] != base_json:
        st.stop()
    proposal, stale = last[1], True
    st.info("The last deal that worked stays below; nothing has been applied.", icon=":material/history:")

st.subheader(md(proposal.label))
with st.expander("What this rule assumes"):
    st.markdown("\n".join(f"- {md(line)}" for line in proposal.assumptions))
if proposal.shortfall > 0:
    st.warning(md(deal.shortfall_sentence(proposal)), icon=":material/error:")
    with st.expander("Who carries the shortfall under each rule"):
        st.markdown(
            "\n".join(
                f"- **{md(name)}:** "
                + md(", ".join(f"{who} {pounds(amount)}" for who, amount in people) or "nobody")
                + " short"
                for name, people in proposal.carriers.items()
            )
        )
elif proposal.feasible and proposal.confidence is not None:
    st.success(
        f"Under this split no partner loses cash in at least {proposal.confidence:.0%} of "
        f"{proposal.draws:,} simulations.",
        icon=":material/check_circle:",
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

ui.deal_tables.draw_contributions(proposal)
ui.deal_tables.draw_positions(proposal)
st.caption(
    "Present values, in pounds at the scenario's prices (£1.2m is £1,200,000). Cash position is cash saved less "
    "what the partner puts in; P10 is the cash position in the worst tenth of simulations. The year it turns "
    "positive and the most it carries are from the undiscounted cash flow below."
)
with st.expander("Capacity, fiscal position and £ back per £1"):
    ui.deal_tables.draw_detail(proposal)

if proposal.by_service:
    ui.deal_tables.draw_services(proposal)

ui.deal_tables.draw_cash_by_year(proposal)
st.caption(
    "Each paying partner's running total of cash saved less what it puts in, undiscounted at constant "
    "prices, to the end of each financial year."
)

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
