"""The one engine (issue 9): Green Book method, honest cash, each partner's own position.

Every expected figure below is worked by hand in the comments, to the penny."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.engine import uncertainty
from roi.inputs.library import load_library

from .conftest import roi_cli, scenario_from

PROFILE = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EVERY_NEW_ELEMENT = {
    "name": "Every new element, by hand",
    "settings": {"horizon_years": 3, "programme_years": 1, "price_year": 2024, "discount_rate": 0.1},
    "unit_costs": {
        "test_bed": {
            "label": "Test bed-day",
            "value": 200,
            "unit": "per bed-day",
            "partner": "nhs_acute",
            "value_type": "fiscal_non_cashable",
        },
        "test_home_care": {
            "label": "Test home care, a year",
            "value": 300,
            "unit": "per year",
            "partner": "county_asc",
            "value_type": "fiscal_cashable",
        },
        "test_qaly": {
            "label": "Test QALY",
            "value": 10_000,
            "unit": "per QALY",
            "partner": "individuals",
            "value_type": "social",
            "health_effect": True,
        },
    },
    "interventions": [
        {
            "id": "scheme",
            "label": "A scheme",
            "cases_per_year": 10,
            "cost_per_case": 100,
            "funded_by": {"district": 1},
            "optimism_bias": 0.2,
            "cost_optimism_bias": 0.1,
            "outcomes": [
                {
                    "unit_cost": "test_bed",
                    "quantity_per_case": 2,
                    "lag_years": 1,
                    "cashable_share": 0.25,
                    "deadweight": 0.5,
                },
                {"unit_cost": "test_home_care", "quantity_per_case": 1, "effect": "incurs", "duration_years": 2},
                {"unit_cost": "test_qaly", "quantity_per_case": 0.01, "duration_years": 2},
            ],
        },
        {
            "id": "ratio_scheme",
            "label": "A ratio scheme",
            "cases_per_year": 5,
            "cost_per_case": 200,
            "funded_by": {"county_asc": 0.5, "nhs_primary_care": 0.5},
            "optimism_bias": 0,
            "cost_optimism_bias": 0,
            "ratio": {
                "value_per_pound": 3,
                "horizon_years": 2,
                "benefit_split": [{"partner": "nhs_primary_care", "value_type": "fiscal_cashable", "share": 1}],
                "source": {"local_example": True, "note": "test"},
                "split_source": {"local_example": True, "note": "test"},
            },
        },
    ],
}


def test_hand_computed_lag_optimism_bias_incurs_cash_share_ratio_horizon_and_health_discounting():
    result = roi.run(scenario_from(EVERY_NEW_ELEMENT))
    t = result.totals
    # Costs. Scheme: 10 x £100 = £1,000 in year 0, uplifted 10% for cost optimism bias = £1,100.
    # Ratio scheme: 5 x £200 = £1,000 in year 0, no uplift. PV costs = £2,100.
    assert round(t["pv_costs"], 2) == 2_100.00
    assert round(t["pv_cost_optimism_bias"], 2) == 100.00
    # Bed-days: 10 x 2 x £200 = £4,000, lagged one year into year 1; deadweight 50% -> £2,000;
    # benefit optimism bias 20% -> £1,600; a quarter cash (£400), three quarters capacity (£1,200).
    # PV at 10%: £400 / 1.1 = £363.64 cash; £1,200 / 1.1 = £1,090.91 capacity.
    # Home care incurred: 10 x 1 x £300 = £3,000 in years 0 and 1, less 20% optimism bias = £2,400
    # (the replacement care exists only as far as the effect does); PV -£2,400 - £2,400 / 1.1 = -£4,581.82.
    # QALYs: 10 x 0.01 x £10,000 = £1,000 in years 0 and 1, less 20% = £800; a health effect, so
    # discounted at the Green Book health rate of 1.5%: £800 + £800 / 1.015 = £1,588.18.
    # Ratio: £3 x £1,000 spread over 2 years = £1,500 in years 0 and 1: £1,500 + £1,500 / 1.1 = £2,863.64.
    assert round(t["pv_cashable"], 2) == round(400 / 1.1 - 2_400 - 2_400 / 1.1 + 1_500 + 1_500 / 1.1, 2) == -1_354.55
    assert round(t["pv_non_cashable"], 2) == 1_090.91
    assert round(t["pv_social"], 2) == 1_588.18
    assert round(t["pv_benefits"], 2) == round(-1_354.545454 + 1_090.909091 + 800 + 800 / 1.015, 2) == 1_324.54
    assert round(t["npv"], 2) == -775.46
    assert round(t["cash_npv"], 2) == -3_454.55
    assert round(t["cash_roi"], 4) == round(-1_354.545454 / 2_100, 4)
    partners = result.by_partner().set_index("partner")
    # Each partner's own cash: district -£1,100; county -£4,581.82 - £500; primary care £2,863.64 - £500;
    # acute £363.64 of cash from the cashable share. They sum to the total cash NPV.
    assert round(partners.loc["district", "cash_npv"], 2) == -1_100.00
    assert round(partners.loc["county_asc", "cash_npv"], 2) == -5_081.82
    assert round(partners.loc["nhs_primary_care", "cash_npv"], 2) == 2_363.64
    assert round(partners.loc["nhs_acute", "cash_npv"], 2) == 363.64
    assert round(partners["cash_npv"].sum(), 2) == round(t["cash_npv"], 2)
    # Primary care pays £500 and gets £1,500 in year 0: it pays back in year 1 on its own savings.
    assert partners.loc["nhs_primary_care", "payback_year"] == 1
    assert partners.loc["nhs_primary_care", "cash_payback_year"] == 1
    assert partners.loc["nhs_acute", "payback_year"] is pd_na()
    assert partners.loc["district", "payback_year"] is pd_na()
    # The waterfall still sums to NPV, with the incurred cost and both optimism biases as steps.
    steps = result.waterfall().set_index("step")["amount"]
    assert round(steps.sum(), 2) == round(t["npv"], 2)
    assert round(steps["Costs incurred"], 2) == -6_000.00
    assert round(steps["Cost optimism bias"], 2) == -100.00


def pd_na():
    import pandas as pd

    return pd.NA


def test_green_book_1_5_percent_is_kept_for_health_effects_only():
    result = roi.run(scenario_from(EVERY_NEW_ELEMENT))
    benefits = result.benefits
    qaly = benefits[benefits["outcome"] == "test_qaly"]
    beds = benefits[benefits["outcome"] == "test_bed"]
    assert qaly["discount_factor"].round(6).tolist() == [1.0, round(1 / 1.015, 6), round(1 / 1.015**2, 6)]
    assert set(beds["discount_factor"].round(6)) == {1.0, round(1 / 1.1, 6), round(1 / 1.21, 6)}


def _with_settings(**changes: object) -> dict:
    return {**EVERY_NEW_ELEMENT, "settings": {**EVERY_NEW_ELEMENT["settings"], **changes}}


def test_a_constant_discount_rate_warns_that_health_effects_stay_on_the_health_schedule():
    # EVERY_NEW_ELEMENT sets a constant 10%; its QALYs are still discounted at 1.5% (above).
    warnings = [w for w in roi.run(scenario_from(EVERY_NEW_ELEMENT)).warnings if "health effects" in w]
    expected = (
        "Costs and savings are discounted at a constant 10%, but health effects (QALYs) on the schedule "
        "Green Book 2022, health (1.5% for years 0-30): the constant rate does not apply to them unless a "
        "constant rate for health effects is set too."
    )
    assert warnings == [expected]


def test_a_constant_health_discount_rate_reaches_health_effects_in_run_and_in_simulation():
    scenario = scenario_from(_with_settings(health_discount_rate=0.1))
    result = roi.run(scenario)
    # QALYs: £800 in years 0 and 1, now at 10% as well: £800 + £800 / 1.1 = £1,527.27 (was £1,588.18).
    assert round(result.totals["pv_social"], 2) == round(800 + 800 / 1.1, 2) == 1_527.27
    # NPV: cash -£1,354.55 + capacity £1,090.91 + QALYs £1,527.27 - costs £2,100 = -£836.36.
    cash = 400 / 1.1 - 2_400 - 2_400 / 1.1 + 1_500 + 1_500 / 1.1
    by_hand = cash + 1_200 / 1.1 + 800 + 800 / 1.1 - 2_100
    assert round(result.totals["npv"], 2) == round(by_hand, 2) == -836.36
    qaly = result.benefits[result.benefits["outcome"] == "test_qaly"]
    assert qaly["discount_factor"].round(6).tolist() == [1.0, round(1 / 1.1, 6), round(1 / 1.21, 6)]
    # Both rates agree: nothing to warn about.
    assert not [w for w in result.warnings if "health effects" in w]
    # The simulation takes its factors from the same place: collapsed ranges give run's figures.
    collapsed = uncertainty.collapse_ranges(scenario)
    sim = uncertainty.simulate(collapsed, 50, seed=3)
    assert np.all(np.abs(sim.npv - roi.run(collapsed).totals["npv"]) < 0.005)
    assert np.all(np.abs(sim.npv - by_hand) < 0.005)


def test_a_different_constant_health_rate_is_said_in_words():
    warnings = roi.run(scenario_from(_with_settings(health_discount_rate=0.015))).warnings
    assert (
        "Costs and savings are discounted at a constant 10%, but health effects (QALYs) at a constant 1.5%." in warnings
    )


def test_no_health_warning_without_a_constant_rate_or_without_health_effects():
    default = {**EVERY_NEW_ELEMENT, "settings": {"horizon_years": 3, "programme_years": 1, "price_year": 2024}}
    assert not [w for w in roi.run(scenario_from(default)).warnings if "health effects" in w]
    no_qaly = copy.deepcopy(EVERY_NEW_ELEMENT)
    no_qaly["interventions"][0]["outcomes"].pop()
    assert not [w for w in roi.run(scenario_from(no_qaly)).warnings if "health effects" in w]


def test_the_green_book_default_is_unchanged_3_5_standard_and_1_5_health():
    default = {**EVERY_NEW_ELEMENT, "settings": {"horizon_years": 3, "programme_years": 1, "price_year": 2024}}
    scenario = scenario_from(default)
    assert scenario.settings.health_discount_rate is None
    benefits = roi.run(scenario).benefits
    qaly = benefits[benefits["outcome"] == "test_qaly"]
    beds = benefits[benefits["outcome"] == "test_bed"]
    assert qaly["discount_factor"].round(6).tolist() == [1.0, round(1 / 1.015, 6), round(1 / 1.015**2, 6)]
    assert set(beds["discount_factor"].round(6)) == {1.0, round(1 / 1.035, 6), round(1 / 1.035**2, 6)}


def test_a_health_discount_rate_out_of_range_names_file_field_and_range():
    text = yaml.safe_dump(_with_settings(health_discount_rate=0.5))
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(text, "offer.yaml")
    assert caught.value.file == "offer.yaml"
    assert caught.value.field == "settings.health_discount_rate"
    assert "a rate from 0 to 0.2" in str(caught.value) and "0.5" in str(caught.value)


@PROFILE
@given(rate=st.floats(min_value=0, max_value=0.2, allow_nan=False))
def test_a_constant_health_rate_discounts_qalys_as_hand_computed_and_run_equals_simulate(rate):
    scenario = scenario_from(_with_settings(health_discount_rate=rate))
    result = roi.run(scenario)
    assert result.totals["pv_social"] == pytest.approx(800 + 800 / (1 + rate), abs=1e-6)
    sim = uncertainty.simulate(uncertainty.collapse_ranges(scenario), 5, seed=1)
    assert np.all(np.abs(sim.npv - result.totals["npv"]) < 0.005)


# -- properties ------------------------------------------------------------------------------------

OFFER = {"name": "Property offer", "settings": {"horizon_years": 10, "programme_years": 3}}


def _library_offer(**outcome_changes: object) -> dict:
    interventions = []
    for intervention in load_library().interventions.values():
        choice: dict = {"id": intervention.id}
        if intervention.outcomes and outcome_changes:
            choice["outcomes"] = [{"unit_cost": o.unit_cost, **outcome_changes} for o in intervention.outcomes]
        interventions.append(choice)
    return {**OFFER, "interventions": interventions}


@PROFILE
@given(lag=st.integers(min_value=0, max_value=10))
def test_a_lag_never_raises_npv(lag):
    avoids_only = _library_offer(effect="avoids")
    lagged = _library_offer(effect="avoids", lag_years=lag)
    assert roi.run(scenario_from(lagged)).totals["npv"] <= roi.run(scenario_from(avoids_only)).totals["npv"] + 1e-6


@PROFILE
@given(uplift=st.floats(min_value=0, max_value=2, allow_nan=False))
def test_cost_optimism_bias_never_lowers_pv_costs(uplift):
    plain = roi.run(scenario_from({**_library_offer(), "settings": {**OFFER["settings"], "cost_optimism_bias": 0}}))
    biased = roi.run(
        scenario_from({**_library_offer(), "settings": {**OFFER["settings"], "cost_optimism_bias": uplift}})
    )
    assert biased.totals["pv_costs"] >= plain.totals["pv_costs"] - 1e-6
    assert biased.totals["pv_costs"] == pytest.approx(plain.totals["pv_costs"] * (1 + uplift))


@PROFILE
@given(
    share=st.floats(min_value=0, max_value=1, allow_nan=False),
    lag=st.integers(min_value=0, max_value=5),
    cases=st.floats(min_value=0, max_value=5_000, allow_nan=False),
)
def test_partner_cash_npvs_sum_to_the_total_cash_npv(share, lag, cases):
    data = _library_offer(cashable_share=share, lag_years=lag)
    data["interventions"] = [{**i, "cases_per_year": cases} for i in data["interventions"]]
    result = roi.run(scenario_from(data))
    partners = result.by_partner()
    assert partners["cash_npv"].sum() == pytest.approx(result.totals["cash_npv"], abs=1e-6)
    assert partners["fiscal_npv"].sum() == pytest.approx(
        result.totals["fiscal_npv"] - partners.loc[~partners["fiscal_body"], "fiscal_npv"].sum(), abs=1e-6
    )


@PROFILE
@given(
    share=st.floats(min_value=0, max_value=1, allow_nan=False),
    lag=st.integers(min_value=0, max_value=4),
    programme=st.integers(min_value=1, max_value=4),
)
def test_with_every_range_collapsed_simulate_equals_run_for_every_partner(share, lag, programme):
    data = _library_offer(cashable_share=share, lag_years=lag)
    data["settings"] = {"horizon_years": 8, "programme_years": programme}
    scenario = uncertainty.collapse_ranges(scenario_from(data))
    result = roi.run(scenario)
    sim = roi.simulate(scenario, draws=7, seed=5)
    partners = result.by_partner().set_index("partner")
    assert np.allclose(sim.npv, result.totals["npv"], rtol=1e-12, atol=1e-6)
    assert np.allclose(sim.cash_npv, result.totals["cash_npv"], rtol=1e-12, atol=1e-6)
    for partner, row in partners.iterrows():
        assert np.allclose(sim.partner_cash[partner] - sim.partner_costs[partner], row["cash_npv"], atol=1e-6)
        assert np.allclose(sim.partner_fiscal[partner] - sim.partner_costs[partner], row["fiscal_npv"], atol=1e-6)
        expected = 0 if row["payback_year"] is pd_na() else row["payback_year"]
        assert (sim.partner_payback[partner] == expected).all()
        expected = 0 if row["cash_payback_year"] is pd_na() else row["cash_payback_year"]
        assert (sim.partner_cash_payback[partner] == expected).all()
    assert (sim.payback_year == (result.totals["payback_year"] or 0)).all()
    assert (sim.cash_payback_year == (result.totals["cash_payback_year"] or 0)).all()


# -- one regression test per defect ----------------------------------------------------------------


def test_an_override_with_its_own_price_year_does_not_relabel_the_other_cost():
    library = load_library()
    base = library.interventions["dfg_adaptation"]
    scenario = scenario_from(
        {
            "name": "Own price year",
            "settings": {"price_year": 2024},
            "interventions": [{"id": "dfg_adaptation", "fixed_cost_per_year": 1_000, "price_year": 2017}],
        }
    )
    intervention = scenario.interventions[0]
    assert intervention.price_year == 2017
    # The library's cost per case (at its own price year) keeps its real value: restated at 2017
    # prices, it uprates back to the library's figure at 2024 prices; so does its range.
    to_2024 = library.deflator_factor(2017, 2024)
    library_2024 = library.deflator_factor(base.price_year, 2024)
    assert intervention.cost_per_case * to_2024 == pytest.approx(base.cost_per_case * library_2024)
    for mine, theirs in zip(intervention.ranges["cost_per_case"], base.ranges["cost_per_case"], strict=True):
        assert mine * to_2024 == pytest.approx(theirs * library_2024)
    yearly = roi.run(scenario).costs.groupby("year")["base_amount"].sum().iloc[0]
    expected = base.cases_per_year * base.cost_per_case * library_2024 + 1_000 * to_2024
    assert yearly == pytest.approx(expected)


def test_an_override_without_a_price_year_moves_its_range_to_scenario_prices_too():
    library = load_library()
    base = next(i for i in library.interventions.values() if i.price_year != 2024 and "cost_per_case" in i.ranges)
    scenario = scenario_from(
        {
            "name": "Typed cost",
            "settings": {"price_year": 2024},
            "interventions": [{"id": base.id, "cost_per_case": base.cost_per_case}],
        }
    )
    low, high = scenario.interventions[0].ranges["cost_per_case"]
    # The typed value is at 2024 prices. The library's range, uprated to 2024, keeps its shape around
    # it: scaled by typed / (library x deflator), which is the library's own range in nominal pounds.
    assert low == pytest.approx(base.ranges["cost_per_case"][0])
    assert high == pytest.approx(base.ranges["cost_per_case"][1])
    assert scenario.interventions[0].range_basis == {"cost_per_case": "moved"}


def parsed(data: dict) -> roi.Scenario:
    """Through the file path a user's upload takes, so a problem is an InputError naming the file."""
    return roi.parse_scenario(yaml.safe_dump(data), file="offer.yaml")


def test_two_outcomes_on_one_unit_cost_are_two_lines_with_their_own_lags():
    scenario = parsed(
        {
            "name": "Twice",
            "interventions": [
                {
                    "id": "hospital_discharge_housing",
                    "outcomes": [
                        {"unit_cost": "bed_day", "quantity_per_case": 1},
                        {"unit_cost": "bed_day", "quantity_per_case": 2, "lag_years": 2, "id": "later"},
                    ],
                }
            ],
        }
    )
    outcomes = scenario.interventions[0].outcomes
    # The first override changes the library's bed-day outcome; the second is a new outcome of its own.
    assert [(o.unit_cost, o.quantity_per_case, o.lag_years, o.id) for o in outcomes] == [
        ("bed_day", 1, 0, None),
        ("bed_day", 2, 2, "later"),
    ]
    benefits = roi.run(scenario).benefits
    years = benefits[benefits["outcome"] == "bed_day"].groupby("year")["gross"].sum()
    assert years[0] > 0 and years[1] == 0 and years[2] > 0


def test_a_fiscal_saving_to_individuals_is_refused():
    with pytest.raises(roi.InputError) as error:
        scenario_from(
            {
                "name": "Wrong pocket",
                "unit_costs": {"bed_day": {"partner": "individuals", "value_type": "fiscal_cashable"}},
                "interventions": [{"id": "hospital_discharge_housing"}],
            }
        )
    message = str(error.value)
    assert "unit_costs.bed_day.value_type" in message and "individuals" in message and "district" in message


def test_a_fraction_of_a_penny_spent_with_no_saving_does_not_pay_back():
    data = {
        "name": "A fraction of a penny",
        "settings": {"horizon_years": 3, "programme_years": 1, "cost_optimism_bias": 0},
        "interventions": [{"id": "hospital_discharge_housing", "cases_per_year": 0, "fixed_cost_per_year": 0.004}],
    }
    result = roi.run(scenario_from(data))
    assert result.totals["pv_costs"] == pytest.approx(0.004)
    assert result.totals["payback_year"] is None


def test_a_zero_cost_scenario_says_the_same_in_run_and_simulation():
    data = {
        "name": "Free",
        "interventions": [{"id": "dfg_adaptation", "cost_per_case": 0, "fixed_cost_per_year": 0, "ranges": {}}],
    }
    scenario = scenario_from(data)
    result = roi.run(scenario)
    sim = roi.simulate(uncertainty.collapse_ranges(scenario), draws=500, seed=2)
    assert result.totals["payback_year"] is None
    assert sim.prob_payback == 0.0


def test_simulate_is_part_of_the_python_api():
    sim = roi.simulate(roi.load_scenario("dfg_single"), draws=1_000, seed=4)
    assert isinstance(sim, roi.Simulation) and sim.draws == 1_000


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        ({"lag_years": 30}, "outcomes[0].lag_years", "0 to 10"),
        ({"cashable_share": 1.2}, "cashable_share", "1"),
        ({"effect": "sometimes"}, "effect", "avoids"),
    ],
)
def test_bad_new_fields_name_the_file_field_and_what_is_allowed(change, field, allowed):
    with pytest.raises(roi.InputError) as error:
        parsed(
            {
                "name": "Bad",
                "settings": {"horizon_years": 10},
                "interventions": [
                    {
                        "id": "dfg_adaptation",
                        "outcomes": [{"unit_cost": "gp_consultation", "quantity_per_case": 1, **change}],
                    }
                ],
            }
        )
    message = str(error.value)
    assert field in message and allowed in message and "offer.yaml" in message


# -- where the central estimate stands --------------------------------------------------------------


def test_the_central_estimate_says_where_it_falls_in_its_own_simulation():
    result = roi.run(roi.load_scenario("district_offer"))
    t = result.totals
    sim = roi.simulate(result.scenario, draws=t["position_draws"], seed=1)
    below = np.mean(sim.npv < t["npv"]) * 100
    assert below <= t["central_percentile"] <= np.mean(sim.npv <= t["npv"]) * 100
    assert t["central_outside_iqr"] == (not t["npv_p25"] <= t["npv"] <= t["npv_p75"])


def test_the_median_can_be_the_headline():
    data = {"name": "Median", "settings": {"headline": "median"}, "interventions": [{"id": "dfg_adaptation"}]}
    t = roi.run(scenario_from(data)).totals
    assert t["headline"] == "median" and t["headline_npv"] == t["npv_p50"]


def test_run_json_gives_each_partner_its_cash_and_the_central_position():
    out = roi_cli("run", "district_offer", "--json", check=True)
    payload = json.loads(out.stdout)
    assert {"cash_npv", "cash_roi", "cash_payback_year", "central_percentile"} <= payload["totals"].keys()
    for row in payload["by_partner"]:
        assert {"cash_npv", "fiscal_npv", "payback_year", "cash_payback_year"} <= row.keys()
    assert sum(r["cash_npv"] for r in payload["by_partner"]) == pytest.approx(payload["totals"]["cash_npv"], abs=0.01)
    text = roi_cli("run", "district_offer").stdout
    # "Capacity freed" is a two-line header ("Capacity" over "freed"), to keep the table 120 wide.
    assert "Cash back" in text and "Capacity" in text and " freed " in text and "percentile" in text
