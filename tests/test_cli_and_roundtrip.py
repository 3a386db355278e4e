"""The command line's contract and the scenario file round trip."""

from __future__ import annotations

import json

import pytest

import roi
from roi.inputs.schema import UnitCostOverride

from .conftest import roi_cli


@pytest.mark.parametrize("name", ["district_offer", "district_direct_pilot", "dfg_single"])
def test_run_json_has_the_documented_keys_and_equals_the_library(name):
    done = roi_cli("run", name, "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert {"scenario", "totals", "by_partner", "by_intervention"} <= payload.keys()
    assert {"pv_costs", "pv_benefits", "npv", "bcr", "payback_year"} <= payload["totals"].keys()
    assert {"partner", "pv_costs", "pv_benefits", "npv"} <= payload["by_partner"][0].keys()
    totals = roi.run(roi.load_scenario(name)).totals
    assert payload["totals"]["npv"] == pytest.approx(totals["npv"], abs=0.01)


def test_run_prints_a_readable_table_in_pounds():
    done = roi_cli("run", "district_direct_pilot")
    assert done.returncode == 0
    assert "£181,250" in done.stdout and "Net present value" in done.stdout


def test_list_shows_interventions_unit_costs_and_scenarios():
    done = roi_cli("list", "--json")
    payload = json.loads(done.stdout)
    assert "bed_day" in {c["id"] for c in payload["unit_costs"]}
    assert {"district_offer", "district_direct_pilot", "dfg_single"} <= set(payload["scenarios"])


@pytest.mark.parametrize(
    "content",
    [
        "interventions: [\n",
        (
            "name: x\ninterventions: [{id: dfg_adaptation, "
            "outcomes: [{unit_cost: residential_care_year, deadweight: 1.7}]}]\n"
        ),
    ],
)
def test_bad_file_prints_one_line_and_exits_2(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    done = roi_cli("run", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: bad.yaml")


@pytest.mark.parametrize("name", ["district_offer", "district_direct_pilot", "dfg_single"])
def test_load_save_load_gives_identical_scenario_and_result(tmp_path, name):
    first = roi.load_scenario(name)
    saved = roi.save_scenario(first, tmp_path / "copy.yaml")
    second = roi.load_scenario(saved)
    assert second.spec == first.spec
    assert second.interventions == first.interventions
    assert roi.run(second).totals == roi.run(first).totals
    third = roi.load_scenario(roi.save_scenario(second, tmp_path / "again.yaml"))
    assert (tmp_path / "copy.yaml").read_text() == (tmp_path / "again.yaml").read_text()
    assert third.spec == first.spec


def test_overrides_without_a_price_year_are_in_the_scenarios_price_year():
    scenario = roi.resolve(
        roi.load_scenario("dfg_single").spec.model_copy(update={"unit_costs": {"bed_day": UnitCostOverride(value=300)}})
    )
    bed_day = scenario.unit_costs["bed_day"]
    assert bed_day.value == 300 and bed_day.price_year == 2024
    assert bed_day.source.provenance == "your figure" and "Changed from the documented £250.00" in bed_day.source.note
