"""The deal under uncertainty: P10/P50/P90 of each partner's cash position and its chance of losing
cash, from the engine's per-partner draws (roi.simulate)."""

from __future__ import annotations

import json

import numpy as np

import roi
from roi.analysis import deal
from roi.cli import main
from roi.engine import uncertainty

from .conftest import scenario_from
from .test_deal import three_partner_spec


def test_with_no_ranges_every_draw_is_the_central_deal():
    # No input has a range, so every draw equals the deterministic model: a partner short of cash is
    # short in every draw (chance 1), a partner in credit never (chance 0), and P10 = P50 = P90.
    scenario = scenario_from(three_partner_spec())
    result = roi.run(scenario)
    d = deal.propose(result, "proportional", simulation=uncertainty.simulate(scenario, 500, 1))
    rows = d.positions.set_index("partner")
    assert rows.loc["nhs_acute", "prob_worse_off"] == 1.0  # capacity, no cash
    assert rows.loc["county_asc", "prob_worse_off"] == 0.0
    for partner in rows.index:
        assert np.allclose(
            rows.loc[partner, ["cash_p10", "cash_p50", "cash_p90"]].astype(float),
            rows.loc[partner, "cash_npv"],
            atol=0.01,
        )
    before = d.before.set_index("partner")
    assert before.loc["district", "prob_worse_off"] == 1.0  # pays £10,000 for £2,000 of cash


def test_on_the_district_offer_the_chances_are_probabilities_and_the_ranges_are_ordered():
    scenario = roi.load_scenario("district_offer")
    simulation = uncertainty.simulate(scenario, 2000, 1)
    for rule in deal.AUTOMATIC_RULES:
        d = deal.propose(roi.run(scenario), rule, simulation=simulation)
        p = d.positions
        assert p["prob_worse_off"].between(0, 1).all()
        assert (p["cash_p10"] <= p["cash_p50"] + 1e-6).all() and (p["cash_p50"] <= p["cash_p90"] + 1e-6).all()
        # The drawn contributions share each draw's cost in full.
        assert np.isclose(
            sum(simulation.partner_costs.get(x, 0).mean() for x in simulation.partner_costs), simulation.pv_costs.mean()
        )


def test_the_deal_verb_reports_the_chance_of_losing_cash(capsys):
    assert main(["deal", "district_offer", "--rule", "cash_break_even", "--draws", "300", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    chances = [p["prob_worse_off"] for p in payload["positions"]]
    assert all(c is not None and 0 <= c <= 1 for c in chances)
