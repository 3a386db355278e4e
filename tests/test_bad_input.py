"""Bad input: every problem in a user's file raises InputError naming file, field and allowed range."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.inputs.library import MAX_FILE_BYTES, SCENARIOS_DIR, parse_yaml

BASE = yaml.safe_load((SCENARIOS_DIR / "district_offer.yaml").read_text())


def _error(text: str) -> roi.InputError:
    with pytest.raises(roi.InputError) as caught:
        roi.parse_scenario(text, "offer.yaml")
    return caught.value


def _with(**changes) -> str:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        target[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data)


def test_deadweight_of_1_7_names_the_field_and_the_range():
    data = copy.deepcopy(BASE)
    data["interventions"][0]["outcomes"] = [{"unit_cost": "residential_care_year", "deadweight": 1.7}]
    error = _error(yaml.safe_dump(data))
    assert error.file == "offer.yaml"
    assert error.field == "interventions[0].outcomes[0].deadweight"
    assert "0 to 1" in str(error) and "1.7" in str(error)


def test_malformed_yaml_gives_line_and_column():
    error = _error("name: x\ninterventions: [\n  - id: a\n")
    assert "line" in error.field and "not valid YAML" in error.problem


@pytest.mark.parametrize(
    "text, field, words",
    [
        (_with(interventions__0__id="no_such_thing"), "interventions[0].id", "not in the library"),
        (_with(interventions__0__cost_per_case=-5), "interventions[0].cost_per_case", "0 or more"),
        (
            _with(interventions__0__funded_by={"district": 0.5, "county_asc": 0.2}),
            "interventions[0].funded_by",
            "sum to 1",
        ),
        (_with(interventions__0__funded_by={"nobody": 1.0}), "interventions[0].funded_by.nobody", "unknown partner"),
        (_with(settings__price_year=1985), "settings.price_year", "outside the GDP deflator"),
        (_with(settings__price_year=2031), "settings.price_year", "outside the GDP deflator"),
        (_with(settings__horizon_years=0), "settings.horizon_years", "1 to 60"),
        (_with(settings__programme_years=20), "settings", "must not exceed"),
        (_with(settings__discount_schedule="made_up"), "settings.discount_schedule", "unknown schedule"),
        (_with(unit_costs={"bed_day": {"value": -1}}), "unit_costs.bed_day.value", "0 or more"),
        (_with(unit_costs={"bed_day": {"price_year": 1900}}), "unit_costs.bed_day.price_year", "outside the GDP"),
        (_with(interventions__0__colour="red"), "interventions[0].colour", "Extra inputs"),
    ],
)
def test_each_problem_names_its_field(text, field, words):
    error = _error(text)
    assert error.field == field
    assert words in str(error)


def test_nan_and_infinity_are_refused():
    for value in (".nan", ".inf", "-.inf"):
        text = (
            (SCENARIOS_DIR / "dfg_single.yaml").read_text().replace("cases_per_year: 120", f"cases_per_year: {value}")
        )
        error = _error(text)
        assert error.field == "interventions[0].cases_per_year"


def test_unsafe_yaml_tag_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\ninterventions: [{{id: dfg_adaptation}}]\n"
    error = _error(text)
    assert "not valid YAML" in str(error)
    assert not marker.exists()


def test_duplicate_keys_are_refused():
    error = _error("name: a\nname: b\ninterventions: [{id: dfg_adaptation}]\n")
    assert "duplicate key 'name'" in str(error)


def test_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]")
    error = _error("\n".join(lines) + "\n")
    assert "limit" in str(error)


def test_oversized_and_binary_files_are_refused():
    assert "limit" in str(_error(b"#" * (MAX_FILE_BYTES + 1)))
    assert "UTF-8" in str(_error(b"\xff\xfe\x00bad"))


@pytest.mark.parametrize("text", ["", "just a string", "- a list", "42", "null", "{}"])
def test_wrong_shapes_are_refused(text):
    assert isinstance(_error(text), roi.InputError)


def test_input_error_is_a_value_error():
    assert issubclass(roi.InputError, ValueError)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


RICH = {
    **BASE,
    "unit_costs": {"bed_day": {"value": 300, "low": 200, "high": 400}},
    "interventions": [
        {
            "id": "dfg_adaptation",
            "cases_per_year": 10,
            "funded_by": {"district": 1.0},
            "outcomes": [
                {"unit_cost": "residential_care_year", "deadweight": 0.4, "ranges": {"deadweight": [0.1, 0.5]}}
            ],
        },
        {"id": "handyperson", "cost_per_case": 120},
    ],
}
ALL_PATHS = [p for p in _paths(RICH) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(ALL_PATHS), value=VALUES, drop=st.booleans())
def test_mutated_scenarios_raise_nothing_but_input_error(path, value, drop):
    data = copy.deepcopy(RICH)
    target = data
    for key in path[:-1]:
        target = target[key]
    if drop and isinstance(target, dict):
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value
    try:
        text = yaml.safe_dump(data)
    except yaml.YAMLError:
        return
    try:
        roi.run(roi.parse_scenario(text, "mutant.yaml"))
    except roi.InputError as error:
        assert error.file == "mutant.yaml"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_input_error(blob):
    try:
        roi.parse_scenario(blob, "noise.yaml")
    except roi.InputError:
        pass


def test_parse_yaml_rejects_huge_text_before_parsing():
    with pytest.raises(roi.InputError):
        parse_yaml("a" * (MAX_FILE_BYTES + 5), "big.yaml")
