"""Sessions sharing one server: the same large simulation twice; a stopped run stays stopped.

AppTest sessions cannot run at once in one process; tests/e2e/test_shared_server.py runs two browser
sessions at once against one server."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import roi
from roi.engine import uncertainty

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/4_Uncertainty_and_sensitivity.py"
DRAWS = 100_000


def uncertainty_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sentence(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "simulations the offer pays back" in m.value)


def expected_sentence() -> str:
    sim = uncertainty.simulate(roi.load_scenario("district_offer"), DRAWS, 1)
    return f"In {sim.prob_payback:.0%} of {DRAWS:,} simulations"


def test_two_sessions_run_the_same_100000_draw_simulation_one_after_the_other():
    expected = expected_sentence()
    for _ in range(2):  # the second is served from the first's results
        at = uncertainty_page()
        at.selectbox(key="mc-draws").select(DRAWS).run()
        assert not at.exception, [e.value for e in at.exception]
        assert expected in sentence(at)


def test_a_stopped_simulation_says_so_and_offers_to_run_again():
    from ui import jobs

    jobs._summaries.clear()
    at = uncertainty_page()
    spec_json = roi.load_scenario("district_offer").spec.model_dump_json()
    at.session_state["mc-stopped"] = (spec_json, 1_000_000, 1, "triangular")
    at.selectbox(key="mc-draws").select(1_000_000).run()
    assert not at.exception
    assert any("was stopped before it finished" in i.value for i in at.info)
    assert not any("simulations the offer pays back" in m.value for m in at.markdown)
    at.button(key="mc-rerun").click().run()
    assert not at.exception
    assert "In " in sentence(at) and "of 1,000,000 simulations" in sentence(at)
