"""The claim checker a finance lead uses: one regression test per defect of issue 11, the step table,
the user's own unit costs and judgements, typos answered with the valid ids, and the template."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.analysis import claims
from roi.analysis.claims import check_claim
from roi.inputs.library import ASSUMPTIONS_DIR, load_library
from roi.inputs.schema import ClaimSpec

from .conftest import ROOT, scenario_from

D = load_library().deflator.index


def claim(**fields) -> ClaimSpec:
    return ClaimSpec.model_validate(fields)


# The finance lead's claim: "900 bed-days over 26 weeks, worth £270,000 to the NHS".
HOUSING = {
    "claim": "Hospital discharge housing scheme",
    "claimed_saving": 270_000,
    "period_weeks": 26,
    "savings": [{"unit_cost": "bed_day", "quantity": 900, "partner": "nhs_acute", "value_type": "fiscal_cashable"}],
}


def with_line(base: dict, claim_fields: dict | None = None, **line) -> ClaimSpec:
    data = json.loads(json.dumps(base))
    data.update(claim_fields or {})
    data["savings"][0].update(line)
    return ClaimSpec.model_validate(data)


# -- Defect 1: adjusted, low and high are fiscal; economic and social value are reported beside them.


def test_adjusted_low_and_high_leave_out_qaly_and_self_funder_value():
    fiscal_only = claim(
        claim="Care home weeks",
        claimed_saving=10_000,
        period_weeks=52,
        savings=[{"unit_cost": "residential_care_week", "quantity": 10}],
    )
    with_qaly = claim(
        claim="Care home weeks and QALYs",
        claimed_saving=10_000,
        period_weeks=52,
        savings=[{"unit_cost": "residential_care_week", "quantity": 10}, {"unit_cost": "qaly", "quantity": 0.2}],
    )
    a, b = check_claim(fiscal_only), check_claim(with_qaly)
    county = b.lines[b.lines["partner"] == "county_asc"]["adjusted"].sum()
    assert b.adjusted == pytest.approx(county, abs=1e-9)
    assert (b.adjusted, b.low, b.high) == pytest.approx((a.adjusted, a.low, a.high), abs=1e-9)
    library = load_library()
    cost = library.unit_costs["qaly"]
    ob = library.optimism_bias.by_confidence[cost.confidence]
    # Uprated to 2024 prices; the uncontrolled convention (25% deadweight, 75% attribution); OB by grade.
    qaly = 0.2 * cost.value * D[2024] / D[cost.price_year] * (1 - 0.25) * 0.75 * (1 - ob)
    assert b.social == pytest.approx(qaly, abs=0.005)
    self_funders = b.lines[b.lines["partner"] == "individuals"]
    assert b.economic == pytest.approx(self_funders[self_funders["value_type"] == "economic"]["adjusted"].sum())
    assert b.economic > 0 and b.cash + b.capacity == pytest.approx(b.adjusted)
    payload = b.payload()
    assert payload["adjusted"] == b.adjusted and payload["social"] == b.social and payload["economic"] == b.economic


# -- Defect 2: an inline value booked as NHS cash is checked for capacity-as-cash and the wrong partner.


def test_healthy_homes_nhs_53476_is_not_passed_as_nhs_acute_cash():
    check = check_claim(claims.load("healthy_homes_on_prescription"))
    nhs = [
        f.message for f in check.flags if f.code in ("capacity_as_cash", "wrong_partner") and "NHS saving" in f.message
    ]
    assert len(nhs) == 2
    assert any("GP surgery consultation" in m and "NHS primary care" in m for m in nhs)
    line = check.lines[check.lines["line"] == 0].iloc[0]
    assert line["cash"] == 0 and line["capacity"] == pytest.approx(line["adjusted"])
    social_care = check.lines[check.lines["line"] == 1].iloc[0]
    assert social_care["cash"] == pytest.approx(social_care["adjusted"])  # every ASC unit cost is cashable


def test_an_inline_nhs_cash_value_with_no_unit_cost_is_flagged_as_capacity():
    check = check_claim(
        claim(
            claim="Inline",
            claimed_saving=1000,
            savings=[{"value": 1000, "quantity": 1, "partner": "nhs_primary_care", "value_type": "fiscal_cashable"}],
        )
    )
    assert "capacity_as_cash" in {f.code for f in check.flags}
    assert check.cash == 0 and check.capacity == pytest.approx(check.adjusted)


# -- Defect 3: deadweight and attribution come from a documented convention, not the order of the YAML.


def custom_library(tmp_path: Path, interventions=None, defaults=None) -> roi.Library:
    root = tmp_path / "assumptions"
    shutil.copytree(ASSUMPTIONS_DIR, root)
    if interventions is not None:
        data = yaml.safe_load((root / "interventions.yaml").read_text())
        data["interventions"] = interventions(data["interventions"])
        (root / "interventions.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    if defaults is not None:
        data = yaml.safe_load((root / "claim_defaults.yaml").read_text())
        defaults(data)
        (root / "claim_defaults.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return load_library(root)


def another_bed_day_service(first: bool):
    def change(items):
        copy = json.loads(json.dumps(next(i for i in items if i["id"] == "hospital_discharge_housing")))
        copy["id"] = "another_discharge_service"
        copy["outcomes"][0]["deadweight"] = 0.6
        copy["outcomes"][0]["ranges"]["deadweight"] = [0.5, 0.7]
        return [copy, *items] if first else [*items, copy]

    return change


def test_deadweight_does_not_depend_on_which_intervention_comes_first(tmp_path):
    library = custom_library(tmp_path, interventions=another_bed_day_service(first=True))
    assert next(iter(library.interventions)) == "another_discharge_service"
    shipped = check_claim(claims.load("district_direct"))
    reordered = check_claim(claims.load("district_direct"), library)
    assert reordered.lines["deadweight"].iloc[0] == shipped.lines["deadweight"].iloc[0] == 0.25
    assert reordered.adjusted == pytest.approx(shipped.adjusted, abs=1e-9)
    rule = claims.convention(claims.load("district_direct").savings[0], library, claims.load_claim_defaults(library))
    assert rule.adjustments_from == "the library's convention for savings counted without a control group"
    assert (rule.deadweight_range, rule.attribution_range) == ((0.0, 0.5), (0.5, 1.0))


def test_an_intervention_named_in_claim_defaults_gives_the_adjustments_wherever_it_sits(tmp_path):
    library = custom_library(
        tmp_path / "last",
        interventions=another_bed_day_service(first=False),
        defaults=lambda d: d.update(adjustments_from={"bed_day": "another_discharge_service"}),
    )
    check = check_claim(claims.load("district_direct"), library)
    assert check.lines["deadweight"].iloc[0] == 0.6
    rule = claims.convention(claims.load("district_direct").savings[0], library, claims.load_claim_defaults(library))
    assert rule.deadweight_range == (0.5, 0.7) and "Housing support" in rule.adjustments_from


# -- Defect 4: a custom library's claim_defaults.yaml is honoured.


def test_a_custom_librarys_claim_defaults_are_used(tmp_path):
    def half_deadweight_for_everything(data):
        data.update(deadweight=0.5, deadweight_range=[0.4, 0.6], attribution=0.8, attribution_range=[0.6, 1.0])

    library = custom_library(tmp_path, defaults=half_deadweight_for_everything)
    check = check_claim(claims.load("district_direct"), library)
    assert check.lines["deadweight"].iloc[0] == 0.5
    expected = 325_000 * 100 / D[2017] * (1 - 0.5) * 0.8 * (1 - 0.4)
    assert check.adjusted == pytest.approx(expected, abs=0.005)


def test_a_claim_defaults_file_naming_a_missing_intervention_is_an_input_error(tmp_path):
    library = custom_library(tmp_path, defaults=lambda d: d["adjustments_from"].update(bed_day="hospital_discharge"))
    with pytest.raises(roi.InputError) as error:
        check_claim(claims.load("district_direct"), library)
    assert error.value.file == "claim_defaults.yaml" and error.value.field == "adjustments_from.bed_day"
    assert "Did you mean 'hospital_discharge_housing'?" in error.value.problem


# -- Defect 5: the District Direct check is circular; say so, and recompute at an independent bed-day.


def test_district_direct_says_its_bed_day_is_circular_and_recomputes_at_the_kings_fund_395():
    check = check_claim(claims.load("district_direct"))
    circular = next(f.message for f in check.flags if f.code == "circular")
    assert "derived from this very claim" in circular and "proves nothing" in circular
    assert "£395" in circular and "King's Fund" in circular
    independent = 725 * 395 * D[2018] / D[2022]  # in the claim's 2018 prices
    assert round(check.independent.recomputed, 2) == round(independent, 2)
    assert check.independent.adjusted == pytest.approx(
        independent * 52 / 29 * 100 / D[2018] * 0.75 * 0.75 * 0.6, abs=0.005
    )
    assert check.independent.circular and ("bed_day", "delayed_discharge_bed_day") in check.independent.unit_costs
    assert "kingsfund.org.uk" in check.independent.note
    assert set(check.sources["used_as"]) == {"Library", "Independent check"}


# -- The user's own figures and judgements.


def test_the_trusts_own_350_bed_day_and_30_percent_deadweight_give_198450_a_year():
    check = check_claim(with_line(HOUSING, cost_basis="own", own_value=350, own_price_year=2024, deadweight=0.3))
    # 900 x £350 = £315,000 for 26 weeks; x 2 = £630,000 a year; x 0.7 x 0.75 x (1 - 0.4) = £198,450.
    assert check.price_year == 2024  # not stated: that of the unit cost it uses, your own
    assert round(check.recomputed, 2) == 315_000.00 and round(check.annualised, 2) == 630_000.00
    assert round(check.recomputed_library, 2) == round(900 * 250 * 100 / D[2017], 2)
    steps = check.steps.set_index("step")["amount"]
    assert round(steps["unit_cost"], 2) == 45_000.00 and round(steps["uprating"], 2) == 0.00
    assert round(check.adjusted, 2) == 198_450.00
    assert check.cash == 0 and round(check.capacity, 2) == 198_450.00
    assert round(check.adjusted * check.period_factor, 2) == 99_225.00
    line = check.lines.iloc[0]
    assert (line["deadweight"], line["deadweight_convention"]) == (0.3, 0.25)
    assert "capacity_as_cash" in {f.code for f in check.flags}
    assert "Your own value" in set(check.sources["used_as"])
    assert check.independent is None  # the library's claim-derived bed-day is not used


def test_the_current_scenarios_unit_cost_is_used_when_chosen():
    scenario = scenario_from(
        {"name": "Trust costs", "unit_costs": {"bed_day": {"value": 350}}, "interventions": [{"id": "dfg_adaptation"}]}
    )
    spec = with_line(HOUSING, {"price_year": 2024}, cost_basis="scenario")
    check = check_claim(spec, scenario=scenario)
    assert round(check.recomputed, 2) == 315_000.00
    library = check_claim(with_line(HOUSING, {"price_year": 2024}))
    assert round(library.recomputed, 2) == round(900 * 250 * 100 / D[2017], 2)


def test_each_judgement_replaces_its_convention():
    base = check_claim(with_line(HOUSING)).lines.iloc[0]
    judged = check_claim(
        with_line(HOUSING, deadweight=0.1, attribution=0.5, optimism_bias=0.0, cashable_share=0.25)
    ).lines.iloc[0]
    assert judged["adjusted"] == pytest.approx(base["uprated"] * 0.9 * 0.5)
    assert judged["cash"] == pytest.approx(judged["adjusted"] * 0.25)
    for name in ("deadweight", "attribution", "optimism_bias", "cashable_share"):
        assert judged[f"{name}_convention"] == base[name]
    assert (base["optimism_bias"], base["cashable_share"]) == (0.4, 0.0)


# -- The step table: the steps sum exactly to the gap between claimed and adjusted.


def test_district_direct_steps_to_the_penny():
    # Dated 2018 (the toolkit's publication) with no price year: its £181,250 is taken at 2018 prices. Every
    # step is for its own 29 weeks: 725 library bed-days (£250 at 2017 prices) are £184,807.68 at 2018
    # prices, £233,459.18 at 2024 prices; less 25% deadweight, 25% of the rest unattributed, 40% optimism bias.
    check = check_claim(claims.load("district_direct"))
    steps = check.steps.set_index("step")["amount"]
    assert (check.price_year, round(check.recomputed, 2)) == (2018, 184_807.68)
    assert round(steps["arithmetic"], 2) == 0.00  # no price of its own to check
    assert round(steps["unit_cost"], 2) == 3_557.68  # 184,807.68 - 181,250
    assert round(steps["uprating"], 2) == 48_651.49  # 233,459.18 - 184,807.68
    assert steps["not_a_saving"] == 0
    assert round(steps["deadweight"], 2) == -58_364.79
    assert round(steps["attribution"], 2) == -43_773.60
    assert round(steps["optimism_bias"], 2) == -52_528.31
    assert round(check.adjusted_period, 2) == 78_792.47 and check.adjusted_period < check.claimed
    assert round(check.adjusted, 2) == round(78_792.47 * 52 / 29, 2)  # the year apart, never a step
    assert round(steps["capacity"], 2) == -78_792.47
    assert sum(steps[s] for s in claims.FISCAL_STEPS) == pytest.approx(check.adjusted_period - check.claimed, abs=1e-6)


def test_the_step_table_names_each_step_in_order():
    steps = check_claim(claims.load("district_direct")).steps
    assert list(steps["step"]) == [*claims.FISCAL_STEPS, "capacity"]
    assert steps["label"].str.len().min() > 10


COSTS = sorted(load_library().unit_costs)


@settings(max_examples=30, deadline=None)
@given(
    lines=st.lists(
        st.fixed_dictionaries(
            {
                "unit_cost": st.sampled_from(COSTS),
                "quantity": st.floats(0, 5000),
            },
            optional={
                "deadweight": st.floats(0, 1),
                "attribution": st.floats(0, 1),
                "optimism_bias": st.floats(0, 1),
                "cashable_share": st.floats(0, 1),
                "own_value": st.floats(0, 100_000),
            },
        ),
        min_size=1,
        max_size=5,
    ),
    claimed=st.floats(0, 1e7),
    weeks=st.floats(1, 520),
    price_year=st.one_of(st.none(), st.integers(2000, 2024)),
)
def test_steps_always_sum_to_adjusted_minus_claimed_and_then_to_cash(lines, claimed, weeks, price_year):
    savings = [{**line, "cost_basis": "own"} if "own_value" in line else line for line in lines]
    spec = claim(claim="Any", claimed_saving=claimed, period_weeks=weeks, price_year=price_year, savings=savings)
    check = check_claim(spec)
    fiscal = check.steps[check.steps["step"].isin(claims.FISCAL_STEPS)]["amount"].sum()
    scale = max(1.0, abs(check.claimed), check.steps["running_total"].abs().max())
    assert fiscal == pytest.approx(check.adjusted_period - check.claimed, abs=1e-9 * scale)
    assert check.steps["amount"].sum() == pytest.approx(
        check.cash * check.period_factor - check.claimed, abs=1e-9 * scale
    )
    assert check.cash + check.capacity == pytest.approx(check.adjusted, abs=1e-9 * scale)
    assert check.low <= check.adjusted * (1 + 1e-12) + 1e-9 and check.adjusted <= check.high * (1 + 1e-12) + 1e-9


# -- Typos: the file, the field, the valid choices and a "did you mean".


@pytest.mark.parametrize(
    "line, field, suggestion, listed",
    [
        ({"unit_cost": "bed_dy"}, "savings[0].unit_cost", "bed_day", "delayed_discharge_bed_day"),
        ({"partner": "NHS acute"}, "savings[0].partner", "nhs_acute", "nhs_primary_care"),
        ({"partner": "nhs-acute"}, "savings[0].partner", "nhs_acute", "county_asc"),
        ({"value_type": "fiscal_cashabel"}, "savings[0].value_type", "fiscal_cashable", "fiscal_non_cashable"),
        ({"quantiy": 5}, "savings[0].quantiy", "quantity", "unit_cost"),
    ],
)
def test_a_typo_names_the_file_and_field_lists_the_choices_and_suggests_the_nearest(line, field, suggestion, listed):
    data = json.loads(json.dumps(HOUSING))
    data["savings"][0].update(line)
    with pytest.raises(roi.InputError) as error:
        claims.parse(yaml.safe_dump(data), "my-claim.yaml")
    assert error.value.file == "my-claim.yaml" and error.value.field == field
    assert f"Did you mean '{suggestion}'?" in error.value.problem
    assert listed in error.value.problem
    assert "should match pattern" not in str(error.value)


def test_the_cli_reports_a_typo_against_the_file_name(tmp_path):
    path = tmp_path / "typo.yaml"
    data = json.loads(json.dumps(HOUSING))
    data["savings"][0]["unit_cost"] = "bedday"
    path.write_text(yaml.safe_dump(data))
    done = subprocess.run(
        [sys.executable, "-m", "roi", "check-claim", str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: typo.yaml: savings[0].unit_cost: unknown unit cost 'bedday'")
    assert "Did you mean 'bed_day'?" in done.stderr


# -- The template, editing, and the JSON keys.


def test_the_template_is_the_finance_leads_claim_with_comments():
    text = claims.template()
    assert text.count("#") > 20
    spec = claims.parse(text, "claim-template.yaml")
    assert (spec.claimed_saving, spec.period_weeks, spec.savings[0].quantity) == (270_000, 26, 900)


def test_editing_a_claim_validates_and_keeps_the_last_good_claim():
    spec = claims.load("district_direct")
    edited = claims.edit(spec, {"line": 0, "field": "deadweight", "value": 0.3})
    assert edited.savings[0].deadweight == 0.3 and spec.savings[0].deadweight is None
    with pytest.raises(roi.InputError) as error:
        claims.edit(spec, {"line": 0, "field": "deadweight", "value": 1.5})
    assert error.value.field == "savings[0].deadweight" and "0 to 1" in error.value.problem
    with pytest.raises(roi.InputError):
        claims.edit(spec, {"remove_line": 0})
    added = claims.edit(spec, {"add_line": {"unit_cost": "gp_consultation", "quantity": 3}})
    assert len(added.savings) == 2 and claims.edit(added, {"remove_line": 1}) == spec
    cleared = claims.edit(edited, {"line": 0, "field": "deadweight", "value": None})
    assert cleared == spec


def test_check_claim_json_keeps_the_old_keys_and_adds_cash_capacity_steps():
    done = subprocess.run(
        [sys.executable, "-m", "roi", "check-claim", "district_direct", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    payload = json.loads(done.stdout)
    old = {"claimed", "recomputed", "annualised", "adjusted", "low", "high", "price_year", "flags", "by_partner"}
    new = {"cash", "capacity", "economic", "social", "steps", "value_by_partner", "independent", "claimed_annualised"}
    assert old | new <= payload.keys()
    assert round(payload["recomputed"], 2) == 184_807.68 and payload["price_year"] == 2018
    assert payload["price_year_reason"] == "the claim states no price year: taken as 2018, the year the claim was made"
    assert payload["steps"][-2]["running_total"] == pytest.approx(payload["adjusted_period"])
    assert payload["cash"] + payload["capacity"] == pytest.approx(payload["adjusted"], abs=1e-5)
    assert payload["value_by_partner"][0]["partner_label"] == "NHS acute hospital"
    assert payload["independent"]["circular"] is True
