"""Monte Carlo, tornado and switching values: consistency with roi.run, reproducibility, properties."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty

from .conftest import ROOT, scenario_from


@pytest.mark.parametrize("name", list(roi.shipped_scenarios()))
@pytest.mark.parametrize("distribution", ["triangular", "pert"])
def test_collapsed_ranges_reproduce_the_deterministic_model_to_the_penny(name, distribution):
    scenario = uncertainty.collapse_ranges(roi.load_scenario(name))
    result = roi.run(scenario)
    sim = uncertainty.simulate(scenario, 500, seed=7, distribution=distribution)
    assert np.all(np.abs(sim.npv - result.totals["npv"]) < 0.005)
    assert np.all(np.abs(sim.pv_costs - result.totals["pv_costs"]) < 0.005)
    assert np.all(np.abs(sim.pv_fiscal - result.totals["pv_fiscal"]) < 0.005)
    assert np.all(sim.payback_year == (result.totals["payback_year"] or 0))
    partners = result.by_partner().set_index("partner")
    for partner, values in sim.partner_npv.items():
        assert np.all(np.abs(values - partners.loc[partner, "npv"]) < 0.005), partner


def test_central_values_reproduce_the_model_even_with_ranges():
    scenario = roi.load_scenario("district_offer")
    central = {p.key: np.array([p.central]) for p in uncertainty.parameters(scenario)}
    evaluation = uncertainty.evaluate(scenario, central, 1)
    assert evaluation.pv_benefits[0] - evaluation.pv_costs[0] == pytest.approx(
        roi.run(scenario).totals["npv"], abs=0.005
    )


def test_the_same_seed_gives_the_same_numbers_and_another_seed_does_not():
    scenario = roi.load_scenario("district_offer")
    first = uncertainty.simulate(scenario, 3000, seed=11)
    again = uncertainty.simulate(scenario, 3000, seed=11)
    other = uncertainty.simulate(scenario, 3000, seed=12)
    assert np.array_equal(first.npv, again.npv)
    assert not np.array_equal(first.npv, other.npv)


def test_percentiles_are_ordered_and_payback_is_a_probability():
    sim = uncertainty.simulate(roi.load_scenario("district_offer"), 5000, seed=2)
    for values in sim.percentiles().values():
        assert values["p10"] <= values["p50"] <= values["p90"]
    assert 0 <= sim.prob_payback <= 1
    table = sim.by_partner()
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()


def test_bounded_parameters_stay_within_zero_and_one():
    scenario = roi.load_scenario("district_offer")
    rng = np.random.default_rng(0)
    for parameter in uncertainty.parameters(scenario):
        values = uncertainty._draw(rng, parameter, 2000, "pert")
        assert values.min() >= min(parameter.low, 0 if parameter.bounded else parameter.low) - 1e-12
        if parameter.bounded:
            assert values.min() >= 0 and values.max() <= 1


OFFER = roi.load_scenario("district_offer")
RANGED = [p for p in uncertainty.parameters(OFFER) if p.has_range]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(RANGED) - 1),
    narrow=st.floats(0.0, 1.0),
    extra=st.floats(0.0, 2.0),
    distribution=st.sampled_from(["triangular", "pert"]),
)
def test_widening_an_input_range_never_narrows_the_p10_p90_band(index, narrow, extra, distribution):
    # One input uncertain, the rest central: NPV is then a monotone function of that input, and with the
    # same random numbers every draw moves away from the central value as the range widens.
    parameter = RANGED[index]
    below, above = parameter.central - parameter.low, parameter.high - parameter.central
    # The largest widening that keeps the range inside the parameter's bounds, so that every range
    # here is the original scaled about the central value (no clipping changes its shape).
    limits = [parameter.central / below if below else np.inf]
    if parameter.bounded:
        limits.append((1 - parameter.central) / above if above else np.inf)
    largest = min(limits)

    def band(factor: float) -> float:
        factor = min(factor, largest)
        widened = uncertainty.Parameter(
            parameter.key,
            parameter.label,
            parameter.central,
            parameter.central - factor * below,
            parameter.central + factor * above,
            parameter.bounded,
        )
        draws = uncertainty._draw(np.random.default_rng(9), widened, 4000, distribution)
        result = uncertainty.evaluate(OFFER, {parameter.key: draws}, 4000)
        p10, p90 = np.percentile(result.pv_benefits - result.pv_costs, [10, 90])
        return p90 - p10

    assert band(narrow + extra) >= band(narrow) - 1e-6


def test_a_parameter_with_zero_range_ranks_last_in_the_tornado():
    cost = roi.load_library().interventions["dfg_adaptation"].cost_per_case
    scenario = scenario_from(
        {"name": "Zero range", "interventions": [{"id": "dfg_adaptation", "ranges": {"cost_per_case": [cost, cost]}}]}
    )
    table = uncertainty.tornado(scenario)
    assert table.iloc[-1]["key"] == "intervention.dfg_adaptation.cost_per_case"
    assert table.iloc[-1]["swing"] == 0
    assert (table["swing"].diff().dropna() <= 0).all()


def test_a_switching_value_put_back_gives_npv_within_one_pound_of_zero():
    scenario = roi.load_scenario("dfg_single")
    table = uncertainty.switching_values(scenario)
    crossing = table.dropna(subset=["switching_value"])
    assert len(crossing) >= 1
    for row in crossing.itertuples():
        assert abs(uncertainty.with_parameter(scenario, row.key, row.switching_value)) < 1.0
        within = row.low <= row.switching_value <= row.high
        assert (row.where == "within its range") == within


def _one_scheme(benefit_per_case: float, fixed: float = 0.0) -> roi.Scenario:
    """A scheme costing £100 a case (range £90-£110) whose case saves ``benefit_per_case`` pounds."""
    return scenario_from(
        {
            "name": "One scheme",
            "settings": {
                "horizon_years": 1,
                "programme_years": 1,
                "discount_rate": 0,
                "optimism_bias": 0,
                "cost_optimism_bias": 0,
            },
            "unit_costs": {
                "saving": {
                    "label": "A saving",
                    "value": benefit_per_case,
                    "unit": "per case",
                    "partner": "county_asc",
                    "value_type": "fiscal_cashable",
                }
            },
            "interventions": [
                {
                    "id": "scheme",
                    "label": "Scheme",
                    "cases_per_year": 10,
                    "cost_per_case": 100,
                    "fixed_cost_per_year": fixed,
                    "funded_by": {"district": 1},
                    "ranges": {"cost_per_case": [90, 110]},
                    "outcomes": [{"unit_cost": "saving", "quantity_per_case": 1}],
                }
            ],
        }
    )


def test_a_switching_value_outside_the_range_is_found_and_says_how_far():
    # Each case saves £50 and costs £100: NPV is zero at a cost of £50 a case, 44% below the low of £90.
    table = uncertainty.switching_values(_one_scheme(50)).set_index("key")
    row = table.loc["intervention.scheme.cost_per_case"]
    assert row["switching_value"] == pytest.approx(50, abs=1e-6)
    assert row["where"] == "44% below its low"
    # At £300 saved a case, it breaks even at £300 a case: 2.7 times the high of £110.
    row = uncertainty.switching_values(_one_scheme(300)).set_index("key").loc["intervention.scheme.cost_per_case"]
    assert row["switching_value"] == pytest.approx(300, abs=1e-6) and row["where"] == "2.7 times its high"


def test_no_value_breaks_even_only_when_none_in_the_whole_domain_does():
    # £150 saved a case against £100 a case and no fixed cost: NPV is positive for any cost up to
    # £150, and 20 x the central £100 = £2,000 reaches past it, so a switching value exists...
    assert uncertainty.switching_values(_one_scheme(150)).loc[0, "switching_value"] == pytest.approx(150, abs=1e-6)
    # ...but with a saving of £3,000 a case, no cost from £0 to £2,000 breaks even.
    row = uncertainty.switching_values(_one_scheme(3_000)).iloc[0]
    assert row["switching_value"] is None or np.isnan(row["switching_value"])
    assert row["where"] == "no value from 0 to 2,200 breaks even"


def test_a_million_draws_run_in_bounded_chunks():
    scenario = roi.load_scenario("dfg_single")
    calls = []
    sim = uncertainty.simulate(scenario, 200_000, seed=3, chunk=50_000, progress=calls.append)
    assert calls == [0.25, 0.5, 0.75, 1.0]
    assert sim.npv.shape == (200_000,) and np.isfinite(sim.npv).all()


def test_cli_simulate_and_sensitivity_json_keys():
    run = subprocess.run(
        [sys.executable, "-m", "roi", "simulate", "dfg_single", "--draws", "2000", "--seed", "3", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    payload = json.loads(run.stdout)
    assert {"draws", "npv", "bcr", "prob_payback", "by_partner"} <= payload.keys()
    assert set(payload["npv"]) == {"p10", "p50", "p90"} and payload["draws"] == 2000
    run = subprocess.run(
        [sys.executable, "-m", "roi", "sensitivity", "dfg_single", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    payload = json.loads(run.stdout)
    assert {"parameter", "low", "high", "npv_low", "npv_high", "swing"} <= payload["tornado"][0].keys()
    assert {"parameter", "central", "switching_value"} <= payload["switching_values"][0].keys()
