"""What the Check a claim page shows of a claim check, built here and only drawn there: the tables
(like for like, the steps, who gets the money, line by line, sources), the sentences that make them
add up, the choices of unit cost a line offers, and the name its downloads take.

Money stays a number where the page fits the table to its column (who gets the money); elsewhere it
is text in full pounds, as the claim report writes it.
"""

from __future__ import annotations

import pandas as pd

from roi.analysis import claims
from roi.analysis.claims import ClaimCheck
from roi.analysis.evidence import plain
from roi.inputs.formats import pounds
from roi.inputs.library import Library
from roi.inputs.schema import ClaimSaving, UnitCost

JUDGEMENTS = ("deadweight", "attribution", "optimism_bias", "cashable_share")
SECONDARY_MONEY = ("Economic value (not a saving)", "Social value (not a saving)")


def percent(value: float | None) -> str:
    """'30%', '12.5%', or '-' for no value."""
    return "-" if value is None else f"{value:.0%}" if abs(value * 100 - round(value * 100)) < 1e-9 else f"{value:.1%}"


def weeks(check: ClaimCheck) -> str:
    """The claim's own period in words: '26 weeks'."""
    return f"{check.period_weeks:g} weeks"


def price_year_note(check: ClaimCheck) -> str:
    """Where the claim's prices come from: as it states, or why another year was taken."""
    if check.claim.price_year:
        return f"The claim's prices: {check.price_year}, as it states."
    return f"{check.price_year_reason[0].upper()}{check.price_year_reason[1:]}."


def defensible_sentence(check: ClaimCheck) -> str:
    """The check in one sentence (Markdown, the defensible figures in bold): for the claim's own
    period, like for like with the claimed figure, then a year."""
    return (
        f"Like for like, a defensible figure for the claim's own {weeks(check)} is "
        f"**{pounds(check.adjusted_period)}** ({check.range_text(period=True)}) at {check.current_price_year} "
        f"prices, against the claimed {pounds(check.claimed)}: {pounds(check.cash * check.period_factor)} in "
        f"cash and {pounds(check.capacity * check.period_factor)} in capacity freed. A year, it is "
        f"{pounds(check.adjusted)} ({check.range_text()})."
    )


def year_sentence(check: ClaimCheck) -> str:
    """The adjusted figure for a year, set beside the steps (Markdown, the figure in bold)."""
    return (
        f"A year (52 weeks), for comparison and not a step: the adjusted figure is **{pounds(check.adjusted)}**, "
        f"of which {pounds(check.cash)} cash."
    )


def steps_note(check: ClaimCheck) -> str:
    """How the steps add up."""
    return (
        f"Every amount is for the claim's own {weeks(check)}. The steps down to optimism bias sum to the adjusted "
        f"{pounds(check.adjusted_period)} less the claimed {pounds(check.claimed)}; the last takes the adjusted "
        "figure to cash."
    )


def flags_heading(check: ClaimCheck) -> str:
    """'1 flag' or '3 flags'."""
    return f"{len(check.flags)} flag{'s' if len(check.flags) > 1 else ''}"


def like_for_like_table(check: ClaimCheck) -> pd.DataFrame:
    """Each headline figure for the claim's own period and for a year, in pounds, one row a figure."""
    table = check.like_for_like()
    return pd.DataFrame(
        {
            "Figure": table["figure"].map(claims.FIGURE_LABELS).str.strip(),
            f"The claim's {weeks(check)}": table["period"].map(pounds),
            "A year (52 weeks)": table["annual"].map(pounds),
        }
    ).set_index("Figure")


def steps_table(check: ClaimCheck) -> pd.DataFrame:
    """From the claimed figure to the adjusted one: each step's change and the running total."""
    steps = check.steps
    return pd.DataFrame(
        {
            "Step": ["Claimed", *steps["label"]],
            "Change": ["", *steps["amount"].map(pounds)],
            "Running total": [pounds(check.claimed), *steps["running_total"].map(pounds)],
        }
    ).set_index("Step")


def money_table(check: ClaimCheck) -> pd.DataFrame:
    """Who gets the money, a year: one row a partner, the pounds as numbers."""
    money = check.value_by_partner()
    return pd.DataFrame(
        {
            "Partner": money["partner_label"],
            "Fiscal saving": money["fiscal"],
            "Cash": money["cash"],
            "Capacity freed": money["capacity"],
            SECONDARY_MONEY[0]: money["economic"],
            SECONDARY_MONEY[1]: money["social"],
        }
    )


def lines_table(check: ClaimCheck) -> pd.DataFrame:
    """Line by line: the unit cost used, its value, who it is booked to, and the judgements applied."""
    lines = check.lines
    return pd.DataFrame(
        {
            "Line": lines["line_label"],
            "Unit cost used": lines["unit_cost_label"] + " (" + lines["cost_basis_label"].str.lower() + ")",
            f"£ per unit ({check.price_year} prices)": lines["unit_value"].map(lambda v: pounds(v, True)),
            "Partner, value type": lines["partner_label"] + ": " + lines["value_type_label"].str.lower(),
            f"Recomputed ({weeks(check)})": lines["recomputed"].map(pounds),
            "Adjusted, a year": lines["adjusted"].map(pounds),
            "Deadweight / attribution / optimism bias / cash share": [
                " / ".join(percent(getattr(r, k)) for k in JUDGEMENTS) for r in lines.itertuples()
            ],
        }
    ).set_index("Line")


def sources_table(check: ClaimCheck) -> pd.DataFrame:
    """The sources of the unit costs the check used (as the report has them: no line references)."""
    sources = check.sources
    return pd.DataFrame(
        {
            "Unit cost": sources["label"],
            "Used as": sources["used_as"],
            "Value": sources["value"].map(lambda v: pounds(v, True)),
            "Price year": sources["price_year"].map(lambda y: "not stated" if pd.isna(y) else f"{int(y)}"),
            "Source": sources["source"].map(plain),
        }
    ).set_index("Unit cost")


def file_stem(check: ClaimCheck) -> str:
    """The downloads' file name: the claim's title, letters and digits only, at most 60 characters."""
    return "".join(ch if ch.isalnum() else "-" for ch in check.claim.claim.lower()).strip("-")[:60] or "claim"


def cost_choices(saving: ClaimSaving, library: Library, scenario_costs: dict[str, UnitCost]) -> dict[str, str]:
    """The unit costs a line can be checked at, each with its value: the library's and the current
    scenario's for a library unit cost, the claim's own for a value the claim gives, and your own."""
    if not saving.unit_cost:
        return {"claim": f"The claim's own: {pounds(saving.value, True)}", "own": "Your own value"}
    cost = library.unit_costs[saving.unit_cost]
    mine = scenario_costs.get(saving.unit_cost, cost)
    return {
        "library": f"Library: {pounds(cost.value, True)} ({cost.price_year} prices)",
        "scenario": f"Current scenario: {pounds(mine.value, True)} ({mine.price_year} prices)",
        "own": "Your own value",
    }
