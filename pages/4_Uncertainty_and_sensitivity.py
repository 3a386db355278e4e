"""Uncertainty and sensitivity: how sure is this saving, and which assumption matters most?"""

import pandas as pd
import streamlit as st

import roi
import ui
from roi import charts, uncertainty
from roi.model import number, pounds
from ui.widgets import chart, export_buttons

current = ui.frame("Uncertainty and sensitivity", ":material/casino:")
scenario, result = current.scenario, current.result
settings = scenario.settings

st.title("Uncertainty and sensitivity")
st.caption(
    "Every unit cost and effect parameter with a low-high range is drawn at once (triangular, or PERT, on "
    "low / central / high). Ranges marked as local judgements have no published basis."
)

cols = st.columns([1, 1, 1, 2])
draws = cols[0].selectbox(
    "Simulations", [1_000, 10_000, 100_000, 1_000_000], index=1, key="mc-draws", format_func=lambda n: f"{n:,}"
)
seed = cols[1].number_input(
    "Seed",
    min_value=0,
    max_value=2**31 - 1,
    value=1,
    step=1,
    key="mc-seed",
    help="The same seed gives the same numbers.",
)
distribution = cols[2].selectbox(
    "Distribution",
    ["triangular", "pert"],
    key="mc-distribution",
    format_func=lambda d: {"triangular": "Triangular", "pert": "PERT"}[d],
)


@st.cache_data(max_entries=16, show_spinner=False)
def simulated(spec_json: str, draws: int, seed: int, distribution: str, _bar=None) -> dict:  # noqa: ANN001
    """Summaries of a simulation (not its million draws), cached by the scenario and the settings.
    ``_bar`` (not part of the cache key) shows progress for large runs."""

    def progress(share: float) -> None:
        if _bar is not None:
            _bar.progress(share, text=f"Simulating: {share:.0%}")

    scenario_ = roi.resolve(roi.schema.ScenarioSpec.model_validate_json(spec_json))
    sim = uncertainty.simulate(scenario_, draws, seed, distribution, progress=progress)
    return {
        "percentiles": sim.percentiles(),
        "prob_payback": sim.prob_payback,
        "by_partner": sim.by_partner(),
        "draws": sim.draws_frame(20_000),
    }


bar = st.progress(0.0, text="Simulating...") if draws > 10_000 else None
summary = simulated(current.spec.model_dump_json(), draws, int(seed), distribution, bar)
if bar is not None:
    bar.empty()

npv, roi_per_pound = summary["percentiles"]["npv"], summary["percentiles"]["fiscal_roi"]
st.markdown(
    f"#### In {summary['prob_payback']:.0%} of {draws:,} simulations the offer pays back within "
    f"{settings.horizon_years} years."
)
tiles = st.columns(4)
tiles[0].metric("NPV, P10", pounds(npv["p10"]), help="In 10% of simulations NPV is below this.")
tiles[1].metric("NPV, P50 (median)", pounds(npv["p50"]))
tiles[2].metric("NPV, P90", pounds(npv["p90"]), help="In 10% of simulations NPV is above this.")
tiles[3].metric(
    "NPV at central values",
    pounds(result.totals["npv"]),
    help="The deterministic result. It differs from the median where ranges are lopsided.",
)
if npv["p50"] is not None and npv["p50"] < result.totals["npv"] * 0.8:
    st.info(
        "The median is well below the central estimate: several central values sit at the top of their ranges "
        "(for example the seed's assumption that every adaptation avoids a full year of residential care)."
    )

draws_frame = summary["draws"]
left, right = st.columns(2)
with left:
    chart(
        charts.distribution(draws_frame["npv"], npv, "Distribution of net present value", "Net present value"),
        key="mc-npv",
    )
with right:
    chart(
        charts.distribution(
            draws_frame["fiscal_roi"],
            roi_per_pound,
            "Distribution of £ saved per £1 (fiscal)",
            "£ of fiscal saving per £1 spent",
            money=False,
        ),
        key="mc-roi",
    )
if draws > 20_000:
    st.caption(f"The histograms show the first 20,000 of {draws:,} draws; percentiles use all of them.")
chart(charts.partner_ranges(summary["by_partner"], result), key="mc-partners")

st.subheader("Sensitivity")
table = uncertainty.tornado(scenario)
chart(charts.tornado(table, result.totals["npv"]), key="mc-tornado")
switching = uncertainty.switching_values(scenario)
shown = pd.DataFrame(
    {
        "Parameter": switching["parameter"],
        "Central value": switching["central"].map(number),
        "Range": [f"{number(lo)} to {number(hi)}" for lo, hi in zip(switching["low"], switching["high"], strict=True)],
        "NPV is zero at": [
            "never within its range" if v is None or pd.isna(v) else number(v) for v in switching["switching_value"]
        ],
    }
)
st.markdown(
    "**Switching values** for the five parameters that matter most: the value at which the offer would "
    "break even (NPV of zero)."
)
st.dataframe(shown, hide_index=True, width="stretch")

st.divider()
st.markdown("**Take it to the board**")
export_buttons(result, st.session_state.base_name.replace(" ", "_"))
