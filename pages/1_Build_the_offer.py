"""Build the offer: choose interventions, set local volumes, costs and effects, and appraisal settings."""

import streamlit as st

import ui
from roi.analysis.evidence import effect_measure_options
from roi.engine.model import cost_optimism_bias, optimism_bias
from roi.inputs.formats import cases, cases_tenths, pounds
from roi.inputs.schema import follow_target, outcome_key
from roi.outputs import charts
from ui.text import md
from ui.ucd_search import find_unit_cost
from ui.widgets import partner_table, tiles

current = ui.frame("Build the offer", ":material/construction:")
scenario, result = current.scenario, current.result
library = scenario.library
settings = scenario.settings

st.title("Build the offer")
st.caption(
    "Every change updates every page at once. Values you change here become your figures in your "
    "scenario, credited to you; the documented library is never altered."
)
tiles(result)


def field(label: str, name: str, value: float, change: dict, **options) -> None:
    ui.bound(st.number_input, label, name, value, change, **options)


def slider(label: str, name: str, value: float, change: dict, **options) -> None:
    ui.bound(st.slider, label, name, value, change, **options)


# -- Which interventions ------------------------------------------------------------------------------
labels = {i.id: i.label for i in library.interventions.values()}
ui.bound(
    st.multiselect,
    "Interventions in the offer",
    "interventions",
    [i.id for i in scenario.interventions],
    {"interventions": None},
    options=list(labels),
    format_func=lambda i: labels.get(i, i),
    help="Ratio-based interventions are valued by a published £-per-£1 ratio rather than by outcomes.",
)


# -- Double counting between interventions (roi.engine.overlaps): shown where interventions are added ----------
def overlap_inputs() -> None:
    """Each pair that may count the same value twice, with the share of people in common to declare."""
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
        name = ui.key(f"overlap-{item.first}-{item.second}")
        shown = None if item.share is None else round(item.share * 100)
        if name not in st.session_state:
            st.session_state[name] = shown

        def declare(name: str = name, pair: tuple[str, str] = (item.first, item.second), shown=shown) -> None:  # noqa: ANN001
            value = st.session_state[name]
            ui.change({"overlap": list(pair), "value": None if value is None else value / 100}, name, shown)

        with st.columns([1, 2])[0]:
            st.number_input(
                f"People in common (%): {first} and {second}",
                min_value=0,
                max_value=100,
                step=5,
                key=name,
                on_change=declare,
                placeholder="not said",
                help=(
                    f"The share of the people {second} serves who are also served by {first}. That share of "
                    f"the benefits of {second} is taken out, so it is counted once. 0 means different people: "
                    "nothing is removed and the warning goes. Leave empty if you do not know."
                ),
            )


overlap_inputs()

with st.columns([1, 3])[0]:
    ui.bound(
        st.number_input,
        "Population of the area",
        "population",
        int(settings.population),
        {"setting": "population"},
        min_value=1_000,
        max_value=20_000_000,
        step=1_000,
        help="Cases per year follow the published rates per 100,000 people; a volume you type yourself stays.",
    )


# -- Find a unit cost (GMCA Unit Cost Database) and add it as an outcome ------------------------------
outcome_based = [i for i in scenario.interventions if i.ratio is None]
if outcome_based:
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
            ui.change({"intervention": target, "add_outcome": cost_id, "quantity_per_case": 0.0})

        find_unit_cost(
            "build-ucd", library, use_label="Add as an outcome (quantity 0: then set it below)", on_use=add_outcome
        )


# -- Each intervention ---------------------------------------------------------------------------------
def inputs(intervention) -> None:  # noqa: ANN001 - a resolved roi.engine.model intervention
    """The inputs of one intervention: drawn only while its panel is open, so an edit reruns one
    panel's dozen widgets rather than every panel's (each widget costs the server time)."""
    base = {"intervention": intervention.id}
    # Costs are shown, and typed, at the scenario's price year: the value a user types is taken at
    # that year, so the label says so from the start (the library's figure is uprated to it).
    factor = scenario.uprating_factor(intervention.price_year)
    cases_key = ui.key(f"{intervention.id}-cases")
    if st.session_state.get(cases_key) not in (None, float(intervention.cases_per_year)):
        st.session_state[cases_key] = float(intervention.cases_per_year)  # the population changed it
    cols = st.columns(3)
    with cols[0]:
        field(
            "Cases per year",
            f"{intervention.id}-cases",
            float(intervention.cases_per_year),
            {**base, "field": "cases_per_year"},
            step=10.0,
            # Cases by their one rule (roi.inputs.formats.cases): a tenth where there is one (192.5), else whole.
            format="%.0f" if cases_tenths(intervention.cases_per_year).is_integer() else "%.1f",
        )
    with cols[1]:
        field(
            f"Cost per case (£, {settings.price_year} prices)",
            f"{intervention.id}-cost",
            float(round(intervention.cost_per_case * factor)),
            {**base, "field": "cost_per_case"},
            step=50.0,
            format="%.0f",
            help=f"Pounds at {settings.price_year} prices, the scenario's price year. A negative cost is refused.",
        )
    with cols[2]:
        field(
            f"Fixed cost per year (£, {settings.price_year} prices)",
            f"{intervention.id}-fixed",
            float(round(intervention.fixed_cost_per_year * factor)),
            {**base, "field": "fixed_cost_per_year"},
            step=1000.0,
            format="%.0f",
            help=f"Pounds at {settings.price_year} prices, the scenario's price year. A negative cost is refused.",
        )
    grade_key = ui.key(f"{intervention.id}-cost-confidence")
    if st.session_state.get(grade_key) not in (None, intervention.cost_confidence):
        st.session_state[grade_key] = intervention.cost_confidence  # a typed cost regraded it
    with st.columns(3)[0]:
        ui.bound(
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
        ui.bound(
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
    st.caption(
        f"{cases(intervention.cases_per_year)} cases a year at "
        f"{pounds(intervention.cost_per_case * factor)} a case"
        + (
            f", plus {pounds(intervention.fixed_cost_per_year * factor)} a year"
            if intervention.fixed_cost_per_year
            else ""
        )
        + f" ({settings.price_year} prices)."
    )
    st.caption(
        "Funded by: "
        + ", ".join(f"{md(library.partners[p].label)} {s:.0%}" for p, s in intervention.funded_by.items())
        + f" · Effect confidence: {intervention.confidence} (optimism bias on benefits "
        f"{optimism_bias(scenario, intervention):.0%})"
        + f" · Cost confidence: {intervention.cost_confidence} (optimism bias on costs "
        f"{cost_optimism_bias(scenario, intervention):.0%})"
        + (f": {md(intervention.cost_confidence_basis)}" if intervention.cost_confidence_basis else "")
    )
    if intervention.ratio is not None:
        ratio = intervention.ratio
        field(
            "£ of benefit per £1 spent (published ratio)",
            f"{intervention.id}-ratio",
            float(ratio.value_per_pound),
            {**base, "field": "value_per_pound"},
            min_value=0.01,
            max_value=1000.0,
            step=0.25,
            format="%.2f",
        )
        st.caption(
            "Benefit split: "
            + ", ".join(
                f"{md(library.partners[b.partner].label)} {b.share:.0%} "
                f"({charts.VALUE_TYPE_LABELS[b.value_type].lower()})"
                for b in ratio.benefit_split
            )
        )
    for k, outcome in enumerate(intervention.outcomes):
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
        oc = {**base, "outcome": outcome.unit_cost, **which}
        suffix = f"-{named}" if named else f"-{occurrence}" if occurrence else ""
        name = f"{intervention.id}-{outcome.unit_cost}{suffix}"
        cols = st.columns(5)
        with cols[0]:
            field(
                f"Quantity {'incurred' if incurs else 'avoided'} per case",
                f"{name}-q",
                float(outcome.quantity_per_case),
                {**oc, "field": "quantity_per_case"},
                step=0.05,
                format="%.3f",
            )
        with cols[1]:
            slider(
                "Deadweight",
                f"{name}-dw",
                float(outcome.deadweight),
                {**oc, "field": "deadweight"},
                min_value=0.0,
                max_value=1.0,
                step=0.05,
                help="Share that would have happened anyway.",
            )
        with cols[2]:
            slider(
                "Attribution",
                f"{name}-at",
                float(outcome.attribution),
                {**oc, "field": "attribution"},
                min_value=0.0,
                max_value=1.0,
                step=0.05,
                help="Share of the change due to this intervention.",
            )
        with cols[3]:
            field(
                "Lasts (years)",
                f"{name}-dur",
                outcome.duration_years,
                {**oc, "field": "duration_years"},
                min_value=1,
                max_value=60,
                step=1,
            )
        with cols[4]:
            slider(
                "Drop-off a year",
                f"{name}-drop",
                float(outcome.drop_off),
                {**oc, "field": "drop_off"},
                min_value=0.0,
                max_value=1.0,
                step=0.05,
            )


by_intervention = result.by_intervention().set_index("intervention")
opened = st.session_state.setdefault("open-panels", set())  # panels this person has open
# The inputs, with each partner's position beside them: an edit shows at once who puts in, who gets
# cash back and where each partner ends up, without a trip to the Overview.
inputs_column, partners_column = st.columns([3, 2], gap="medium")
with partners_column, st.container(key="offer-partners"):
    partner_table(result, key="offer-partners", columns=("Puts in", "Cash back", "Cash position"))
with inputs_column:
    for intervention in scenario.interventions:
        row = by_intervention.loc[intervention.id]
        badge = " · ratio-based" if intervention.ratio_based else ""
        bcr = "no cost" if row["bcr"] is None else f"BCR {row['bcr']:,.2f}"
        # The panel remembers whether it is open, and a closed panel's inputs are not drawn (opening it
        # reruns the page). Its NPV is in its label, so an edit makes it a new element: it starts in the
        # state this page last saw it in.
        panel = st.expander(
            f"**{md(intervention.label)}**{badge} · NPV {pounds(row['npv'])} · {bcr}",
            expanded=intervention.id in opened,
            key=f"panel-{intervention.id}",
            on_change="rerun",
        )
        if panel.open:
            opened.add(intervention.id)
            with panel:
                inputs(intervention)
        else:
            opened.discard(intervention.id)

# -- Appraisal settings -------------------------------------------------------------------------------
st.subheader("Appraisal settings")
uplift = settings.price_uplift
low_year, high_year = library.price_years(uplift)
cols = st.columns([1, 1, 1, 1, 2])  # the discount schedule's name needs the room
with cols[0]:
    ui.bound(
        st.selectbox,
        "Price year",
        "price-year",
        settings.price_year,
        {"setting": "price_year"},
        options=list(range(high_year, low_year - 1, -1)),
        format_func=lambda y: f"{y}" if library.year_status(y, uplift) == "outturn" else f"{y} (forecast)",
        help=f"Every figure is uprated to this year's prices with the GDP deflator (outturn to "
        f"{library.deflator.last_outturn}). Later years use a forecast, said in the result's notes.",
    )
with cols[1]:
    field(
        "First financial year starts",
        "start-year",
        settings.first_year,
        {"setting": "start_year"},
        min_value=1990,
        max_value=2100,
        step=1,
    )
with cols[2]:
    field(
        "Horizon (years)",
        "horizon",
        settings.horizon_years,
        {"setting": "horizon_years"},
        min_value=1,
        max_value=60,
        step=1,
    )
with cols[3]:
    field(
        "Programme years",
        "programme",
        settings.programme_years,
        {"setting": "programme_years"},
        min_value=1,
        max_value=30,
        step=1,
        help="Years in which cases are funded; at most the horizon.",
    )
with cols[4]:
    schedules = {name: s.label for name, s in library.discount_schedules.items()}
    options = [*schedules, "constant"]
    current_schedule = "constant" if settings.discount_rate is not None else settings.discount_schedule
    schedule_key = ui.key("schedule")
    if schedule_key not in st.session_state:
        st.session_state[schedule_key] = current_schedule

    def on_schedule() -> None:
        choice = st.session_state[schedule_key]
        if choice == "constant":
            ui.change({"setting": "discount_rate", "value": 0.035}, schedule_key, current_schedule)
        elif ui.change({"setting": "discount_rate", "value": None}):
            ui.change({"setting": "discount_schedule", "value": choice}, schedule_key, current_schedule)

    st.selectbox(
        "Discounting",
        options,
        key=schedule_key,
        on_change=on_schedule,
        format_func=lambda n: schedules.get(n, "A constant rate"),
    )
cols = st.columns(3)
with cols[0]:
    if settings.discount_rate is not None:
        field(
            "Constant discount rate",
            "rate",
            float(settings.discount_rate),
            {"setting": "discount_rate"},
            min_value=0.0,
            max_value=0.2,
            step=0.005,
            format="%.3f",
            help="Costs and savings only: health effects (QALYs) keep the discount schedule for health effects "
            "unless the scenario file sets a constant rate for them too.",
        )
with cols[1]:
    ob_key = ui.key("ob-mode")
    by_table = settings.optimism_bias is None
    if ob_key not in st.session_state:
        st.session_state[ob_key] = "By effect confidence" if by_table else "One rate for all"
    st.radio(
        "Optimism bias on benefits",
        ["By effect confidence", "One rate for all"],
        key=ob_key,
        horizontal=True,
        on_change=lambda: ui.change(
            {"setting": "optimism_bias", "value": None if st.session_state[ob_key] == "By effect confidence" else 0.2}
        ),
        help="Each benefit is reduced by the rate for the confidence in its effect. The table by confidence "
        "is a local assumption: no published table could be read. Costs are uplifted by the rate for the "
        "confidence in each cost, apart.",
    )
with cols[2]:
    if settings.optimism_bias is not None:
        slider(
            "Optimism bias (all interventions)",
            "ob",
            float(settings.optimism_bias),
            {"setting": "optimism_bias"},
            min_value=0.0,
            max_value=0.95,
            step=0.05,
        )
    else:
        table = settings.optimism_bias_by_confidence or library.optimism_bias.by_confidence
        st.caption(
            "Local assumption. On benefits, by effect confidence: "
            + ", ".join(f"{k} {v:.0%}" for k, v in table.items())
            + ". On costs, by cost confidence: "
            + (
                f"{settings.cost_optimism_bias:.0%} for every cost (this scenario's setting)"
                if settings.cost_optimism_bias is not None
                else ", ".join(f"{k} {v:.0%}" for k, v in library.optimism_bias.costs_by_confidence.items())
            )
            + "."
        )
