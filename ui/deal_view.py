"""The Make the deal page's widget groups: the rule and its options, the proposal (or the last one that
worked), what it promises, and its charts and tables. The deal itself is :mod:`roi.analysis.deal`'s;
the words about it :mod:`roi.outputs.deal_screen`'s; the tables :mod:`ui.deal_tables`'."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import streamlit as st

import roi
from roi.analysis import deal
from roi.engine.uncertainty import simulation_for
from roi.inputs.limits import STANDARD_SEED
from roi.inputs.parameters import standard_draws
from roi.inputs.schema import ScenarioSpec
from roi.outputs import charts, deal_screen

from . import deal_tables
from .chart_view import chart
from .text import md

SEED = STANDARD_SEED  # with roi.inputs.limits.standard_draws: the one simulation the Overview and board pack show


@st.cache_data(max_entries=32, show_spinner=False)
def _draws(spec_json: str) -> dict | None:
    """Per-partner draws of the scenario as written (small: a few arrays of 10,000)."""
    scenario = roi.resolve(ScenarioSpec.model_validate_json(spec_json))
    sim = simulation_for(scenario, standard_draws(scenario), SEED)
    if sim is None:
        return None
    return {
        "pv_costs": sim.pv_costs,
        "partner_costs": sim.partner_costs,
        "partner_cash": sim.partner_cash,
        "partner_fiscal": sim.partner_fiscal,
    }


def simulation(spec_json: str) -> SimpleNamespace | None:
    """The simulation a rule held at a confidence solves against (kept for every session), or None
    where the scenario has no ranges."""
    drawn = _draws(spec_json)
    return None if drawn is None else SimpleNamespace(**drawn)


def pick_rule() -> str:
    """The rule, as buttons across the page, with what it does below."""
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
    return rule


def rule_options(rule: str, base: roi.Result, scenario: roi.Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    """The inputs ``rule`` takes for ``base`` (the scenario's result before any deal), as
    ``deal.propose``'s options, and for each field the place beside its inputs where a refusal of it
    is shown."""
    library = scenario.library
    options: dict[str, Any] = {}
    spots: dict[str, Any] = {}
    taking_part = deal.paying_partners(base)
    if rule == "custom":
        _custom_shares(base, library, taking_part, options, spots)
    elif rule == "gain_share":
        _gain_share(base, scenario, taking_part, options, spots)
    if rule in deal.PROMISING_RULES or rule in deal.SERVICE_RULES:
        left, right = st.columns(2)
        if rule in deal.PROMISING_RULES:
            _confidence(left, options, spots)
        if rule in deal.SERVICE_RULES:
            _by_service(right, base, library, taking_part, options, spots)
    if rule == "cash_break_even":
        _weights(library, taking_part, options, spots)
    return options, spots


def _custom_shares(base: roi.Result, library: roi.Library, taking_part: list[str], options: dict, spots: dict) -> None:
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


def _gain_share(base: roi.Result, scenario: roi.Scenario, taking_part: list[str], options: dict, spots: dict) -> None:
    library = scenario.library
    outcomes = {o.unit_cost for i in scenario.interventions for o in i.outcomes}
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


def _confidence(column: Any, options: dict, spots: dict) -> None:
    if column.toggle(
        "Hold at a confidence",
        key="deal-hold",
        help="Solve the rule so that its promise holds in at least this share of the simulation's draws, "
        "not only at the central values.",
    ):
        options["confidence"] = (
            column.number_input(
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
    spots["confidence"] = column.empty()


def _by_service(
    column: Any, base: roi.Result, library: roi.Library, taking_part: list[str], options: dict, spots: dict
) -> None:
    options["by_service"] = column.toggle(
        "Fund by service",
        key="deal-by-service",
        help="Share each intervention's cost among the partners its own savings reach, not one pooled split.",
    )
    if options["by_service"]:
        services = {i.id: i.label for i in base.scenario.interventions}
        core_of = column.selectbox(
            "Statutory core of",
            [None, *services],
            index=1 + list(services).index("dfg_adaptation") if "dfg_adaptation" in services else 0,
            format_func=lambda i: "No statutory core" if i is None else services[i],
            key="deal-core-of",
            help="A part of one intervention's cost that a partner funds whatever the deal, such as the "
            "housing authority's mandatory disabled facilities grant; the others top it up.",
        )
        if core_of is not None:
            label_of = {p: library.partners[p].label for p in library.partners}
            held_by, amount = column.columns(2)
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
    spots["cores"] = column.empty()
    spots["by_service"] = column.empty()


def _weights(library: roi.Library, taking_part: list[str], options: dict, spots: dict) -> None:
    with st.expander("Bargaining weights and fallbacks"):
        st.caption(
            "A weight is a partner's bargaining power (1 each by default); a fallback is its cash position, "
            "present value, if there is no deal (£0: no deal, no programme). A housing authority that must "
            "fund the disabled facilities grant anyway can enter that spending as a negative fallback."
        )
        weights, fallbacks = {}, {}
        for partner in taking_part:
            label = library.partners[partner].label
            weight_col, fallback_col = st.columns(2)
            weight = weight_col.number_input(f"{label}: weight", value=1.0, step=0.5, key=f"deal-weight-{partner}")
            fallback = fallback_col.number_input(
                f"{label}: fallback (£)", value=0.0, step=50_000.0, format="%.0f", key=f"deal-fallback-{partner}"
            )
            if weight != 1.0:
                weights[partner] = weight
            if fallback != 0.0:
                fallbacks[partner] = fallback
        options["weights"], options["fallbacks"] = weights or None, fallbacks or None
        spots["weights"] = st.empty()
        spots["fallbacks"] = st.empty()


def propose(base: roi.Result, base_json: str, rule: str, options: dict, spots: dict) -> tuple[deal.Deal, bool]:
    """The deal ``rule`` proposes, and whether it is stale: where the options are refused, the reason
    beside the inputs at fault and the last deal that worked for this scenario (the page stops if
    there is none)."""
    try:
        proposal = deal.propose(base, rule, simulation=simulation(base_json), file="this page", **options)
    except roi.InputError as error:
        where = spots.get(error.field.split(".")[0])
        (where or st).error(f"{md(error.problem)}", icon=":material/warning:")
        last = st.session_state.get("deal-last-good")
        if last is None or last[0] != base_json:
            st.stop()
        st.info("The last deal that worked stays below; nothing has been applied.", icon=":material/history:")
        return last[1], True
    st.session_state["deal-last-good"] = (base_json, proposal)
    return proposal, False


def verdict(proposal: deal.Deal) -> None:
    """The deal's name, what its rule assumes, and whether every partner comes out whole in cash."""
    st.subheader(md(proposal.label))
    with st.expander("What this rule assumes"):
        st.markdown("\n".join(f"- {md(line)}" for line in proposal.assumptions))
    if proposal.shortfall > 0:
        st.warning(md(deal.shortfall_sentence(proposal)), icon=":material/error:")
        with st.expander("Who carries the shortfall under each rule"):
            st.markdown("\n".join(f"- **{md(name)}:** {md(who)} short" for name, who in deal_screen.carriers(proposal)))
    elif proposal.feasible:
        st.success(deal_screen.holds_sentence(proposal), icon=":material/check_circle:")
    else:
        st.warning(
            "Under this split some partners are short of cash: "
            + md(deal_screen.short_of_cash(proposal))
            + ". A split where nobody loses cash exists: try 'Nobody loses cash'.",
            icon=":material/warning:",
        )


def positions(proposal: deal.Deal) -> None:
    """Where each partner ends up: the two charts, then the tables and the cash against budgets."""
    chart(charts.deal_positions(proposal, "cash_npv"), key="deal-cash-chart")
    chart(charts.deal_positions(proposal, "fiscal_npv"), key="deal-fiscal-chart")
    deal_tables.draw_contributions(proposal)
    deal_tables.draw_positions(proposal)
    st.caption(
        "Present values, in pounds at the scenario's prices (£1.2m is £1,200,000). Cash position is cash saved "
        "less what the partner puts in; P10 is the cash position in the worst tenth of simulations. The year it "
        "turns positive and the most it carries are from the undiscounted cash flow below."
    )
    with st.expander("Capacity, fiscal position and £ back per £1"):
        deal_tables.draw_detail(proposal)
    if proposal.by_service:
        deal_tables.draw_services(proposal)
    deal_tables.draw_cash_by_year(proposal)
    st.caption(
        "Each paying partner's running total of cash saved less what it puts in, undiscounted at constant "
        "prices, to the end of each financial year."
    )
