"""The scenario in this session: the spec on screen, its cached result, edits, undo and redo, and the
widgets bound to one field of the scenario.

All per-user state lives in ``st.session_state``; nothing is kept at module level, so two people using
the app at once never see each other's edits. The page frame (:mod:`ui.frame`) and saved work
(:mod:`ui.saved`) both build on this module, which imports neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

import roi
from roi.inputs.edit import apply
from roi.inputs.library import read_yaml, validate
from roi.inputs.schema import ScenarioSpec

HISTORY_LIMIT = 50  # undo steps kept per session (each a small frozen spec)


@st.cache_data(max_entries=128, show_spinner=False)
def _shipped_spec_json(name: str) -> str:
    path = roi.shipped_scenarios()[name]
    return validate(ScenarioSpec, read_yaml(path), path.name).model_dump_json()


def shipped_spec(name: str) -> ScenarioSpec:
    return ScenarioSpec.model_validate_json(_shipped_spec_json(name))


@st.cache_data(max_entries=256, show_spinner=False)
def _compute(spec_json: str) -> roi.Result:
    spec = ScenarioSpec.model_validate_json(spec_json)
    result = roi.run(roi.resolve(spec))
    result.totals  # noqa: B018 - computed here (with its 2,000-draw position) so the cache keeps it
    return result


def compute(spec: ScenarioSpec) -> roi.Result:
    """The model's result for a spec, cached by the spec's content (each caller gets its own copy)."""
    return _compute(spec.model_dump_json())


def _remember(previous: ScenarioSpec) -> None:
    """Put the scenario as it was on the undo stack; a new edit clears what could be redone."""
    state = st.session_state
    if previous == state.spec:
        return
    state.undo_stack = [*state.get("undo_stack", []), previous][-HISTORY_LIMIT:]
    state.redo_stack = []


def _step(source: str, target: str) -> None:
    state = st.session_state
    stack = list(state.get(source, []))
    if not stack:
        return
    state[target] = [*state.get(target, []), state.spec][-HISTORY_LIMIT:]
    state.spec = stack.pop()
    state[source] = stack
    state.generation += 1  # widgets start again from the scenario they now show


def undo() -> None:
    """Step back one edit (within this session)."""
    _step("undo_stack", "redo_stack")


def redo() -> None:
    """Step forward again after an undo."""
    _step("redo_stack", "undo_stack")


def set_spec(spec: ScenarioSpec, base_name: str | None = None) -> None:
    """Replace the whole scenario (an upload, a reset, a deal): widgets start afresh. The scenario it
    replaces can be brought back with Undo."""
    previous = st.session_state.spec
    st.session_state.spec = spec
    _remember(previous)
    if base_name is not None:
        st.session_state.base_name = base_name
    st.session_state.generation += 1


def key(name: str) -> str:
    """A widget key that is renewed whenever the whole scenario is replaced."""
    return f"g{st.session_state.generation}-{name}"


def change(change_: dict[str, Any], widget_key: str | None = None, previous: Any = None) -> bool:
    """Apply one change to the scenario; on an InputError keep the last good state and say why."""
    try:
        spec, _ = apply(st.session_state.spec, change_)
    except roi.InputError as error:
        st.session_state.flash_error = str(error)
        if widget_key is not None:
            st.session_state[widget_key] = previous
        return False
    previous = st.session_state.spec
    st.session_state.spec = spec
    st.session_state.last_change = dict(change_)
    _remember(previous)
    return True


def last_edited(field: str) -> Any:
    """The intervention (or setting, unit cost, ...) the last accepted edit changed, so a page can keep
    its panel open."""
    return st.session_state.get("last_change", {}).get(field)


def bound(
    widget: Any,
    label: str,
    name: str,
    value: Any,
    change_: dict[str, Any],
    to_model: Callable[[Any], Any] | None = None,
    **options: Any,
) -> Any:
    """Draw ``widget`` (st.number_input, st.slider, st.selectbox, ...) bound to one field of the scenario:
    it starts at ``value``, and a change goes through the model's validation; a refused change puts the
    widget back and says why. ``to_model`` turns what the widget holds into the field's value (a
    percentage into a share); without it the widget's value is the field's."""
    widget_key = key(name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value

    def on_change() -> None:
        typed = st.session_state[widget_key]
        change({**change_, "value": typed if to_model is None else to_model(typed)}, widget_key, value)

    return widget(label, key=widget_key, on_change=on_change, **options)


def number_field(
    label: str,
    name: str,
    value: Any,
    change_: dict[str, Any],
    to_model: Callable[[Any], Any] | None = None,
    **options: Any,
) -> Any:
    """A number input bound to one field of the scenario (:func:`bound`): every number a user types
    into the scenario goes through this one component. ``options`` are st.number_input's (min_value,
    step, format, help, placeholder, ...)."""
    return bound(st.number_input, label, name, value, change_, to_model, **options)
