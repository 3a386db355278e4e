"""Check a claim: a health partner recomputes a savings claim with their own unit costs and judgements,
sees like for like why it differs, who gets the money, and sends back a one-page report."""

import pandas as pd
import streamlit as st

import roi
import ui
from roi.analysis import claims
from roi.inputs.formats import pounds
from roi.inputs.library import MAX_FILE_BYTES
from roi.inputs.schema import VALUE_TYPES
from roi.outputs import claim_report
from roi.outputs.export import plain
from ui import claim_state, saved
from ui.tables import fit_table
from ui.text import md
from ui.ucd_search import find_unit_cost

current = ui.frame("Check a claim", ":material/fact_check:")
library = current.scenario.library
state = st.session_state
claim_state.init(library)

st.title("Check a savings claim")
st.caption(
    "Enter a claim as the scheme states it. The tool recomputes it at the library's unit costs, the current "
    "scenario's or your own, applies deadweight, attribution and optimism bias, shows each step from the claimed "
    "figure to a defensible one like for like (in the claim's own period and prices), and says who gets the money."
)

costs = {k: c.label for k, c in sorted(library.unit_costs.items(), key=lambda kv: kv[1].label)}
partners = {k: p.label for k, p in library.partners.items()}


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"


# -- Open a claim ---------------------------------------------------------------------------------

with st.container(border=True):
    cols = st.columns([3, 1, 3, 2], vertical_alignment="bottom")
    names = claim_state.example_names()
    pick = cols[0].selectbox(
        "Start a new claim or open an example",
        names,
        format_func=lambda n: (
            "A blank claim" if n == claim_state.BLANK_NAME else f"Example: {claim_state.example(n).claim}"
        ),
        key="claim-example",
    )
    if cols[1].button("Open", key="claim-open-example", width="stretch"):
        claim_state.set_claim(claim_state.example(pick))
    upload = cols[2].file_uploader("Or open a claim file (YAML, up to 1 MB)", type=["yaml", "yml"], key="claim-upload")
    cols[3].download_button(
        "Template claim (YAML)",
        data=claims.template(),
        file_name="claim-template.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/description:",
        width="stretch",
        help="A commented claim file to fill in and open here.",
    )
    if upload is not None and state.get("claim-upload-seen") != upload.file_id:
        state["claim-upload-seen"] = upload.file_id
        state.pop("claim-upload-error", None)
        if upload.size > MAX_FILE_BYTES:
            state["claim-upload-error"] = f"{upload.name}: the file is {upload.size:,} bytes; the limit is 1 MB."
        else:
            try:
                claim_state.set_claim(claims.parse(upload.getvalue(), upload.name, library))
            except roi.InputError as error:
                state["claim-upload-error"] = str(error)
    if upload is not None and state.get("claim-upload-error"):
        st.error(
            f"{md(state['claim-upload-error'])} The claim on screen is unchanged.",
            icon=":material/warning:",
        )

error = state.pop("claim_error", None)
if error:
    st.error(md(error), icon=":material/warning:")

claim = state.claim
bound = claim_state.bound
# GMCA Unit Cost Database rows (ucd:CODE) the claim's lines use join the unit costs it can show (roi.inputs.ucd).
library = claims.with_ucd_rows(claim, library, claim_state.TYPED)
costs = {k: c.label for k, c in sorted(library.unit_costs.items(), key=lambda kv: kv[1].label)}


def top(name: str):  # noqa: ANN202 - a change builder
    return lambda value: {"field": name, "value": value}


def on_line(i: int, name: str, clear_if=None):  # noqa: ANN001, ANN202
    return lambda value: {"line": i, "field": name, "value": None if value == clear_if else value}


# -- The claim as stated --------------------------------------------------------------------------

st.subheader("The claim as stated")
cols = st.columns([3, 2, 1])
bound(cols[0].text_input, "What is claimed", "title", claim.claim, library, top("claim"), max_chars=200)
bound(
    cols[1].number_input,
    "Claimed saving (£)",
    "amount",
    float(claim.claimed_saving),
    library,
    top("claimed_saving"),
    min_value=0.0,
    max_value=1e12,
    step=1000.0,
    format="%.2f",
)
bound(
    cols[2].number_input,
    "Period (weeks)",
    "weeks",
    float(claim.period_weeks or 52),
    library,
    top("period_weeks"),
    min_value=1.0,
    max_value=520.0,
    step=1.0,
    format="%.1f",
)
cols = st.columns([1, 1, 2])  # a refused value is said beside its field, so each has room
bound(
    cols[0].number_input,
    "Price year (0: not stated)",
    "year",
    int(claim.price_year or 0),
    library,
    lambda v: {"field": "price_year", "value": int(v) or None},
    min_value=0,
    max_value=library.price_years(claim.price_uplift)[1],
    step=1,
    help="Prices to the end of HM Treasury's GDP deflator table are outturn; later years use a forecast.",
)
if claim.price_year and library.year_status(claim.price_year, claim.price_uplift) != "outturn":
    cols[0].caption(f"{claim.price_year}: a forecast year, said in the check's flags.")
bound(
    cols[1].text_input,
    "Claim made on (a year or a date)",
    "claimed-on",
    "" if claim.claimed_on is None else str(claim.claimed_on),
    library,
    lambda v: {"field": "claimed_on", "value": claim_state.claimed_on_value(v)},
    max_chars=10,
    placeholder="e.g. 2024 or 2024-03-31",
    help="With no price year, the claim's pounds are taken at this year's prices; with neither, at the latest "
    "outturn year of the GDP deflator.",
)
bound(
    cols[2].text_area,
    "Where the claim comes from (its source, as you would cite it)",
    "note",
    claim.note or "",
    library,
    lambda v: {"field": "note", "value": v.strip() or None},
    height=68,
    placeholder="e.g. the scheme's annual report 2024/25, page 12",
    help="Goes into the report you send back, beside the claim's own figures.",
)
cols = st.columns(3)
bound(
    cols[0].checkbox,
    "The claim already applies deadweight",
    "dw-applied",
    claim.deadweight_applied,
    library,
    top("deadweight_applied"),
    renew=True,
)
bound(
    cols[1].checkbox,
    "The claim already applies attribution",
    "at-applied",
    claim.attribution_applied,
    library,
    top("attribution_applied"),
    renew=True,
)
bound(
    cols[2].number_input,
    "£ per £1 the claim cites (0: none)",
    "ratio",
    float(claim.ratio_per_pound or 0.0),
    library,
    lambda v: {"field": "ratio_per_pound", "value": v or None},
    min_value=0.0,
    max_value=10_000.0,
    step=0.5,
    format="%.2f",
)

# -- Lines: as claimed, and your check --------------------------------------------------------------

defaults = claims.load_claim_defaults(library)
scenario_costs = current.scenario.unit_costs
for i, saving in enumerate(claim.savings):
    rule = claims.convention(saving, library, defaults, claim)
    with st.container(border=True, key=f"claim-line-{i}"):
        name = saving.label or (costs[saving.unit_cost] if saving.unit_cost else "A value the claim gives")
        head = st.columns([1, 4], vertical_alignment="bottom")
        head[0].markdown(f"**Line {i + 1}**")
        bound(
            head[1].text_input,
            "Line name",
            f"l{i}-label",
            saving.label or "",
            library,
            on_line(i, "label", clear_if=""),
            max_chars=200,
            placeholder=name,
        )
        row = st.columns([3, 1, 1, 2, 2])
        bound(
            row[0].selectbox,
            "What was saved",
            f"l{i}-unit",
            saving.unit_cost or "",
            library,
            lambda v, i=i: {"line": i, "fields": {"unit_cost": v or None, "cost_basis": None}},
            renew=True,
            options=["", *costs],
            format_func=lambda k: costs.get(k, "Not in the library: the claim's own value"),
        )
        bound(
            row[1].number_input,
            "Quantity",
            f"l{i}-qty",
            float(saving.quantity),
            library,
            on_line(i, "quantity"),
            min_value=0.0,
            max_value=1e9,
            step=1.0,
            format="%.1f",
        )
        bound(
            row[2].number_input,
            "Claim's £ per unit (0: none)" if saving.unit_cost else "Claim's value (£)",
            f"l{i}-value",
            float(saving.value or 0.0),
            library,
            on_line(i, "value", clear_if=0.0) if saving.unit_cost else on_line(i, "value"),
            min_value=0.0,
            max_value=1e12,
            step=10.0,
            format="%.2f",
        )
        bound(
            row[3].selectbox,
            "Booked to",
            f"l{i}-partner",
            saving.partner or "",
            library,
            on_line(i, "partner", clear_if=""),
            renew=True,
            options=["", *partners] if saving.unit_cost else list(partners),
            format_func=lambda k: partners.get(k, "Not stated"),
        )
        bound(
            row[4].selectbox,
            "Booked as",
            f"l{i}-type",
            saving.value_type or "",
            library,
            on_line(i, "value_type", clear_if=""),
            renew=True,
            options=["", *VALUE_TYPES],
            format_func=lambda k: claims.VALUE_TYPE_LABELS.get(k, "Not stated"),
        )
        if saving.unit_cost:
            cost = library.unit_costs[saving.unit_cost]
            mine = scenario_costs.get(saving.unit_cost, cost)
            options = {
                "library": f"Library: {pounds(cost.value, True)} ({cost.price_year} prices)",
                "scenario": f"Current scenario: {pounds(mine.value, True)} ({mine.price_year} prices)",
                "own": "Your own value",
            }
        else:
            options = {"claim": f"The claim's own: {pounds(saving.value, True)}", "own": "Your own value"}
        row = st.columns([4, 2, 1])
        latest = library.deflator_years()[1]
        if saving.unit_cost:
            start_own = round(mine.value * library.deflator_factor(mine.price_year, latest, claim.price_uplift), 2)
        else:
            start_own = saving.value * library.deflator_factor(claim.price_year or latest, latest, claim.price_uplift)
        bound(
            row[0].radio,
            "Unit cost to use",
            f"l{i}-basis",
            saving.cost_basis if saving.cost_basis in options else next(iter(options)),
            library,
            lambda v, i=i, saving=saving, start_own=start_own, latest=latest: {
                "line": i,
                "fields": {
                    "cost_basis": None if v == "claim" else v,
                    "own_value": saving.own_value if v != "own" or saving.own_value is not None else start_own,
                    "own_price_year": saving.own_price_year if v != "own" or saving.own_value is not None else latest,
                },
            },
            renew=True,
            options=list(options),
            format_func=lambda k, options=options: options[k],
            horizontal=True,
        )
        if saving.cost_basis == "own":
            bound(
                row[1].number_input,
                "Your £ per unit",
                f"l{i}-own",
                float(saving.own_value or 0.0),
                library,
                on_line(i, "own_value"),
                min_value=0.0,
                max_value=1e12,
                step=10.0,
                format="%.2f",
            )
            low_year, high_year = library.price_years(claim.price_uplift)
            bound(
                row[2].number_input,
                "Its price year",
                f"l{i}-own-year",
                int(saving.own_price_year or claim.price_year or latest),
                library,
                on_line(i, "own_price_year"),
                min_value=low_year,
                max_value=high_year,
                step=1,
            )
        judgements = [
            ("deadweight", "Deadweight (%)", rule.deadweight, f"from {rule.adjustments_from}"),
            ("attribution", "Attribution (%)", rule.attribution, f"from {rule.adjustments_from}"),
            ("optimism_bias", "Optimism bias (%)", rule.optimism_bias, f"for {rule.confidence}-confidence evidence"),
            ("cashable_share", "Cash share of the fiscal saving (%)", rule.cashable_share, rule.cashable_basis),
        ]
        row = st.columns(4)
        for col, (field, label, library_value, why) in zip(row, judgements, strict=True):
            own = getattr(saving, field)
            bound(
                col.number_input,
                label,
                f"l{i}-{field}",
                round(100 * (library_value if own is None else own), 4),
                library,
                lambda v, i=i, field=field: {"line": i, "field": field, "value": v / 100},
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%.1f",
                help=f"The library's convention: {percent(library_value)}, {why}.",
            )
            col.caption(
                f"Library: {percent(library_value)}"
                + ("" if own is None or own == library_value else " · yours differs")
            )
        row = st.columns([2, 1, 1])
        own_any = any(getattr(saving, f) is not None for f, *_ in judgements)
        if own_any and row[0].button("Use the library's conventions", key=claim_state.key(f"l{i}-reset")):
            claim_state.change({"line": i, "fields": {f: None for f, *_ in judgements}}, library, renew=True)
            st.rerun()
        if len(claim.savings) > 1 and row[1].button("Remove this line", key=claim_state.key(f"l{i}-remove")):
            claim_state.change({"remove_line": i}, library, renew=True)
            st.rerun()

if st.button("Add a line", icon=":material/add:", key=claim_state.key("add")):
    claim_state.change({"add_line": {"unit_cost": "bed_day", "quantity": 0}}, library, renew=True)
    st.rerun()

claim_state.update_link()

# -- Find a unit cost (GMCA Unit Cost Database) ------------------------------------------------------
with st.container(border=True, key="claim-ucd"):
    find_unit_cost(
        "claim-ucd",
        library,
        use_label="Add a claim line on this unit cost",
        on_use=lambda cost_id: claim_state.change(
            {"add_line": {"unit_cost": cost_id, "quantity": 1.0}}, library, renew=True
        ),
    )

# -- The check ------------------------------------------------------------------------------------

if claim_state.is_blank(claim):
    st.info(
        "Type the claim above (what it claims, the saving, and a line for each outcome it counts), or open an "
        "example, and its check appears here.",
        icon=":material/edit_note:",
    )
    st.stop()
check, refused = claim_state.last_good_check(claim, library, current.scenario)
if refused:
    kept = " The last good check stays below." if check is not None else ""
    st.error(f"{md(refused)}.{kept}", icon=":material/warning:")
if check is None:
    st.stop()

st.subheader("The check")
weeks = f"{check.period_weeks:g} weeks"
cols = st.columns(4)
cols[0].metric(f"Claimed ({weeks})", pounds(check.claimed))
cols[1].metric(
    f"Recomputed ({weeks}, {check.price_year} prices)",
    pounds(check.recomputed),
    help="The claim's quantities at the unit costs chosen above, in the claim's own prices and period.",
)
cols[2].metric(
    f"Adjusted ({weeks}, {check.current_price_year} prices)",
    pounds(check.adjusted_period),
    help="Fiscal savings only (cash and capacity), uprated, after deadweight, attribution and optimism bias, "
    "for the claim's own period: like for like with the claimed figure.",
)
cols[3].metric(
    f"Adjusted, a year ({check.current_price_year} prices)",
    pounds(check.adjusted),
    help="The same, scaled to 52 weeks: to set beside annual budgets, not against the claimed figure.",
)
st.caption(
    f"The claim's prices: {check.price_year}, as it states."
    if check.claim.price_year
    else f"{check.price_year_reason[0].upper()}{check.price_year_reason[1:]}."
)
st.markdown(
    f"Like for like, a defensible figure for the claim's own {weeks} is **{pounds(check.adjusted_period)}** "
    f"({check.range_text(period=True)}) at {check.current_price_year} prices, against the claimed "
    f"{pounds(check.claimed)}: {pounds(check.cash * check.period_factor)} in cash and "
    f"{pounds(check.capacity * check.period_factor)} in capacity freed. A year, it is {pounds(check.adjusted)} "
    f"({check.range_text()})."
)

st.markdown("**Like for like**")
table = check.like_for_like()
st.table(
    pd.DataFrame(
        {
            "Figure": table["figure"].map(claims.FIGURE_LABELS).str.strip(),
            f"The claim's {weeks}": table["period"].map(pounds),
            "A year (52 weeks)": table["annual"].map(pounds),
        }
    ).set_index("Figure")
)
st.markdown(f"**From claimed to adjusted, step by step (the claim's {weeks})**")
steps = check.steps
st.table(
    pd.DataFrame(
        {
            "Step": ["Claimed", *steps["label"]],
            "Change": ["", *steps["amount"].map(pounds)],
            "Running total": [pounds(check.claimed), *steps["running_total"].map(pounds)],
        }
    ).set_index("Step")
)
st.markdown(
    f"A year (52 weeks), for comparison and not a step: the adjusted figure is **{pounds(check.adjusted)}**, "
    f"of which {pounds(check.cash)} cash."
)
st.caption(
    f"Every amount is for the claim's own {weeks}. The steps down to optimism bias sum to the adjusted "
    f"{pounds(check.adjusted_period)} less the claimed {pounds(check.claimed)}; the last takes the adjusted "
    "figure to cash."
)

if check.flags:
    st.markdown(f"**{len(check.flags)} flag{'s' if len(check.flags) > 1 else ''}**")
    for flag in check.flags:
        st.warning(md(flag.message), icon=":material/flag:")
else:
    st.success("No flags: the claim reproduces and is adjusted honestly.")

st.markdown("**Who gets the money, a year**")
money = check.value_by_partner()
by_partner = pd.DataFrame(
    {
        "Partner": money["partner_label"],
        "Fiscal saving": money["fiscal"],
        "Cash": money["cash"],
        "Capacity freed": money["capacity"],
        "Economic value (not a saving)": money["economic"],
        "Social value (not a saving)": money["social"],
    }
)
fit_table(  # fits a projector in full pounds and a phone in compact money, the values left out last
    by_partner,
    "claim-money",
    money=list(by_partner.columns[1:]),
    secondary=("Economic value (not a saving)", "Social value (not a saving)"),
)

# Tables that wrap (st.table) rather than scroll sideways: each must fit a 1280x720 projector.
with st.expander("Line by line"):
    lines = check.lines
    st.table(
        pd.DataFrame(
            {
                "Line": lines["line_label"],
                "Unit cost used": lines["unit_cost_label"] + " (" + lines["cost_basis_label"].str.lower() + ")",
                f"£ per unit ({check.price_year} prices)": lines["unit_value"].map(lambda v: pounds(v, True)),
                "Partner, value type": lines["partner_label"] + ": " + lines["value_type_label"].str.lower(),
                f"Recomputed ({weeks})": lines["recomputed"].map(pounds),
                "Adjusted, a year": lines["adjusted"].map(pounds),
                "Deadweight / attribution / optimism bias / cash share": [
                    " / ".join(
                        percent(getattr(r, k)) for k in ("deadweight", "attribution", "optimism_bias", "cashable_share")
                    )
                    for r in lines.itertuples()
                ],
            }
        ).set_index("Line")
    )
with st.expander("Sources of the unit costs"):
    sources = check.sources
    st.table(
        pd.DataFrame(
            {
                "Unit cost": sources["label"],
                "Used as": sources["used_as"],
                "Value": sources["value"].map(lambda v: pounds(v, True)),
                "Price year": sources["price_year"].map(lambda y: "not stated" if pd.isna(y) else f"{int(y)}"),
                "Source": sources["source"].map(plain),  # as in the report: no line references
            }
        ).set_index("Unit cost")
    )
    if check.independent is not None:
        st.caption(check.independent.note)

st.markdown("**Send back the check**")
stem = "".join(ch if ch.isalnum() else "-" for ch in check.claim.claim.lower()).strip("-")[:60] or "claim"
cols = st.columns(2)  # two a row: four labels side by side are cut short on a projector
cols[0].download_button(
    "Claim check report (PDF)",
    data=lambda: claim_report.pdf(check),
    file_name=f"{stem}-check.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
    width="stretch",
    key="claim-pdf",
)
cols[1].download_button(
    "Claim check workbook (Excel)",
    data=lambda: claim_report.workbook(check),
    file_name=f"{stem}-check.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    icon=":material/table_view:",
    width="stretch",
    key="claim-xlsx",
)
cols = st.columns(2)
cols[0].download_button(
    "This claim (YAML)",
    data=roi.dump_spec(check.claim),
    file_name=f"{stem}.yaml",
    mime="application/x-yaml",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
    key="claim-yaml",
)
with cols[1]:
    saved.claim_save_panel()
