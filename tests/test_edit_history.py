"""Build the offer keeps its place: the panel being edited stays open, a negative entry is refused
with a message (never flipped), cost labels name the price year a typed value is taken in, and undo
and redo step back and forth through the session's edits exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from tests.conftest import open_panels
from ui.text import md

ROOT = Path(__file__).resolve().parents[1]
BUILD = "pages/1_Build_the_offer.py"


def on_build_page(*opened: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(BUILD).run()
    open_panels(at, *(opened or ("dfg_adaptation",)))
    assert not at.exception, [e.value for e in at.exception]
    return at


def panel(at: AppTest, label: str):  # noqa: ANN201 - an AppTest expander
    return next(e for e in at.expander if e.label.startswith(f"**{md(label)}**"))  # labels are escaped


def field_key(at: AppTest, name: str) -> str:
    """The current widget key of a field (its generation prefix changes on undo and redo)."""
    return f"g{at.session_state['generation']}-{name}"


def test_panels_start_closed_and_a_closed_panel_draws_no_inputs():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(BUILD).run()
    assert not any(e.proto.expanded for e in at.expander)
    assert not [w for w in at.number_input if "dfg_adaptation" in w.key]
    open_panels(at, "dfg_adaptation")
    assert panel(at, "Disabled facilities grant (DFG) adaptations").proto.expanded
    assert [w for w in at.number_input if "dfg_adaptation" in w.key]
    assert not [w for w in at.number_input if "handyperson" in w.key]


def test_an_edit_keeps_its_panel_open_and_the_others_closed():
    at = on_build_page()
    dfg = "Disabled facilities grant (DFG) adaptations"
    assert panel(at, dfg).proto.expanded
    at.number_input(key=field_key(at, "dfg_adaptation-cases")).set_value(250).run()
    assert not at.exception
    assert panel(at, dfg).proto.expanded  # the NPV in its label changed, and it is still open
    assert not panel(at, "Handyperson service").proto.expanded
    at.slider(key=field_key(at, "dfg_adaptation-residential_care_week-dw")).set_value(0.5).run()
    assert panel(at, dfg).proto.expanded


def test_a_negative_entry_is_refused_with_a_message_and_never_flipped():
    at = on_build_page()
    before = at.session_state["spec"]
    key = field_key(at, "dfg_adaptation-cost")
    shown = at.number_input(key=key).value
    at.number_input(key=key).set_value(-5).run()
    assert at.session_state["spec"] == before
    assert any("not applied" in e.value and md("cost_per_case") in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert at.number_input(key=key).value == shown  # the last good value, not 5


def test_cost_labels_name_the_scenario_price_year_that_a_typed_value_is_taken_in():
    at = on_build_page()
    scenario = roi.load_scenario("district_offer")
    year = scenario.settings.price_year
    dfg = next(i for i in scenario.interventions if i.id == "dfg_adaptation")
    key = field_key(at, "dfg_adaptation-cost")
    field = at.number_input(key=key)
    assert field.label == f"Cost per case (£, {year} prices)"
    assert field.value == round(dfg.cost_per_case * scenario.uprating_factor(dfg.price_year))
    field.set_value(6000).run()
    assert at.number_input(key=key).label == f"Cost per case (£, {year} prices)"  # the label did not move
    resolved = roi.resolve(at.session_state["spec"])
    edited = next(i for i in resolved.interventions if i.id == "dfg_adaptation")
    assert edited.cost_per_case * resolved.uprating_factor(edited.price_year) == pytest.approx(6000)


def test_undo_and_redo_step_back_and_forth_through_three_edits_exactly():
    at = on_build_page("dfg_adaptation", "handyperson")
    states = [at.session_state["spec"]]
    edits = [("dfg_adaptation-cases", 150), ("dfg_adaptation-cost", 5000), ("handyperson-cases", 700)]
    for name, value in edits:
        at.number_input(key=field_key(at, name)).set_value(value).run()
        assert not at.exception
        states.append(at.session_state["spec"])
    assert len({s.model_dump_json() for s in states}) == 4
    for expected in reversed(states[:-1]):
        at.button(key="edit-undo").click().run()
        assert at.session_state["spec"] == expected
    assert at.button(key="edit-undo").disabled
    for expected in states[1:]:
        at.button(key="edit-redo").click().run()
        assert at.session_state["spec"] == expected
    assert at.button(key="edit-redo").disabled
    # Undo, then a new edit: what could be redone is gone, as in any editor.
    at.button(key="edit-undo").click().run()
    at.number_input(key=field_key(at, "dfg_adaptation-cases")).set_value(90).run()
    assert at.button(key="edit-redo").disabled
    # The widgets show the scenario they stand for after an undo.
    at.button(key="edit-undo").click().run()
    assert at.number_input(key=field_key(at, "dfg_adaptation-cases")).value == 150


def test_undo_all_edits_can_itself_be_undone():
    at = on_build_page()
    at.number_input(key=field_key(at, "dfg_adaptation-cases")).set_value(150).run()
    edited = at.session_state["spec"]
    next(b for b in at.sidebar.button if b.label == "Undo all edits").click().run()
    assert at.session_state["spec"] != edited
    at.button(key="edit-undo").click().run()
    assert at.session_state["spec"] == edited


def test_a_negative_unit_cost_in_the_table_is_refused_with_a_message_and_never_flipped():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    before = at.session_state["spec"]
    ids = at.session_state["g0-unit-cost-editor-0-snapshot"]
    at.session_state["g0-unit-cost-editor-0"] = {
        "edited_rows": {ids.index("bed_day"): {"value": -5.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert at.session_state["spec"] == before  # not 5, not anything
    assert "bed_day" not in at.session_state["spec"].unit_costs
    assert any("not applied" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["editor_version"] == 1  # a fresh grid shows the last good values


def test_an_incurred_cost_is_labelled_incurs_and_says_what_it_moves_with():
    at = on_build_page()
    headings = [m.value for m in at.markdown if m.value.startswith(("**Avoids:", "**Incurs:"))]
    assert any(h.startswith("**Avoids: Residential care for an older person") for h in headings), headings
    assert any(h.startswith("**Incurs: Home care package for an older person") for h in headings), headings
    assert not any(h.startswith("**Avoids: Home care") for h in headings)
    assert any("moves with that one" in c.value and "Residential care" in c.value for c in at.caption)
    assert any(w.label == "Quantity incurred per case" for w in at.number_input)
