"""The claim page uses the current scenario's unit cost, with the user's edit from Assumptions."""

from __future__ import annotations

import roi
from roi.inputs.edit import apply

from .test_claim_page import key, open_example, open_page
from .test_pages import metric, start


def test_a_bed_day_edited_on_assumptions_is_the_current_scenarios_choice_on_the_claim_page():
    at = start()
    spec, _ = apply(at.session_state["spec"], {"unit_cost": "bed_day", "field": "value", "value": 350.0})
    at.session_state["spec"] = spec
    open_example(open_page(at))
    basis = at.radio(key=key(at, "l0-basis"))
    assert basis.options[1].startswith("Current scenario: £350.00")
    basis.set_value("scenario").run()
    assert not at.exception
    # District Direct's 725 bed-days at the user's £350, uprated from its price year to the claim's 2018.
    year = roi.resolve(spec).unit_costs["bed_day"].price_year
    factor = roi.load_library().deflator_factor(year, 2018)
    assert metric(at, "Recomputed (29 weeks, 2018 prices)") == roi.pounds(725 * 350 * factor)
    sources = next(t.value for t in at.table if "Used as" in t.value.columns)
    assert "Current scenario" in set(sources["Used as"])
