"""The page frame every page calls first: page config, stylesheet, sidebar navigation, scenario picker,
and the scenario this session starts from.

All per-user state lives in ``st.session_state`` (the scenario spec and a few counters); nothing is
kept at module level, so two people using the app at once never see each other's edits. Editing the
scenario (change, undo, widgets bound to a field) is :mod:`ui.state`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import roi
from roi.inputs import share
from roi.inputs.schema import ScenarioSpec

from . import saved
from .state import compute, redo, set_spec, shipped_spec, undo
from .text import md

ROOT = Path(__file__).resolve().parent.parent
STYLE = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
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


def page_style() -> None:
    """The stylesheet every page shares: tiles and chosen options wrap rather than truncate, narrower
    side margins on a phone, and a print view (Ctrl+P) without the sidebar, header or buttons."""
    st.html(f"<style>{STYLE}</style>")


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
