"""Charts on a page: an Altair chart across its column, followed by its figures for screen readers."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from roi.inputs.schema import ScenarioSpec
from roi.outputs import charts

from .state import compute
from .tables import chart_figures


def chart(figure: alt.TopLevelMixin, key: str | None = None) -> None:
    """An Altair chart across its column, followed by its figures for screen readers."""
    spec = figure.to_dict()
    st.vega_lite_chart(spec, width="stretch", theme=None, key=key)
    chart_figures(spec, key or "chart")


def result_chart(spec: ScenarioSpec, builder: str, *args: Any, key: str | None = None, **options: Any) -> None:
    """``roi.outputs.charts.<builder>(result, *args, **options)`` for the scenario ``spec``, drawn like
    :func:`chart`. The chart's Vega-Lite is built once per scenario and arguments and kept for every
    session: building an Altair chart (its schema checks) costs the server more than the rest of a
    page, and a board's members all open the same scenario."""
    figure = _chart_spec(builder, spec.model_dump_json(), args, tuple(sorted(options.items())))
    st.vega_lite_chart(figure, width="stretch", theme=None, key=key)
    chart_figures(figure, key or builder)


@st.cache_data(max_entries=512, show_spinner=False)
def _chart_spec(builder: str, spec_json: str, args: tuple, options: tuple) -> dict[str, Any]:
    result = compute(ScenarioSpec.model_validate_json(spec_json))
    return getattr(charts, builder)(result, *args, **dict(options)).to_dict()
