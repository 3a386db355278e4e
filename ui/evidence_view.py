"""Assumptions and evidence, read-only: who said each number, the GMCA Unit Cost Database, the effects
and their studies, the parameters with their sources, and how this compares with published tools."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import roi
from roi.analysis.evidence import (
    effect_rows,
    library_counts_text,
    load_convention,
    parameter_table,
    provenance_counts,
    unit_cost_table,
)
from roi.analysis.reconciliation import reconcile_all
from roi.inputs import ucd
from roi.inputs.schema import ScenarioSpec
from roi.outputs import evidence_tables

from .state import compute, key
from .text import md
from .ucd_search import find_unit_cost


@st.cache_data(max_entries=128, show_spinner=False)
def evidence_tables_for(spec_json: str) -> tuple:
    """Who said each number, the unit costs and the parameters with their sources, built once per
    scenario for every session (each table reads every source in the library)."""
    scenario = compute(ScenarioSpec.model_validate_json(spec_json)).scenario
    return provenance_counts(scenario), unit_cost_table(scenario), parameter_table(scenario)


@st.cache_data(max_entries=1, show_spinner=False)
def _published_comparison() -> tuple:
    """The comparison with published tools: the shipped library's, the same for every session."""
    return evidence_tables.published_comparison(reconcile_all())


def figure_counts(counts: dict[str, int], library_counts: dict[str, int]) -> None:
    """Who said each number in this scenario, and in the library, as tiles; then the note for your figures."""
    cols = st.columns(4)
    cols[0].metric("Published figures", f"{counts['published']:,}", help="Read in a named publication, with a quote.")
    cols[1].metric("Your figures", f"{counts['your figure']:,}", help="Figures you entered, with your note and date.")
    cols[2].metric(
        "Local judgements", f"{counts['local judgement']:,}", help="No published source: agree them locally."
    )
    cols[3].metric(
        "Still at the convention",
        f"{counts['at_convention']:,}",
        help="Deadweight, displacement, attribution and drop-off still at the one documented convention.",
    )
    lcols = st.columns(4)
    lcols[0].metric("Library: published", f"{library_counts['published']:,}", help="Figures with a named publication.")
    lcols[1].metric(
        "Library: verified",
        f"{library_counts['verified']:,}",
        help="Read in the source itself or in a copy quoting it.",
    )
    lcols[2].metric(
        "Library: not verified",
        f"{library_counts['unverified'] + library_counts['unverified_ranges']:,}",
        help="Published figures (and range ends) that could not be read in any source: marked NOT VERIFIED "
        "wherever shown.",
    )
    lcols[3].metric("Library: local judgements", f"{library_counts['judgement']:,}", help="No published source.")
    st.caption(library_counts_text(library_counts))
    st.text_input(
        "Your note for the figures you change (where your figure comes from)",
        key=key("figure-note"),
        max_chars=500,
        placeholder="e.g. Our trust's 2024/25 excess bed-day cost, finance team",
    )


def ucd_library(scenario: roi.Scenario) -> None:
    """The GMCA Unit Cost Database: what it holds, its licence and attribution, and a search over it."""
    st.subheader("A second library: the GMCA Unit Cost Database v1.4")
    try:
        database = ucd.load(scenario.library)
        count, licence, attribution = f"{len(database.rows):,}", database.licence, database.attribution
    except roi.InputError as error:  # a damaged database file: say so in one line; the rest of the page stands
        st.error(md(str(error)), icon=":material/warning:")
        count, licence, attribution = "Its", "CC BY 4.0", "Unit Cost Database v1.4, New Economy, 2015."
    st.caption(evidence_tables.ucd_note(count, licence, attribution, ucd.SHORT, escape=md))
    find_unit_cost("assumptions-ucd", scenario.library)


def effects(scenario: roi.Scenario) -> None:
    """Each effect with its study, design and grade; then the convention where no study gives one."""
    st.subheader("Effects: the study, its design and its grade")
    st.caption(
        "Green: a systematic review or randomised trial. Amber: an evaluation or costing without a control group. "
        "Red: a single small pilot, or a figure whose origin could not be found. Optimism bias on benefits "
        "follows the weakest grade of an intervention's effects (an effect with its own grade follows its own). "
        "Optimism bias on costs follows the confidence in the cost, graded apart (see the parameters below)."
    )
    st.dataframe(
        effect_rows(scenario),
        hide_index=True,
        width="stretch",
        column_config={
            "intervention": st.column_config.TextColumn("Intervention", width="medium"),
            "effect": st.column_config.TextColumn("Effect", width="medium"),
            "value": st.column_config.TextColumn("Size of effect", width="large"),
            "study": st.column_config.TextColumn("Study", width="large"),
            "design": st.column_config.TextColumn("Design", width="medium"),
            "grade": st.column_config.TextColumn("Grade", width="small"),
            "caveat": st.column_config.TextColumn("What else the study found, and its limits", width="large"),
        },
    )
    st.caption(evidence_tables.convention_sentence(load_convention()))


def parameters_view(parameters: pd.DataFrame) -> None:
    """Every intervention parameter with its range, provenance and source."""
    st.subheader("Intervention parameters and their sources")
    st.dataframe(
        evidence_tables.readable_parameters(parameters),
        hide_index=True,
        width="stretch",
        height=380,
        column_config={
            "Source": st.column_config.TextColumn("Source", width="large"),
            "What else the study found": st.column_config.TextColumn("What else the study found", width="large"),
        },
    )
    st.caption(evidence_tables.parameter_counts_sentence(parameters))


def published_tools() -> None:
    """Each published figure a board may know beside this project's result, with the steps between them."""
    st.subheader("How this compares with published tools")
    st.caption(
        "Each published figure a board may know, beside this project's result for the same service on the same "
        "scope (the library's figures, not your changes). Where they are more than 1.5 times apart, each step "
        "reruns the model with one thing done as the published figure does it, in pounds to the penny, until the "
        "published figure is reached or what cannot be reproduced is said."
    )
    summary, details = _published_comparison()
    as_published = st.toggle(
        "Value each service as the published figure does",
        key=key("as-published"),
        help="Each service valued by the published figure's method as far as it can be read (its scope of costs, "
        "no optimism bias, no discounting: the end of its steps below). These are the published tools' methods, "
        "not this project's, which follows the Green Book.",
    )
    st.table(evidence_tables.comparison_table(summary, as_published))
    for title, sentence, steps, variants in details:
        with st.expander(title):
            st.write(md(sentence))
            st.table(evidence_tables.steps_table(steps))
            for line in variants:
                st.caption(md(f"Shown beside it: {line}"))
