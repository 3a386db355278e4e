"""Back-tests: the seeds' worked examples and hand-computed cases, to the penny."""

from __future__ import annotations

import re

import pytest
import yaml

import roi
from roi.engine import model
from roi.engine.model import discount_factors

from .conftest import ROOT, scenario_from


def test_bed_day_is_derived_as_181250_over_725(library):
    bed_day = library.unit_costs["bed_day"]
    assert bed_day.value == 181_250 / 725 == 250
    assert "181,250 / 725" in bed_day.source.derivation


def test_district_direct_pilot_725_bed_days_is_181250():
    result = roi.run(roi.load_scenario("district_direct_pilot"))
    bed_days = result.benefits.loc[result.benefits["outcome"] == "bed_day", "amount"].sum() / 250
    assert round(bed_days, 6) == 725
    assert round(result.totals["pv_benefits"], 2) == 181_250.00
    assert result.totals["pv_non_cashable"] == pytest.approx(181_250.00, abs=0.005)
    assert result.totals["pv_cashable"] == 0


def test_district_direct_pilot_costs_its_officer_once_with_no_optimism_bias():
    # Its description: no optimism bias on benefits or costs, and a cost of the £80,000 a year officer
    # scaled to 29 weeks, £44,615.38 (2017 prices). The library's £242.42 a case is the same officer cost
    # spread over 330 patients, so it is not added again: PV costs £44,615.38 (£79,245.45 counted the
    # officer twice, £95,094.54 also added a 20% uplift).
    assert round(80_000 * 29 / 52, 2) == 44_615.38
    totals = roi.run(roi.load_scenario("district_direct_pilot")).totals
    assert round(totals["pv_costs"], 2) == 44_615.38
    assert totals["pv_cost_optimism_bias"] == 0


NO_OPTIMISM_BIAS = re.compile(r"\bno\b[^.;]*\boptimism bias", re.IGNORECASE)


def test_every_shipped_scenario_that_says_no_optimism_bias_has_none_on_benefits_or_costs():
    said = []
    for name in roi.shipped_scenarios():
        scenario = roi.load_scenario(name)
        if not NO_OPTIMISM_BIAS.search(" ".join(scenario.spec.description.split())):
            continue
        said.append(name)
        # Set in the file itself, so a change to the library's default cannot bring a bias back.
        raw = yaml.safe_load((ROOT / "assumptions" / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert raw["settings"].get("optimism_bias") == 0, name
        assert raw["settings"].get("cost_optimism_bias") == 0, name
        for intervention in scenario.interventions:
            assert model.optimism_bias(scenario, intervention) == 0, (name, intervention.id)
            assert model.cost_optimism_bias(scenario, intervention) == 0, (name, intervention.id)
        totals = roi.run(scenario).totals
        assert totals["pv_cost_optimism_bias"] == 0, name
    assert "district_direct_pilot" in said


def test_district_direct_annualised_to_52_weeks_is_325000():
    pilot_weeks = 29
    scenario = scenario_from(
        {
            "name": "District Direct, a full year",
            "settings": {
                "horizon_years": 1,
                "programme_years": 1,
                "price_year": 2017,
                "discount_rate": 0,
                "optimism_bias": 0,
                "cost_optimism_bias": 0,
            },
            "interventions": [
                {
                    "id": "hospital_discharge_housing",
                    "cases_per_year": 184 * 52 / pilot_weeks,
                    "outcomes": [{"unit_cost": "bed_day", "deadweight": 0, "attribution": 1}],
                }
            ],
        }
    )
    assert round(roi.run(scenario).totals["pv_benefits"], 2) == 325_000.00


_ALTERNATIVES = roi.load_library().unit_costs["adaptation_average"].alternatives
TOOLKIT_ADAPTATION = next(a for a in _ALTERNATIVES if a.value == 4400)


def test_residential_care_29000_against_adaptation_4400_saves_24600():
    scenario = scenario_from(
        {
            "name": "One adaptation against one year of residential care",
            "settings": {
                "horizon_years": 1,
                "programme_years": 1,
                "price_year": 2015,
                "discount_rate": 0,
                "optimism_bias": 0,
                "cost_optimism_bias": 0,
            },
            "interventions": [
                {
                    # The toolkit's own sum, defined in full: the library's DFG now models the
                    # 1-in-10 counterfactual, so the example is kept as its own intervention.
                    "id": "toolkit_adaptation_example",
                    "label": "The toolkit's adaptation example",
                    "cases_per_year": 1,
                    "cost_per_case": TOOLKIT_ADAPTATION.value,
                    "price_year": TOOLKIT_ADAPTATION.price_year,
                    "funded_by": {"district": 1.0},
                    "outcomes": [
                        {
                            "unit_cost": "residential_care_year",
                            "quantity_per_case": 1,
                            "deadweight": 0,
                            "attribution": 1,
                        }
                    ],
                }
            ],
        }
    )
    totals = roi.run(scenario).totals
    assert round(totals["pv_benefits"], 2) == 29_000.00
    assert round(totals["pv_costs"], 2) == 4_400.00
    assert round(totals["npv"], 2) == 24_600.00


HAND_EXAMPLE = {
    "name": "Hand-computed falls team",
    "settings": {
        "horizon_years": 3,
        "programme_years": 2,
        "price_year": 2024,
        "discount_rate": 0.1,
        "optimism_bias": 0.2,
        "cost_optimism_bias": 0,
    },
    "unit_costs": {
        "test_admission": {
            "label": "Test admission",
            "value": 1000,
            "unit": "per admission",
            "partner": "nhs_acute",
            "value_type": "fiscal_non_cashable",
        }
    },
    "interventions": [
        {
            "id": "falls_team",
            "label": "Falls response team",
            "cases_per_year": 10,
            "cost_per_case": 100,
            "fixed_cost_per_year": 50,
            "funded_by": {"district": 0.6, "county_asc": 0.4},
            "outcomes": [
                {
                    "unit_cost": "test_admission",
                    "quantity_per_case": 2,
                    "deadweight": 0.25,
                    "displacement": 0,
                    "attribution": 0.8,
                    "duration_years": 2,
                    "drop_off": 0.5,
                }
            ],
        }
    ],
}


def test_hand_computed_two_programme_years_with_every_adjustment():
    # Per cohort a year: 10 cases x 2 admissions x £1,000 = £20,000 gross.
    # Net factor: (1 - 0.25) x (1 - 0) x 0.8 x (1 - 0.2) = 0.48.
    # Cohorts alive with drop-off 0.5 and a 2-year duration: year 0: 1; year 1: 0.5 + 1; year 2: 0.5.
    # Benefits: 9,600; 14,400; 4,800. Discounted at 10%: 9,600 + 14,400/1.1 + 4,800/1.21.
    # Costs: 10 x £100 + £50 = £1,050 in years 0 and 1: 1,050 + 1,050/1.1.
    result = roi.run(scenario_from(HAND_EXAMPLE))
    by_year = result.by_year()
    assert list(by_year["benefits"].round(2)) == [9_600.00, 14_400.00, 4_800.00]
    assert list(by_year["costs"].round(2)) == [1_050.00, 1_050.00, 0.00]
    pv_benefits = 9_600 + 14_400 / 1.1 + 4_800 / 1.21
    pv_costs = 1_050 + 1_050 / 1.1
    totals = result.totals
    assert totals["pv_benefits"] == pytest.approx(pv_benefits, abs=0.005)
    assert round(totals["pv_benefits"], 2) == 26_657.85
    assert round(totals["pv_costs"], 2) == 2_004.55
    assert round(totals["npv"], 2) == round(pv_benefits - pv_costs, 2) == 24_653.31
    partners = result.by_partner().set_index("partner")
    assert partners.loc["district", "pv_costs"] == pytest.approx(0.6 * pv_costs)
    assert partners.loc["county_asc", "pv_costs"] == pytest.approx(0.4 * pv_costs)
    gross = result.waterfall().set_index("step")["amount"]
    assert gross["Gross benefit"] == pytest.approx(20_000 * (1 + 2 + 1))  # live cohorts, no drop-off
    assert gross.sum() == pytest.approx(totals["npv"])


def test_uprating_from_2014_to_2024_uses_the_gdp_deflator():
    scenario = scenario_from(
        {
            "name": "Uprating",
            "settings": {
                "horizon_years": 1,
                "programme_years": 1,
                "price_year": 2024,
                "discount_rate": 0,
                "optimism_bias": 0,
                "cost_optimism_bias": 0,
            },
            "unit_costs": {
                "old_cost": {
                    "label": "A 2014 cost",
                    "value": 100,
                    "unit": "per unit",
                    "price_year": 2014,
                    "partner": "nhs_acute",
                    "value_type": "fiscal_cashable",
                }
            },
            "interventions": [
                {
                    "id": "x",
                    "label": "X",
                    "cases_per_year": 1,
                    "cost_per_case": 10,
                    "price_year": 2014,
                    "funded_by": {"district": 1},
                    "outcomes": [{"unit_cost": "old_cost", "quantity_per_case": 1}],
                }
            ],
        }
    )
    totals = roi.run(scenario).totals
    assert totals["pv_benefits"] == pytest.approx(100 * 100 / 74.6524)
    assert round(totals["pv_benefits"], 2) == 133.95
    assert round(totals["pv_costs"], 2) == 13.40


def _any_scenario() -> roi.Scenario:
    """A scenario whose discount schedules the tests read (its own horizon does not matter to them)."""
    return scenario_from(
        {
            "name": "Long",
            "settings": {"horizon_years": 10, "programme_years": 1},
            "interventions": [{"id": "dfg_adaptation"}],
        }
    )


def test_green_book_schedule_compounds_across_bands():
    # Green Book 2022 (Annex A6), as HM Treasury's own tables and DfT TAG A1.1 apply it: 3.5% for
    # each of the 30 years to year 30, then 3.0%, so DF_31 = DF_30 / 1.03, and 2.5% from year 76.
    scenario = _any_scenario()
    factors = discount_factors(scenario, horizon=80)
    assert factors[0] == 1
    assert factors[30] == pytest.approx(1 / 1.035**30)
    assert factors[31] == pytest.approx(1 / (1.035**30 * 1.03))
    assert factors[75] == pytest.approx(1 / (1.035**30 * 1.03**45))
    assert factors[76] == pytest.approx(1 / (1.035**30 * 1.03**45 * 1.025))
    # The published factors to four places.
    assert [round(float(factors[t]), 4) for t in (30, 31, 75, 76)] == [0.3563, 0.3459, 0.0942, 0.0919]


def test_green_book_health_schedule_compounds_across_bands():
    scenario = _any_scenario()
    factors = discount_factors(scenario, "green_book_health", horizon=80)
    # The health rate of each band is 1.5/3.5 of the standard rate: 3.0% x 1.5/3.5 = 1.2857% from
    # year 31 and 2.5% x 1.5/3.5 = 1.0714% from year 76 (the tables print 1.29% and 1.07%).
    r31, r76 = 0.030 * 1.5 / 3.5, 0.025 * 1.5 / 3.5
    assert factors[30] == pytest.approx(1 / 1.015**30)
    assert factors[31] == pytest.approx(1 / (1.015**30 * (1 + r31)))
    assert factors[75] == pytest.approx(1 / (1.015**30 * (1 + r31) ** 45))
    assert factors[76] == pytest.approx(1 / (1.015**30 * (1 + r31) ** 45 * (1 + r76)))
    assert [round(float(factors[t]), 4) for t in (30, 31, 75, 76)] == [0.6398, 0.6316, 0.3600, 0.3562]


def test_green_book_health_rates_are_exact_not_rounded_df59_is_0_441694():
    # DF_59 = 1 / (1.015^30 x (1 + 0.03 x 1.5/3.5)^29): thirty years at 1.5% (years 1-30), then
    # twenty-nine at 1.2857% (years 31-59). With the rounded 1.29% it would be 0.441152.
    scenario = _any_scenario()
    factors = discount_factors(scenario, "green_book_health", horizon=60)
    expected = 1.0
    for year in range(1, 60):
        expected /= 1.015 if year <= 30 else 1 + 0.015 * 3.0 / 3.5
    assert round(expected, 6) == 0.441694
    assert round(float(factors[59]), 6) == 0.441694
    # Every band's health rate is 1.5/3.5 of its standard rate, exactly.
    library = scenario.library
    standard = library.discount_schedules["green_book_standard"].bands
    health = library.discount_schedules["green_book_health"].bands
    assert [b.from_year for b in health] == [b.from_year for b in standard]
    for s, h in zip(standard, health, strict=True):
        assert h.rate == pytest.approx(s.rate * 1.5 / 3.5, rel=1e-12)


def test_shipped_scenarios_run_and_balance():
    for name in roi.shipped_scenarios():
        result = roi.run(roi.load_scenario(name))
        totals = result.totals
        assert totals["pv_costs"] > 0
        assert result.by_partner()["pv_benefits"].sum() == pytest.approx(totals["pv_benefits"])
