"""Bounds on what one user can ask of the shared server, and the promise that what the app writes it reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.inputs import limits, parameters, share
from roi.inputs.library import check_size, dump_spec, parse_yaml, validate
from roi.inputs.schema import ScenarioSpec

ROOT = Path(__file__).resolve().parents[1]


def base() -> dict:
    return roi.load_scenario("district_offer").spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def refused(data: dict) -> str:
    with pytest.raises(roi.InputError) as caught:
        check_size(ScenarioSpec.model_validate(data), "big.yaml")
    return str(caught.value)


def test_more_outcomes_than_allowed_are_refused_with_the_field():
    data = base()
    data["interventions"][0]["outcomes"] = [
        {"unit_cost": f"cost_{i}", "quantity_per_case": 1} for i in range(limits.MAX_OUTCOMES_PER_INTERVENTION + 1)
    ]
    assert "big.yaml: interventions[0].outcomes: 31 outcomes; at most 30" in refused(data)


def test_more_ranged_parameters_than_allowed_are_refused():
    data = base()
    outcomes = [
        {"unit_cost": f"cost_{k}", "ranges": {"deadweight": [0, 1], "drop_off": [0, 1]}}
        for k in range(limits.MAX_OUTCOMES_PER_INTERVENTION)
    ]
    data["interventions"] = [{"id": f"custom_{i}", "outcomes": outcomes} for i in range(9)]
    assert "540 ranged parameters; at most 500" in refused(data)


def test_a_text_longer_than_allowed_is_refused():
    data = base()
    data["description"] = "x" * (limits.MAX_TEXT_CHARS + 1)
    assert "a text of 2,001 characters" in refused(data)


def test_a_scenario_whose_yaml_would_pass_the_upload_limit_is_refused():
    data = base()
    text = "y" * limits.MAX_TEXT_CHARS
    data["unit_costs"] = {f"cost_{i}": {"label": text, "unit": text, "note": text} for i in range(180)}
    assert "as YAML; the limit is 1,000,000" in refused(data)


def test_the_largest_accepted_scenario_downloads_as_yaml_that_uploads_again():
    data = base()
    text = "z" * limits.MAX_TEXT_CHARS
    data["description"] = text
    data["interventions"] = [{"id": f"custom_{i}", "label": text, "description": text} for i in range(100)]
    data["unit_costs"] = {f"cost_{i}": {"label": text} for i in range(50)}
    spec = check_size(ScenarioSpec.model_validate(data), "big.yaml")
    written = dump_spec(spec).encode("utf-8")
    assert 400_000 < len(written) <= limits.MAX_FILE_BYTES
    assert validate(ScenarioSpec, parse_yaml(written, "big.yaml"), "big.yaml") == spec
    assert share.decode(share.encode(spec)) == spec


def test_names_with_line_separators_survive_the_yaml_and_link_round_trips():
    spec = roi.load_scenario("district_offer").spec.model_copy(update={"name": "North\x85East\u2028offer\r"})
    assert validate(ScenarioSpec, parse_yaml(dump_spec(spec), "x.yaml"), "x.yaml") == spec
    assert share.decode(share.encode(spec)) == spec


def test_a_long_horizon_scenario_is_offered_fewer_simulations_on_the_page():
    data = base()
    data["settings"]["horizon_years"] = 60
    spec = ScenarioSpec.model_validate(data)
    choices = parameters.draw_choices(roi.resolve(spec))
    assert choices[-1] < 1_000_000
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["s"] = share.encode(spec)
    at.run()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="mc-draws").options == [f"{n:,}" for n in choices]


def test_every_shipped_scenario_is_offered_a_million_simulations():
    for name in roi.shipped_scenarios():
        assert parameters.max_draws(roi.load_scenario(name)) == 1_000_000, name
