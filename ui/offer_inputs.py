"""Build the offer's inputs: which interventions, the people two of them have in common, the area's
population, a unit cost to add as an outcome, and each intervention's panel of volumes, costs and
effects. Every number typed goes through :func:`ui.state.number_field`."""

from __future__ import annotations

from typing import Any

import streamlit as st

import roi
from roi.analysis.evidence import effect_measure_options
from roi.inputs.formats import cases_tenths, pounds
from roi.inputs.schema import Settings, follow_target, outcome_key
from roi.outputs.offer_text import benefit_split_sentence, cost_sentence, funding_sentence, intervention_figures

from .headline import partner_table
from .state import bound, change, key, number_field
from .text import md
from .ucd_search import find_unit_cost


def _slider(label: str, name: str, value: float, change_: dict, **options: Any) -> None:
    bound(st.slider, label, name, value, change_, **options)


def intervention_picker(scenario: roi.Scenario) -> None:
    """The interventions in the offer, chosen from the library's."""
    labels = {i.id: i.label for i in scenario.library.interventions.values()}
    bound(
        st.multiselect,
        "Interventions in the offer",
        "interventions",
        [i.id for i in scenario.interventions],
        {"interventions": None},
        options=list(labels),
        format_func=lambda i: labels.get(i, i),
        help="Ratio-based interventions are valued by a published £-per-£1 ratio rather than by outcomes.",
    )


def overlap_inputs(scenario: roi.Scenario, result: roi.Result) -> None:
    """Each pair that may count the same value twice (roi.engine.overlaps), with the share of people in
    common to declare: shown where interventions are added."""
    if not result.overlaps:
        return
    labels_in = {i.id: i.label for i in scenario.interventions}
    st.markdown("**Possible double counting between interventions**")
    for item in result.overlaps:
        first, second = labels_in[item.first], labels_in[item.second]
        if item.text is None:
            st.caption(f"{md(first)} and {md(second)}: you said they serve different people; nothing is removed.")
        elif item.share is None:
            st.warning(md(item.text), icon=":material/warning:")
        else:
            st.info(md(item.text), icon=":material/check:")
        if item.unit_cost is not None:
            continue  # declared for one unit cost in the scenario file: edited there
        with st.columns([1, 2])[0]:
            number_field(
                f"People in common (%): {first} and {second}",
                f"overlap-{item.first}-{item.second}",
                None if item.share is None else round(item.share * 100),
                {"overlap": [item.first, item.second]},
                to_model=lambda percent: None if percent is None else percent / 100,
                min_value=0,
                max_value=100,
                step=5,
                placeholder="not said",
                help=(
                    f"The share of the people {second} serves who are also served by {first}. That share of "
                    f"the benefits of {second} is taken out, so it is counted once. 0 means different people: "
                    "nothing is removed and the warning goes. Leave empty if you do not know."
                ),
            )


def population_input(settings: Settings) -> None:
    """The area's population, from which cases per year follow."""
    with st.columns([1, 3])[0]:
        number_field(
            "Population of the area",
            "population",
            int(settings.population),
            {"setting": "population"},
            min_value=1_000,
            max_value=20_000_000,
            step=1_000,
            help="Cases per year follow the published rates per 100,000 people; a volume you type yourself stays.",
        )


def unit_cost_finder(scenario: roi.Scenario) -> None:
    """Find a unit cost (GMCA Unit Cost Database) and add it as an outcome of an outcome-based intervention."""
    outcome_based = [i for i in scenario.interventions if i.ratio is None]
    if not outcome_based:
        return
    with st.expander("Find a unit cost and add it as an outcome", expanded=bool(st.session_state.get("ucd-open"))):
        target = st.selectbox(
            "Add the outcome to",
            [i.id for i in outcome_based],
            format_func={i.id: i.label for i in outcome_based}.get,  # the scenario's label, its own ones too
            key="build-ucd-target",
        )

        def add_outcome(cost_id: str) -> None:
            st.session_state["ucd-open"] = True
            st.session_state.setdefault("open-panels", set()).add(target)  # its panel opens on the new outcome
            change({"intervention": target, "add_outcome": cost_id, "quantity_per_case": 0.0})

        find_unit_cost(
            "build-ucd",
            scenario.library,
            use_label="Add as an outcome (quantity 0: then set it below)",
            on_use=add_outcome,
        )


def intervention_panels(scenario: roi.Scenario, result: roi.Result) -> None:
    """A panel for each intervention, its NPV in its label, with each partner's position beside them: an
    edit shows at once who puts in, who gets cash back and where each partner ends up, without a trip
    to the Overview."""
    by_intervention = result.by_intervention().set_index("intervention")
    opened = st.session_state.setdefault("open-panels", set())  # panels this person has open
    inputs_column, partners_column = st.columns([3, 2], gap="medium")
    with partners_column, st.container(key="offer-partners"):
        partner_table(result, key="offer-partners", columns=("Puts in", "Cash back", "Cash position"))
    with inputs_column:
        for intervention in scenario.interventions:
            row = by_intervention.loc[intervention.id]
            badge = " · ratio-based" if intervention.ratio_based else ""
            # The panel remembers whether it is open, and a closed panel's inputs are not drawn (opening it
            # reruns the page). Its NPV is in its label, so an edit makes it a new element: it starts in the
            # state this page last saw it in.
            panel = st.expander(
                f"**{md(intervention.label)}**{badge} · {intervention_figures(row['npv'], row['bcr'])}",
                expanded=intervention.id in opened,
                key=f"panel-{intervention.id}",
                on_change="rerun",
            )
            if panel.open:
                opened.add(intervention.id)
                with panel:
                    intervention_inputs(scenario, intervention)
            else:
                opened.discard(intervention.id)


def intervention_inputs(scenario: roi.Scenario, intervention: Any) -> None:
    """The inputs of one intervention (a resolved roi.engine.model intervention): drawn only while its
    panel is open, so an edit reruns one panel's dozen widgets rather than every panel's (each widget
    costs the server time)."""
    _cost_inputs(scenario, intervention)
    if intervention.ratio is not None:
        number_field(
            "£ of benefit per £1 spent (published ratio)",
            f"{intervention.id}-ratio",
            float(intervention.ratio.value_per_pound),
            {"intervention": intervention.id, "field": "value_per_pound"},
            min_value=0.01,
            max_value=1000.0,
            step=0.25,
            format="%.2f",
        )
        st.caption(benefit_split_sentence(scenario.library, intervention.ratio, escape=md))
    for k, outcome in enumerate(intervention.outcomes):
        _outcome_inputs(scenario, intervention, k, outcome)


def _cost_inputs(scenario: roi.Scenario, intervention: Any) -> None:
    """Cases, costs, the confidence in the cost and the effect measure, with what they add up to."""
    base = {"intervention": intervention.id}
    price_year = scenario.settings.price_year
    # Costs are shown, and typed, at the scenario's price year: the value a user types is taken at
    # that year, so the label says so from the start (the library's figure is uprated to it).
    factor = scenario.uprating_factor(intervention.price_year)
    cases_key = key(f"{intervention.id}-cases")
    if st.session_state.get(cases_key) not in (None, float(intervention.cases_per_year)):
        st.session_state[cases_key] = float(intervention.cases_per_year)  # the population changed it
    cols = st.columns(3)
    with cols[0]:
        number_field(
            "Cases per year",
            f"{intervention.id}-cases",
            float(intervention.cases_per_year),
            {**base, "field": "cases_per_year"},
            step=10.0,
            # Cases by their one rule (roi.inputs.formats.cases): a tenth where there is one (192.5), else whole.
            format="%.0f" if cases_tenths(intervention.cases_per_year).is_integer() else "%.1f",
        )
    for column, (label, suffix, value, field, step) in zip(
        cols[1:],
        [
            ("Cost per case", "cost", intervention.cost_per_case, "cost_per_case", 50.0),
            ("Fixed cost per year", "fixed", intervention.fixed_cost_per_year, "fixed_cost_per_year", 1000.0),
        ],
        strict=True,
    ):
        with column:
            number_field(
                f"{label} (£, {price_year} prices)",
                f"{intervention.id}-{suffix}",
                float(round(value * factor)),
                {**base, "field": field},
                step=step,
                format="%.0f",
                help=f"Pounds at {price_year} prices, the scenario's price year. A negative cost is refused.",
            )
    grade_key = key(f"{intervention.id}-cost-confidence")
    if st.session_state.get(grade_key) not in (None, intervention.cost_confidence):
        st.session_state[grade_key] = intervention.cost_confidence  # a typed cost regraded it
    with st.columns(3)[0]:
        bound(
            st.selectbox,
            "Cost confidence",
            f"{intervention.id}-cost-confidence",
            intervention.cost_confidence,
            {**base, "field": "cost_confidence"},
            options=["high", "medium", "low"],
            format_func=str.capitalize,
            help="How sure the cost is: high for an audited outturn or a contract price, medium for a published "
            "unit cost or average, low for a local judgement. It sets optimism bias on costs, apart from the "
            "confidence in the effect. A cost you type is graded low until you change this.",
        )
    measures = effect_measure_options(intervention)
    if measures:
        bound(
            st.radio,
            "Effect the savings rely on",
            f"{intervention.id}-effect-measure",
            intervention.effect_measure,
            {**base, "field": "effect_measure"},
            options=list(measures),
            format_func=measures.get,
            help="Two published measures of the same review's effect: every consequence costed for this "
            "service moves with the one chosen. Why the default is the default: the method notes.",
        )
    st.caption(cost_sentence(intervention, factor, price_year))
    st.caption(funding_sentence(scenario, intervention, escape=md))


def _outcome_inputs(scenario: roi.Scenario, intervention: Any, k: int, outcome: Any) -> None:
    """One outcome's quantity, deadweight, attribution, duration and drop-off."""
    unit = scenario.unit_costs[outcome.unit_cost]
    _, named, occurrence = outcome_key(intervention.outcomes, k)
    incurs = outcome.effect == "incurs"  # a cost the intervention brings (home care replacing a care home)
    st.markdown(
        f"**{'Incurs' if incurs else 'Avoids'}: {md(unit.label)}** ({md(pounds(unit.value, pence=True))} "
        f"{md(unit.unit)}, {unit.price_year} prices)"
    )
    follows = outcome.quantity_follows
    lead_at = None if follows is None else follow_target(intervention.outcomes, follows)
    if lead_at is not None:
        lead = scenario.unit_costs[intervention.outcomes[lead_at].unit_cost].label
        st.caption(
            f"The same people as in *{md(lead)}*, so in the simulation this quantity moves with that one, "
            "in proportion."
        )
    # Two outcomes may use one unit cost: each is named by its id, or by its order on that unit cost.
    which = {"outcome_id": named} if named else {"occurrence": occurrence}
    oc = {"intervention": intervention.id, "outcome": outcome.unit_cost, **which}
    suffix = f"-{named}" if named else f"-{occurrence}" if occurrence else ""
    name = f"{intervention.id}-{outcome.unit_cost}{suffix}"
    share = {"min_value": 0.0, "max_value": 1.0, "step": 0.05}
    cols = st.columns(5)
    with cols[0]:
        number_field(
            f"Quantity {'incurred' if incurs else 'avoided'} per case",
            f"{name}-q",
            float(outcome.quantity_per_case),
            {**oc, "field": "quantity_per_case"},
            step=0.05,
            format="%.3f",
        )
    with cols[1]:
        _slider(
            "Deadweight",
            f"{name}-dw",
            float(outcome.deadweight),
            {**oc, "field": "deadweight"},
            help="Share that would have happened anyway.",
            **share,
        )
    with cols[2]:
        _slider(
            "Attribution",
            f"{name}-at",
            float(outcome.attribution),
            {**oc, "field": "attribution"},
            help="Share of the change due to this intervention.",
            **share,
        )
    with cols[3]:
        number_field(
            "Lasts (years)",
            f"{name}-dur",
            outcome.duration_years,
            {**oc, "field": "duration_years"},
            min_value=1,
            max_value=60,
            step=1,
        )
    with cols[4]:
        _slider("Drop-off a year", f"{name}-drop", float(outcome.drop_off), {**oc, "field": "drop_off"}, **share)
