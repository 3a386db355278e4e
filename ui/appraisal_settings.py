"""Build the offer's appraisal settings: price year, first year, horizon, programme years, discounting
and optimism bias."""

from __future__ import annotations

import streamlit as st

import roi
from roi.inputs.schema import Settings
from roi.outputs.offer_text import optimism_bias_note

from .state import bound, change, key, number_field

BY_CONFIDENCE, ONE_RATE = "By effect confidence", "One rate for all"


def appraisal_settings(scenario: roi.Scenario) -> None:
    """The settings every figure of the appraisal depends on, under their own heading."""
    st.subheader("Appraisal settings")
    cols = st.columns([1, 1, 1, 1, 2])  # the discount schedule's name needs the room
    with cols[0]:
        _price_year(scenario)
    settings = scenario.settings
    years = {"min_value": 1, "step": 1}
    with cols[1]:
        number_field(
            "First financial year starts",
            "start-year",
            settings.first_year,
            {"setting": "start_year"},
            min_value=1990,
            max_value=2100,
            step=1,
        )
    with cols[2]:
        number_field(
            "Horizon (years)", "horizon", settings.horizon_years, {"setting": "horizon_years"}, max_value=60, **years
        )
    with cols[3]:
        number_field(
            "Programme years",
            "programme",
            settings.programme_years,
            {"setting": "programme_years"},
            max_value=30,
            help="Years in which cases are funded; at most the horizon.",
            **years,
        )
    with cols[4]:
        _discounting(scenario)
    cols = st.columns(3)
    with cols[0]:
        if settings.discount_rate is not None:
            number_field(
                "Constant discount rate",
                "rate",
                float(settings.discount_rate),
                {"setting": "discount_rate"},
                min_value=0.0,
                max_value=0.2,
                step=0.005,
                format="%.3f",
                help="Costs and savings only: health effects (QALYs) keep the discount schedule for health "
                "effects unless the scenario file sets a constant rate for them too.",
            )
    with cols[1]:
        _optimism_bias_mode(settings)
    with cols[2]:
        if settings.optimism_bias is not None:
            bound(
                st.slider,
                "Optimism bias (all interventions)",
                "ob",
                float(settings.optimism_bias),
                {"setting": "optimism_bias"},
                min_value=0.0,
                max_value=0.95,
                step=0.05,
            )
        else:
            st.caption(optimism_bias_note(settings, scenario.library))


def _price_year(scenario: roi.Scenario) -> None:
    library, settings = scenario.library, scenario.settings
    uplift = settings.price_uplift
    low_year, high_year = library.price_years(uplift)
    bound(
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


def _discounting(scenario: roi.Scenario) -> None:
    """A discount schedule from the library, or a constant rate (set below once chosen)."""
    settings = scenario.settings
    schedules = {name: s.label for name, s in scenario.library.discount_schedules.items()}
    current_schedule = "constant" if settings.discount_rate is not None else settings.discount_schedule
    schedule_key = key("schedule")
    if schedule_key not in st.session_state:
        st.session_state[schedule_key] = current_schedule

    def on_schedule() -> None:
        choice = st.session_state[schedule_key]
        if choice == "constant":
            change({"setting": "discount_rate", "value": 0.035}, schedule_key, current_schedule)
        elif change({"setting": "discount_rate", "value": None}):
            change({"setting": "discount_schedule", "value": choice}, schedule_key, current_schedule)

    st.selectbox(
        "Discounting",
        [*schedules, "constant"],
        key=schedule_key,
        on_change=on_schedule,
        format_func=lambda n: schedules.get(n, "A constant rate"),
    )


def _optimism_bias_mode(settings: Settings) -> None:
    """Optimism bias on benefits by the table of effect confidence, or one rate for all."""
    ob_key = key("ob-mode")
    if ob_key not in st.session_state:
        st.session_state[ob_key] = BY_CONFIDENCE if settings.optimism_bias is None else ONE_RATE
    st.radio(
        "Optimism bias on benefits",
        [BY_CONFIDENCE, ONE_RATE],
        key=ob_key,
        horizontal=True,
        on_change=lambda: change(
            {"setting": "optimism_bias", "value": None if st.session_state[ob_key] == BY_CONFIDENCE else 0.2}
        ),
        help="Each benefit is reduced by the rate for the confidence in its effect. The table by confidence "
        "is a local assumption: no published table could be read. Costs are uplifted by the rate for the "
        "confidence in each cost, apart.",
    )
