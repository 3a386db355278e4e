"""quantity_follows: an outcome about the same people as another moves with it in every draw.

The DFG's replacement home care is for the people whose move into a care home it delays, so its
quantity follows the care-home weeks avoided: in every draw of the simulation, and in the tornado
and switching values, it is the lead's quantity times the ratio of their central values. The
central result is unchanged to the penny; only the spread of the simulation changes."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty
from roi.engine.model import build

from .conftest import ROOT, scenario_from

PROFILE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# `python -m roi run district_offer` on main before this change: NPV -£989,466
# (roi.run(...).totals["npv"] == -989465.8252842985). Issue 24 then graded each cost apart from its
# effect (cost optimism bias by `cost_confidence`): the DFG's uplift fell from 20% to 10%, healthy
# homes' from 20% to 10%, social prescribing's rose from 10% to 20% and falls prevention's from 5% to
# 20%, which took £251,076.33 off PV costs (tests/test_optimism_grades.py checks that sum by hand):
# NPV -£738,389 (-738389.4987396132). Issue 26 refreshed the library: the DFG's volume rose from 68 to
# 104 per 100,000 (DHSC, January 2026) and social prescribing costs a link worker (£38,000 / 250 = £152,
# 2024 prices) instead of a befriending service's £90: NPV -£1,467,304 (-1467303.6157295816).
# Then the DFG's cost per grant became DHSC's £10,000 at 2025 prices (deflated to 2024 by the OBR CPI
# proxy, 3.45%), not £11,025.64 at 2024 prices: NPV -£1,016,445 (-1016444.7089388743). Issue 23 costed
# what a fall costs besides an admission (A&E, ambulance, social care after fracture, quality of life) over
# three years: NPV -£128,001 (-128000.55957603268).
# Quantity following still leaves it unchanged to the penny.
DISTRICT_OFFER_NPV = -128000.55957603268

UNIT_COSTS = {
    "test_avoided": {
        "label": "Test week avoided",
        "value": 100,
        "unit": "per week",
        "partner": "county_asc",
        "value_type": "fiscal_cashable",
    },
    "test_incurred": {
        "label": "Test week incurred",
        "value": 50,
        "unit": "per week",
        "partner": "county_asc",
        "value_type": "fiscal_cashable",
    },
}


def _pair(
    follows: bool = True, lead: float = 2.0, follower: float = 4.0, lead_range=(1.0, 3.0), cost_range: bool = True
) -> dict:
    """One intervention with two outcomes for two years: 'test_avoided' (£100 a week, avoided) and
    'test_incurred' (£50 a week, incurred). With follower = 2 x lead the two are equal and opposite
    at any lead. Not following, the follower has the lead's range scaled to its own central value."""
    incurred: dict = {
        "unit_cost": "test_incurred",
        "effect": "incurs",
        "quantity_per_case": follower,
        "duration_years": 2,
    }
    if follows:
        incurred["quantity_follows"] = "test_avoided"
    else:
        scale = follower / lead
        incurred["ranges"] = {"quantity_per_case": [lead_range[0] * scale, lead_range[1] * scale]}
    return {
        "name": "Two outcomes about the same people",
        "settings": {"horizon_years": 3, "programme_years": 1, "price_year": 2024, "discount_rate": 0.035},
        "unit_costs": copy.deepcopy(UNIT_COSTS),
        "interventions": [
            {
                "id": "pair",
                "label": "A pair",
                "cases_per_year": 10,
                "cost_per_case": 100,
                "funded_by": {"district": 1},
                "optimism_bias": 0,
                "cost_optimism_bias": 0,
                "ranges": {"cost_per_case": [80, 120]} if cost_range else {},
                "outcomes": [
                    {
                        "unit_cost": "test_avoided",
                        "quantity_per_case": lead,
                        "duration_years": 2,
                        "ranges": {"quantity_per_case": list(lead_range)},
                    },
                    incurred,
                ],
            }
        ],
    }


def _quantities(scenario: roi.Scenario, values: dict, count: int, iid: str) -> dict[str, np.ndarray]:
    """Per-draw quantity per case of each outcome of one intervention, read back from the engine's
    streams (scale = sign x cases x quantity x uprated unit value)."""
    _, lines = build(scenario, values, count, only=frozenset({iid}))
    intervention = next(i for i in scenario.interventions if i.id == iid)
    cases = values.get(("intervention", iid, "cases_per_year"), np.full(count, intervention.cases_per_year))
    out = {}
    for line in lines:
        sign = -1.0 if line.effect == "incurs" else 1.0
        out[line.outcome] = line.scale / (sign * cases * line.unit_value)
    return out


def _draws(scenario: roi.Scenario, count: int, seed: int, distribution: str = "triangular") -> dict:
    """Every ranged input drawn as simulate draws it (one chunk)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    return {p.key: uncertainty._draw(rng, p, count, distribution) for p in uncertainty.parameters(scenario)}


# -- the central result ----------------------------------------------------------------------------


def test_the_district_offer_central_result_is_unchanged_to_the_penny():
    assert roi.run(roi.load_scenario("district_offer")).totals["npv"] == pytest.approx(DISTRICT_OFFER_NPV, abs=0.005)


def test_the_dfg_home_care_follows_the_care_home_weeks_with_no_range_of_its_own(library):
    outcomes = {o.unit_cost: o for o in library.interventions["dfg_adaptation"].outcomes}
    home_care = outcomes["home_care_week"]
    assert home_care.quantity_follows == "residential_care_week"
    assert "quantity_per_case" not in home_care.ranges
    assert "quantity_per_case" in outcomes["residential_care_week"].ranges


def test_following_leaves_the_central_run_exactly_as_independent_outcomes():
    lead, follower = 5.2, 5.2 * 0.37
    followed = roi.run(scenario_from(_pair(True, lead, follower, (2.6, 7.8)))).totals
    independent = roi.run(scenario_from(_pair(False, lead, follower, (2.6, 7.8)))).totals
    for name in ("npv", "pv_benefits", "pv_costs", "pv_fiscal", "pv_cashable"):
        assert followed[name] == independent[name], name


# -- every draw --------------------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", ["triangular", "pert"])
def test_in_every_draw_the_follower_is_the_lead_times_the_ratio_of_centrals(distribution):
    scenario = scenario_from(_pair(True, lead=2.0, follower=3.0))
    values = _draws(scenario, 5_000, seed=3, distribution=distribution)
    lead = values[("outcome", "pair", "0", "quantity_per_case")]
    assert lead.min() < 1.5 and lead.max() > 2.5  # the lead really varies
    quantities = _quantities(scenario, values, 5_000, "pair")
    np.testing.assert_allclose(quantities["test_avoided"], lead, rtol=1e-12)
    np.testing.assert_allclose(quantities["test_incurred"], lead * (3.0 / 2.0), rtol=1e-12)


def test_in_the_shipped_dfg_every_draw_of_home_care_weeks_equals_the_care_home_weeks_avoided():
    scenario = roi.load_scenario("dfg_single")
    values = _draws(scenario, 10_000, seed=1)
    quantities = _quantities(scenario, values, 10_000, "dfg_adaptation")
    care_home = quantities["residential_care_week"]
    assert care_home.min() < 3.5 and care_home.max() > 6.5
    np.testing.assert_allclose(quantities["home_care_week"], care_home, rtol=1e-12)


def test_equal_and_opposite_outcomes_net_to_nothing_in_every_draw_only_when_one_follows():
    followed = uncertainty.simulate(scenario_from(_pair(True)), 4_000, seed=5)
    independent = uncertainty.simulate(scenario_from(_pair(False)), 4_000, seed=5)
    assert np.all(np.abs(followed.pv_benefits) < 1e-6)
    assert np.all(np.abs(followed.npv + followed.pv_costs) < 1e-6)
    assert followed.pv_costs.std() > 1  # the costs still vary: only the pair is tied
    assert np.abs(independent.pv_benefits).max() > 100  # drawn apart, they do not cancel


def test_the_district_offer_spread_narrows_when_the_home_care_follows():
    scenario = roi.load_scenario("district_offer")
    followed = uncertainty.simulate(scenario, 10_000, seed=1).percentiles()["npv"]
    # The same scenario with the home care drawn on its own again (its old range, 2.6 to 7.8).
    dfg = next(i for i in scenario.interventions if i.id == "dfg_adaptation")
    outcomes = tuple(
        o.model_copy(update={"quantity_follows": None, "ranges": {"quantity_per_case": (2.6, 7.8)}})
        if o.unit_cost == "home_care_week"
        else o
        for o in dfg.outcomes
    )
    apart = scenario.model_copy(
        update={
            "interventions": tuple(
                i.model_copy(update={"outcomes": outcomes}) if i.id == "dfg_adaptation" else i
                for i in scenario.interventions
            )
        }
    )
    independent = uncertainty.simulate(apart, 10_000, seed=1).percentiles()["npv"]
    assert followed["p90"] - followed["p10"] < independent["p90"] - independent["p10"]


# -- collapsed ranges: the simulation is the central run ---------------------------------------------


@PROFILE
@given(
    lead=st.floats(min_value=0.01, max_value=1_000, allow_nan=False),
    follower=st.floats(min_value=0, max_value=1_000, allow_nan=False),
    explicit=st.booleans(),
    distribution=st.sampled_from(["triangular", "pert"]),
)
def test_with_ranges_collapsed_every_draw_equals_the_central_run(lead, follower, explicit, distribution):
    if explicit:  # the lead keeps a range, of zero width
        scenario = scenario_from(_pair(True, lead, follower, (lead, lead), cost_range=False))
    else:
        scenario = uncertainty.collapse_ranges(scenario_from(_pair(True, lead, follower, (lead * 0.5, lead * 1.5))))
    totals = roi.run(scenario).totals
    sim = uncertainty.simulate(scenario, 200, seed=9, distribution=distribution)
    assert np.all(np.abs(sim.npv - totals["npv"]) < 0.005)
    assert np.all(np.abs(sim.pv_benefits - totals["pv_benefits"]) < 0.005)
    assert np.all(np.abs(sim.pv_cashable - totals["pv_cashable"]) < 0.005)


# -- the tornado and switching values ----------------------------------------------------------------


def _dfg_with(care_home: float, home_care: float) -> float:
    """Central NPV of the DFG scenario with both quantities typed in."""
    outcomes = [
        {"unit_cost": "residential_care_week", "quantity_per_case": care_home},
        {"unit_cost": "home_care_week", "quantity_per_case": home_care},
    ]
    spec = roi.load_scenario("dfg_single").spec.model_dump(exclude_none=True)
    spec["interventions"][0]["outcomes"] = outcomes
    return roi.run(scenario_from(spec)).totals["npv"]


def test_the_tornado_has_no_bar_for_the_follower_and_the_leads_bar_moves_both():
    scenario = roi.load_scenario("dfg_single")
    table = uncertainty.tornado(scenario)
    dfg = scenario.interventions[0]
    index = {o.unit_cost: str(k) for k, o in enumerate(dfg.outcomes)}
    keys = set(table["key"])
    assert f"outcome.dfg_adaptation.{index['home_care_week']}.quantity_per_case" not in keys
    lead_key = f"outcome.dfg_adaptation.{index['residential_care_week']}.quantity_per_case"
    row = table.set_index("key").loc[lead_key]
    assert "Home care package" in row["parameter"]  # the label says the home care moves with it
    assert (row["low"], row["high"]) == (2.6, 7.8)
    # At the lead's low and high, the home care is at the same low and high (ratio 5.2 / 5.2).
    assert row["npv_low"] == pytest.approx(_dfg_with(2.6, 2.6), abs=0.005)
    assert row["npv_high"] == pytest.approx(_dfg_with(7.8, 7.8), abs=0.005)
    # Moving the care-home weeks alone would give a wider swing: the bar is not that.
    assert row["npv_high"] - row["npv_low"] < _dfg_with(7.8, 5.2) - _dfg_with(2.6, 5.2) - 1


def test_the_switching_value_of_the_lead_moves_the_follower_with_it():
    scenario = roi.load_scenario("dfg_single")
    table = uncertainty.switching_values(scenario, top=10)
    dfg = scenario.interventions[0]
    k = next(str(k) for k, o in enumerate(dfg.outcomes) if o.unit_cost == "residential_care_week")
    row = table.set_index("key").loc[f"outcome.dfg_adaptation.{k}.quantity_per_case"]
    value = float(row["switching_value"])
    assert abs(_dfg_with(value, value)) < 1.0  # both at the switching value: NPV is zero
    assert abs(_dfg_with(value, 5.2)) > 1_000  # the care-home weeks alone would not be


# -- bad input -------------------------------------------------------------------------------------


def _error(data: dict, file: str = "mine.yaml") -> roi.InputError:
    import yaml

    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(yaml.safe_dump(data), file)
    assert caught.value.file == file
    return caught.value


def test_following_an_outcome_not_in_the_intervention_is_refused_with_the_allowed_ids():
    data = _pair()
    data["interventions"][0]["outcomes"][1]["quantity_follows"] = "bed_day"
    error = _error(data)
    assert error.field.startswith("interventions[0]")
    assert "quantity_follows" in error.problem and "'bed_day' is not an outcome of this intervention" in error.problem
    assert "allowed: test_avoided" in error.problem


def test_following_an_outcome_that_itself_follows_is_refused():
    data = _pair()
    data["unit_costs"]["test_third"] = {**UNIT_COSTS["test_avoided"], "label": "Test third"}
    data["interventions"][0]["outcomes"].append(
        {"unit_cost": "test_third", "quantity_per_case": 1, "quantity_follows": "test_incurred"}
    )
    error = _error(data)
    assert "'test_incurred' itself follows 'test_avoided'" in error.problem
    assert "allowed: test_avoided" in error.problem


def test_a_follower_with_its_own_quantity_range_is_refused_saying_where_its_range_comes_from():
    data = _pair()
    data["interventions"][0]["outcomes"][1]["ranges"] = {"quantity_per_case": [3, 5]}
    error = _error(data)
    assert error.field == "interventions[0].outcomes[1]"
    assert "ranges.quantity_per_case" in error.problem
    assert "its range comes from the one it follows" in error.problem


def test_a_follower_may_keep_ranges_on_its_other_fields():
    data = _pair()
    data["interventions"][0]["outcomes"][1]["ranges"] = {"deadweight": [0, 0.2]}
    scenario = scenario_from(data)
    keys = {p.key for p in uncertainty.parameters(scenario)}
    assert ("outcome", "pair", "1", "deadweight") in keys
    assert ("outcome", "pair", "1", "quantity_per_case") not in keys


def test_a_lead_with_no_quantity_cannot_be_followed():
    data = _pair(lead=0.0, lead_range=(0.0, 1.0))
    error = _error(data)
    assert "'test_avoided' has a quantity per case of 0" in error.problem
    assert "allowed: an outcome whose quantity per case is above 0" in error.problem


def test_an_outcome_cannot_follow_itself():
    data = _pair()
    data["interventions"][0]["outcomes"][1]["quantity_follows"] = "test_incurred"
    error = _error(data)
    assert "cannot follow itself" in error.problem


def test_a_scenario_setting_the_dfg_care_home_weeks_to_zero_is_refused():
    error = _error(
        {
            "name": "No care-home weeks",
            "interventions": [
                {"id": "dfg_adaptation", "outcomes": [{"unit_cost": "residential_care_week", "quantity_per_case": 0}]}
            ],
        }
    )
    assert "quantity_follows" in error.problem and "quantity per case of 0" in error.problem


def test_a_scenario_giving_the_dfg_home_care_a_range_of_its_own_is_refused():
    error = _error(
        {
            "name": "Home care apart",
            "interventions": [
                {
                    "id": "dfg_adaptation",
                    "outcomes": [{"unit_cost": "home_care_week", "ranges": {"quantity_per_case": [2.6, 7.8]}}],
                }
            ],
        }
    )
    assert error.field == "interventions[0].outcomes[0]"
    assert "its range comes from the one it follows" in error.problem


def test_a_scenario_override_may_make_an_outcome_follow_and_its_library_range_gives_way():
    # Hospital discharge housing avoids bed days (library range 2 to 5.9 a case). A scenario adds
    # a home care line with its own range and makes the bed days follow it.
    scenario = scenario_from(
        {
            "name": "Bed days follow home care",
            "interventions": [
                {
                    "id": "hospital_discharge_housing",
                    "outcomes": [
                        {
                            "unit_cost": "home_care_week",
                            "effect": "incurs",
                            "quantity_per_case": 1,
                            "ranges": {"quantity_per_case": [0.5, 2]},
                        },
                        {"unit_cost": "bed_day", "quantity_follows": "home_care_week"},
                    ],
                }
            ],
        }
    )
    outcomes = {o.unit_cost: o for o in scenario.interventions[0].outcomes}
    assert outcomes["bed_day"].quantity_follows == "home_care_week"
    assert "quantity_per_case" not in outcomes["bed_day"].ranges
    keys = {".".join(p.key) for p in uncertainty.parameters(scenario)}
    assert "outcome.hospital_discharge_housing.0.quantity_per_case" not in keys  # bed days: no range of their own
    assert "outcome.hospital_discharge_housing.1.quantity_per_case" in keys
    values = _draws(scenario, 2_000, seed=4)
    quantities = _quantities(scenario, values, 2_000, "hospital_discharge_housing")
    ratio = outcomes["bed_day"].quantity_per_case / 1.0
    np.testing.assert_allclose(quantities["bed_day"], quantities["home_care_week"] * ratio, rtol=1e-12)


def test_a_library_file_with_a_bad_follow_is_refused_naming_the_file(tmp_path: Path):
    root = tmp_path / "assumptions"
    shutil.copytree(ROOT / "assumptions", root)
    path = root / "interventions.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("quantity_follows: residential_care_week") == 1
    path.write_text(text.replace("quantity_follows: residential_care_week", "quantity_follows: bed_day"), "utf-8")
    with pytest.raises(roi.InputError) as caught:
        roi.load_library(root)
    assert caught.value.file == "interventions.yaml"
    assert "'bed_day' is not an outcome of this intervention" in caught.value.problem
    assert "allowed: residential_care_week" in caught.value.problem
