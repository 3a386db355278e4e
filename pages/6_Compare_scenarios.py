"""Compare scenarios: two to four side by side, savings by partner, and what each input difference moves."""

import functools
from collections.abc import Callable

import streamlit as st

import roi
import store
import ui
from roi.analysis import compare
from roi.inputs import limits
from roi.inputs.formats import per_pound, pounds
from roi.inputs.schema import ScenarioSpec
from roi.outputs import charts
from ui import saved
from ui.differences import differences_table, unbroken
from ui.frame import DEFAULT_SCENARIO
from ui.tables import chart_figures
from ui.text import md


@st.cache_data(max_entries=1, show_spinner=False)
def shipped_names() -> dict[str, str]:
    """Each shipped example's name (as shown) -> its file's name."""
    return {roi.load_scenario(n).name: n for n in roi.shipped_scenarios()}


@st.cache_data(max_entries=128, show_spinner=False)
def comparison(names: tuple[str, ...], specs: tuple[str, ...]) -> tuple:
    """The headline table, the by-partner chart's Vega-Lite and each input difference's NPV effect,
    computed once for a set of scenarios and kept for every session (differences re-run the model
    once per input that differs, within the server's time budget)."""
    specs_by_name = dict(zip(names, specs, strict=True))
    results = {name: ui.compute(ScenarioSpec.model_validate_json(spec)) for name, spec in specs_by_name.items()}
    figure = charts.scenarios_by_partner(compare.by_partner(results), results[names[0]], list(names)).to_dict()
    first = results[names[0]].scenario
    budget = limits.SENSITIVITY_SECONDS
    differences = [compare.differences(first, results[other].scenario, budget) for other in names[1:]]
    return compare.headline_table(results), figure, differences


def saved_spec(document_id: str) -> ScenarioSpec | None:
    """A saved document's newest version, or None (with a message) if it cannot be opened."""
    person = saved.user()
    try:
        return person.open(document_id).spec if person is not None else None
    except (store.StoreError, ValueError) as error:
        st.warning(f"A saved document could not be opened: {md(error)}", icon=":material/cloud_off:")
        return None


def choices(current_spec: ScenarioSpec) -> dict[str, Callable[[], ScenarioSpec | None]]:
    """Every scenario there is to compare, by the name shown: the one on screen, the shipped examples,
    the documents saved in the user's workspaces (opened only when chosen) and this session's uploads."""
    options: dict[str, Callable[[], ScenarioSpec | None]] = {ON_SCREEN: lambda: current_spec}
    options.update({name: functools.partial(ui.shipped_spec, file) for name, file in shipped_names().items()})
    for key, label in saved.picker_options().items():
        options[label] = functools.partial(saved_spec, key.removeprefix(saved.DOC_PREFIX))
    options.update({f"{name} (this session)": functools.partial(state.saved.get, name) for name in state.saved})
    return options


def appraisal_year(year: float | None) -> str:
    """'Year 3', or 'Not within the horizon' (each scenario's own horizon and first year may differ)."""
    return "Not within the horizon" if year is None or year != year else f"Year {int(year)}"


ON_SCREEN = "On screen now"
current = ui.frame("Compare scenarios", ":material/compare:")
state = st.session_state

st.title("Compare scenarios")
options = choices(current.spec)
shipped_offer = next(name for name, file in shipped_names().items() if file == DEFAULT_SCENARIO)
chosen = st.multiselect(
    "Scenarios to compare (two to four)",
    list(options),
    max_selections=4,
    key="compare-pick",
    default=[ON_SCREEN, shipped_offer],
    help="The scenario on screen, the shipped examples, and the documents saved in your workspaces.",
)
if len(chosen) < 2:
    st.info("Choose at least two scenarios.")
    st.stop()
specs = {name: options[name]() for name in chosen}
if any(spec is None for spec in specs.values()):
    st.stop()

headline, figure, differences = comparison(tuple(chosen), tuple(specs[name].model_dump_json() for name in chosen))
shown = headline.assign(
    pv_costs=headline["pv_costs"].map(pounds),
    pv_fiscal=headline["pv_fiscal"].map(pounds),
    pv_cashable=headline["pv_cashable"].map(pounds),
    npv=headline["npv"].map(pounds),
    bcr=headline["bcr"].map(lambda v: "no cost" if v is None else f"{v:,.2f}"),
    fiscal_roi=headline["fiscal_roi"].map(per_pound),
    cash_payback_year=headline["cash_payback_year"].map(appraisal_year),
    payback_year=headline["payback_year"].map(appraisal_year),
    price_year=headline["price_year"].astype(str),
).rename(
    columns={
        "scenario": "Scenario",
        "pv_costs": "Investment (PV)",
        "pv_fiscal": "Fiscal savings (PV)",
        "pv_cashable": "of which cashable",
        "npv": "Net present value",
        "bcr": "Benefit-cost ratio",
        "fiscal_roi": "Cash and capacity per £1",
        "cash_payback_year": "Pays back in cash",
        "payback_year": "Pays back with capacity",
        "price_year": "Price year",
    }
)
st.table(unbroken(shown.set_index("Scenario").T))  # static: its cells wrap, so it fits a phone without scrolling
if headline["price_year"].nunique() > 1:
    st.warning("These scenarios are in different price years: compare their pounds with care.")

st.vega_lite_chart(figure, width="stretch", theme=None, key="compare-by-partner")
chart_figures(figure, "compare-by-partner")  # the chart's figures, for screen readers

st.subheader(f"What differs from ‘{md(chosen[0])}’")
for other, table in zip(chosen[1:], differences, strict=True):
    st.markdown(f"**{md(other)}**: each difference applied alone to ‘{md(chosen[0])}’, and how far it moves its NPV")
    if table.empty:
        st.caption("No input differs.")
        continue
    differences_table(table, chosen[0], other, wrap=True)
