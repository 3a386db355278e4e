"""The Make the deal page's tables, each narrow enough for a 1280x720 projector without sideways
scrolling: a few columns each, money as £1.2m (the exact pounds are in the exports). Built from a
:class:`roi.deal.Deal`; numbers stay numbers, formatted by a Styler."""

from __future__ import annotations

from typing import Any

import pandas as pd

from roi import deal
from roi.charts import short_pounds


def _payers(proposal: deal.Deal) -> pd.DataFrame:
    """The partners that put something in or get cash back: the rows a budget holder reads."""
    positions = proposal.positions
    keep = (positions["pv_contribution"].abs() > 0.005) | (positions["pv_cash"].abs() > 0.005)
    return positions[keep] if keep.any() else positions


def _year(value: Any) -> str:
    return deal.year_or_none(value) or "Not within the horizon"


def positions_view(proposal: deal.Deal) -> Any:
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
    money = ["Puts in", "Cash position", "Most carried"]
    formats: dict[str, Any] = {}
    if "prob_worse_off" in positions:
        view["Cash P10"] = positions["cash_p10"]
        view["Chance of losing cash"] = positions["prob_worse_off"]
        money.append("Cash P10")
        formats["Chance of losing cash"] = "{:.0%}"
    view["Cash turns positive"] = [
        _year(y) if paid > 0.005 else "Pays nothing"
        for y, paid in zip(positions["turns_positive_year"], positions["pv_contribution"], strict=True)
    ]
    view["Most carried"] = positions["largest_carried"]
    return view.style.format(formats | dict.fromkeys(money, short_pounds))


def detail_view(proposal: deal.Deal) -> Any:
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
    money = ["Cash back", "Capacity back", "Fiscal position"]
    if "cash_p90" in positions:
        view["Cash P90"] = positions["cash_p90"]
        money.append("Cash P90")
    return view.style.format(dict.fromkeys(money, short_pounds))


def service_view(proposal: deal.Deal) -> Any:
    """Intervention x partner: each paying partner's share of each intervention's cost."""
    table = proposal.by_intervention
    paying = table.groupby("label", sort=False)["pv"].sum()
    partners = [p for p in paying.index if abs(paying[p]) > 0.005]
    wide = table.pivot_table(index="intervention_label", columns="label", values="share", sort=False)
    wide = wide.reindex(columns=partners).reset_index().rename(columns={"intervention_label": "Intervention"})
    return wide.style.format(dict.fromkeys(partners, "{:.1%}"))


def cash_by_year_view(proposal: deal.Deal) -> Any:
    """Financial years down, paying partners across: each partner's running cash position."""
    payers = _payers(proposal)
    view = pd.DataFrame({"Financial year": list(proposal.years)})
    for row in payers.itertuples():
        view[row.label] = list(row.cash_by_year)
    return view.style.format(dict.fromkeys(list(payers["label"]), short_pounds))
