"""Small display helpers shared by pages: headline tiles, chart display, notes."""

from __future__ import annotations

import altair as alt
import streamlit as st

import roi
from roi.model import pounds

from .text import md


def per_pound(value: float | None) -> str:
    return "no cost" if value is None else f"£{value:,.2f}"


def tiles(result: roi.Result) -> None:
    """The headline tiles: investment, gross and net savings, NPV, BCR, £ saved per £1, payback."""
    totals = result.totals
    settings = result.scenario.settings
    fiscal = result.benefits["value_type"].isin(roi.schema.FISCAL_VALUE_TYPES)
    top = st.columns(4)
    top[0].metric("Investment", pounds(totals["pv_costs"]), help="Present value of every funder's costs.")
    top[1].metric(
        "Gross savings",
        pounds(result.benefits.loc[fiscal, "gross"].sum()),
        help="Fiscal savings before drop-off, deadweight, displacement, attribution, optimism bias and discounting.",
    )
    top[2].metric(
        "Net savings",
        pounds(totals["pv_fiscal"]),
        help="Fiscal savings to public bodies after every adjustment, present value.",
    )
    top[3].metric(
        "Net present value",
        pounds(totals["npv"]),
        help="Present value of all benefits (fiscal, economic and social) less costs.",
    )
    bottom = st.columns(4)
    bottom[0].metric(
        "Benefit-cost ratio",
        "no cost" if totals["bcr"] is None else f"{totals['bcr']:,.2f}",
        help="Present value of all benefits divided by present value of costs.",
    )
    bottom[1].metric(
        "£ saved per £1",
        per_pound(totals["fiscal_roi"]),
        help="Fiscal savings only (cashable and non-cashable) per £1 spent.",
    )
    payback = (
        f"Year {totals['payback_year']} ({totals['payback_financial_year']})"
        if totals["payback_year"]
        else f"Not within {settings.horizon_years} years"
    )
    bottom[2].metric(
        "Payback", payback, help="First year by whose end discounted fiscal savings cover discounted costs."
    )
    cashable = totals["cashable_share"]
    bottom[3].metric(
        "Cashable share",
        "-" if cashable is None else f"{cashable:.0%}",
        help="Share of fiscal savings that is cash a body stops spending, not capacity freed.",
    )


def chart(figure: alt.TopLevelMixin, key: str | None = None) -> None:
    st.altair_chart(figure, width="stretch", theme=None, key=key)


def local_example_note(result: roi.Result) -> None:
    count, total = roi.summary.local_example_count(result)
    if count:
        st.warning(
            f"{count} of the {total} figures behind this scenario are **local judgements** with no published "
            "source (some volumes, costs and adjustments). Agree them with your partners, or replace them with "
            "your own figures on *Assumptions and evidence*, before you take the result to a board.",
            icon=":material/label:",
        )


def export_buttons(result: roi.Result, name: str) -> None:
    """Download buttons for the board: Excel workbook, PDF board pack, scenario YAML."""
    from roi import export

    stem = name or "scenario"
    cols = st.columns(3)
    cols[0].download_button(
        "Excel workbook",
        data=lambda: export.workbook(result),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/table_view:",
        width="stretch",
    )
    cols[1].download_button(
        "Board pack (PDF)",
        data=lambda: export.board_pack(result),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        width="stretch",
    )
    cols[2].download_button(
        "Scenario (YAML)",
        data=roi.dump_spec(result.scenario.spec),
        file_name=f"{stem}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )


def read_upload(upload, parse, unchanged: str):  # noqa: ANN001, ANN201 - an UploadedFile and a roi parser
    """Parse an uploaded file with ``parse(bytes, name)``: refuse files over 1 MB, and show an InputError
    (file, field, allowed range) with what stays ``unchanged``. Returns the parsed object or None."""
    from roi.library import MAX_FILE_BYTES

    if upload is None:
        return None
    if upload.size > MAX_FILE_BYTES:
        st.error(f"{md(upload.name)}: the file is {upload.size:,} bytes; the limit is 1 MB. {unchanged}")
        return None
    try:
        return parse(upload.getvalue(), upload.name)
    except roi.InputError as error:
        st.error(f"{md(error)}. {unchanged}", icon=":material/warning:")
        return None
