"""Savings by partner: what each partner pays and receives, gross to net, year by year."""

import pandas as pd
import streamlit as st

import ui
from ui.chart_view import result_chart
from ui.exports import export_buttons
from ui.tables import fit_table

current = ui.frame("Savings by partner", ":material/handshake:")
result = current.result
library = current.scenario.library

st.title("Savings by partner")
partners = result.by_partner()
st.caption(
    f"Present values at {current.scenario.settings.price_year} prices. Fiscal savings are cash-type savings "
    "to public bodies; economic and social value are shown beside them and never added in."
)

summary = partners[
    [
        "label",
        "pv_costs",
        "pv_fiscal_cashable",
        "pv_fiscal_non_cashable",
        "pv_fiscal",
        "pv_economic",
        "pv_social",
        "fiscal_npv",
        "npv",
    ]
].rename(
    columns={
        "label": "Partner",
        "pv_costs": "Pays (PV)",
        "pv_fiscal_cashable": "Cash saved",
        "pv_fiscal_non_cashable": "Capacity freed",
        "pv_fiscal": "Fiscal saving",
        "pv_economic": "Economic value",
        "pv_social": "Social value",
        "fiscal_npv": "Fiscal less costs",
        "npv": "All value less costs",
    }
)
fit_table(
    summary,
    "partner-summary",
    money=[c for c in summary.columns if c != "Partner"],
    secondary=("Economic value", "Social value", "Fiscal saving", "All value less costs"),
    caption="What each partner pays and receives (present values)",
)

options = ["all"] + partners["partner"].tolist()
choice = st.selectbox(
    "Show one partner",
    options,
    key="partner-focus",
    format_func=lambda p: "All partners" if p == "all" else library.partners[p].label,
)
partner = None if choice == "all" else choice
name = "all partners" if partner is None else library.partners[partner].label

if partner is not None:
    received = result.benefits[result.benefits["partner"] == partner]
    by_intervention = received.groupby("intervention", as_index=False)[["gross", "amount", "pv"]].sum()
    by_intervention["intervention"] = by_intervention["intervention"].map(
        {i.id: i.label for i in current.scenario.interventions}
    )
    fit_table(
        by_intervention.rename(
            columns={
                "intervention": "Intervention",
                "gross": "Gross (undiscounted)",
                "amount": "Net (undiscounted)",
                "pv": "Net present value",
            }
        ),
        "partner-by-intervention",
        money=["Gross (undiscounted)", "Net (undiscounted)", "Net present value"],
        caption=f"What {name} receives, by intervention",
    )

result_chart(
    current.spec,
    "partner_waterfall",
    partner,
    f"From gross benefit to net present value: {name}",
    key="partner-waterfall",
)
result_chart(current.spec, "cash_flows_by_partner", partner=partner, key="partner-cashflows")

st.subheader("Year by year")
flows = result.by_partner_year()
if partner is not None:
    flows = flows[flows["partner"] == partner]
yearly = flows.pivot_table(
    index=["label", "financial_year"], columns="flow", values="amount", aggfunc="sum", fill_value=0.0
).reset_index()
yearly = yearly.reindex(columns=["label", "financial_year", "benefit", "cost"], fill_value=0.0)
yearly = yearly[(yearly["benefit"].abs() > 0.5) | (yearly["cost"].abs() > 0.5)]
fit_table(  # one row a partner and year: as readable on a phone as on a projector
    pd.DataFrame(
        {
            "Partner": yearly["label"],
            "Year": yearly["financial_year"],
            "Benefits received": yearly["benefit"],
            "Costs funded": yearly["cost"],
            "Net": yearly["benefit"] + yearly["cost"],
        }
    ),
    "partner-years",
    money=["Benefits received", "Costs funded", "Net"],
)
st.caption("Undiscounted cash flows at constant prices: benefits received (positive) and costs funded (negative).")

st.divider()
st.markdown("**Take it to the board**")
export_buttons(result, st.session_state.base_name.replace(" ", "_"))
