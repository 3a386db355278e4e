"""The page frame every page calls first: page config, sidebar navigation, scenario picker, state.

All per-user state lives in ``st.session_state`` (the scenario spec and a few counters); nothing is
kept at module level, so two people using the app at once never see each other's edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

import roi
from roi.inputs import share
from roi.inputs.edit import apply
from roi.inputs.library import read_yaml, validate
from roi.inputs.schema import ScenarioSpec
from ui.widgets import page_style

from . import saved
from .text import md

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = "district_offer"
CARRIED_PARAMS = ("c",)  # link parameters a page adds for itself (the claim), kept by _update_link
PAGES = [
    ("app.py", "Overview", ":material/dashboard:"),
    ("pages/1_Build_the_offer.py", "Build the offer", ":material/construction:"),
    ("pages/2_Assumptions_and_evidence.py", "Assumptions and evidence", ":material/menu_book:"),
    ("pages/3_Savings_by_partner.py", "Savings by partner", ":material/handshake:"),
]
EXTRA_PAGES: list[tuple[str, str, str]] = [  # shown once their files exist
    ("pages/4_Uncertainty_and_sensitivity.py", "Uncertainty and sensitivity", ":material/casino:"),
    ("pages/5_Check_a_claim.py", "Check a claim", ":material/fact_check:"),
    ("pages/6_Compare_scenarios.py", "Compare scenarios", ":material/compare:"),
    ("pages/7_Make_the_deal.py", "Make the deal", ":material/balance:"),
    ("pages/8_History.py", "History", ":material/history:"),
]


@dataclass(frozen=True)
class Current:
    """What a page needs: the spec as written, the resolved scenario and its result."""

    spec: ScenarioSpec
    scenario: roi.Scenario
    result: roi.Result


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


def _init_state() -> None:
    """A new session starts from the scenario in its link (?s=... or ?scenario=name), else the default."""
    state = st.session_state
    if "spec" in state:
        return
    state.spec = shipped_spec(DEFAULT_SCENARIO)
    state.base_name = DEFAULT_SCENARIO
    state.generation = 0
    state.saved = {}
    named = st.query_params.get("scenario")
    if named in roi.shipped_scenarios():
        state.spec, state.base_name = shipped_spec(named), named
    packed = st.query_params.get("s")
    if packed:
        try:
            spec = share.decode(packed)
            roi.resolve(spec, file=share.SOURCE)
        except roi.InputError as error:
            state.flash_error = f"{error}. The default scenario is shown instead"
        else:
            state.spec, state.base_name = spec, "shared link"
            state.saved["shared link"] = spec
    saved.init_from_link()


def _update_link() -> None:
    """Keep the address bar a shareable link to the scenario on screen."""
    state = st.session_state
    wanted = saved.link()
    if wanted is not None:
        pass
    elif state.base_name in roi.shipped_scenarios() and state.spec == shipped_spec(state.base_name):
        wanted = {"scenario": state.base_name}
    else:
        wanted = {"s": share.encode(state.spec)}
    # The Check a claim page adds the claim on screen as ?c=...; keep it beside the scenario.
    wanted.update({k: st.query_params[k] for k in CARRIED_PARAMS if k in st.query_params})
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


HISTORY_LIMIT = 50  # undo steps kept per session (each a small frozen spec)


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


def bound(widget: Any, label: str, name: str, value: Any, change_: dict[str, Any], **options: Any) -> Any:
    """Draw ``widget`` (st.number_input, st.slider, st.selectbox, ...) bound to one field of the scenario:
    it starts at the scenario's value, and a change goes through the model's validation; a refused
    change puts the widget back and says why."""
    widget_key = key(name)
    if widget_key not in st.session_state:
        st.session_state[widget_key] = value

    def on_change() -> None:
        change({**change_, "value": st.session_state[widget_key]}, widget_key, value)

    return widget(label, key=widget_key, on_change=on_change, **options)


def _pick_scenario() -> None:
    name = st.session_state["scenario-picker"]
    if name.startswith(saved.DOC_PREFIX):
        if not saved.open_document(name.removeprefix(saved.DOC_PREFIX)):
            st.session_state["scenario-picker"] = st.session_state.base_name
            return
    else:
        in_session = st.session_state.saved
        set_spec(in_session[name] if name in in_session else shipped_spec(name), base_name=name)
    st.session_state.undo_stack, st.session_state.redo_stack = [], []  # a different scenario, a new history


def _sidebar() -> None:
    state = st.session_state
    with st.sidebar:
        st.markdown("## Prevention ROI")
        for path, label, icon in PAGES + [p for p in EXTRA_PAGES if (ROOT / p[0]).exists()]:
            st.page_link(path, label=label, icon=icon)
        st.divider()
        documents = saved.picker_options()
        doc = state.get("doc")
        if doc is not None:
            documents.setdefault(saved.DOC_PREFIX + doc.id, f"{doc.name} · v{doc.version}")
        options = list(roi.shipped_scenarios()) + [n for n in state.saved if n not in roi.shipped_scenarios()]
        options += list(documents)
        if state.base_name not in options:
            options.append(state.base_name)
        state["scenario-picker"] = state.base_name
        st.selectbox(
            "Scenario",
            options,
            key="scenario-picker",
            on_change=_pick_scenario,
            format_func=lambda name: documents.get(name) or _scenario_label(name),
            help="A shipped example, a scenario saved in your workspace, or one you uploaded in this session.",
        )
        base = (
            saved.base_spec()
            or state.saved.get(state.base_name)
            or (shipped_spec(state.base_name) if state.base_name in roi.shipped_scenarios() else None)
        )
        if state.get("undo_stack") or state.get("redo_stack"):
            back, forward = st.columns(2)
            back.button(
                "Undo",
                key="edit-undo",
                on_click=undo,
                disabled=not state.get("undo_stack"),
                icon=":material/undo:",
                width="stretch",
                help="Step back one edit.",
            )
            forward.button(
                "Redo",
                key="edit-redo",
                on_click=redo,
                disabled=not state.get("redo_stack"),
                icon=":material/redo:",
                width="stretch",
                help="Step forward again.",
            )
        if base is not None and base != state.spec:
            st.caption(":material/edit: Edited in this session")
            st.button("Undo all edits", on_click=lambda: set_spec(base), width="stretch")
        st.caption("The address bar links to this scenario, edits included: copy it to share.")
        st.divider()
        saved.sidebar_panel()


def _scenario_label(name: str) -> str:
    if name in roi.shipped_scenarios():
        return shipped_spec(name).name
    if name.startswith(saved.DOC_PREFIX):
        return "a saved scenario"
    return f"{name} (this session)"


def frame(title: str, icon: str = ":material/dashboard:") -> Current:
    """Set up the page and return the current scenario and result. Call it first on every page."""
    st.set_page_config(page_title=f"{title} · Prevention ROI", page_icon=icon, layout="wide")
    page_style()
    refusal = saved.shared_anonymous_refusal()
    if refusal:  # nothing runs: every visitor would be one person in one shared workspace
        st.error(md(refusal), icon=":material/lock:")
        st.stop()
    saved.check_session()  # every run, first: a sign-in ended on any server opens nothing from here on
    _init_state()
    saved.restore_draft()
    _sidebar()
    error = st.session_state.pop("flash_error", None)
    if error:
        st.error(f"That change was not applied: {md(error)}", icon=":material/warning:")
    saved.page_banner()
    _update_link()
    spec = st.session_state.spec
    result = compute(spec)
    return Current(spec=spec, scenario=result.scenario, result=result)
