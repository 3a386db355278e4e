"""How figures are written for people, the one rule for each: pounds, percentages, returns per £1,
cases a year, plain numbers and financial years. Every layer writes figures with these."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def financial_year(start: int) -> str:
    """'2024/25' for the financial year starting in April 2024."""
    return f"{start}/{(start + 1) % 100:02d}"


def pounds(value: float | None, pence: bool = False) -> str:
    """£1,234 (or £1,234.56): the one formatter of pounds; negative as -£1,234; None as '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"£{abs(value):,.2f}" if pence else f"£{abs(round(value)):,.0f}"
    return f"-{text}" if value < 0 and text not in ("£0", "£0.00") else text


def percent(rate: float) -> str:
    """A rate in words: 0.035 is '3.5%', 0.1 is '10%', 0.0128571 is '1.286%'."""
    return f"{rate * 100:.4g}%"


def per_pound(value: float | None) -> str:
    """£0.31 back per £1, or 'no cost' when nothing is spent: the one formatter of returns per £1."""
    return "no cost" if value is None else f"£{value:,.2f}"


def cases_tenths(value: float) -> float:
    """Cases a year to the tenth shown everywhere (screen, board pack, workbook): half a tenth rounds
    up, as a spreadsheet rounds, so 192.45 is 192.5 and 72.60000000000001 is 72.6. The model itself
    uses the unrounded volume (a rate per 100,000 people times the population)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def cases(value: float | None) -> str:
    """Cases a year in words, the one rule for fractional volumes: to one decimal place, a whole
    number without it (193, 192.5, 1,400); None as '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    tenths = cases_tenths(value)
    return f"{tenths:,.0f}" if tenths.is_integer() else f"{tenths:,.1f}"


def number(value: float | None) -> str:
    """A plain number for tables: 29,000 or 0.75 (never scientific notation); None as '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
