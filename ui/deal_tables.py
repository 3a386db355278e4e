"""The Make the deal page's tables, drawn as fitted HTML tables (:mod:`ui.tables`): full pounds where
the column has room, compact money (£1.2m) where it has not, and on a phone the secondary columns
left out with a note saying which. Built from a :class:`roi.analysis.deal.Deal`; money stays numbers until
drawn, and the exports carry every figure to the penny."""

from __future__ import annotations

from typing import Any

import pandas as pd

from roi.analysis import deal

from .tables import fit_table


def _payers(proposal: deal.Deal) -> pd.DataFrame:
    """The partners that put something in or get cash back: the rows a budget holder reads."""
    positions = proposal.positions
    keep = (positions["pv_contribution"].abs() > 0.005) | (positions["pv_cash"].abs() > 0.005)
    return positions[keep] if keep.any() else positions


def _year(value: Any) -> str:
    return deal.year_or_none(value) or "Not within the horizon"


def _percent(value: Any, places: int = 0) -> str:
    return "-" if pd.isna(value) else f"{value:.{places}%}"


def contributions_view(proposal: deal.Deal) -> pd.DataFrame:
    """Who pays what: each partner's share, present value and contribution in each financial year
    in which anyone pays."""
    table = proposal.contributions
    years = [y for y in proposal.years if table[y].abs().sum() > 0.005]
    view = pd.DataFrame({"Partner": table["label"], "Share": [_percent(v, 1) for v in table["share"]]})
    view["Present value"] = table["pv"]
    for year in years:
        view[year] = table[year]
    return view.reset_index(drop=True)


def positions_view(proposal: deal.Deal) -> pd.DataFrame:
    """Where each partner ends up: what it puts in, its cash position (central and P10), its chance
    of losing cash, the year its running cash turns positive and the most it carries before then."""
    positions = proposal.positions
    view = pd.DataFrame(
        {
            "Partner": positions["label"],
            "Puts in": positions["pv_contribution"],
            "Cash position": positions["cash_npv"],
        }
    )
    if "prob_worse_off" in positions:
        view["Cash P10"] = positions["cash_p10"]
        view["Chance of losing cash"] = [_percent(v) for v in positions["prob_worse_off"]]
    view["Cash turns positive"] = [
        _year(y) if paid > 0.005 else "Pays nothing"
        for y, paid in zip(positions["turns_positive_year"], positions["pv_contribution"], strict=True)
    ]
    view["Most carried"] = positions["largest_carried"]
    return view.reset_index(drop=True)


def detail_view(proposal: deal.Deal) -> pd.DataFrame:
    """The rest of each partner's position: capacity freed, fiscal position, £ back per £1, payback."""
    positions = proposal.positions
    view = pd.DataFrame(
        {
            "Partner": positions["label"],
            "Cash back": positions["pv_cash"],
            "Capacity back": positions["pv_capacity"],
            "Fiscal position": positions["fiscal_npv"],
            "£ back per £1": ["-" if pd.isna(v) else f"£{v:,.2f}" for v in positions["roi"]],
            "Payback year": ["-" if pd.isna(v) else f"Year {int(v)}" for v in positions["payback_year"]],
        }
    )
    if "cash_p90" in positions:
        view["Cash P90"] = positions["cash_p90"]
    return view.reset_index(drop=True)


def service_view(proposal: deal.Deal) -> pd.DataFrame:
    """Intervention x partner: each paying partner's share of each intervention's cost."""
    table = proposal.by_intervention
    paying = table.groupby("label", sort=False)["pv"].sum()
    partners = [p for p in paying.index if abs(paying[p]) > 0.005]
    wide = table.pivot_table(index="intervention_label", columns="label", values="share", sort=False)
    wide = wide.reindex(columns=partners).reset_index().rename(columns={"intervention_label": "Intervention"})
    for partner in partners:
        wide[partner] = [_percent(v, 1) for v in wide[partner]]
    wide.columns.name = None
    return wide


def cash_by_year_view(proposal: deal.Deal) -> pd.DataFrame:
    """Financial years down, paying partners across: each partner's running cash position."""
    payers = _payers(proposal)
    view = pd.DataFrame({"Financial year": list(proposal.years)})
    for row in payers.itertuples():
        view[row.label] = list(row.cash_by_year)
    return view


def _money(view: pd.DataFrame) -> list[str]:
    return [c for c in view.columns if pd.api.types.is_numeric_dtype(view[c])]


def draw_contributions(proposal: deal.Deal) -> None:
    view = contributions_view(proposal)
    years = [c for c in view.columns if c not in ("Partner", "Share", "Present value")]
    caption = "Who pays what, each financial year"
    fit_table(view, "deal-contributions", money=_money(view), secondary=years, caption=caption)


def draw_positions(proposal: deal.Deal) -> None:
    view = positions_view(proposal)
    fit_table(
        view,
        "deal-positions",
        money=_money(view),
        secondary=("Cash turns positive", "Most carried"),
        caption="Where each partner ends up (present values)",
    )


def draw_detail(proposal: deal.Deal) -> None:
    view = detail_view(proposal)
    fit_table(view, "deal-detail", money=_money(view), secondary=("£ back per £1", "Payback year", "Cash P90"))


def draw_services(proposal: deal.Deal) -> None:
    fit_table(service_view(proposal), "deal-services", caption="Who funds each service (share of its cost)")


def draw_cash_by_year(proposal: deal.Deal) -> None:
    view = cash_by_year_view(proposal)
    fit_table(view, "deal-cash-years", money=_money(view), caption="Cash against budgets, each financial year")
