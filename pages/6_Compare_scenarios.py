"""Compare scenarios: two to four side by side, savings by partner, and what each input difference moves."""

import streamlit as st

import roi
import ui
from roi import charts, compare, limits
from roi.model import number, pounds
from roi.schema import ScenarioSpec
from ui.text import md
from ui.widgets import differences_table


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


current = ui.frame("Compare scenarios", ":material/compare:")
state = st.session_state

st.title("Compare scenarios")
cols = st.columns([3, 1])
save_name = cols[0].text_input("Save the scenario on screen for comparison as", value="My offer", key="compare-name")
if cols[1].button("Save", width="stretch"):
    state.saved[save_name] = current.spec
    st.success(f"Saved ‘{md(save_name)}’ for this session.")

options = {"On screen now": current.spec}
options.update({name: ui.shipped_spec(file) for name, file in shipped_names().items()})
options.update({f"{n} (saved)": spec for n, spec in state.saved.items()})
chosen = st.multiselect(
    "Scenarios to compare (two to four)", list(options), max_selections=4, key="compare-pick", default=list(options)[:2]
)
if len(chosen) < 2:
    st.info("Choose at least two scenarios.")
    st.stop()

headline, figure, differences = comparison(tuple(chosen), tuple(options[name].model_dump_json() for name in chosen))
shown = headline.assign(
    pv_costs=headline["pv_costs"].map(pounds),
    pv_fiscal=headline["pv_fiscal"].map(pounds),
    pv_cashable=headline["pv_cashable"].map(pounds),
    npv=headline["npv"].map(pounds),
    bcr=headline["bcr"].map(lambda v: "no cost" if v is None else f"{v:,.2f}"),
    fiscal_roi=headline["fiscal_roi"].map(lambda v: "no cost" if v is None else f"£{v:,.2f}"),
    payback_year=headline["payback_year"].map(lambda v: "never" if v is None or v != v else f"year {int(v)}"),
    price_year=headline["price_year"].astype(str),
).rename(
    columns={
        "scenario": "Scenario",
        "pv_costs": "Investment (PV)",
        "pv_fiscal": "Fiscal savings (PV)",
        "pv_cashable": "of which cashable",
        "npv": "Net present value",
        "bcr": "Benefit-cost ratio",
        "fiscal_roi": "£ saved per £1",
        "payback_year": "Payback",
        "price_year": "Price year",
    }
)
st.dataframe(shown.set_index("Scenario").T, width="stretch")
if headline["price_year"].nunique() > 1:
    st.warning("These scenarios are in different price years: compare their pounds with care.")

st.vega_lite_chart(figure, width="stretch", theme=None, key="compare-by-partner")

st.subheader(f"What differs from ‘{md(chosen[0])}’")
for other, table in zip(chosen[1:], differences, strict=True):
    table = table.copy()
    st.markdown(f"**{md(other)}**: each difference applied alone to ‘{md(chosen[0])}’, and how far it moves its NPV")
    if table.empty:
        st.caption("No input differs.")
        continue
    for column in ("first", "second"):  # 100 cases, not 100.0; 4,400, not 4400.0
        table[column] = [
            number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in table[column]
        ]
    differences_table(table, chosen[0], other)
