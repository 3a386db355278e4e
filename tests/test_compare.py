"""Compare: each input difference valued exactly as a full run would value it, within a time budget."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import roi
from roi.analysis import compare
from roi.inputs.edit import apply

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("other", ["dfg_single", "district_direct_pilot"])
def test_each_difference_moves_npv_by_exactly_what_a_full_run_gives(other):
    first, second = roi.load_scenario("district_offer"), roi.load_scenario(other)
    table = compare.differences(first, second)
    base = roi.run(first).totals["npv"]
    changes = compare._changes(first, second)
    assert len(table) == len(changes) > 5
    for (change, _, _, edit), effect in zip(changes, table["npv_effect"], strict=True):
        try:
            _, moved = apply(first.spec, edit, first.library)
        except roi.InputError:
            assert effect is None or math.isnan(effect), change
            continue
        assert effect == roi.run(moved).totals["npv"] - base, change  # to the last bit, not approximately
    assert compare.stopped_note(table) == ""


def test_a_spent_budget_lists_every_difference_values_the_first_and_says_so():
    first, second = roi.load_scenario("district_offer"), roi.load_scenario("district_direct_pilot")
    full = compare.differences(first, second)
    cut = compare.differences(first, second, max_seconds=0.0)
    assert list(cut["input"]) == list(full["input"])  # every difference is still listed
    assert cut.attrs["valued"] == 1 and cut.attrs["total"] == len(full)
    first_effect, expected = cut["npv_effect"].iloc[0], full["npv_effect"].iloc[0]
    assert (pd.isna(first_effect) and pd.isna(expected)) or first_effect == expected
    assert cut["npv_effect"].iloc[1:].isna().all()
    assert f"1 of {len(full):,} differences valued" in compare.stopped_note(cut)


def test_identical_scenarios_have_no_differences_and_no_note():
    offer = roi.load_scenario("district_offer")
    table = compare.differences(offer, offer, max_seconds=0.0)
    assert table.empty and compare.stopped_note(table) == ""


def test_the_compare_page_says_which_differences_its_time_budget_left_unvalued(monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from roi.inputs import limits

    monkeypatch.setattr(limits, "SENSITIVITY_SECONDS", 0.0)
    st.cache_data.clear()  # comparisons are kept for every session: start from none
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
        at.switch_page("pages/6_Compare_scenarios.py").run()
        pilot = roi.load_scenario("district_direct_pilot").name
        at.multiselect(key="compare-pick").set_value(["On screen now", pilot]).run()
        assert not at.exception, [e.value for e in at.exception]
        effects = list(at.table[-1].value["Moves NPV by"])
        assert effects[1:] == ["not valued (time limit)"] * (len(effects) - 1)
        assert any(f"1 of {len(effects):,} differences valued" in c.value for c in at.caption)
    finally:
        st.cache_data.clear()
