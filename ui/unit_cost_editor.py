"""Assumptions and evidence, editable: the unit costs in a grid whose Value column takes your figure,
resets to the documented values, a unit cost's other dated official figures, and the local judgements
in use."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import roi
from roi.inputs.schema import ScenarioSpec
from roi.outputs.evidence_tables import (
    UNIT_COST_COLUMNS,
    figure_label,
    later_figures_sentence,
    local_judgements_in_use,
    unit_cost_grid,
    usable_figures,
)

from .state import change, key
from .text import md

COLUMN_CONFIG = {
    "status": st.column_config.TextColumn("Status", width="small"),
    "label": st.column_config.TextColumn("Unit cost", width="medium"),
    "value": st.column_config.NumberColumn(
        "Value (£)",
        max_value=1e12,  # no min_value: the grid would drop a minus sign; the model refuses it instead
        format="localized",
        help="Edit to use your own figure; it is then in the scenario's price year.",
    ),
    "price_year": st.column_config.NumberColumn("Price year", format="%d"),
    "uprating_factor": st.column_config.NumberColumn("Uprating factor", format="%.4f"),
    "low": st.column_config.TextColumn("Low"),
    "high": st.column_config.TextColumn("High"),
    "unit": st.column_config.TextColumn("Unit"),
    "bearer": st.column_config.TextColumn("Who bears it", width="medium"),
    "confidence": st.column_config.TextColumn("Confidence"),
    "derivation": st.column_config.TextColumn("Derivation", width="medium"),
    "range_note": st.column_config.TextColumn("Where the range comes from", width="medium"),
    "id": st.column_config.TextColumn("Id"),
    "used": st.column_config.CheckboxColumn("Used"),
    "source": st.column_config.TextColumn("Source", width="large"),
    "read": st.column_config.TextColumn("How it was read", width="small"),
    "licence": st.column_config.TextColumn("Licence", width="medium"),
    "replaced": st.column_config.TextColumn("What your figure replaced", width="medium"),
    "quote": st.column_config.TextColumn("Quote", width="large"),
    "other_dated_figures": st.column_config.TextColumn("Other dated figures", width="large"),
}


def unit_cost_editor(spec: ScenarioSpec, scenario: roi.Scenario, table: pd.DataFrame) -> None:
    """The unit costs (``roi.analysis.evidence.unit_cost_table``) in an editable grid, with resets, other
    dated figures and a warning for the local judgements in use."""
    state = st.session_state
    state.setdefault("editor_version", 0)
    editor_key = key(f"unit-cost-editor-{state.editor_version}")
    snapshot_key = f"{editor_key}-snapshot"
    if snapshot_key not in state:
        state[snapshot_key] = table["id"].tolist()
    _apply_edits(editor_key, state[snapshot_key])
    st.data_editor(
        unit_cost_grid(table, state[snapshot_key]),
        key=editor_key,
        hide_index=True,
        width="stretch",
        height=420,
        disabled=[c for c in UNIT_COST_COLUMNS if c != "value"],  # only the value is editable
        column_config={
            **COLUMN_CONFIG,
            "value_at_scenario_prices": st.column_config.TextColumn(f"Value at {scenario.settings.price_year} prices"),
        },
    )
    _resets(spec, scenario)
    _dated_figures(scenario)
    local = local_judgements_in_use(table)
    if local:
        st.warning(
            "Local judgements in use, with no published source: " + md(", ".join(local)), icon=":material/label:"
        )


def _apply_edits(editor_key: str, ids: list[str]) -> None:
    """Apply the editor's edits (its delta since it was created) that have not been tried yet."""
    state = st.session_state
    tried = state.setdefault(f"{editor_key}-tried", set())
    changed = refused = False
    for row, edits in state.get(editor_key, {}).get("edited_rows", {}).items():
        value = edits.get("value")
        if value is None or (ids[int(row)], value) in tried:
            continue
        tried.add((ids[int(row)], value))
        accepted = change(
            {
                "unit_cost": ids[int(row)],
                "field": "value",
                "value": float(value),
                "note": state.get(key("figure-note"), ""),
            }
        )
        changed |= accepted
        refused |= not accepted
    if refused:
        state.editor_version += 1  # a new grid shows the last good values, beside the error that says why
    if changed or refused:
        st.rerun()


def _resets(spec: ScenarioSpec, scenario: roi.Scenario) -> None:
    """Reset one edited value, or all of them, to the documented values."""

    def reset(cost_id: str | None) -> None:
        for cost in list(spec.unit_costs) if cost_id is None else [cost_id]:
            change({"unit_cost": cost, "value": None})
        st.session_state.editor_version += 1

    edited = sorted(spec.unit_costs)
    cols = st.columns([2, 1, 1])
    with cols[0]:
        one = st.selectbox(
            "Reset one edited value to its documented value",
            edited or ["(nothing edited)"],
            key=key("reset-pick"),
            disabled=not edited,
            format_func=lambda c: scenario.unit_costs[c].label if c in scenario.unit_costs else c,
        )
    with cols[1]:
        st.button("Reset this value", disabled=not edited, on_click=reset, args=(one,), width="stretch")
    with cols[2]:
        st.button("Reset all to documented values", disabled=not edited, on_click=reset, args=(None,), width="stretch")


def _dated_figures(scenario: roi.Scenario) -> None:
    """Pick one of a unit cost's other dated official figures (those the tool can uprate)."""
    library, uplift = scenario.library, scenario.settings.price_uplift
    dated = [cost_id for cost_id, cost in library.unit_costs.items() if cost.alternatives]
    if not dated:
        return
    cols = st.columns([2, 2, 1])
    with cols[0]:
        pick = st.selectbox(
            "Unit costs with other dated official figures",
            dated,
            key=key("dated-pick"),
            format_func=lambda c: library.unit_costs[c].label,
        )
    with cols[1]:
        option = st.selectbox(
            "Figure to use",
            usable_figures(library, pick, uplift),
            key=key(f"dated-option-{pick}"),
            format_func=lambda k: figure_label(library, pick, k, uplift),
        )
    with cols[2]:
        st.write("")
        if st.button("Use this figure", width="stretch", key=key("dated-use")):
            change(
                {"unit_cost": pick, "value": None} if option == 0 else {"unit_cost": pick, "alternative": option - 1}
            )
            st.session_state.editor_version += 1
            st.rerun()
    later = later_figures_sentence(library, pick, uplift)
    if later:
        st.caption(later)
