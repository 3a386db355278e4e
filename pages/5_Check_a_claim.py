"""Check a claim: a health partner recomputes a savings claim and sees each problem and who gets the money."""

import pandas as pd
import streamlit as st

import roi
import ui
from roi import charts
from roi.claims import check_claim
from roi.library import CLAIMS_DIR
from roi.model import pounds
from roi.schema import VALUE_TYPES, ClaimSpec
from ui.text import md
from ui.widgets import read_upload

current = ui.frame("Check a claim", ":material/fact_check:")
library = current.scenario.library
state = st.session_state

st.title("Check a savings claim")
st.caption(
    "Enter a claim as the scheme states it. The tool recomputes it from the documented unit costs, "
    "annualises it, uprates it and applies deadweight, attribution and optimism bias, and flags each problem."
)

examples = {p.stem: roi.load_claim(p) for p in sorted(CLAIMS_DIR.glob("*.yaml"))}
source = st.radio("Claim", ["An example", "Upload a claim file", "Type a claim"], horizontal=True, key="claim-source")
claim: ClaimSpec | None = None
if source == "An example":
    name = st.selectbox("Example claim", list(examples), format_func=lambda n: examples[n].claim, key="claim-example")
    claim = examples[name]
elif source == "Upload a claim file":
    upload = st.file_uploader("Claim file (YAML, up to 1 MB)", type=["yaml", "yml"], key="claim-upload")
    claim = read_upload(upload, roi.parse_claim, "No claim was checked.")
else:
    cols = st.columns(4)
    title = cols[0].text_input("What is claimed", "Our scheme", key="claim-title")
    claimed = cols[1].number_input(
        "Claimed saving (£)", min_value=0.0, max_value=1e12, value=181_250.0, step=1000.0, key="claim-amount"
    )
    weeks = cols[2].number_input("Period (weeks)", min_value=1.0, max_value=520.0, value=29.0, key="claim-weeks")
    year = cols[3].number_input("Price year (0 if not stated)", min_value=0, max_value=2100, value=0, key="claim-year")
    flags = st.columns(3)
    deadweight = flags[0].checkbox("Deadweight already applied", key="claim-dw")
    attribution = flags[1].checkbox("Attribution already applied", key="claim-at")
    ratio = flags[2].number_input(
        "£ per £1 the claim cites (0 if none)", min_value=0.0, max_value=10_000.0, value=0.0, key="claim-ratio"
    )
    lines = st.data_editor(
        pd.DataFrame(
            [
                {
                    "unit_cost": "bed_day",
                    "quantity": 725.0,
                    "value": None,
                    "partner": "nhs_acute",
                    "value_type": "fiscal_cashable",
                }
            ]
        ),
        num_rows="dynamic",
        key="claim-lines",
        hide_index=True,
        width="stretch",
        column_config={
            "unit_cost": st.column_config.SelectboxColumn("Unit cost", options=list(library.unit_costs)),
            "quantity": st.column_config.NumberColumn("Quantity", min_value=0.0),
            "value": st.column_config.NumberColumn("The claim's own value per unit (£, optional)", min_value=0.0),
            "partner": st.column_config.SelectboxColumn("Booked to", options=list(library.partners)),
            "value_type": st.column_config.SelectboxColumn("Booked as", options=list(VALUE_TYPES)),
        },
    )
    savings = []
    for row in lines.to_dict(orient="records"):
        clean = {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and pd.isna(v))}
        if clean.get("quantity") is not None:
            savings.append(clean)
    data = {
        "claim": title or "Claim",
        "claimed_saving": claimed,
        "period_weeks": weeks,
        "savings": savings,
        "deadweight_applied": deadweight,
        "attribution_applied": attribution,
    }
    if year:
        data["price_year"] = int(year)
    if ratio:
        data["ratio_per_pound"] = ratio
    try:
        claim = roi.library.validate(ClaimSpec, data, "typed claim")
    except roi.InputError as error:
        st.error(md(error), icon=":material/warning:")

if claim is not None:
    try:
        check = check_claim(claim, library)
    except roi.InputError as error:
        st.error(md(error), icon=":material/warning:")
        st.stop()
    st.subheader(md(claim.claim))
    cols = st.columns(4)
    cols[0].metric("Claimed", pounds(check.claimed))
    cols[1].metric(
        f"Recomputed ({check.price_year} prices)",
        pounds(check.recomputed),
        help="The claim's quantities at the library's documented unit costs.",
    )
    cols[2].metric("Annualised (52 weeks)", pounds(check.annualised))
    cols[3].metric(
        f"Adjusted ({check.current_price_year} prices)",
        pounds(check.adjusted),
        help="Uprated, with deadweight, attribution and optimism bias applied.",
    )
    st.markdown(
        f"A defensible annual figure is **{pounds(check.adjusted)}**, within a range of "
        f"{pounds(check.low)} to {pounds(check.high)}."
    )
    if check.flags:
        st.markdown(f"**{len(check.flags)} flag{'s' if len(check.flags) > 1 else ''}**")
        for flag in check.flags:
            st.warning(md(flag.message), icon=":material/flag:")
    else:
        st.success("No flags: the claim reproduces and is adjusted honestly.")
    st.markdown("**Where each pound lands**")
    table = check.by_partner()
    table["partner"] = table["partner"].map(lambda p: library.partners[p].label if p in library.partners else p)
    table["value_type"] = table["value_type"].map(charts.VALUE_TYPE_LABELS)
    st.dataframe(
        table.rename(
            columns={
                "partner": "Partner",
                "value_type": "Value type",
                "recomputed": "Recomputed",
                "adjusted": "Adjusted, a year",
            }
        ).style.format({"Recomputed": pounds, "Adjusted, a year": pounds}),
        hide_index=True,
        width="stretch",
    )
    with st.expander("Line by line"):
        st.dataframe(check.lines, hide_index=True, width="stretch")
    st.download_button(
        "Download this claim (YAML)",
        data=roi.dump_spec(claim),
        file_name="claim.yaml",
        mime="application/x-yaml",
        on_click="ignore",
    )
