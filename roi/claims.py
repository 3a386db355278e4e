"""Check a savings claim: recompute it from the library, annualise, adjust honestly, and flag problems.

``recomputed`` is the claim's quantities at the library's unit costs in the claim's own price year
(by default that of the unit costs it uses), so a true claim reproduces. ``annualised`` scales it to
52 weeks. ``adjusted`` uprates that to the current price year and applies deadweight, attribution and
optimism bias; ``low`` and ``high`` bracket it from the ranges of the unit costs and adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .errors import InputError
from .library import ASSUMPTIONS_DIR, Library, load_library, read_yaml, validate
from .model import pounds
from .schema import FISCAL_VALUE_TYPES, ClaimSpec, Frozen, Range, Source

WEEKS_A_YEAR = 52


class ClaimDefaults(Frozen):
    source: Source
    deadweight: float
    deadweight_range: Range
    attribution: float
    attribution_range: Range
    unit_cost_tolerance: float
    max_price_year_age: int
    overlapping_outcomes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Flag:
    """A problem with a claim, in plain words with the figures behind it."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class ClaimCheck:
    """The result of checking a claim. Pounds; see the module docstring for each figure."""

    claim: ClaimSpec
    claimed: float
    recomputed: float
    annualised: float
    adjusted: float
    low: float
    high: float
    price_year: int
    current_price_year: int
    lines: pd.DataFrame
    flags: tuple[Flag, ...] = field(default_factory=tuple)

    def payload(self) -> dict[str, Any]:
        """The `check-claim --json` document."""
        return {
            "claim": self.claim.claim,
            "claimed": self.claimed,
            "recomputed": self.recomputed,
            "annualised": self.annualised,
            "adjusted": self.adjusted,
            "low": self.low,
            "high": self.high,
            "price_year": self.price_year,
            "current_price_year": self.current_price_year,
            "flags": [f.as_dict() for f in self.flags],
            "by_partner": self.by_partner().to_dict(orient="records"),
        }

    def by_partner(self) -> pd.DataFrame:
        """Which partner each pound lands with: the library's bearers, recomputed and adjusted."""
        table = self.lines.groupby(["partner", "value_type"], as_index=False)[["recomputed", "adjusted"]].sum()
        return table.sort_values("adjusted", ascending=False, kind="stable").reset_index(drop=True)


def load_claim_defaults(library: Library | None = None) -> ClaimDefaults:
    root = ASSUMPTIONS_DIR if library is None else library.root
    return validate(ClaimDefaults, read_yaml(f"{root}/claim_defaults.yaml"), "claim_defaults.yaml")


def _adjustments(library: Library, unit_cost: str | None, defaults: ClaimDefaults) -> tuple[float, Range, float, Range]:
    """Deadweight and attribution (with ranges) for a unit cost: from the first library intervention
    that uses it, else the claim defaults."""
    for intervention in library.interventions.values():
        for outcome in intervention.outcomes:
            if outcome.unit_cost == unit_cost:
                dw_range = outcome.ranges.get("deadweight", (outcome.deadweight, outcome.deadweight))
                at_range = outcome.ranges.get("attribution", (outcome.attribution, outcome.attribution))
                return outcome.deadweight, tuple(dw_range), outcome.attribution, tuple(at_range)
    return defaults.deadweight, defaults.deadweight_range, defaults.attribution, defaults.attribution_range


def check_claim(claim: ClaimSpec, library: Library | None = None, file: str = "claim") -> ClaimCheck:
    """Recompute, annualise and adjust a claim, and flag each problem with the figures behind it."""
    library = library or load_library()
    defaults = load_claim_defaults()
    low_year, current = library.deflator_years()
    flags: list[Flag] = []
    known = [s for s in claim.savings if s.unit_cost is not None]
    for i, saving in enumerate(claim.savings):
        if saving.unit_cost is not None and saving.unit_cost not in library.unit_costs:
            raise InputError(
                file,
                f"savings[{i}].unit_cost",
                f"unknown unit cost '{saving.unit_cost}'; known: {', '.join(sorted(library.unit_costs))}",
            )
        if saving.partner is not None and saving.partner not in library.partners:
            raise InputError(
                file,
                f"savings[{i}].partner",
                f"unknown partner '{saving.partner}'; known: {', '.join(library.partners)}",
            )
    price_year = claim.price_year or (library.unit_costs[known[0].unit_cost].price_year if known else current)
    if price_year not in library.deflator.index:
        raise InputError(
            file, "price_year", f"{price_year} is outside the GDP deflator; allowed: {low_year} to {current}"
        )
    if claim.price_year is None:
        flags.append(
            Flag(
                "no_price_year",
                f"The claim states no price year; it is taken as {price_year}"
                + (", the price year of the unit costs it uses." if known else "."),
            )
        )
    elif current - claim.price_year > defaults.max_price_year_age:
        flags.append(
            Flag(
                "old_price_year",
                f"The claim's prices are from {claim.price_year}, "
                f"{current - claim.price_year} years before {current}; uprated by "
                f"{library.deflator_factor(claim.price_year, current):.3f} with the GDP deflator.",
            )
        )
    weeks = claim.period_weeks or WEEKS_A_YEAR
    if claim.period_weeks is None:
        flags.append(Flag("no_period", "The claim states no period; it is taken to cover one year (52 weeks)."))
    uprate = library.deflator_factor(price_year, current)
    rows = []
    for saving in claim.savings:
        rows.extend(_line(saving, library, defaults, price_year, uprate, weeks, claim, flags))
    lines = pd.DataFrame(rows)
    _overlap_flags(claim, defaults, flags)
    if not (claim.deadweight_applied and claim.attribution_applied):
        missing = [
            name
            for name, done in (("deadweight", claim.deadweight_applied), ("attribution", claim.attribution_applied))
            if not done
        ]
        flags.append(
            Flag(
                "no_adjustments",
                f"No {' or '.join(missing)} applied: the claim counts every outcome as "
                f"caused by the scheme. Applying the library's figures takes the annual "
                f"{pounds(lines['annualised'].sum())} to {pounds(lines['adjusted'].sum())} at "
                f"{current} prices.",
            )
        )
    benchmarks = library.ratio_benchmarks
    if claim.ratio_per_pound is not None and claim.ratio_per_pound > benchmarks.plausible_max_per_pound:
        published = sorted(b.value_per_pound for b in benchmarks.benchmarks if not b.outlier)
        flags.append(
            Flag(
                "ratio_outlier",
                f"£{claim.ratio_per_pound:,.2f} per £1 is far outside the published "
                f"range for prevention services (£{published[0]:,.2f} to £{published[-1]:,.2f} per £1); "
                f"treat it as unverified until its source is traced.",
            )
        )
    recomputed = float(lines["recomputed"].sum())
    if abs(recomputed - claim.claimed_saving) > max(1.0, 0.01 * claim.claimed_saving):
        flags.append(
            Flag(
                "does_not_reproduce",
                f"The claimed {pounds(claim.claimed_saving)} does not reproduce: "
                f"the quantities at the library's unit costs give {pounds(recomputed)}.",
            )
        )
    return ClaimCheck(
        claim=claim,
        claimed=float(claim.claimed_saving),
        recomputed=recomputed,
        annualised=float(lines["annualised"].sum()),
        adjusted=float(lines["adjusted"].sum()),
        low=float(lines["low"].sum()),
        high=float(lines["high"].sum()),
        price_year=price_year,
        current_price_year=current,
        lines=lines,
        flags=tuple(flags),
    )


def _line(
    saving,
    library: Library,
    defaults: ClaimDefaults,
    price_year: int,
    uprate: float,
    weeks: float,
    claim: ClaimSpec,
    flags: list[Flag],
) -> list[dict[str, Any]]:  # noqa: ANN001 - a ClaimSaving
    """The rows of one claim line, one per bearer of its unit cost, and any flags it raises."""
    annualise = WEEKS_A_YEAR / weeks
    name = saving.label or (library.unit_costs[saving.unit_cost].label if saving.unit_cost else "saving")
    if saving.unit_cost is None:
        flags.append(
            Flag(
                "own_unit_value",
                f"'{name}': {pounds(saving.value)} is the claim's own figure with no "
                "unit cost or quantity in the library to trace it to; it is used as given.",
            )
        )
        bearers = [(saving.partner, saving.value_type or "fiscal_cashable", 1.0)]
        value, low_value, high_value, confidence = saving.value, saving.value, saving.value, "low"
    else:
        cost = library.unit_costs[saving.unit_cost]
        factor = library.deflator_factor(cost.price_year, price_year)
        value = cost.value * factor
        low_value = (cost.low if cost.low is not None else cost.value) * factor
        high_value = (cost.high if cost.high is not None else cost.value) * factor
        confidence = cost.confidence
        bearers = [(b.partner, b.value_type, b.share) for b in cost.bearers()]
        if saving.value is not None and value > 0 and abs(saving.value - value) / value > defaults.unit_cost_tolerance:
            flags.append(
                Flag(
                    "unit_cost_differs",
                    f"'{name}': the claim values a unit at {pounds(saving.value, True)}; "
                    f"the library's {cost.label.lower()} is {pounds(value, True)} at {price_year} prices "
                    f"({(saving.value - value) / value:+.0%}).",
                )
            )
        bearer_ids = {b[0] for b in bearers}
        if saving.partner is not None and saving.partner not in bearer_ids:
            flags.append(
                Flag(
                    "wrong_partner",
                    f"'{name}' is booked to {library.partners[saving.partner].label}, "
                    f"but {cost.label.lower()} is borne by "
                    f"{', '.join(library.partners[p].label for p in bearer_ids)}.",
                )
            )
        if saving.value_type == "fiscal_cashable" and any(b[1] == "fiscal_non_cashable" for b in bearers):
            flags.append(
                Flag(
                    "capacity_as_cash",
                    f"'{name}' is presented as cash, but {cost.label.lower()} frees "
                    f"capacity: it is cash only where beds close or planned spending stops "
                    f"({pounds(saving.quantity * value)} non-cashable).",
                )
            )
    if any(b[1] in ("economic", "social") for b in bearers) or (saving.value_type in ("economic", "social")):
        kinds = sorted(
            {b[1] for b in bearers if b[1] in ("economic", "social")}
            | ({saving.value_type} if saving.value_type in ("economic", "social") else set())
        )
        flags.append(
            Flag(
                "non_fiscal_as_saving",
                f"'{name}' includes {' and '.join(kinds)} value (such as QALYs, "
                "wellbeing, GVA or self-funders' costs), which is not a saving to any public body.",
            )
        )
    dw, dw_range, at, at_range = _adjustments(library, saving.unit_cost, defaults)
    ob_table = library.optimism_bias.by_confidence
    ob = ob_table[confidence]
    keep = 1 if claim.deadweight_applied else (1 - dw)
    keep_low = 1 if claim.deadweight_applied else (1 - max(dw_range))
    keep_high = 1 if claim.deadweight_applied else (1 - min(dw_range))
    credit = 1 if claim.attribution_applied else at
    credit_low = 1 if claim.attribution_applied else min(at_range)
    credit_high = 1 if claim.attribution_applied else max(at_range)
    rows = []
    for partner, value_type, share in bearers:
        recomputed = saving.quantity * value * share
        annual = recomputed * annualise
        rows.append(
            {
                "line": name,
                "unit_cost": saving.unit_cost,
                "partner": partner,
                "value_type": value_type,
                "quantity": saving.quantity,
                "unit_value": value,
                "recomputed": recomputed,
                "annualised": annual,
                "adjusted": annual * uprate * keep * credit * (1 - ob),
                "low": saving.quantity * low_value * share * annualise * uprate * keep_low * credit_low * (1 - ob),
                "high": saving.quantity * high_value * share * annualise * uprate * keep_high * credit_high * (1 - ob),
                "deadweight": 0.0 if claim.deadweight_applied else dw,
                "attribution": 1.0 if claim.attribution_applied else at,
                "optimism_bias": ob,
                "fiscal": value_type in FISCAL_VALUE_TYPES,
            }
        )
    return rows


def _overlap_flags(claim: ClaimSpec, defaults: ClaimDefaults, flags: list[Flag]) -> None:
    ids = [s.unit_cost for s in claim.savings if s.unit_cost]
    for unit_cost in sorted({u for u in ids if ids.count(u) > 1}):
        schemes = sorted({s.intervention or "the same scheme" for s in claim.savings if s.unit_cost == unit_cost})
        flags.append(
            Flag(
                "double_count",
                f"'{unit_cost}' is counted {ids.count(unit_cost)} times (claimed by "
                f"{', '.join(schemes)}): the same outcomes may be counted twice.",
            )
        )
    for first, second in defaults.overlapping_outcomes:
        if first in ids and second in ids:
            flags.append(
                Flag(
                    "double_count",
                    f"'{first}' and '{second}' overlap (an admission includes its "
                    "bed-days, a placement its weeks): counting both counts the same benefit twice.",
                )
            )
