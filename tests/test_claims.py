"""Check a claim: the sources' examples recompute as stated; each flag fires on its own claim only."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import roi
from roi.analysis.claims import check_claim
from roi.inputs.schema import ClaimSpec

from .conftest import ROOT

D = roi.load_library().deflator.index


def codes(claim: dict) -> set[str]:
    return {flag.code for flag in check_claim(ClaimSpec.model_validate(claim)).flags}


def test_district_direct_claim_at_the_library_bed_day_in_its_own_2018_prices():
    check = check_claim(roi.load_claim("district_direct"))
    assert round(check.recomputed_library, 2) == round(725 * 250 * D[2018] / D[2017], 2) == 184_807.68
    assert check.annualised == pytest.approx(725 * 250 * D[2018] / D[2017] * 52 / 29)
    assert check.price_year == 2018  # the year the claim was made; the bed-day's 2017 is never taken
    expected = 325_000 * 100 / 77.6367 * (1 - 0.25) * 0.75 * (1 - 0.4)  # the library convention, red grade
    assert check.adjusted == pytest.approx(expected, abs=0.01)
    assert check.low < check.adjusted < check.high
    assert {"no_price_year", "capacity_as_cash", "no_adjustments", "circular"} == {f.code for f in check.flags}


def test_healthy_homes_claim_reproduces_nhs_53476_and_social_care_132984():
    check = check_claim(roi.load_claim("healthy_homes_on_prescription"))
    partners = check.by_partner().set_index("partner")
    assert partners.loc["nhs_acute", "recomputed"] == 53_476
    assert partners.loc["county_asc", "recomputed"] == 132_984
    assert check.recomputed == 186_460


# A clean claim: a stated recent price year, adjustments applied, booked to the bearer as capacity, at a
# published unit cost (the King's Fund's £395 delayed-discharge night, 2022 prices).
CLEAN = {
    "claim": "Clean",
    "claimed_saving": 10 * 395,
    "period_weeks": 52,
    "price_year": 2022,
    "deadweight_applied": True,
    "attribution_applied": True,
    "savings": [
        {
            "unit_cost": "delayed_discharge_bed_day",
            "quantity": 10,
            "partner": "nhs_acute",
            "value_type": "fiscal_non_cashable",
        }
    ],
}


def variant(**changes) -> dict:
    claim = json.loads(json.dumps(CLEAN))
    claim.update({k: v for k, v in changes.items() if k != "line"})
    if "line" in changes:
        claim["savings"][0].update(changes["line"])
    return claim


def test_a_clean_claim_raises_no_flag():
    assert (
        codes(
            {
                **CLEAN,
                "price_year": 2022,
                "savings": [{"unit_cost": "gp_consultation", "quantity": 10}],
                "claimed_saving": 10 * 38 * 90.5005 / 73.4795,
            }
        )
        == set()
    )


@pytest.mark.parametrize(
    "claim, code",
    [
        (variant(line={"value": 600}, claimed_saving=6000), "unit_cost_differs"),
        (variant(price_year=None), "no_price_year"),
        (variant(price_year=2010, claimed_saving=10 * 395 * 69.1217 / 90.5005), "old_price_year"),
        (variant(deadweight_applied=False), "no_adjustments"),
        (variant(line={"partner": "county_asc"}), "wrong_partner"),
        (variant(line={"value_type": "fiscal_cashable"}), "capacity_as_cash"),
        (
            variant(savings=[{"unit_cost": "qaly", "quantity": 1}], claimed_saving=70_000, price_year=2020),
            "non_fiscal_as_saving",
        ),
        (
            variant(
                savings=[
                    {"unit_cost": "delayed_discharge_bed_day", "quantity": 5, "intervention": "a"},
                    {"unit_cost": "delayed_discharge_bed_day", "quantity": 5, "intervention": "b"},
                ]
            ),
            "double_count",
        ),
        (
            variant(
                savings=[
                    {"unit_cost": "delayed_discharge_bed_day", "quantity": 10},
                    {"unit_cost": "non_elective_admission", "quantity": 2},
                ]
            ),
            "double_count",
        ),
        (variant(ratio_per_pound=108.27), "ratio_outlier"),
        (variant(period_weeks=None), "no_period"),
    ],
)
def test_each_flag_fires_on_a_claim_built_for_it_and_no_other(claim, code):
    assert codes(claim) == {code}


def test_the_falls_ratio_flag_names_the_published_range():
    check = check_claim(ClaimSpec.model_validate(variant(ratio_per_pound=108.27)))
    assert "£108.27 per £1" in check.flags[0].message and "£7.78" in check.flags[0].message


def test_a_claim_valued_at_the_claim_derived_bed_day_is_told_so_with_an_independent_figure():
    check = check_claim(ClaimSpec.model_validate(variant(line={"unit_cost": "bed_day"}, claimed_saving=2500)))
    assert {f.code for f in check.flags} >= {"claim_derived_unit_cost"}
    assert "circular" not in {f.code for f in check.flags}
    message = next(f.message for f in check.flags if f.code == "claim_derived_unit_cost")
    assert message.startswith("The library's £250 acute hospital bed-day is derived from the District Direct pilot")


def test_bad_claim_files_raise_input_error():
    with pytest.raises(roi.InputError) as error:
        check_claim(ClaimSpec.model_validate(variant(line={"unit_cost": "bed_dy"})), file="c.yaml")
    assert error.value.field == "savings[0].unit_cost"
    with pytest.raises(roi.InputError):
        roi.parse_claim("claim: x\nclaimed_saving: -5\nsavings: [{unit_cost: bed_day, quantity: 1}]\n", "c.yaml")


def test_cli_check_claim_json_keys():
    done = subprocess.run(
        [sys.executable, "-m", "roi", "check-claim", "district_direct", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    payload = json.loads(done.stdout)
    assert {"claimed", "recomputed", "annualised", "adjusted", "low", "high", "price_year", "flags"} <= payload.keys()
    assert payload["annualised"] == pytest.approx(725 * 250 * D[2018] / D[2017] * 52 / 29)
