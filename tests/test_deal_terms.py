"""Deals a finance lead would sign (issue 19): solved at a confidence, by service with a statutory
core, weighted Nash bargaining with fallbacks, cash flow against budgets by financial year, and one
payback rule. Hand-computed examples to the penny, properties, bad input."""

from __future__ import annotations

import copy
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import roi
from roi.analysis import deal
from roi.cli import main
from roi.engine.model import first_payback_year
from roi.engine.uncertainty import simulation_for
from roi.inputs.scenario import load_scenario

from .conftest import scenario_from
from .test_deal import PROFILE, VALUE, position, pv, three_partner_spec

COUNTY_CASH = [7000, 8000, 8500, 9000, 9500, 9545.45, 10000, 10500, 11000, 12000]


@pytest.fixture(scope="module")
def three() -> roi.Result:
    return roi.run(scenario_from(three_partner_spec()))


def ten_draws(county: list[float] = COUNTY_CASH) -> SimpleNamespace:
    """A hand-written simulation of the three-partner example: ten draws, the cost always £10,000,
    the district's cash always £2,000, the county's cash as given."""
    count = len(county)
    return SimpleNamespace(
        pv_costs=np.full(count, 10_000.0),
        partner_costs={"district": np.full(count, 10_000.0)},
        partner_cash={"district": np.full(count, 2_000.0), "county_asc": np.array(county, dtype=float)},
        partner_fiscal={
            "district": np.full(count, 2_000.0),
            "county_asc": np.array(county, dtype=float),
            "nhs_acute": np.full(count, 4_000.0),
        },
    )


def two_services_spec() -> dict:
    """The three-partner example split into two services: 'a' costs £6,000 (100 x £60) and brings
    the district £2,000 cash and the acute trust £4,000 of capacity; 'b' costs £4,000 (100 x £40)
    and brings the county £5,000 cash in each of two years (PV £9,545.45)."""
    spec = three_partner_spec()
    scheme = spec["interventions"][0]
    a = copy.deepcopy(scheme) | {"id": "a", "label": "Service A", "cost_per_case": 60}
    a["outcomes"] = [o for o in scheme["outcomes"] if o["unit_cost"] != "asc_week"]
    b = copy.deepcopy(scheme) | {"id": "b", "label": "Service B", "cost_per_case": 40}
    b["outcomes"] = [o for o in scheme["outcomes"] if o["unit_cost"] == "asc_week"]
    spec["interventions"] = [a, b]
    return spec


@pytest.fixture(scope="module")
def services() -> roi.Result:
    return roi.run(scenario_from(two_services_spec()))


def service_pv(d: deal.Deal) -> dict[tuple[str, str], float]:
    rows = d.by_intervention
    return {(r.intervention, r.partner): r.pv for r in rows.itertuples() if r.pv != 0}


# -- at a confidence ----------------------------------------------------------------------------------


def test_at_80_percent_the_county_pays_what_it_saves_in_its_third_worst_draw(three):
    # 10 draws, 20% may lose: the county's margin is its third-lowest cash, £8,500 (of a £10,000 cost);
    # the district's £2,000 in every draw. £10,500 against £10,000: £500 over, £250 kept by each.
    d = deal.propose(three, "cash_break_even", simulation=ten_draws(), confidence=0.8)
    assert pv(d) == {"district": 1750.00, "county_asc": 8250.00, "nhs_acute": 0.00}
    assert d.feasible and d.shortfall == 0.0
    assert position(d, "county_asc", "prob_worse_off") == 0.2  # draws of £7,000 and £8,000 lose
    assert position(d, "county_asc", "cash_p10") == pytest.approx(7000 + 0.9 * 1000 - 8250)
    assert d.label.endswith("(at 80% confidence)")


def test_at_90_percent_the_margins_meet_the_cost_exactly(three):
    d = deal.propose(three, "cash_break_even", simulation=ten_draws(), confidence=0.9)
    assert pv(d) == {"district": 2000.00, "county_asc": 8000.00, "nhs_acute": 0.00}
    assert d.feasible and position(d, "county_asc", "prob_worse_off") == 0.1


def test_at_95_percent_no_split_reaches_it_and_the_deal_says_by_how_much(three):
    # No draw may lose: the county can pay £7,000, the district £2,000: £1,000 short of £10,000.
    d = deal.propose(three, "cash_break_even", simulation=ten_draws(), confidence=0.95)
    assert not d.feasible and round(d.shortfall, 2) == 1000.00
    assert pv(d) == {"district": 3000.00, "county_asc": 7000.00, "nhs_acute": 0.00}
    assert "£1,000 (present value) short" in deal.shortfall_sentence(d)
    assert "in 95% of the simulation's draws" in deal.shortfall_sentence(d)
    # At 90% one draw in ten may lose: £8,000 + £2,000 meets the cost, so 90% is the most a split reaches.
    assert d.reachable == 0.9 and "The highest confidence a split reaches is 90%." in deal.shortfall_sentence(d)


def test_the_default_offer_is_short_of_cash_even_at_50_percent():
    scenario = load_scenario("district_offer")
    d = deal.propose(roi.run(scenario), "cash_break_even", simulation=simulation_for(scenario, 2000, 1), confidence=0.8)
    assert not d.feasible and d.reachable is None
    assert deal.shortfall_sentence(d).endswith("Not even at 50%.")
    assert d.payload()["reachable_confidence"] is None


def test_equal_return_at_a_confidence_equalises_the_low_end_of_pounds_back(three):
    # Fiscal margins at 80%: district £2,000, county £8,500, acute £4,000 (all per £10,000 of cost):
    # shares 2,000 : 8,500 : 4,000 of 14,500.
    d = deal.propose(three, "equal_return", simulation=ten_draws(), confidence=0.8)
    assert pv(d) == {"district": 1379.31, "county_asc": 5862.07, "nhs_acute": 2758.62}


def test_with_no_ranges_the_deal_at_any_confidence_is_the_central_deal(three):
    simulation = simulation_for(three.scenario, 200, 1)
    central = deal.propose(three, "cash_break_even", simulation=simulation)
    for confidence in (0.5, 0.8, 0.99):
        assert pv(deal.propose(three, "cash_break_even", simulation=simulation, confidence=confidence)) == pv(central)


# -- weights and fallbacks ----------------------------------------------------------------------------


def test_weights_share_the_cash_surplus_one_to_two(three):
    # Surplus £1,545.45: the district keeps a third (£515.15), the county two thirds (£1,030.30).
    d = deal.propose(three, "cash_break_even", weights={"district": 1, "county_asc": 2})
    assert pv(d) == {"district": 1484.85, "county_asc": 8515.15, "nhs_acute": 0.00}
    assert "Bargaining weights: District council 1, County adult social care 2" in " ".join(d.assumptions)


def test_a_fallback_below_zero_lets_a_partner_pay_more_than_it_saves(three):
    # The district would spend £1,000 anyway: margins £3,000 and £9,545.45, surplus £2,545.45,
    # £1,272.73 kept by each: the district pays £1,727.27, the county £8,272.73.
    d = deal.propose(three, "cash_break_even", fallbacks={"district": -1000})
    assert pv(d) == {"district": 1727.27, "county_asc": 8272.73, "nhs_acute": 0.00}
    assert d.feasible and position(d, "district", "fallback") == -1000


def test_a_fallback_above_a_partners_cash_makes_the_deal_infeasible(three):
    # The county wants £10,000 but saves £9,545.45: £454.55 short, plus £8,000 the district cannot pay.
    d = deal.propose(three, "cash_break_even", fallbacks={"county_asc": 10_000})
    assert not d.feasible and round(d.shortfall, 2) == 8454.55


def test_every_rule_states_what_counts_its_fallback_and_its_weights(three):
    for rule in deal.AUTOMATIC_RULES:
        words = " ".join(deal.propose(three, rule).assumptions)
        assert "Counts as a gain" in words
    words = " ".join(deal.propose(three, "cash_break_even").assumptions)
    assert "£0 for every partner" in words and "equal for every partner" in words and "Nash product" in words


# -- by service ---------------------------------------------------------------------------------------


def test_by_service_each_service_is_shared_on_its_own_fiscal_savings(services):
    # A: £6,000 on £2,000 (district) : £4,000 (acute); B: £4,000 all to the county.
    d = deal.propose(services, "proportional", by_service=True)
    assert service_pv(d) == {("a", "district"): 2000.00, ("a", "nhs_acute"): 4000.00, ("b", "county_asc"): 4000.00}
    assert pv(d) == {"district": 2000.00, "county_asc": 4000.00, "nhs_acute": 4000.00}


def test_by_service_a_statutory_core_stays_with_its_partner_and_the_rest_is_topped_up(services):
    # Core £1,500 of A with the district; the £4,500 top-up 1 : 2 between district and acute.
    d = deal.propose(services, "proportional", by_service=True, cores={"a": ("district", 1500)})
    assert service_pv(d) == {("a", "district"): 3000.00, ("a", "nhs_acute"): 3000.00, ("b", "county_asc"): 4000.00}


def test_by_service_cash_break_even_can_fall_short_where_the_pool_does_not(services):
    # A brings £2,000 of cash against £6,000: the district carries £4,000 more; B's £4,000 is the county's.
    d = deal.propose(services, "cash_break_even", by_service=True)
    assert service_pv(d) == {("a", "district"): 6000.00, ("b", "county_asc"): 4000.00}
    assert not d.feasible and round(d.shortfall, 2) == 4000.00
    # With £1,000 of A as the district's statutory core, its fallback is -£1,000: £3,000 short.
    cored = deal.propose(services, "cash_break_even", by_service=True, cores={"a": ("district", 1000)})
    assert round(cored.shortfall, 2) == 3000.00 and position(cored, "district", "fallback") == -1000


def test_a_pooled_deal_shows_the_same_share_on_every_service(services):
    d = deal.propose(services, "cash_break_even")
    rows = d.by_intervention
    for service in ("a", "b"):
        county = rows[(rows.intervention == service) & (rows.partner == "county_asc")]
        assert float(county["share"].iloc[0]) == pytest.approx(d.shares["county_asc"])


# -- cash flow against budgets ------------------------------------------------------------------------


def test_cash_by_year_turns_positive_and_the_largest_carried(three):
    # Cash break-even: the county pays £8,772.73 in 2025/26 and saves £5,000 in each year:
    # -£3,772.73 then £1,227.27. The district pays £1,227.27 and saves £2,000 at once.
    d = deal.propose(three, "cash_break_even")
    county = d.positions.set_index("partner").loc["county_asc"]
    assert [round(v, 2) for v in county["cash_by_year"]] == [-3772.73, 1227.27]
    assert county["turns_positive_year"] == "2026/27" and round(county["largest_carried"], 2) == 3772.73
    district = d.positions.set_index("partner").loc["district"]
    assert district["turns_positive_year"] == "2025/26" and district["largest_carried"] == 0
    acute = d.payload()["positions"][2]
    assert acute["turns_positive_year"] is None and acute["largest_carried"] == 0.0


def test_a_partner_that_ends_below_zero_never_turns_positive():
    # Cost £20,000: the district pays £10,454.55 against £2,000 of cash, -£8,454.55 in both years;
    # the county pays £9,545.45 against £5,000 a year: -£4,545.45, then £454.55.
    result = roi.run(scenario_from(three_partner_spec(cost_per_case=200)))
    district, county = deal.propose(result, "cash_break_even").payload()["positions"][:2]
    assert district["cash_by_year"] == [-8454.55, -8454.55]
    assert district["turns_positive_year"] is None and district["largest_carried"] == 8454.55
    assert county["cash_by_year"] == [-4545.45, 454.55] and county["turns_positive_year"] == "2026/27"


def test_payback_is_the_engines_rule(three):
    # Funding as written: the deal's 'before' paybacks are the engine's own, partner by partner.
    before = deal.propose(three, "proportional").before.set_index("partner")
    engine = three.by_partner().set_index("partner")
    for partner in before.index:
        ours, theirs = before.loc[partner, "payback_year"], engine.loc[partner, "payback_year"]
        assert (0 if pd.isna(ours) else ours) == (0 if pd.isna(theirs) else theirs)
    # Half a penny short of £10,000 is not paid back (the engine's tolerance is relative, 1e-9).
    assert first_payback_year(np.array([9999.996]), np.array([10_000.0])) is None
    assert first_payback_year(np.array([10_000.0]), np.array([10_000.0])) == 1


# -- properties -----------------------------------------------------------------------------------------


@PROFILE
@given(
    county=st.lists(st.floats(0, 20_000), min_size=20, max_size=60),
    confidence=st.floats(0.5, 0.99),
    values=st.tuples(VALUE, VALUE, VALUE),
)
def test_a_feasible_deal_at_c_leaves_each_partner_losing_in_at_most_1_minus_c(county, confidence, values):
    result = roi.run(scenario_from(three_partner_spec(values=values)))
    d = deal.propose(result, "cash_break_even", simulation=ten_draws(county), confidence=confidence)
    if d.feasible:
        assert (d.positions["prob_worse_off"] <= 1 - confidence + 1e-9).all()
    else:
        assert d.shortfall > 0


def test_at_80_percent_on_the_district_offer_a_fresh_simulation_agrees_within_its_error():
    scenario = load_scenario("district_offer")
    result = roi.run(scenario)
    d = deal.propose(result, "cash_break_even", simulation=simulation_for(scenario, 2000, 1), confidence=0.8)
    fresh = simulation_for(scenario, 2000, 2)
    error = 3 * math.sqrt(0.8 * 0.2 / 2000)
    for partner in ("county_asc",):  # the lead (district) carries the shortfall
        losing = np.mean(fresh.partner_cash[partner] - fresh.pv_costs * d.shares[partner] < 0)
        assert losing <= 0.2 + error


@PROFILE
@given(
    values=st.tuples(VALUE, VALUE, VALUE),
    rule=st.sampled_from(deal.SERVICE_RULES),
    core=st.floats(0, 1),
)
def test_by_service_shares_sum_to_one_for_every_intervention(values, rule, core):
    spec = two_services_spec()
    spec["unit_costs"]["district_case"]["value"], spec["unit_costs"]["asc_week"]["value"] = values[0], values[1]
    spec["unit_costs"]["acute_day"]["value"] = values[2]
    result = roi.run(scenario_from(spec))
    d = deal.propose(result, rule, by_service=True, cores={"a": ("district", 6000 * core)})
    sums = d.by_intervention.groupby("intervention")["share"].sum()
    assert np.allclose(sums, 1.0, atol=1e-9)
    assert round(d.by_intervention["pv"].sum(), 2) == 10000.00


@PROFILE
@given(
    cost=st.floats(1, 1000),
    values=st.tuples(VALUE, VALUE, VALUE),
    rule=st.sampled_from(["proportional", "proportional_cash", "cash_break_even", "equal_return"]),
)
def test_cumulative_cash_by_year_ends_at_the_undiscounted_total(cost, values, rule):
    result = roi.run(scenario_from(three_partner_spec(cost, 100, values)))
    try:
        d = deal.propose(result, rule)
    except roi.InputError:  # nothing to share in proportion to
        return
    benefits = result.benefits
    cash = benefits[benefits["value_type"] == "fiscal_cashable"].groupby("partner")["amount"].sum()
    paid = d.contributions.set_index("partner")[list(d.years)].sum(axis=1)
    positions = d.positions.set_index("partner")
    for partner in positions.index:
        running = positions.loc[partner, "cash_by_year"]
        assert running[-1] == pytest.approx(cash.get(partner, 0.0) - paid[partner], abs=1e-6)
        assert positions.loc[partner, "largest_carried"] == pytest.approx(max(0.0, -min(running)))


# -- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"confidence": 0.4}, "confidence", "from 0.5 to 0.99"),
        ({"confidence": 1.0}, "confidence", "from 0.5 to 0.99"),
        ({"confidence": float("nan")}, "confidence", "from 0.5 to 0.99"),
        ({"confidence": 0.8, "rule": "proportional"}, "confidence", "promises nothing"),
        ({"confidence": 0.8, "simulation": None}, "confidence", "needs the simulation"),
        ({"weights": {"district": -1}}, "weights.district", "not allowed"),
        ({"weights": {"district": 0, "county_asc": 0, "nhs_acute": 0}}, "weights", "sum to zero"),
        ({"weights": {"nobody": 1}}, "weights.nobody", "not a paying partner"),
        ({"fallbacks": {"district": float("inf")}}, "fallbacks.district", "not allowed"),
        ({"weights": {"district": 1}, "rule": "proportional"}, "weights", "Nobody loses cash"),
        ({"by_service": True, "cores": {"test_scheme": ("district", 10_001)}}, "cores.test_scheme", "£10,000"),
        ({"cores": {"test_scheme": ("district", 100)}}, "cores", "by service"),
        ({"by_service": True, "cores": {"nowhere": ("district", 1)}}, "cores.nowhere", "not in the offer"),
        ({"by_service": True, "rule": "custom"}, "by_service", "one pooled split"),
    ],
)
def test_bad_terms_name_the_field_and_what_is_allowed(three, options, field, words):
    options = {"rule": "cash_break_even", "simulation": ten_draws()} | options
    with pytest.raises(roi.InputError) as caught:
        deal.propose(three, options.pop("rule"), **options)
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--confidence", "1.5"], "confidence: 1.5 is not allowed"),
        (["--by-service", "--core", "dfg_adaptation=district:99999999"], "statutory core from £0"),
        (["--weight", "district=-2"], "weights.district"),
    ],
)
def test_bad_terms_on_the_command_line_exit_2_with_one_line(args, words, capsys):
    assert main(["deal", "district_offer", "--rule", "cash_break_even", "--draws", "200", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


# -- applying a deal by service -------------------------------------------------------------------------


def test_an_applied_deal_by_service_sets_each_services_funding_and_comes_back_the_same(services):
    d = deal.propose(services, "proportional", by_service=True, cores={"a": ("district", 1500)})
    spec = deal.apply_deal(services.scenario.spec, d)
    funded = {c.id: c.funded_by for c in spec.interventions}
    assert funded["a"] == pytest.approx({"district": 0.5, "nhs_acute": 0.5})
    assert funded["b"] == pytest.approx({"county_asc": 1.0})
    applied = roi.run(roi.resolve(spec))
    assert deal.in_force(spec) is not None
    again = deal.agreed(applied)
    assert service_pv(again) == service_pv(d) and pv(again) == pv(d)
    assert deal.undo_deal(spec) == services.scenario.spec
