"""Uncertainty and sensitivity: how sure is this saving, and which assumption matters most?"""

import pandas as pd
import streamlit as st

import roi
import ui
from roi.engine import uncertainty
from roi.inputs import limits, parameters
from roi.inputs.formats import number, pounds
from roi.outputs import charts
from ui import jobs
from ui.tables import fit_table
from ui.text import md
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
choices = parameters.draw_choices(scenario)
standard = parameters.standard_draws(scenario)  # the Overview's and the board pack's simulation
if st.session_state.get("mc-draws") not in choices:
    st.session_state["mc-draws"] = standard
draws = cols[0].selectbox(
    "Simulations",
    choices,
    key="mc-draws",
    format_func=lambda n: f"{n:,}",
    help=f"{standard:,} with random start 1 is the simulation the Overview and the board pack show."
    + (
        ""
        if choices[-1] == limits.DRAW_CHOICES[-1]
        else f" This scenario is large, so at most {choices[-1]:,} simulations are offered."
    ),
)
seed = cols[1].number_input(
    "Random start",
    min_value=0,
    max_value=2**31 - 1,
    value=1,
    step=1,
    key="mc-seed",
    help="The same starting number gives the same simulations, so a result can be reproduced.",
)
distribution = cols[2].selectbox(
    "Distribution",
    ["triangular", "pert"],
    key="mc-distribution",
    format_func=lambda d: {"triangular": "Triangular", "pert": "PERT"}[d],
)


def summarise(sim: uncertainty.Simulation) -> dict:
    """What the page shows of a simulation: percentiles and 20,000 draws, not its million draws."""
    return {
        "percentiles": sim.percentiles(),
        "prob_payback": sim.prob_payback,
        "prob_cash_payback": sim.prob_cash_payback,
        "by_partner": sim.by_partner(),
        "draws": sim.draws_frame(20_000),
    }


def stop(run_key: tuple) -> None:
    st.session_state["mc-stopped"] = run_key


run_key = (current.spec.model_dump_json(), draws, int(seed), distribution)
summary = jobs.cached(run_key)
if summary is None and st.session_state.get("mc-stopped") == run_key:
    st.info(f"The {draws:,}-draw simulation was stopped before it finished.", icon=":material/stop_circle:")
    if st.button("Run it again", key="mc-rerun"):
        st.session_state.pop("mc-stopped", None)
        st.rerun()
    st.stop()
if summary is None:
    heavy = draws >= limits.HEAVY_DRAWS
    stop_slot = st.empty()
    if heavy:
        stop_slot.button("Stop the simulation", key="mc-stop", on_click=stop, args=(run_key,))
    summary = jobs.run(
        run_key,
        heavy,
        lambda progress: summarise(uncertainty.simulate(scenario, draws, int(seed), distribution, progress=progress)),
    )
    stop_slot.empty()

npv, roi_per_pound = summary["percentiles"]["npv"], summary["percentiles"]["fiscal_roi"]
st.markdown(
    "#### "
    + roi.analysis.summary.payback_chances(
        summary["prob_payback"], summary["prob_cash_payback"], draws, settings.horizon_years
    )
)
if (draws, int(seed), distribution) != (standard, roi.inputs.limits.STANDARD_SEED, "triangular"):
    st.caption(
        f"A different simulation from the Overview's and the board pack's ({standard:,} simulations, random "
        "start 1, triangular), so its percentiles differ a little from theirs."
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
# Where the central estimate stands among these draws, flagged when it is outside P25-P75.
position = roi.position_in(result.totals["npv"], summary["draws"]["npv"].to_numpy())
sentence = roi.analysis.summary.range_sentence(result, summary["draws"]["npv"].to_numpy())
if position["central_outside_iqr"]:
    st.warning(
        sentence + " Some central values sit near the end of their ranges: check them on Assumptions and evidence.",
        icon=":material/warning:",
    )
else:
    st.caption(sentence)

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


@st.cache_data(max_entries=32, show_spinner=False)
def sensitivity(spec_json: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Tornado and switching values, computed once per scenario for every session (no elements inside),
    both within the server's time budget; the note says how far they got if it was spent."""
    scenario_ = roi.resolve(roi.inputs.schema.ScenarioSpec.model_validate_json(spec_json))
    table_, switching_ = uncertainty.sensitivity_tables(scenario_, max_seconds=limits.SENSITIVITY_SECONDS)
    return table_, switching_, uncertainty.stopped_note(switching_)


table, switching, note = sensitivity(run_key[0])
# Whose range it is, only where it is not simply the library's (kept short: the table must fit a projector).
RANGE_NOTE = {
    uncertainty.RANGE_BASIS["yours"]: " (yours)",
    uncertainty.RANGE_BASIS["moved"]: " (moved with yours)",
    uncertainty.RANGE_BASIS["convention"]: " (shared)",
}
chart(charts.tornado(table, result.totals["npv"]), key="mc-tornado")
if note:
    st.caption(note)
shown = pd.DataFrame(
    {
        "Parameter": switching["parameter"],
        "Central value": switching["central"].map(number),
        "Range": [
            f"{number(lo)} to {number(hi)}" + RANGE_NOTE.get(whose, "")
            for lo, hi, whose in zip(switching["low"], switching["high"], switching["range_from"], strict=True)
        ],
        "NPV is zero at": ["-" if v is None or pd.isna(v) else number(v) for v in switching["switching_value"]],
        "Against its range": switching["where"],
    }
)
st.markdown(
    "**Switching values** for the five parameters that matter most: the value at which the offer would "
    "break even (NPV of zero), with the rest at their central values. Each is sought over every value "
    "the input could take (shares from 0 to 1; money and volumes from 0 to 20 times the central value), "
    "not just its range."
)
fit_table(shown, "switching-values", secondary=("Range",))
shared = table[table["moves"] != ""]
for _, row in shared.iterrows():
    kind = parameters.JUDGEMENT_CLASSES.get(row["key"].split(".")[1], "")
    st.caption(
        f"{md(row['parameter'])}: one judgement for {kind}, drawn once in each simulation draw for every "
        f"outcome that uses it: {md(row['moves'])}."
    )
st.caption(
    "Where you type your own value for an input that has a range, the range keeps its shape around your value: "
    "its low and high are scaled by your value over the library's (a value of zero has no range), marked "
    "*moved with yours*. Give your own low and high to use a range of your own instead; it is marked *yours*."
)

st.divider()
st.markdown("**Take it to the board**")
export_buttons(result, st.session_state.base_name.replace(" ", "_"))
