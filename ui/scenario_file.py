"""The scenario as a file: download it as YAML, or upload one (up to 1 MB) to work on."""

from __future__ import annotations

import streamlit as st

import roi
from roi.inputs.schema import ScenarioSpec

from .state import set_spec
from .text import md
from .widgets import read_upload


def scenario_file(spec: ScenarioSpec) -> None:
    """Download this scenario, or upload one: it replaces the scenario on screen (Undo brings it back)."""
    state = st.session_state
    st.subheader("Scenario file")
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Download this scenario (YAML)",
            data=roi.dump_spec(spec),
            file_name=f"{state.base_name}.yaml",
            mime="application/x-yaml",
            on_click="ignore",
        )
    with right:
        state.setdefault("upload_version", 0)
        upload = st.file_uploader(
            "Upload a scenario (YAML, up to 1 MB)", type=["yaml", "yml"], key=f"upload-{state.upload_version}"
        )
        loaded = read_upload(upload, roi.parse_scenario, "Your scenario is unchanged.")
        if loaded is not None:
            name = upload.name.rsplit(".", 1)[0]
            state.saved[name] = loaded.spec
            set_spec(loaded.spec, base_name=name)
            state.upload_version += 1
            state.flash_info = f"Loaded {upload.name}: {loaded.name}"
            st.rerun()
    info = state.pop("flash_info", None)
    if info:
        st.success(md(info))
