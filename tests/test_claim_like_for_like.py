"""Issue 19, item 6: a like-for-like claim check. Every step is in the claim's own period and prices;
a claim with no price year is taken at the year it was made (else the deflator's latest outturn year);
an inline price is compared with the library's; "does not reproduce" only for the claim's own
arithmetic; and each flag fires only where it should (both ways)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.analysis import claims
from roi.analysis.claims import check_claim

from .conftest import roi_cli

D = roi.load_library().deflator.index


def check(**fields) -> claims.ClaimCheck:
    return check_claim(claims.validate_claim({"claim": "A claim", **fields}))


def codes(**fields) -> set[str]:
    return {f.code for f in check(**fields).flags}


def steps(result: claims.ClaimCheck) -> dict[str, float]:
    return {row.step: round(row.amount, 2) for row in result.steps.itertuples()}


# -- The three example claims of issue 19, walked to the penny.

FALLS = {
    "claimed_saving": 100_700,  # 50 falls admissions at £2,014, the library's 2000-price unit cost
    "period_weeks": 26,
    "savings": [{"unit_cost": "fall_admission", "quantity": 50, "partner": "nhs_acute"}],
}


def test_the_26_week_falls_claim_walks_down_to_77509_in_its_own_26_weeks():
    result = check(**FALLS)
    # No price year or date: taken as 2024, the GDP deflator's latest outturn year, not the unit cost's 2000.
    assert result.price_year == 2024 and "latest outturn year" in result.price_year_reason
    # 50 x £2,014 x 100 / 54.8102 = £183,724.93 for the 26 weeks; x 0.75 x 0.75 x (1 - 0.25) = £77,508.95.
    at_library = 50 * 2014 * D[2024] / D[2000]
    assert round(at_library, 2) == 183_724.93
    assert steps(result) == {
        "arithmetic": 0.00,
        "unit_cost": 83_024.93,  # neutral: the library's unit cost, not the claim's error
        "uprating": 0.00,
        "not_a_saving": 0.00,
        "deadweight": -45_931.23,
        "attribution": -34_448.42,
        "optimism_bias": -25_836.32,
        "capacity": -77_508.95,  # all of it is capacity: an NHS admission avoided frees a bed
    }
    assert round(result.adjusted_period, 2) == 77_508.95 < result.claimed  # down, never up
    assert "annualisation" not in set(result.steps["step"])  # no step changes the period
    assert round(result.adjusted, 2) == 155_017.91  # the year, a separate labelled figure
    assert "does_not_reproduce" not in {f.code for f in result.flags}


INLINE = {
    "claimed_saving": 1_200_000,
    "savings": [
        {
            "label": "Admissions avoided",
            "quantity": 400,
            "value": 3000,
            "partner": "nhs_acute",
            "value_type": "fiscal_non_cashable",
            "stands_for": ["non_elective_admission"],
        }
    ],
}


def test_an_inline_3000_admission_is_compared_with_the_librarys_2098_54_and_flagged():
    result = check(**INLINE)
    library = 1542 * D[2024] / D[2013]
    assert round(library, 2) == 2_098.54
    message = next(f.message for f in result.flags if f.code == "unit_cost_differs")
    assert "£3,000.00" in message and "£2,098.54 at 2024 prices" in message and "+43%" in message
    # Used as given: 400 x £3,000 reproduces, and the walk in its own year is the adjustments alone.
    assert steps(result) == {
        "arithmetic": 0.00,
        "unit_cost": 0.00,
        "uprating": 0.00,
        "not_a_saving": 0.00,
        "deadweight": -300_000.00,
        "attribution": -225_000.00,
        "optimism_bias": -270_000.00,  # 40%: a claim's own figure is graded low confidence
        "capacity": -405_000.00,
    }
    within = {**INLINE, "savings": [{**INLINE["savings"][0], "value": 2_400}], "claimed_saving": 960_000}
    assert "unit_cost_differs" not in codes(**within)  # +14%: within the 20% tolerance


AT_LIBRARY = {
    "claimed_saving": 1_200_000,
    "savings": [{"unit_cost": "non_elective_admission", "quantity": 400, "value": 3000, "partner": "nhs_acute"}],
}


def test_a_claim_whose_own_arithmetic_is_right_is_not_said_not_to_reproduce():
    result = check(**AT_LIBRARY)
    assert "does_not_reproduce" not in {f.code for f in result.flags}
    walk = steps(result)
    # 400 x £2,098.54 = £839,417.80: the gap to £1,200,000 is the checker's unit cost, a neutral step.
    assert (walk["arithmetic"], walk["unit_cost"]) == (0.00, -360_582.20)
    labels = result.steps.set_index("step")["label"]
    assert labels["unit_cost"].startswith("At the library's unit cost")
    assert walk["deadweight"] == -209_854.45 and walk["attribution"] == -157_390.84
    assert walk["optimism_bias"] == -47_217.25  # 10% for a high-confidence unit cost
    assert round(result.adjusted_period, 2) == 424_955.26


def test_does_not_reproduce_fires_only_when_the_claims_own_sum_misses_its_total():
    result = check(**{**AT_LIBRARY, "claimed_saving": 1_300_000})
    message = next(f.message for f in result.flags if f.code == "does_not_reproduce")
    assert "own quantities times its own prices give £1,200,000" in message
    walk = steps(result)
    assert (walk["arithmetic"], walk["unit_cost"]) == (-100_000.00, -360_582.20)
    # No prices of its own: its arithmetic cannot be checked, so it is never accused of an error.
    assert "does_not_reproduce" not in codes(**FALLS, price_year=2024)


# -- The price year: stated, else the year the claim was made, else the latest outturn year.


@pytest.mark.parametrize("made, year", [(2018, 2018), ("2018-05-31", 2018), (None, 2024)])
def test_a_claim_without_a_price_year_is_taken_at_the_year_it_was_made(made, year):
    result = check(**FALLS, **({} if made is None else {"claimed_on": made}))
    assert result.price_year == year
    assert round(result.recomputed, 2) == round(50 * 2014 * D[year] / D[2000], 2)
    flag = next(f.message for f in result.flags if f.code == "no_price_year")
    assert f"taken as {year}" in flag and ("the year the claim was made" in flag) == (made is not None)
    assert result.adjusted == pytest.approx(check(**FALLS).adjusted)  # current prices either way


def test_a_claim_date_outside_the_deflator_is_one_line_naming_the_field(tmp_path):
    with pytest.raises(roi.InputError) as error:
        check(**FALLS, claimed_on=1985)
    assert error.value.field == "claimed_on" and "allowed: 1990 to 2030" in error.value.problem
    target = tmp_path / "claim.yaml"
    target.write_text(json.dumps({"claim": "Falls", **FALLS, "claimed_on": "1985-04-01"}))
    done = roi_cli("check-claim", str(target), "--json")
    assert done.returncode != 0
    assert "claim.yaml" in done.stderr and "claimed_on" in done.stderr and "1990 to 2030" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not done.stdout


def test_the_json_keeps_adjusted_a_year_and_walks_to_adjusted_period():
    payload = check(**FALLS).payload()
    assert round(payload["adjusted"], 2) == 155_017.91 and round(payload["adjusted_period"], 2) == 77_508.95
    running = [payload["claimed"]] + [s["running_total"] for s in payload["steps"]]
    assert running[-2] == pytest.approx(payload["adjusted_period"])
    assert payload["price_year"] == 2024 and "latest outturn year" in payload["price_year_reason"]


# -- Each flag fires only where it should: one claim that raises it, and a near miss that does not.

CLEAN_LINE = {"unit_cost": "delayed_discharge_bed_day", "quantity": 10, "partner": "nhs_acute"}
CLEAN = {
    "claimed_saving": 3950,
    "period_weeks": 52,
    "price_year": 2022,
    "deadweight_applied": True,
    "attribution_applied": True,
    "savings": [{**CLEAN_LINE, "value_type": "fiscal_non_cashable"}],
}


def with_lines(*lines: dict, **fields) -> dict:
    return {**CLEAN, **fields, "savings": list(lines)}


PAIRS = {
    "no_price_year": (dict(CLEAN, price_year=None), CLEAN),
    "old_price_year": (dict(CLEAN, price_year=2010), dict(CLEAN, price_year=2020)),
    "no_period": (dict(CLEAN, period_weeks=None), CLEAN),
    "no_adjustments": (dict(CLEAN, deadweight_applied=False), CLEAN),
    "ratio_outlier": (dict(CLEAN, ratio_per_pound=108.27), dict(CLEAN, ratio_per_pound=4.0)),
    "unit_cost_differs": (
        with_lines({**CLEAN["savings"][0], "value": 600}, claimed_saving=6000),
        with_lines({**CLEAN["savings"][0], "value": 400}, claimed_saving=4000),
    ),
    "does_not_reproduce": (
        with_lines({**CLEAN["savings"][0], "value": 395}, claimed_saving=5000),
        with_lines({**CLEAN["savings"][0], "value": 395}, claimed_saving=3950),
    ),
    "wrong_partner": (
        with_lines({**CLEAN["savings"][0], "partner": "county_asc"}),
        CLEAN,
    ),
    "capacity_as_cash": (
        with_lines({**CLEAN["savings"][0], "value_type": "fiscal_cashable"}),
        CLEAN,
    ),
    "non_fiscal_as_saving": (
        # A QALY booked to individuals, who bear it: not a saving, and not the wrong partner.
        with_lines({"unit_cost": "qaly", "quantity": 1, "partner": "individuals", "value_type": "social"}),
        CLEAN,
    ),
    "double_count": (
        with_lines(CLEAN["savings"][0], {"unit_cost": "non_elective_admission", "quantity": 2}),
        with_lines(CLEAN["savings"][0], {"unit_cost": "non_elective_admission", "quantity": 0}),
    ),
    "claim_derived_unit_cost": (
        with_lines({**CLEAN["savings"][0], "unit_cost": "bed_day"}, claimed_saving=2500),
        with_lines({**CLEAN["savings"][0], "unit_cost": "bed_day", "quantity": 0}, claimed_saving=2500),
    ),
    "circular": (
        with_lines({**CLEAN["savings"][0], "unit_cost": "bed_day"}, claim="District Direct pilot"),
        with_lines({**CLEAN["savings"][0], "unit_cost": "bed_day"}, claimed_saving=2500),
    ),
    "forecast_prices": (dict(CLEAN, price_year=2026), CLEAN),
    "own_unit_value": (
        with_lines({"label": "Saving", "quantity": 1, "value": 3950, "partner": "nhs_acute"}),
        CLEAN,
    ),
}


@pytest.mark.parametrize("code", sorted(PAIRS))
def test_each_flag_fires_on_its_claim_and_not_on_the_near_miss(code):
    fires, misses = PAIRS[code]
    assert code in codes(**fires)
    assert code not in codes(**misses)


def test_the_qaly_flag_no_longer_contradicts_itself():
    qaly = with_lines({"unit_cost": "qaly", "quantity": 1, "partner": "individuals", "value_type": "fiscal_cashable"})
    result = check(**qaly)
    assert "wrong_partner" not in {f.code for f in result.flags}
    message = next(f.message for f in result.flags if f.code == "non_fiscal_as_saving")
    assert "social value" in message
    booked_elsewhere = with_lines({"unit_cost": "qaly", "quantity": 1, "partner": "county_asc"})
    wrong = next(f.message for f in check(**booked_elsewhere).flags if f.code == "wrong_partner")
    assert "booked to County adult social care, but" in wrong and "borne by Self-funders and individuals" in wrong


def test_a_line_that_counts_nothing_raises_no_flag_of_its_own():
    nothing = with_lines(
        CLEAN["savings"][0],
        {"unit_cost": "bed_day", "quantity": 0, "partner": "nhs_acute", "value_type": "fiscal_cashable"},
        {"unit_cost": "delayed_discharge_bed_day", "quantity": 0, "intervention": "b"},
    )
    assert codes(**nothing) == set()


def test_a_range_with_no_width_says_every_figure_is_your_own():
    own = with_lines(
        {
            "label": "Nights saved",
            "quantity": 10,
            "value": 395,
            "partner": "nhs_acute",
            "value_type": "fiscal_non_cashable",
            "cost_basis": "own",
            "own_value": 395,
            "deadweight": 0.1,
            "attribution": 0.9,
            "optimism_bias": 0.2,
        }
    )
    assert check(**own).range_text() == claims.NO_RANGE == "no range: every figure here is your own"
    assert check(**with_lines(CLEAN["savings"][0], deadweight_applied=False)).range_text().startswith("range £")


@pytest.mark.parametrize("made", ["not-a-date", 1800, "2018-13-01", True, 2018.5, "9" * 5000])
def test_a_claim_date_that_is_not_a_year_or_a_date_is_one_plain_line(made):
    with pytest.raises(roi.InputError) as error:
        claims.validate_claim({"claim": "x", "claimed_saving": 1, "claimed_on": made, "savings": FALLS["savings"]})
    assert error.value.field == "claimed_on"
    assert error.value.problem.startswith("give a year from 1900 to 2200 (such as 2024) or a date (such as 2024-03-31)")
    assert "\n" not in str(error.value) and len(str(error.value)) < 300


def test_a_dated_claim_survives_its_file_and_its_link():
    dated = claims.validate_claim(
        {"claim": "x", "claimed_saving": 1, "claimed_on": "2018-05-31", **{"savings": FALLS["savings"]}}
    )
    assert claims.parse(roi.dump_spec(dated)) == dated and claims.from_link(claims.to_link(dated)) == dated


LIBRARY = roi.load_library()


@settings(max_examples=40, deadline=None)
@given(
    picks=st.lists(
        st.tuples(st.sampled_from(sorted(LIBRARY.unit_costs)), st.integers(1, 5000)), min_size=1, max_size=4
    ),
    price_year=st.integers(2000, 2024),
    weeks=st.integers(1, 104),
)
def test_a_claim_priced_at_the_librarys_own_costs_reproduces_and_walks_only_by_the_adjustments(
    picks, price_year, weeks
):
    savings = []
    for cost_id, quantity in picks:
        cost = LIBRARY.unit_costs[cost_id]
        value = round(cost.value * LIBRARY.deflator_factor(cost.price_year, price_year), 2)
        savings.append({"unit_cost": cost_id, "quantity": quantity, "value": value})
    claimed = sum(s["quantity"] * s["value"] for s in savings)
    result = check(claimed_saving=claimed, period_weeks=weeks, price_year=price_year, savings=savings)
    found = {f.code for f in result.flags}
    assert not found & {"does_not_reproduce", "unit_cost_differs"}
    walk = result.steps.set_index("step")["amount"]
    assert walk["arithmetic"] == pytest.approx(0, abs=1e-6 * max(1, claimed))
    assert abs(walk["unit_cost"]) <= 0.01 * sum(s["quantity"] for s in savings)  # pennies of rounding only
    assert (result.steps["step"] != "annualisation").all()
    assert result.adjusted_period == pytest.approx(result.adjusted * weeks / 52)
