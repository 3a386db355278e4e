"""Each partner's position as the dashboard shows it: a table of pounds and payback years, one row per
partner that puts in or gets back anything."""

from __future__ import annotations

import pandas as pd

from roi.analysis.summary import partner_positions, year_label
from roi.engine.model import Result

PARTNER_MONEY = ("Puts in", "Cash back", "Capacity freed", "Economic and social value", "Cash position")


def partner_positions_table(result: Result) -> pd.DataFrame:
    """Each partner's position as numbers (None where a partner is not a public body): puts in, cash
    back, capacity freed, economic and social value (individuals' and the wider economy's, never a
    saving), cash position, and the year it pays back on its own."""
    rows = partner_positions(result)
    rows = rows[rows[["pv_costs", "cash", "capacity", "other_value"]].abs().max(axis=1) > 0.5]
    public = list(rows["fiscal_body"])
    return pd.DataFrame(
        {
            "Partner": list(rows["label"]),
            "Puts in": list(rows["pv_costs"]),
            "Cash back": [v if p else None for v, p in zip(rows["cash"], public, strict=True)],
            "Capacity freed": [v if p else None for v, p in zip(rows["capacity"], public, strict=True)],
            "Economic and social value": list(rows["other_value"]),
            "Cash position": list(rows["cash_npv"]),
            "Pays back (own)": [
                year_label(result, None if pd.isna(year) else int(year)) if paid > 0.5 else "Pays nothing"
                for year, paid in zip(rows["payback_year"], rows["pv_costs"], strict=True)
            ],
        }
    )
