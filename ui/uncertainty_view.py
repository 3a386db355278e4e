"""Uncertainty and sensitivity: the simulation's settings, the run (shared between sessions, a large
one stoppable), its percentiles and charts, and the sensitivity analysis with its switching values."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import roi
from roi.analysis.summary import payback_chances
from roi.engine import uncertainty
from roi.inputs import limits, parameters
from roi.inputs.formats import pounds
from roi.inputs.schema import ScenarioSpec
from roi.outputs import charts
from roi.outputs.uncertainty_tables import (
    central_value_sentence,
    histogram_note,
    other_simulation_note,
    shared_judgement_lines,
    simulation_summary,
    switching_table,
)

from . import jobs
from .chart_view import chart
from .tables import fit_table
from .text import md


def simulation_settings(scenario: roi.Scenario) -> tuple[int, int, str]:
    """How many simulations, from which random start, with which distribution."""
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
    return draws, int(seed), distribution


def _stop(run_key: tuple) -> None:
    st.session_state["mc-stopped"] = run_key


def simulation(scenario: roi.Scenario, run_key: tuple) -> dict[str, Any]:
    """The summary of the simulation ``run_key`` (spec, draws, seed, distribution): kept from any
    session's earlier run, else run now, a large one with a progress bar and a Stop button. A stopped
    run offers to run again and ends the page."""
    _, draws, seed, distribution = run_key
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
            stop_slot.button("Stop the simulation", key="mc-stop", on_click=_stop, args=(run_key,))
        summary = jobs.run(
            run_key,
            heavy,
            lambda progress: simulation_summary(
                uncertainty.simulate(scenario, draws, seed, distribution, progress=progress)
            ),
        )
        stop_slot.empty()
    return summary


def simulation_results(scenario: roi.Scenario, result: roi.Result, run_key: tuple, summary: dict[str, Any]) -> None:
    """The chances of paying back, the NPV percentiles beside the central value, and the distributions."""
    _, draws, seed, distribution = run_key
    npv, roi_per_pound = summary["percentiles"]["npv"], summary["percentiles"]["fiscal_roi"]
    chances = payback_chances(
        summary["prob_payback"], summary["prob_cash_payback"], draws, scenario.settings.horizon_years
    )
    st.markdown("#### " + chances)
    note = other_simulation_note(draws, seed, distribution, parameters.standard_draws(scenario))
    if note:
        st.caption(note)
    tiles = st.columns(4)
    tiles[0].metric("NPV, P10", pounds(npv["p10"]), help="In 10% of simulations NPV is below this.")
    tiles[1].metric("NPV, P50 (median)", pounds(npv["p50"]))
    tiles[2].metric("NPV, P90", pounds(npv["p90"]), help="In 10% of simulations NPV is above this.")
    tiles[3].metric(
        "NPV at central values",
        pounds(result.totals["npv"]),
        help="The deterministic result. It differs from the median where ranges are lopsided.",
    )
    draws_frame = summary["draws"]
    sentence, outside = central_value_sentence(result, draws_frame["npv"].to_numpy())
    if outside:
        st.warning(sentence, icon=":material/warning:")
    else:
        st.caption(sentence)
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
    shown_note = histogram_note(draws)
    if shown_note:
        st.caption(shown_note)
    chart(charts.partner_ranges(summary["by_partner"], result), key="mc-partners")


@st.cache_data(max_entries=32, show_spinner=False)
def _sensitivity(spec_json: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Tornado and switching values, computed once per scenario for every session (no elements inside),
    both within the server's time budget; the note says how far they got if it was spent."""
    scenario = roi.resolve(ScenarioSpec.model_validate_json(spec_json))
    table, switching = uncertainty.sensitivity_tables(scenario, max_seconds=limits.SENSITIVITY_SECONDS)
    return table, switching, uncertainty.stopped_note(switching)


def sensitivity(spec_json: str, result: roi.Result) -> None:
    """The tornado, the switching values of the five parameters that matter most, and the shared judgements."""
    st.subheader("Sensitivity")
    table, switching, note = _sensitivity(spec_json)
    chart(charts.tornado(table, result.totals["npv"]), key="mc-tornado")
    if note:
        st.caption(note)
    st.markdown(
        "**Switching values** for the five parameters that matter most: the value at which the offer would "
        "break even (NPV of zero), with the rest at their central values. Each is sought over every value "
        "the input could take (shares from 0 to 1; money and volumes from 0 to 20 times the central value), "
        "not just its range."
    )
    fit_table(switching_table(switching), "switching-values", secondary=("Range",))
    for line in shared_judgement_lines(table, escape=md):
        st.caption(line)
    st.caption(
        "Where you type your own value for an input that has a range, the range keeps its shape around your "
        "value: its low and high are scaled by your value over the library's (a value of zero has no range), "
        "marked *moved with yours*. Give your own low and high to use a range of your own instead; it is marked "
        "*yours*."
    )
