"""Tornado and switching values within a time budget: they stop growing once it is spent, say so
honestly (on the table, the page and the command line), and are unchanged when the budget is ample.

The bounds on time here are generous wall-clock ones that catch a run without a bound, not speed
measurements (those are in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

import roi
from roi.engine import uncertainty
from roi.inputs import limits, share
from roi.inputs.schema import ScenarioSpec

from .conftest import ROOT
from .html_tables import page_tables

SLACK = 5.0  # seconds beyond the budget allowed for one batch on a busy shared machine
RANGES = {
    "deadweight": [0.1, 0.3],
    "displacement": [0.0, 0.2],
    "attribution": [0.5, 1.0],
    "drop_off": [0.0, 0.3],
    "quantity_per_case": [0.5, 1.5],
}


def heavy_spec(interventions: int = 100, ranges: dict | None = None, name: str = "heavy") -> ScenarioSpec:
    """100 interventions, each with an outcome on every library unit cost and five ranged
    adjustments on each: 11,500 ranged inputs, the size of the scenario in issue 15 (15,752). Built
    without the scenario size checks, as an engine call could be."""
    costs = list(roi.load_library().unit_costs)
    return ScenarioSpec.model_validate(
        {
            "name": name,
            "interventions": [
                {
                    "id": f"custom_{i}",
                    "label": f"Scheme {i}",
                    "cases_per_year": 10,
                    "cost_per_case": 1000,
                    "funded_by": {"district": 1.0},
                    "outcomes": [
                        {"unit_cost": c, "quantity_per_case": 1, "deadweight": 0.2, "ranges": ranges or RANGES}
                        for c in costs
                    ],
                }
                for i in range(interventions)
            ],
        }
    )


@pytest.fixture(scope="module")
def heavy() -> roi.Scenario:
    return roi.resolve(heavy_spec())


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    value = call(*args, **kwargs)
    return value, time.perf_counter() - started


def test_switching_values_on_a_heavy_scenario_stop_within_the_budget_and_say_so(heavy):
    total = len(uncertainty.parameters(heavy))
    assert total > 11_000
    table, seconds = timed(uncertainty.switching_values, heavy, max_seconds=0.1)
    assert seconds < 0.1 + SLACK
    assert table.attrs["complete"] is False
    assert table.attrs["total"] == total
    assert 0 < table.attrs["checked"] < total
    assert 1 <= table.attrs["sought"] <= len(table) <= 5
    # A row not reached says so, with no value; a row sought has a value or says none breaks even.
    unsought = table.iloc[table.attrs["sought"] :]
    assert (unsought["where"] == uncertainty.NOT_SOUGHT).all() and unsought["switching_value"].isna().all()
    assert (table.iloc[: table.attrs["sought"]]["where"] != uncertainty.NOT_SOUGHT).all()
    note = uncertainty.stopped_note(table)
    assert note.startswith("Stopped after ")
    assert f"{table.attrs['checked']:,} of {total:,} ranged inputs checked." in note
    assert "ranked among those checked only" in note


def test_the_tornado_and_the_pair_keep_to_their_budget_on_a_heavy_scenario(heavy):
    total = len(uncertainty.parameters(heavy))
    table, seconds = timed(uncertainty.tornado, heavy, max_seconds=0.1)
    assert seconds < 0.1 + SLACK
    assert len(table) == table.attrs["checked"] < total and table.attrs["complete"] is False
    assert table["swing"].is_monotonic_decreasing
    (ranked, switching), seconds = timed(uncertainty.sensitivity_tables, heavy, max_seconds=0.5)
    assert seconds < 0.5 + SLACK
    assert switching.attrs["checked"] == len(ranked) and switching.attrs["total"] == total
    assert list(switching["key"]) == list(ranked["key"].head(5))
    assert switching.attrs["seconds"] >= ranked.attrs["seconds"]
    assert uncertainty.stopped_note(switching)


def test_without_a_budget_the_heavy_scenario_is_finished_and_says_nothing(heavy):
    table = uncertainty.switching_values(heavy)
    assert table.attrs["complete"] is True and table.attrs["sought"] == len(table) == 5
    assert table.attrs["checked"] == table.attrs["total"] == len(uncertainty.parameters(heavy))
    assert uncertainty.stopped_note(table) == ""
    assert not (table["where"] == uncertainty.NOT_SOUGHT).any()


@pytest.mark.parametrize("name", list(roi.shipped_scenarios()))
def test_an_ample_budget_changes_nothing(name):
    scenario = roi.load_scenario(name)
    ranked, switching = uncertainty.tornado(scenario), uncertainty.switching_values(scenario)
    for other_ranked, other_switching in (
        uncertainty.sensitivity_tables(scenario),
        uncertainty.sensitivity_tables(scenario, max_seconds=600),
        (uncertainty.tornado(scenario, 600), uncertainty.switching_values(scenario, max_seconds=600)),
        (ranked, uncertainty.switching_values(scenario, ranked=ranked, max_seconds=600)),
    ):
        pd.testing.assert_frame_equal(other_ranked, ranked, check_exact=True)
        pd.testing.assert_frame_equal(other_switching, switching, check_exact=True)
        assert other_ranked.attrs["complete"] and other_switching.attrs["complete"]
        assert uncertainty.stopped_note(other_switching) == ""
    assert len(switching) == min(5, len(ranked)) and switching["where"].ne(uncertainty.NOT_SOUGHT).all()


def test_with_a_budget_each_switching_value_found_still_breaks_even():
    scenario = roi.load_scenario("district_offer")
    table = uncertainty.switching_values(scenario, max_seconds=600)
    by_key = {".".join(p.key): p for p in uncertainty.parameters(scenario)}
    found = table.dropna(subset=["switching_value"])
    assert len(found) >= 1
    for row in found.itertuples():
        parameter = by_key[row.key]
        low, high = uncertainty.domain(parameter)
        step = (high - low) / 40 / 16**8  # the bracket left after the grid and eight 16-way narrowings
        below = uncertainty.with_parameter(scenario, row.key, row.switching_value - step)
        above = uncertainty.with_parameter(scenario, row.key, row.switching_value + step)
        assert below * above <= 0, (row.key, below, above)
        assert row.where == uncertainty.where_it_breaks_even(parameter, row.switching_value)


def write_heavy_file(folder, interventions: int = 100) -> str:
    """A scenario within the size limits (500 ranged inputs) that still takes several batches."""
    spec = heavy_spec(interventions, {"deadweight": [0.1, 0.3], "drop_off": [0.0, 0.3]}, "heavy but allowed")
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for choice in data["interventions"]:
        for k, outcome in enumerate(choice["outcomes"]):
            if k >= 2:
                outcome.pop("ranges")
    path = folder / "heavy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def sensitivity(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "roi", "sensitivity", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_the_sensitivity_verb_keeps_to_max_seconds_and_prints_an_honest_note(tmp_path):
    path = write_heavy_file(tmp_path)
    assert len(uncertainty.parameters(roi.load_scenario(path))) > 400  # within limits: load_scenario accepts it
    started = time.perf_counter()
    done = sensitivity(path, "--max-seconds", "0.01")
    assert time.perf_counter() - started < 30
    assert done.returncode == 0, done.stderr
    note = done.stdout.strip().splitlines()[-1]
    assert note.startswith("Note: Stopped after ") and "ranged inputs checked." in note, note
    payload = json.loads(sensitivity(path, "--max-seconds", "0.01", "--json").stdout)
    assert payload["complete"] is False and payload["checked"] < payload["total"]
    assert payload["note"].startswith("Stopped after ") and len(payload["tornado"]) == payload["checked"]


def test_the_sensitivity_verb_by_default_finishes_a_shipped_scenario_and_says_nothing():
    done = sensitivity("district_offer")
    assert done.returncode == 0 and "Note:" not in done.stdout and "Stopped" not in done.stdout
    payload = json.loads(sensitivity("district_offer", "--json").stdout)
    assert payload["complete"] is True and payload["checked"] == payload["total"] and payload["note"] == ""
    scenario = roi.load_scenario("district_offer")
    assert payload["total"] == len(uncertainty.parameters(scenario))
    expected = uncertainty.switching_values(scenario)
    assert [row["parameter"] for row in payload["switching_values"]] == list(expected["parameter"])


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e9", "x"])
def test_a_bad_max_seconds_is_one_line_and_exit_2(value):
    done = sensitivity("district_offer", "--max-seconds", value)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "--max-seconds" in done.stderr and "Traceback" not in done.stderr


def test_the_uncertainty_page_says_when_its_budget_stopped_the_sensitivity(monkeypatch):
    spec = heavy_spec(100, {"deadweight": [0.1, 0.3]}, "budget on the page").model_copy()
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for choice in data["interventions"]:
        choice["outcomes"] = choice["outcomes"][:2]
    spec = ScenarioSpec.model_validate(data)
    assert len(uncertainty.parameters(roi.resolve(spec))) > 4_000 // 100  # more than one batch
    monkeypatch.setattr(limits, "SENSITIVITY_SECONDS", 0.0)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["s"] = share.encode(spec)
    at.run()
    at.switch_page("pages/4_Uncertainty_and_sensitivity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [c.value for c in at.caption if c.value.startswith("Stopped after ")]
    assert len(notes) == 1 and "ranged inputs checked." in notes[0], [c.value for c in at.caption]
    shown = page_tables(at)[0]
    assert (shown["Against its range"] == uncertainty.NOT_SOUGHT).sum() == 4
    assert (shown.loc[shown["Against its range"] == uncertainty.NOT_SOUGHT, "NPV is zero at"] == "-").all()
