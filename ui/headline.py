"""The headline a board reads first: the tiles, each partner's position, and the note on local
judgements."""

from __future__ import annotations

import streamlit as st

import roi
from roi.analysis.summary import local_example_count, range_sentence, reconciliation, year_label
from roi.inputs.formats import per_pound, pounds
from roi.outputs.partner_positions import PARTNER_MONEY, partner_positions_table

from .tables import fit_table


def payback_text(result: roi.Result, year: int | None) -> str:
    """'Year 3 (2027/28)', or 'Not within 10 years': the same words as the board pack and workbook."""
    return year_label(result, year)


def tiles(result: roi.Result) -> None:
    """The headline tiles: what is invested, what comes back as cash and as capacity, NPV, returns
    per £1 and paybacks, cash first. A line below makes them add up."""
    totals = result.totals
    top = st.columns(4)
    top[0].metric(
        "Investment",
        pounds(totals["pv_costs"]),
        help="Present value of every funder's costs, including the optimism-bias uplift on costs.",
    )
    top[1].metric(
        "Cash savings",
        pounds(totals["pv_cashable"]),
        help="Spending a public body actually stops (fiscal, cashable), present value.",
    )
    top[2].metric(
        "Freed capacity",
        pounds(totals["pv_non_cashable"]),
        help="Bed-days, admissions and appointments freed for other patients (fiscal, non-cashable): "
        "cash only where beds close or planned spending stops.",
    )
    headline = "Median NPV" if totals["headline"] == "median" else "Net present value"
    top[3].metric(
        headline,
        pounds(totals["headline_npv"]),
        help="Present value of all benefits (cash, capacity, economic and social) less costs.",
    )
    bottom = st.columns(4)
    bottom[0].metric(
        "Cash back per £1",
        per_pound(totals["cash_roi"]),
        help="Cash savings per £1 invested. Freed capacity, economic and social value are not in it.",
    )
    bottom[1].metric(
        "Cash and capacity per £1",
        per_pound(totals["fiscal_roi"]),
        help="Fiscal savings (cash and freed capacity) per £1 invested.",
    )
    bottom[2].metric(
        "Pays back in cash",
        payback_text(result, totals["cash_payback_year"]),
        help="First year by whose end discounted cash savings alone cover discounted costs.",
    )
    bottom[3].metric(
        "Pays back with capacity",
        payback_text(result, totals["payback_year"]),
        help="First year by whose end discounted cash and freed capacity cover discounted costs.",
    )
    st.caption(reconciliation(result))
    sentence = range_sentence(result)
    if totals["central_outside_iqr"]:
        st.warning(sentence, icon=":material/warning:")
    else:
        st.caption(sentence)


def partner_table(result: roi.Result, key: str = "partners", columns: tuple[str, ...] | None = None) -> None:
    """Each partner's position in a table that fits its column (ui/tables.py); ``columns``: a subset
    to show (the Partner column always comes first). On a narrow screen economic and social value and
    the own payback year give way first."""
    table = partner_positions_table(result)
    if columns is not None:
        table = table[["Partner", *columns]]
    fit_table(
        table,
        key,
        money=[c for c in PARTNER_MONEY if c in table.columns],
        secondary=("Economic and social value", "Pays back (own)"),
        caption="What each partner puts in and gets back (present values)",
    )


def local_example_note(result: roi.Result) -> None:
    count, total = local_example_count(result)
    if count:
        st.warning(
            f"{count} of the {total} figures behind this scenario are **local judgements** with no published "
            "source (some volumes, costs and adjustments). Agree them with your partners, or replace them with "
            "your own figures on *Assumptions and evidence*, before you take the result to a board.",
            icon=":material/label:",
        )
