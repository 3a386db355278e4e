"""The inputs of the Check a claim page: opening a claim (an example, a file, the template), the claim
as the scheme states it, and one component for each of its lines (what was saved, how it is booked,
the unit cost to use, and the checker's judgements beside the library's conventions).

Every input is bound to one field of the claim through :func:`ui.claim_state.bound`: a change goes
through the claim's validation, and a refused value is said beside its field.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import roi
from roi.analysis import claims
from roi.analysis.claims import ClaimDefaults
from roi.inputs.schema import VALUE_TYPES, ClaimSaving, ClaimSpec, UnitCost
from roi.outputs.claim_screen import cost_choices, percent

from . import claim_state
from .claim_state import bound
from .widgets import read_upload


def top(name: str) -> Any:
    """A change to one field of the claim."""
    return lambda value: {"field": name, "value": value}


def on_line(i: int, name: str, clear_if: Any = None) -> Any:
    """A change to one field of line ``i``; ``clear_if``: the widget value that means "not stated"."""
    return lambda value: {"line": i, "field": name, "value": None if value == clear_if else value}


def open_claim(library: roi.Library) -> None:
    """A blank claim or a shipped example, a claim file (YAML) to open, and the template to fill in."""
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
        upload = cols[2].file_uploader(
            "Or open a claim file (YAML, up to 1 MB)", type=["yaml", "yml"], key="claim-upload"
        )
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
        opened = read_upload(
            upload, lambda text, name: claims.parse(text, name, library), "The claim on screen is unchanged."
        )
        if opened is not None:
            claim_state.set_claim(opened)


def claim_fields(claim: ClaimSpec, library: roi.Library) -> None:
    """The claim as the scheme states it: what, how much, over what period, at what prices, when and
    from where, whether it already applies deadweight and attribution, and any return it cites."""
    st.subheader("The claim as stated")
    cols = st.columns([3, 2, 1])
    bound(cols[0].text_input, "What is claimed", "title", claim.claim, library, top("claim"), max_chars=200)
    money = {"min_value": 0.0, "max_value": 1e12, "step": 1000.0, "format": "%.2f"}
    saving = float(claim.claimed_saving)
    bound(cols[1].number_input, "Claimed saving (£)", "amount", saving, library, top("claimed_saving"), **money)
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
    applied = claim.deadweight_applied
    bound(
        cols[0].checkbox,
        "The claim already applies deadweight",
        "dw-applied",
        applied,
        library,
        top("deadweight_applied"),
        renew=True,
    )
    applied = claim.attribution_applied
    bound(
        cols[1].checkbox,
        "The claim already applies attribution",
        "at-applied",
        applied,
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


def line(
    i: int,
    claim: ClaimSpec,
    library: roi.Library,
    defaults: ClaimDefaults,
    scenario_costs: dict[str, UnitCost],
) -> None:
    """Claim line ``i``, as claimed and as you check it, in its own box: its name; what was saved, how
    many, the claim's value, who it is booked to and as what; the unit cost to use (the library's, the
    current scenario's, the claim's own or yours); the four judgements beside the library's
    conventions; and buttons to go back to the conventions or remove the line."""
    saving = claim.savings[i]
    costs = {k: c.label for k, c in sorted(library.unit_costs.items(), key=lambda kv: kv[1].label)}
    partners = {k: p.label for k, p in library.partners.items()}
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
            lambda v: {"line": i, "fields": {"unit_cost": v or None, "cost_basis": None}},
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
        _unit_cost(i, saving, claim, library, scenario_costs)
        _judgements(i, saving, claim, library, defaults)


def _unit_cost(
    i: int, saving: ClaimSaving, claim: ClaimSpec, library: roi.Library, scenario_costs: dict[str, UnitCost]
) -> None:
    """The unit cost line ``i`` is checked at, and your own value and its price year if you give one."""
    options = cost_choices(saving, library, scenario_costs)
    start_own, latest = claims.own_value_start(saving, claim, library, scenario_costs)
    row = st.columns([4, 2, 1])
    bound(
        row[0].radio,
        "Unit cost to use",
        f"l{i}-basis",
        saving.cost_basis if saving.cost_basis in options else next(iter(options)),
        library,
        lambda v: {
            "line": i,
            "fields": {
                "cost_basis": None if v == "claim" else v,
                "own_value": saving.own_value if v != "own" or saving.own_value is not None else start_own,
                "own_price_year": saving.own_price_year if v != "own" or saving.own_value is not None else latest,
            },
        },
        renew=True,
        options=list(options),
        format_func=lambda k: options[k],
        horizontal=True,
    )
    if saving.cost_basis != "own":
        return
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


def _judgements(i: int, saving: ClaimSaving, claim: ClaimSpec, library: roi.Library, defaults: ClaimDefaults) -> None:
    """Deadweight, attribution, optimism bias and the cash share for line ``i``, each beside the
    library's convention; a button back to the conventions, and one to remove the line."""
    rule = claims.convention(saving, library, defaults, claim)
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
            lambda v, field=field: {"line": i, "field": field, "value": v / 100},
            min_value=0.0,
            max_value=100.0,
            step=5.0,
            format="%.1f",
            help=f"The library's convention: {percent(library_value)}, {why}.",
        )
        col.caption(
            f"Library: {percent(library_value)}" + ("" if own is None or own == library_value else " · yours differs")
        )
    row = st.columns([2, 1, 1])
    own_any = any(getattr(saving, f) is not None for f, *_ in judgements)
    if own_any and row[0].button("Use the library's conventions", key=claim_state.key(f"l{i}-reset")):
        claim_state.change({"line": i, "fields": {f: None for f, *_ in judgements}}, library, renew=True)
        st.rerun()
    if len(claim.savings) > 1 and row[1].button("Remove this line", key=claim_state.key(f"l{i}-remove")):
        claim_state.change({"remove_line": i}, library, renew=True)
        st.rerun()
