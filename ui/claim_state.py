"""The claim on the Check a claim page, kept as session state like the scenario.

The claim lives in ``st.session_state.claim`` (a frozen ClaimSpec), so it survives page changes;
the address bar carries it as ``?c=...`` (roi.inputs.share's packing), so a link opens it in a fresh
session; every widget is bound to one field and a change goes through ``roi.analysis.claims.edit``, so an
invalid value is refused with the reason and the last good claim stays.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import roi
from roi.analysis import claims
from roi.inputs.schema import ClaimSpec

TYPED = "the claim on screen"
BLANK_NAME = ""  # the "Start from" choice of a blank claim
# A blank claim to type into: one line and nothing counted (a claim needs a line; the line a unit cost).
BLANK = ClaimSpec.model_validate(
    {"claim": "New claim", "claimed_saving": 0, "savings": [{"unit_cost": "bed_day", "quantity": 0}]}
)


def is_blank(claim: ClaimSpec) -> bool:
    """Nothing claimed and nothing counted yet: there is nothing to check."""
    return claim.claimed_saving == 0 and all(s.quantity == 0 for s in claim.savings)


@st.cache_data(max_entries=8, show_spinner=False)
def _example_json(name: str) -> str:
    return claims.examples()[name].model_dump_json()


def example(name: str) -> ClaimSpec:
    """A shipped example claim by name, or the blank claim for BLANK_NAME."""
    return BLANK if name == BLANK_NAME else ClaimSpec.model_validate_json(_example_json(name))


def example_names() -> list[str]:
    """The blank claim first, then the shipped examples."""
    return [BLANK_NAME, *(p.stem for p in sorted(roi.inputs.library.CLAIMS_DIR.glob("*.yaml")))]


def init(library: roi.Library) -> None:
    """A new session starts from the claim in its link (?c=...), else a blank claim (the examples are
    offered beside it: an example's source note must never follow the user's own claim)."""
    state = st.session_state
    if "claim" in state:
        return
    state.claim = BLANK
    state.claim_generation = 0
    packed = st.query_params.get(claims.LINK_PARAM)
    if packed:
        try:
            state.claim = claims.from_link(packed, library)
        except roi.InputError as error:
            state.claim_error = f"{error}. A blank claim is shown instead."


def set_claim(claim: ClaimSpec) -> None:
    """Replace the whole claim (an example, an upload, a new line): widgets start afresh from it."""
    st.session_state.claim = claim
    st.session_state.claim_generation += 1


def key(name: str) -> str:
    """A widget key renewed whenever the whole claim is replaced."""
    return f"claim{st.session_state.claim_generation}-{name}"


def change(
    change_: dict[str, Any],
    library: roi.Library,
    widget_key: str | None = None,
    previous: Any = None,
    renew: bool = False,
) -> bool:
    """Apply one change to the claim; on an InputError keep the last good claim and say why."""
    try:
        claim = claims.edit(st.session_state.claim, change_, TYPED, library)
    except roi.InputError as error:
        if widget_key is not None:
            # Said beside the field (bound draws it there); the last good claim stays.
            st.session_state.setdefault("claim_field_errors", {})[widget_key] = (
                f"Not applied: {error.problem}. The check below still uses {previous_words(previous)}."
            )
            st.session_state[widget_key] = previous
        else:
            st.session_state.claim_error = f"That change was not applied: {error}"
        return False
    if widget_key is not None:
        st.session_state.get("claim_field_errors", {}).pop(widget_key, None)
    if renew:
        set_claim(claim)
    else:
        st.session_state.claim = claim
    return True


def bound(
    widget: Any,
    label: str,
    name: str,
    value: Any,
    library: roi.Library,
    to_change: Any,
    renew: bool = False,
    **options: Any,
) -> Any:
    """Draw ``widget`` bound to one field of the claim: it starts at the claim's value; a change goes
    through ``to_change(widget value) -> change`` and the claim's validation."""
    widget_key = key(name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value

    def on_change() -> None:
        change(to_change(st.session_state[widget_key]), library, widget_key, value, renew)

    drawn = widget(label, key=widget_key, on_change=on_change, **options)
    problem = st.session_state.get("claim_field_errors", {}).get(widget_key)
    if problem:
        container = getattr(widget, "__self__", st)  # the column the widget sits in
        container.error(problem, icon=":material/warning:")
    return drawn


def previous_words(value: Any) -> str:
    """The value kept, in words: '2024', 'not stated' (0 or empty) or the value itself."""
    if value in (None, 0, ""):
        return "the value before (not stated)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def claimed_on_value(text: str) -> int | str | None:
    """The "claim made on" field as the claim takes it: a year, a date (YYYY-MM-DD), or None if empty."""
    text = text.strip()
    return None if not text else int(text) if text.isdigit() else text


def last_good_check(claim: ClaimSpec, library: roi.Library, scenario: roi.Scenario) -> tuple[Any, str | None]:
    """The check of the claim on screen, kept as the last good one; if it is refused, the last good
    check (or None) and the reason, so nothing on screen is lost."""
    state = st.session_state
    try:
        check = claims.check_claim(claim, library, TYPED, scenario)
    except roi.InputError as error:
        return state.get("claim_last_check"), str(error)
    state["claim_last_check"] = check
    return check, None


def update_link() -> None:
    """Keep the address bar a shareable link to the claim on screen (beside the scenario's)."""
    packed = claims.to_link(st.session_state.claim)
    if st.query_params.get(claims.LINK_PARAM) != packed:
        st.query_params[claims.LINK_PARAM] = packed
