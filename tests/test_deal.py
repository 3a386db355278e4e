"""Make the deal (roi.analysis.deal): a hand-computed three-partner example for every rule, to the penny;
properties of every split; bad input; apply and undo."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.analysis import deal
from roi.cli import main
from roi.inputs.library import dump_spec
from roi.inputs.scenario import parse_scenario
from roi.inputs.schema import ScenarioSpec

from .conftest import scenario_from

PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _unit(label: str, value: float, partner: str, value_type: str) -> dict:
    return {
        "label": label,
        "value": value,
        "unit": "per unit",
        "partner": partner,
        "value_type": value_type,
        "confidence": "high",
        "source": {"local_example": True, "note": "a test figure"},
    }


def three_partner_spec(
    cost_per_case: float = 100,
    cases: float = 100,
    values: tuple[float, float, float] = (20, 50, 40),
    funded_by: dict | None = None,
) -> dict:
    """Three partners, two years, discounted at 10%: the district pays £10,000 in year 1 and saves
    £2,000 cash; the county saves £5,000 cash in each year; the acute trust frees £4,000 of capacity."""
    district, county, acute = values
    return {
        "name": "Three partners",
        "settings": {
            "horizon_years": 2,
            "programme_years": 1,
            "price_year": 2024,
            "start_year": 2025,
            "discount_rate": 0.10,
            "optimism_bias": 0.0,
            "cost_optimism_bias": 0.0,
        },
        "unit_costs": {
            "district_case": _unit("District case", district, "district", "fiscal_cashable"),
            "asc_week": _unit("Care week", county, "county_asc", "fiscal_cashable"),
            "acute_day": _unit("Bed-day", acute, "nhs_acute", "fiscal_non_cashable"),
        },
        "interventions": [
            {
                "id": "test_scheme",
                "label": "Test scheme",
                "cases_per_year": cases,
                "cost_per_case": cost_per_case,
                "fixed_cost_per_year": 0,
                "price_year": 2024,
                "funded_by": funded_by or {"district": 1.0},
                "optimism_bias": 0.0,
                "confidence": "high",
                "outcomes": [
                    {"unit_cost": "district_case", "quantity_per_case": 1, "duration_years": 1},
                    {"unit_cost": "asc_week", "quantity_per_case": 1, "duration_years": 2},
                    {"unit_cost": "acute_day", "quantity_per_case": 1, "duration_years": 1},
                ],
            }
        ],
    }


@pytest.fixture(scope="module")
def three() -> roi.Result:
    return roi.run(scenario_from(three_partner_spec()))


def pv(d: deal.Deal) -> dict[str, float]:
    return dict(zip(d.contributions["partner"], d.contributions["pv"], strict=True))


def position(d: deal.Deal, partner: str, column: str):  # noqa: ANN201
    return d.positions.set_index("partner").loc[partner, column]


def test_the_three_partner_example_has_the_hand_computed_savings(three):
    # Cash: district £2,000; county £5,000 + £5,000 / 1.1 = £9,545.45. Capacity: acute £4,000. Cost £10,000.
    table = three.by_partner().set_index("partner")
    assert round(table.loc["county_asc", "pv_fiscal_cashable"], 2) == 9545.45
    assert round(three.totals["pv_costs"], 2) == 10000.00


def test_proportional_shares_the_cost_22_105_44_in_171(three):
    # Fiscal savings 2,000 : 9,545.45 : 4,000 = 22 : 105 : 44 (in elevenths), total 171.
    d = deal.propose(three, "proportional")
    assert pv(d) == {"district": 1286.55, "county_asc": 6140.35, "nhs_acute": 2573.10}
    assert d.shares["county_asc"] == pytest.approx(105 / 171, abs=1e-12)
    for partner in ("district", "county_asc", "nhs_acute"):  # £15,545.45 / £10,000 each
        assert position(d, partner, "roi") == pytest.approx(1.5545454545, abs=1e-9)
    assert round(position(d, "nhs_acute", "cash_npv"), 2) == -2573.10
    assert not d.feasible  # the acute trust gets capacity, not cash
    assert position(d, "district", "payback_year") == 1


def test_equal_return_gives_every_payer_the_same_pounds_per_pound(three):
    d = deal.propose(three, "equal_return")
    assert pv(d) == {"district": 1286.55, "county_asc": 6140.35, "nhs_acute": 2573.10}


def test_proportional_cash_shares_the_cost_22_to_105(three):
    d = deal.propose(three, "proportional_cash")
    assert pv(d) == {"district": 1732.28, "county_asc": 8267.72, "nhs_acute": 0.00}
    # Everyone gets £11,545.45 / £10,000 of cash back: each cash NPV is 15.45% of its contribution.
    assert round(position(d, "district", "cash_npv"), 2) == round(2000 - 10000 * 22 / 127, 2) == 267.72
    assert d.feasible


def test_cash_break_even_shares_the_cash_surplus_equally(three):
    # Cash surplus £11,545.45 - £10,000 = £1,545.45; the acute trust saves no cash, so the district
    # and the county keep £772.73 each: they pay £1,227.27 and £8,772.73.
    d = deal.propose(three, "cash_break_even")
    assert pv(d) == {"district": 1227.27, "county_asc": 8772.73, "nhs_acute": 0.00}
    assert round(position(d, "district", "cash_npv"), 2) == round(position(d, "county_asc", "cash_npv"), 2) == 772.73
    assert d.feasible and d.shortfall == 0.0 and not d.carriers


def test_cash_break_even_says_when_no_split_exists_and_who_carries_the_shortfall():
    # Cost £20,000 against £11,545.45 of cash: £8,454.55 short whatever the split.
    result = roi.run(scenario_from(three_partner_spec(cost_per_case=200)))
    d = deal.propose(result, "cash_break_even")
    assert not d.feasible
    assert round(d.shortfall, 2) == 8454.55
    # Every partner pays what it saves in cash; the district carries the shortfall.
    assert pv(d) == {"district": 10454.55, "county_asc": 9545.45, "nhs_acute": 0.00}
    assert round(position(d, "district", "cash_npv"), 2) == -8454.55
    by_rule = {rule: dict(people) for rule, people in d.carriers.items()}
    assert round(by_rule["Funding as it stands"]["District council"], 2) == 18000.00
    short = by_rule["In proportion to fiscal savings"]
    assert round(short["NHS acute hospital"], 2) == round(20000 * 44 / 171, 2)


def test_custom_shares_are_taken_as_typed(three):
    d = deal.propose(three, "custom", shares={"district": 0.5, "county_asc": 0.3, "nhs_acute": 0.2})
    assert pv(d) == {"district": 5000.00, "county_asc": 3000.00, "nhs_acute": 2000.00}
    assert list(d.contributions["2025/26"]) == [5000.0, 3000.0, 2000.0]
    assert list(d.contributions["2026/27"]) == [0.0, 0.0, 0.0]


def test_gain_share_pays_per_unit_up_to_the_cap_and_the_district_carries_the_rest(three):
    # 100 care weeks avoided in each year at £10 = £1,000 a year, capped at £800: £800 + £800 / 1.1.
    d = deal.propose(three, "gain_share", payer="county_asc", outcome="asc_week", price=10, cap=800)
    rows = d.contributions.set_index("partner")
    assert list(rows.loc["county_asc", ["2025/26", "2026/27"]]) == [800.0, 800.0]
    assert list(rows.loc["district", ["2025/26", "2026/27"]]) == [9200.0, -800.0]
    assert pv(d) == {"district": 8472.73, "county_asc": 1527.27, "nhs_acute": 0.00}
    uncapped = deal.propose(three, "gain_share", payer="county_asc", outcome="asc_week", price=10)
    assert pv(uncapped)["county_asc"] == round(1000 + 1000 / 1.1, 2)


def test_the_deal_json_has_the_documented_keys_and_sums_to_the_penny(three, tmp_path, capsys):
    path = tmp_path / "three.yaml"
    path.write_text(dump_spec(ScenarioSpec.model_validate(three_partner_spec())), encoding="utf-8")
    assert (
        main(
            [
                "deal",
                str(path),
                "--rule",
                "custom",
                "--share",
                "district=0.5",
                "--share",
                "county_asc=0.3",
                "--share",
                "nhs_acute=0.2",
                "--draws",
                "0",
                "--json",
            ]
        )
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"rule", "feasible", "shortfall", "contributions", "positions"}
    assert set(payload) >= {"contributions_by_intervention", "confidence", "by_service"}
    assert set(payload["contributions"][0]) == {"partner", "share", "pv", "by_year"}
    assert set(payload["positions"][0]) >= {
        "partner",
        "cash_npv",
        "fiscal_npv",
        "roi",
        "payback_year",
        "prob_worse_off",
        "cash_by_year",
        "turns_positive_year",
        "largest_carried",
    }
    assert round(sum(c["pv"] for c in payload["contributions"]), 2) == 10000.00
    assert payload["contributions"][0]["by_year"] == [5000.0, 0.0]
    # The acute trust pays £2,000 and gets £4,000 of capacity back, no cash.
    acute = next(p for p in payload["positions"] if p["partner"] == "nhs_acute")
    assert acute["cash_npv"] == -2000.0 and acute["roi"] == 2.0 and acute["payback_year"] == 1


# -- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "options", "field", "words"),
    [
        ("custom", {"shares": {"district": 0.5, "county_asc": 0.3}}, "shares", "sum to 1"),
        ("gain_share", {"payer": "county_asc", "outcome": "bed_day", "price": 200}, "gain_share.outcome", "no outcome"),
        ("gain_share", {"payer": "county_asc", "outcome": "asc_week", "price": 10, "cap": -1}, "cap", "0 or more"),
        ("gain_share", {"payer": "individuals", "outcome": "asc_week", "price": 10}, "payer", "not a public body"),
        ("custom", {"shares": {"individuals": 1.0}}, "shares.individuals", "not a public body"),
        ("custom", {"shares": {"nobody": 1.0}}, "shares.nobody", "not a partner"),
        ("fair", {}, "rule", "allowed: proportional"),
    ],
)
def test_bad_deal_input_names_the_field_and_what_is_allowed(three, rule, options, field, words):
    with pytest.raises(roi.InputError) as caught:
        deal.propose(three, rule, **options)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_a_bad_deal_on_the_command_line_exits_2_with_one_line(tmp_path, capsys):
    assert main(["deal", "district_offer", "--rule", "custom", "--share", "district=0.7"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sum to 1" in err


# -- properties -------------------------------------------------------------------------------------

VALUE = st.floats(min_value=0, max_value=500, allow_nan=False)
RULE = st.sampled_from(["proportional", "proportional_cash", "cash_break_even", "equal_return", "custom", "gain_share"])


def _random_deal(result: roi.Result, rule: str, data: st.DataObject) -> deal.Deal:
    if rule == "custom":
        weights = data.draw(st.lists(st.floats(0.01, 1), min_size=3, max_size=3))
        total = sum(weights)
        shares = dict(zip(("district", "county_asc", "nhs_acute"), (w / total for w in weights), strict=True))
        return deal.propose(result, rule, shares=shares)
    if rule == "gain_share":
        return deal.propose(
            result,
            rule,
            payer=data.draw(st.sampled_from(["county_asc", "nhs_acute"])),
            outcome=data.draw(st.sampled_from(["asc_week", "acute_day", "district_case"])),
            price=data.draw(st.floats(0, 1000)),
            cap=data.draw(st.none() | st.floats(0, 50_000)),
        )
    return deal.propose(result, rule)


@PROFILE
@given(
    cost=st.floats(min_value=1, max_value=1000, allow_nan=False),
    cases=st.floats(min_value=1, max_value=1000, allow_nan=False),
    values=st.tuples(VALUE, VALUE, VALUE),
    rule=RULE,
    data=st.data(),
)
def test_contributions_always_sum_to_the_total_cost(cost, cases, values, rule, data):
    result = roi.run(scenario_from(three_partner_spec(cost, cases, values)))
    try:
        d = _random_deal(result, rule, data)
    except roi.InputError as error:  # only a rule with nothing to share in proportion to may refuse
        assert error.field == "rule" and rule in ("proportional", "proportional_cash", "equal_return")
        return
    assert round(d.contributions["pv"].sum(), 2) == round(result.totals["pv_costs"], 2)
    undiscounted = d.contributions[list(d.years)].to_numpy().sum(axis=0)
    assert np.allclose(undiscounted, result.by_year()["costs"], atol=1e-6)


@PROFILE
@given(cost=st.floats(1, 1000), cases=st.floats(1, 1000), values=st.tuples(VALUE, VALUE, VALUE))
def test_a_feasible_cash_break_even_leaves_no_partner_short_of_cash(cost, cases, values):
    d = deal.propose(roi.run(scenario_from(three_partner_spec(cost, cases, values))), "cash_break_even")
    if d.feasible:
        assert (d.positions["cash_npv"] >= -0.005).all()
    else:
        assert d.shortfall > 0


@PROFILE
@given(cost=st.floats(1, 1000), cases=st.floats(1, 1000), values=st.tuples(VALUE, VALUE, VALUE))
def test_proportional_gives_every_paying_partner_the_same_fiscal_return(cost, cases, values):
    result = roi.run(scenario_from(three_partner_spec(cost, cases, values)))
    if result.totals["pv_fiscal"] <= 0:
        return
    d = deal.propose(result, "proportional")
    returns = d.positions["roi"].dropna()
    assert len(returns) >= 1
    assert np.allclose(returns, result.totals["pv_fiscal"] / result.totals["pv_costs"], rtol=1e-9)


@PROFILE
@given(rule=RULE, data=st.data(), funder=st.sampled_from([None, {"district": 0.25, "county_asc": 0.75}]))
def test_applying_a_deal_then_undoing_it_gives_back_the_original_scenario_exactly(rule, data, funder):
    spec = ScenarioSpec.model_validate(three_partner_spec(funded_by=funder))
    result = roi.run(roi.resolve(spec))
    d = _random_deal(result, rule, data)
    agreed = deal.apply_deal(spec, d)
    assert agreed != spec
    back = deal.undo_deal(agreed)
    assert back == spec
    assert dump_spec(back) == dump_spec(spec)
    assert back.model_dump_json(exclude_defaults=True) == spec.model_dump_json(exclude_defaults=True)


def test_an_applied_deal_survives_a_saved_file_and_undo_works_from_it(three):
    spec = three.scenario.spec
    agreed = deal.apply_deal(spec, deal.propose(three, "cash_break_even"))
    reloaded = parse_scenario(dump_spec(agreed).encode(), "agreed.yaml").spec
    assert reloaded == agreed
    assert deal.in_force(reloaded).label == "Nobody loses cash"
    assert deal.undo_deal(reloaded) == spec


def test_an_applied_share_deal_is_the_funding_every_table_shows(three):
    d = deal.propose(three, "cash_break_even")
    after = roi.run(roi.resolve(deal.apply_deal(three.scenario.spec, d)))
    funded = after.by_partner().set_index("partner")["pv_costs"]
    assert round(funded["district"], 2) == 1227.27 and round(funded["county_asc"], 2) == 8772.73
    assert round(after.totals["npv"], 6) == round(three.totals["npv"], 6)
    assert "Deal applied: Nobody loses cash." in deal.funding_sentence(after)


def test_an_applied_gain_share_adds_payments_between_partners_and_leaves_the_total_alone(three):
    d = deal.propose(three, "gain_share", payer="county_asc", outcome="asc_week", price=10, cap=800)
    after = roi.run(roi.resolve(deal.apply_deal(three.scenario.spec, d)))
    funded = after.by_partner().set_index("partner")["pv_costs"]
    assert round(funded["county_asc"], 2) == 1527.27 and round(funded["district"], 2) == 8472.73
    assert round(after.totals["pv_costs"], 6) == round(three.totals["pv_costs"], 6)
    assert after.by_intervention()["pv_costs"].sum() == pytest.approx(10000)


def test_a_scenario_file_whose_deal_names_a_missing_outcome_is_refused_on_loading(three):
    d = deal.propose(three, "gain_share", payer="county_asc", outcome="asc_week", price=10)
    text = dump_spec(deal.apply_deal(three.scenario.spec, d)).replace("outcome: asc_week", "outcome: bed_day")
    with pytest.raises(roi.InputError) as caught:
        parse_scenario(text.encode(), "agreed.yaml")
    assert caught.value.file == "agreed.yaml" and caught.value.field == "deal.gain_share.outcome"
    assert "allowed: district_case, asc_week, acute_day" in str(caught.value)
