"""Assumptions and evidence: every figure with its source; edit, reset, upload and download."""

import pandas as pd
import streamlit as st

import roi
import ui
from roi.analysis.evidence import (
    effect_rows,
    library_counts_text,
    library_figure_counts,
    load_convention,
    parameter_table,
    provenance_counts,
    unit_cost_table,
)
from roi.analysis.reconciliation import reconcile_all, step_rows, summary_rows, verdict
from roi.inputs import ucd
from roi.inputs.formats import cases, number, pounds
from roi.inputs.schema import ScenarioSpec
from ui.text import md
from ui.ucd_search import find_unit_cost
from ui.widgets import read_upload


@st.cache_data(max_entries=128, show_spinner=False)
def evidence_tables(spec_json: str) -> tuple:
    """Who said each number, the unit costs and the parameters with their sources, built once per
    scenario for every session (each table reads every source in the library)."""
    scenario = ui.compute(ScenarioSpec.model_validate_json(spec_json)).scenario
    return provenance_counts(scenario), unit_cost_table(scenario), parameter_table(scenario)


@st.cache_data(max_entries=1, show_spinner=False)
def published_comparison() -> tuple[list[dict[str, str]], list[tuple[str, str, list[dict[str, str]], list[str]]]]:
    """The project's results beside the published tools' figures (the shipped library, the same for
    every session): the summary rows and, per figure, its verdict, steps and other readings."""
    results = reconcile_all()
    details = [
        (r.figure.label, verdict(r), step_rows(r), [f"{label}: {pounds(v, pence=True)}" for label, v in r.variants])
        for r in results
    ]
    return summary_rows(results), details


current = ui.frame("Assumptions and evidence", ":material/menu_book:")
scenario = current.scenario
state = st.session_state
counts, cost_table, parameters = evidence_tables(current.spec.model_dump_json())

st.title("Assumptions and evidence")
st.caption(
    f"Every unit cost with its source, price year and the factor that uprates it to "
    f"{scenario.settings.price_year} prices (HM Treasury GDP deflator). Edit a value in the *Value* column: "
    "it becomes *your figure*, credited to you with your note and the date; the documented value stays in the library."
)

# -- Who said each number ------------------------------------------------------------------------------
cols = st.columns(4)
cols[0].metric("Published figures", f"{counts['published']:,}", help="Read in a named publication, with a quote.")
cols[1].metric("Your figures", f"{counts['your figure']:,}", help="Figures you entered, with your note and date.")
cols[2].metric("Local judgements", f"{counts['local judgement']:,}", help="No published source: agree them locally.")
cols[3].metric(
    "Still at the convention",
    f"{counts['at_convention']:,}",
    help="Deadweight, displacement, attribution and drop-off still at the one documented convention.",
)
library_counts = library_figure_counts(scenario.library)
lcols = st.columns(4)
lcols[0].metric("Library: published", f"{library_counts['published']:,}", help="Figures with a named publication.")
lcols[1].metric(
    "Library: verified", f"{library_counts['verified']:,}", help="Read in the source itself or in a copy quoting it."
)
lcols[2].metric(
    "Library: not verified",
    f"{library_counts['unverified'] + library_counts['unverified_ranges']:,}",
    help="Published figures (and range ends) that could not be read in any source: marked NOT VERIFIED wherever shown.",
)
lcols[3].metric("Library: local judgements", f"{library_counts['judgement']:,}", help="No published source.")
st.caption(library_counts_text(library_counts))
st.text_input(
    "Your note for the figures you change (where your figure comes from)",
    key=ui.key("figure-note"),
    max_chars=500,
    placeholder="e.g. Our trust's 2024/25 excess bed-day cost, finance team",
)

# -- Unit costs: editable ------------------------------------------------------------------------------
table = cost_table.copy()
state.setdefault("editor_version", 0)
editor_key = ui.key(f"unit-cost-editor-{state.editor_version}")
snapshot_key = f"{editor_key}-snapshot"
if snapshot_key not in state:
    state[snapshot_key] = table["id"].tolist()


def apply_edits() -> None:
    """Apply the editor's edits (its delta since it was created) that have not been tried yet."""
    ids = state[snapshot_key]
    tried = state.setdefault(f"{editor_key}-tried", set())
    changed = refused = False
    for row, edits in state.get(editor_key, {}).get("edited_rows", {}).items():
        value = edits.get("value")
        if value is None or (ids[int(row)], value) in tried:
            continue
        tried.add((ids[int(row)], value))
        accepted = ui.change(
            {
                "unit_cost": ids[int(row)],
                "field": "value",
                "value": float(value),
                "note": state.get(ui.key("figure-note"), ""),
            }
        )
        changed |= accepted
        refused |= not accepted
    if refused:
        state.editor_version += 1  # a new grid shows the last good values, beside the error that says why
    if changed or refused:
        st.rerun()


apply_edits()


def reset(cost_id: str | None) -> None:
    ids = list(current.spec.unit_costs) if cost_id is None else [cost_id]
    for cost in ids:
        ui.change({"unit_cost": cost, "value": None})
    state.editor_version += 1


shown = table.set_index("id").loc[state[snapshot_key]].reset_index()
for column in ("value_at_scenario_prices", "low", "high"):  # read-only money, shown as £1,234.00
    shown[column] = shown[column].map(lambda v: "" if v is None or v != v else pounds(v, pence=True))
shown.insert(0, "status", [{"published": ""}.get(p, p.capitalize()) for p in shown["provenance"]])
COLUMNS = [
    "status",
    "label",
    "value",
    "unit",
    "price_year",
    "uprating_factor",
    "value_at_scenario_prices",
    "bearer",
    "low",
    "high",
    "confidence",
    "source",
    "read",
    "licence",
    "replaced",
    "quote",
    "derivation",
    "other_dated_figures",
    "range_note",
    "used",
    "id",
]
st.data_editor(
    shown[COLUMNS],
    key=editor_key,
    hide_index=True,
    width="stretch",
    height=420,
    disabled=[c for c in COLUMNS if c != "value"],  # only the value is editable
    column_config={
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
        "value_at_scenario_prices": st.column_config.TextColumn(f"Value at {scenario.settings.price_year} prices"),
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
    },
)
edited = sorted(current.spec.unit_costs)
cols = st.columns([2, 1, 1])
with cols[0]:
    one = st.selectbox(
        "Reset one edited value to its documented value",
        edited or ["(nothing edited)"],
        key=ui.key("reset-pick"),
        disabled=not edited,
        format_func=lambda c: scenario.unit_costs[c].label if c in scenario.unit_costs else c,
    )
with cols[1]:
    st.button("Reset this value", disabled=not edited, on_click=reset, args=(one,), width="stretch")
with cols[2]:
    st.button("Reset all to documented values", disabled=not edited, on_click=reset, args=(None,), width="stretch")
dated = [cost_id for cost_id, cost in scenario.library.unit_costs.items() if cost.alternatives]
if dated:
    cols = st.columns([2, 2, 1])
    with cols[0]:
        pick = st.selectbox(
            "Unit costs with other dated official figures",
            dated,
            key=ui.key("dated-pick"),
            format_func=lambda c: scenario.library.unit_costs[c].label,
        )
    documented = scenario.library.unit_costs[pick]
    index = scenario.library.price_index(scenario.settings.price_uplift)  # the table, then the proxy or yours
    usable = [0] + [k + 1 for k, a in enumerate(documented.alternatives) if a.price_year in index]

    def describe(k: int) -> str:
        if k == 0:
            return f"£{documented.value:,.2f} ({documented.price_year} prices): the default, the newest we could read"
        figure = documented.alternatives[k - 1]
        status = scenario.library.year_status(figure.price_year, scenario.settings.price_uplift)
        forecast = "" if status == "outturn" else ", uprated with a forecast"
        return f"£{figure.value:,.2f} ({figure.price_year} prices{forecast}): {figure.label}"

    with cols[1]:
        option = st.selectbox("Figure to use", usable, key=ui.key(f"dated-option-{pick}"), format_func=describe)
    with cols[2]:
        st.write("")
        if st.button("Use this figure", width="stretch", key=ui.key("dated-use")):
            ui.change(
                {"unit_cost": pick, "value": None} if option == 0 else {"unit_cost": pick, "alternative": option - 1}
            )
            state.editor_version += 1
            st.rerun()
    later = [a for a in documented.alternatives if a.price_year not in index]
    if later:
        st.caption(
            "Newer, not yet usable (its price year is beyond the years the tool can uprate): "
            + "; ".join(f"£{a.value:,.2f} ({a.price_year} prices), {a.label}" for a in later)
        )
local = table[(table["provenance"] == "local judgement") & table["used"]]
if len(local):
    st.warning(
        "Local judgements in use, with no published source: " + md(", ".join(local["label"])), icon=":material/label:"
    )

# -- The GMCA Unit Cost Database: licence, attribution and search ------------------------------------
st.subheader("A second library: the GMCA Unit Cost Database v1.4")
try:
    _ucd = ucd.load(scenario.library)
    _count, _licence, _attribution = f"{len(_ucd.rows):,}", _ucd.licence, _ucd.attribution
except roi.InputError as _error:  # a damaged database file: say so in one line; the rest of the page stands
    st.error(md(str(_error)), icon=":material/warning:")
    _count, _licence, _attribution = "Its", "CC BY 4.0", "Unit Cost Database v1.4, New Economy, 2015."
st.caption(
    f"{_count} unit costs, each with the agency that bears it, fiscal, economic and social values at "
    "their own price year, its source and page, and a red/amber/green grade. "
    f"Licence: {md(_licence)} (Creative Commons Attribution 4.0 International). Attribution: "
    f"{md(_attribution)} Use a row on Build the offer or Check a claim; it is marked “{ucd.SHORT}” "
    "with its grade wherever it appears."
)
find_unit_cost("assumptions-ucd", scenario.library)

# -- Effects and their evidence ------------------------------------------------------------------------
st.subheader("Effects: the study, its design and its grade")
st.caption(
    "Green: a systematic review or randomised trial. Amber: an evaluation or costing without a control group. "
    "Red: a single small pilot, or a figure whose origin could not be found. Optimism bias on benefits "
    "follows the weakest grade of an intervention's effects (an effect with its own grade follows its own). "
    "Optimism bias on costs follows the confidence in the cost, graded apart (see the parameters below)."
)
effects = effect_rows(scenario)
st.dataframe(
    effects,
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
convention = load_convention()
st.caption(
    "Where no study gives deadweight, displacement, attribution or drop-off, one convention applies: "
    + "; ".join(
        f"effect measured {'against a control' if kind == 'controlled' else 'without a control'}: "
        + ", ".join(f"{name.replace('_', '-')} {v.describe()}" for name, v in values.items() if "when" not in name)
        for kind, values in (("controlled", convention.controlled), ("uncontrolled", convention.uncontrolled))
    )
    + ". Each is a local judgement to agree with your partners."
)

# -- Intervention parameters ---------------------------------------------------------------------------
st.subheader("Intervention parameters and their sources")
readable = parameters.assign(  # cases a year by the one rule for fractional volumes (roi.inputs.formats.cases)
    **{
        c: [
            "" if v is None or v != v else cases(v) if name == "Cases per year" else number(v)
            for v, name in zip(parameters[c], parameters["parameter"], strict=True)
        ]
        for c in ("value", "low", "high")
    }
)
st.dataframe(
    readable.rename(
        columns={
            "intervention": "Intervention",
            "parameter": "Parameter",
            "value": "Value",
            "low": "Low",
            "high": "High",
            "provenance": "Who said it",
            "grade": "Grade",
            "source": "Source",
            "quote": "Quote",
            "caveat": "What else the study found",
        }
    ).drop(columns=["local_example", "at_convention"]),
    hide_index=True,
    width="stretch",
    height=380,
    column_config={
        "Source": st.column_config.TextColumn("Source", width="large"),
        "What else the study found": st.column_config.TextColumn("What else the study found", width="large"),
    },
)
st.caption(
    f"Of {len(parameters):,} parameters, {int((parameters['provenance'] == 'local judgement').sum()):,} are local "
    f"judgements ({int(parameters['at_convention'].sum()):,} still at the shipped convention) and "
    f"{int((parameters['provenance'] == 'your figure').sum()):,} are your figures. Change them on *Build the offer*."
)

# -- How this compares with published tools -----------------------------------------------------------
st.subheader("How this compares with published tools")
st.caption(
    "Each published figure a board may know, beside this project's result for the same service on the same "
    "scope (the library's figures, not your changes). Where they are more than 1.5 times apart, each step "
    "reruns the model with one thing done as the published figure does it, in pounds to the penny, until the "
    "published figure is reached or what cannot be reproduced is said."
)
summary, details = published_comparison()
as_published = st.toggle(
    "Value each service as the published figure does",
    key=ui.key("as-published"),
    help="Each service valued by the published figure's method as far as it can be read (its scope of costs, "
    "no optimism bias, no discounting: the end of its steps below). These are the published tools' methods, "
    "not this project's, which follows the Green Book.",
)
ours = "by the published method" if as_published else "this project"
st.table(
    pd.DataFrame(
        {
            "Published figure": [row["published figure"] for row in summary],
            "Published": [row["published"] for row in summary],
            "Published tool's method, not this project's" if as_published else "This project": [
                row[ours] for row in summary
            ],
            "Reconciled": [f"{row['times apart']} times apart: {row['reconciled']}" for row in summary],
        }
    ).set_index("Published figure")
)
for title, sentence, steps, variants in details:
    with st.expander(title):
        st.write(md(sentence))
        st.table(
            pd.DataFrame(
                {
                    "Step": [f"{r['kind'].capitalize()}: {r['step']}" if r["kind"] else r["step"] for r in steps],
                    "£": [r["pounds"] for r in steps],
                    "Running total": [r["running total"] for r in steps],
                }
            ).set_index("Step")
        )
        for line in variants:
            st.caption(md(f"Shown beside it: {line}"))

# -- Scenario file ---------------------------------------------------------------------------------------
st.subheader("Scenario file")
left, right = st.columns(2)
with left:
    st.download_button(
        "Download this scenario (YAML)",
        data=roi.dump_spec(current.spec),
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
        ui.set_spec(loaded.spec, base_name=name)
        state.upload_version += 1
        state.flash_info = f"Loaded {upload.name}: {loaded.name}"
        st.rerun()
info = state.pop("flash_info", None)
if info:
    st.success(md(info))
