"""Property tests (hypothesis) of the model's invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.inputs.schema import FISCAL_VALUE_TYPES

from .conftest import scenario_from

FRACTION = st.floats(min_value=0, max_value=1, allow_nan=False)
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _offer(
    cases: float = 100, deadweight: float | None = None, fixed_zero: bool = False, horizon: int = 10, programme: int = 3
) -> dict:
    interventions = []
    for intervention in roi.load_library().interventions.values():
        choice: dict = {"id": intervention.id, "cases_per_year": cases}
        if fixed_zero:
            choice["fixed_cost_per_year"] = 0
        if deadweight is not None and intervention.outcomes:
            choice["outcomes"] = [{"unit_cost": o.unit_cost, "deadweight": deadweight} for o in intervention.outcomes]
        interventions.append(choice)
    return {
        "name": "Property offer",
        "settings": {"horizon_years": horizon, "programme_years": programme},
        "interventions": interventions,
    }


@PROFILE
@given(low=FRACTION, high=FRACTION)
def test_net_benefit_never_rises_as_deadweight_rises(low, high):
    low, high = sorted((low, high))
    npv_low = roi.run(scenario_from(_offer(deadweight=low))).totals["npv"]
    npv_high = roi.run(scenario_from(_offer(deadweight=high))).totals["npv"]
    assert npv_high <= npv_low + 1e-6


@PROFILE
@given(
    cases=st.floats(min_value=0, max_value=5_000, allow_nan=False),
    horizon=st.integers(1, 30),
    programme=st.integers(1, 5),
)
def test_doubling_cases_doubles_costs_and_benefits(cases, horizon, programme):
    programme = min(programme, horizon)
    single = roi.run(scenario_from(_offer(cases, fixed_zero=True, horizon=horizon, programme=programme))).totals
    double = roi.run(scenario_from(_offer(2 * cases, fixed_zero=True, horizon=horizon, programme=programme))).totals
    assert double["pv_costs"] == pytest.approx(2 * single["pv_costs"], rel=1e-9, abs=1e-6)
    assert double["pv_benefits"] == pytest.approx(2 * single["pv_benefits"], rel=1e-9, abs=1e-6)


@PROFILE
@given(
    cases=st.floats(min_value=0, max_value=5_000, allow_nan=False),
    deadweight=FRACTION,
    horizon=st.integers(1, 40),
    programme=st.integers(1, 10),
)
def test_partner_totals_and_matrix_add_up_to_the_grand_total(cases, deadweight, horizon, programme):
    programme = min(programme, horizon)
    result = roi.run(scenario_from(_offer(cases, deadweight, horizon=horizon, programme=programme)))
    totals = result.totals
    partners = result.by_partner()
    assert partners["pv_costs"].sum() == pytest.approx(totals["pv_costs"], rel=1e-12, abs=1e-6)
    assert partners["pv_benefits"].sum() == pytest.approx(totals["pv_benefits"], rel=1e-12, abs=1e-6)
    assert partners["npv"].sum() == pytest.approx(totals["npv"], rel=1e-12, abs=1e-6)
    assert result.by_intervention()["npv"].sum() == pytest.approx(totals["npv"], rel=1e-12, abs=1e-6)
    assert result.who_pays_who_saves().to_numpy().sum() == pytest.approx(totals["pv_benefits"], rel=1e-12, abs=1e-6)
    fiscal = result.who_pays_who_saves(FISCAL_VALUE_TYPES).to_numpy().sum()
    assert fiscal == pytest.approx(totals["pv_fiscal"], rel=1e-12, abs=1e-6)
    assert result.waterfall()["amount"].sum() == pytest.approx(totals["npv"], rel=1e-12, abs=1e-6)
    assert result.by_year()["pv_benefits"].sum() == pytest.approx(totals["pv_benefits"], rel=1e-12, abs=1e-6)


def test_zero_cost_intervention_reports_no_cost_not_a_division_error():
    scenario = scenario_from(
        {"name": "Free", "interventions": [{"id": "dfg_adaptation", "cost_per_case": 0, "fixed_cost_per_year": 0}]}
    )
    result = roi.run(scenario)
    totals = result.totals
    assert totals["pv_costs"] == 0
    assert totals["bcr"] is None and totals["fiscal_roi"] is None and totals["payback_year"] is None
    assert result.by_intervention().loc[0, "bcr"] is None
    assert totals["pv_benefits"] > 0


def test_zero_cases_gives_zero_everything():
    scenario = scenario_from({"name": "Nothing", "interventions": [{"id": "dfg_adaptation", "cases_per_year": 0}]})
    totals = roi.run(scenario).totals
    assert totals["pv_costs"] == 0 and totals["pv_benefits"] == 0 and totals["bcr"] is None
