"""The check of a claim on the Check a claim page: the headline figures, like for like, the steps from
the claimed figure to a defensible one, the flags, who gets the money, the lines and sources, and the
downloads to send it back. Tables and sentences come from :mod:`roi.outputs.claim_screen`."""

from __future__ import annotations

import streamlit as st

import roi
from roi.analysis.claims import ClaimCheck
from roi.inputs.formats import pounds
from roi.outputs import claim_report
from roi.outputs import claim_screen as screen

from . import saved
from .tables import fit_table
from .text import md


def headline(check: ClaimCheck) -> None:
    """The claimed, recomputed and adjusted figures, and the check in one sentence."""
    st.subheader("The check")
    weeks = screen.weeks(check)
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
    st.caption(screen.price_year_note(check))
    st.markdown(screen.defensible_sentence(check))


def steps(check: ClaimCheck) -> None:
    """Like for like, then from claimed to adjusted step by step, then the flags."""
    st.markdown("**Like for like**")
    st.table(screen.like_for_like_table(check))
    st.markdown(f"**From claimed to adjusted, step by step (the claim's {screen.weeks(check)})**")
    st.table(screen.steps_table(check))
    st.markdown(screen.year_sentence(check))
    st.caption(screen.steps_note(check))
    if check.flags:
        st.markdown(f"**{screen.flags_heading(check)}**")
        for flag in check.flags:
            st.warning(md(flag.message), icon=":material/flag:")
    else:
        st.success("No flags: the claim reproduces and is adjusted honestly.")


def money(check: ClaimCheck) -> None:
    """Who gets the money, then the lines and the unit costs' sources (folded away)."""
    st.markdown("**Who gets the money, a year**")
    by_partner = screen.money_table(check)
    fit_table(  # fits a projector in full pounds and a phone in compact money, the values left out last
        by_partner, "claim-money", money=list(by_partner.columns[1:]), secondary=screen.SECONDARY_MONEY
    )
    # Tables that wrap (st.table) rather than scroll sideways: each must fit a 1280x720 projector.
    with st.expander("Line by line"):
        st.table(screen.lines_table(check))
    with st.expander("Sources of the unit costs"):
        st.table(screen.sources_table(check))
        if check.independent is not None:
            st.caption(check.independent.note)


def send_back(check: ClaimCheck) -> None:
    """The report (PDF), the workbook, the claim itself (YAML), and saving it to a workspace."""
    st.markdown("**Send back the check**")
    stem = screen.file_stem(check)
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
