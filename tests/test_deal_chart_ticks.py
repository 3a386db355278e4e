"""Regular, non-overlapping pound ticks (issue 25, item 8): roi.outputs.charts.pound_ticks on the deal chart."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import roi
from roi.analysis import deal
from roi.outputs import charts

from .test_deal import PROFILE

MONEY = st.floats(-1e9, 1e9, allow_nan=False)


def _labels(ticks: list[float], expr: str) -> list[str]:
    """The labels the Vega expression draws, worked out in Python from the same format."""
    unit = expr.rsplit("'", 2)[-2]
    scale = float(expr.split("/ ")[1].split(",")[0])
    decimals = int(expr.split("',.")[1][0])
    return ["£0" if t == 0 else ("-£" if t < 0 else "£") + f"{abs(t) / scale:,.{decimals}f}" + unit for t in ticks]


def test_the_district_offer_deal_axis_is_minus_6m_to_2m_in_steps_of_2m():
    # Cash positions from -£5,102,296 to £376,700: one unit, one step, no '-£9.0m ... £500k' mixture.
    ticks, expr = charts.pound_ticks([-5_102_296, 376_700, 0])
    assert ticks == [-6e6, -4e6, -2e6, 0, 2e6]
    assert _labels(ticks, expr) == ["-£6m", "-£4m", "-£2m", "£0", "£2m"]


def test_half_millions_keep_one_decimal():
    ticks, expr = charts.pound_ticks([0, 1_990_322])
    assert _labels(ticks, expr) == ["£0", "£0.5m", "£1.0m", "£1.5m", "£2.0m"]


@PROFILE
@given(values=st.lists(MONEY, min_size=1, max_size=12), most=st.integers(3, 8))
def test_ticks_are_regular_cover_the_values_and_read_differently(values, most):
    ticks, expr = charts.pound_ticks(values, most)
    assert 2 <= len(ticks) <= most
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0], rtol=1e-9)
    assert 0 in ticks or any(abs(t) < 1e-9 for t in ticks)
    slack = 0.005 + 1e-8 * abs(steps[0])  # half a penny, and float dust on the step
    assert ticks[0] <= min(values + [0]) + slack and ticks[-1] >= max(values + [0]) - slack
    labels = _labels(ticks, expr)
    assert len(set(labels)) == len(labels)


def test_the_deal_chart_uses_the_regular_ticks():
    result = roi.run(roi.load_scenario("district_offer"))
    proposal = deal.propose(result, "cash_break_even")
    spec = charts.deal_positions(proposal).to_dict()
    axis = spec["encoding"]["x"]["axis"]
    values = list(proposal.positions["cash_npv"]) + list(proposal.before["cash_npv"])
    assert axis["values"] == charts.pound_ticks(values)[0]
