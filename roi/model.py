"""The deterministic calculation: a resolved scenario in, tidy pandas tables out.

Symbols follow docs/method.md. For intervention i funded in programme years p = 0..P-1 with n_i
cases a year, outcome k of unit cost c_k (uprated), quantity q_k per case, deadweight dw,
displacement dp, attribution at, drop-off d, duration D, appraisal year t = 0..H-1, cohort age
a = t - p (0 <= a < D):

    benefit_ikt = n_i q_k (1 - dw)(1 - dp) at (1 - d)^a c_k (1 - OB_i)
    cost_it     = n_i cost_per_case_i + fixed_i      for t < P, shared across funders
    PV(x)       = sum_t x_t DF_t,   DF_t = prod_{s<t} 1 / (1 + r_s)

Years and cohorts are numpy arrays; the only Python loops are over interventions and outcomes.
All amounts are pounds at the scenario's price year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .library import Scenario
from .schema import FISCAL_VALUE_TYPES, VALUE_TYPES, Bearer, Intervention

# Stages a benefit passes through, gross to net (before discounting); the waterfall's steps.
STAGES = ("gross", "after_drop_off", "after_deadweight", "after_displacement", "after_attribution", "amount")
STAGE_LABELS = {
    "after_drop_off": "Drop-off",
    "after_deadweight": "Deadweight",
    "after_displacement": "Displacement",
    "after_attribution": "Attribution",
    "amount": "Optimism bias",
}


def financial_year(start: int) -> str:
    """'2024/25' for the financial year starting in April 2024."""
    return f"{start}/{(start + 1) % 100:02d}"


def discount_factors(scenario: Scenario) -> np.ndarray:
    """DF_t for t = 0..H-1: year 0 is undiscounted; the rate r_s of year s compounds into DF_{s+1}."""
    settings = scenario.settings
    horizon = settings.horizon_years
    if settings.discount_rate is not None:
        rates = np.full(horizon, settings.discount_rate)
    else:
        bands = scenario.library.discount_schedules[settings.discount_schedule].bands
        starts = np.array([b.from_year for b in bands])
        band_rates = np.array([b.rate for b in bands])
        rates = band_rates[np.searchsorted(starts, np.arange(horizon), side="right") - 1]
    return np.concatenate(([1.0], np.cumprod(1.0 / (1.0 + rates[:-1]))))


def cohort_weights(horizon: int, programme_years: int, duration: int, drop_off: float) -> tuple[np.ndarray, np.ndarray]:
    """For each appraisal year t: the number of live cohorts, and the same weighted by (1 - d)^a."""
    age = np.arange(horizon)[:, None] - np.arange(programme_years)[None, :]
    live = (age >= 0) & (age < duration)
    persisting = np.where(live, (1.0 - drop_off) ** np.clip(age, 0, None), 0.0)
    return live.sum(axis=1).astype(float), persisting.sum(axis=1)


def optimism_bias(scenario: Scenario, intervention: Intervention) -> float:
    """OB_i: the intervention's own, else the scenario's, else the table by evidence confidence."""
    if intervention.optimism_bias is not None:
        return intervention.optimism_bias
    settings = scenario.settings
    if settings.optimism_bias is not None:
        return settings.optimism_bias
    table = settings.optimism_bias_by_confidence or scenario.library.optimism_bias.by_confidence
    return table.get(intervention.confidence, scenario.library.optimism_bias.by_confidence[intervention.confidence])


def cost_stream(scenario: Scenario, intervention: Intervention) -> np.ndarray:
    """cost_it in pounds at the scenario's price year, for t = 0..H-1 (zero after the programme)."""
    settings = scenario.settings
    per_year = intervention.cases_per_year * intervention.cost_per_case + intervention.fixed_cost_per_year
    per_year *= scenario.uprating_factor(intervention.price_year)
    return np.where(np.arange(settings.horizon_years) < settings.programme_years, per_year, 0.0)


@dataclass(frozen=True)
class BenefitLine:
    """One benefit stream before it is split across bearers: stages by year, and who receives it."""

    intervention: str
    outcome: str
    stages: dict[str, np.ndarray]
    bearers: tuple[Bearer, ...]


def benefit_lines(scenario: Scenario, intervention: Intervention, costs: np.ndarray) -> list[BenefitLine]:
    """The benefit streams of one intervention, each with its stages from gross to net."""
    settings = scenario.settings
    ob = optimism_bias(scenario, intervention)
    lines = []
    if intervention.ratio is not None:
        ratio = intervention.ratio
        gross = ratio.value_per_pound * costs
        lines.append(
            _staged(
                intervention.id,
                "ratio",
                gross,
                gross,
                ratio.deadweight,
                ratio.displacement,
                ratio.attribution,
                ob,
                ratio.benefit_split,
            )
        )
        return lines
    for outcome in intervention.outcomes:
        unit = scenario.unit_costs[outcome.unit_cost]
        value = unit.value * scenario.uprating_factor(unit.price_year)
        live, persisting = cohort_weights(
            settings.horizon_years, settings.programme_years, outcome.duration_years, outcome.drop_off
        )
        per_cohort = intervention.cases_per_year * outcome.quantity_per_case * value
        lines.append(
            _staged(
                intervention.id,
                outcome.unit_cost,
                per_cohort * live,
                per_cohort * persisting,
                outcome.deadweight,
                outcome.displacement,
                outcome.attribution,
                ob,
                unit.bearers(),
            )
        )
    return lines


def _staged(
    intervention: str,
    outcome: str,
    gross: np.ndarray,
    after_drop_off: np.ndarray,
    deadweight: float,
    displacement: float,
    attribution: float,
    ob: float,
    bearers: tuple[Bearer, ...],
) -> BenefitLine:
    after_deadweight = after_drop_off * (1.0 - deadweight)
    after_displacement = after_deadweight * (1.0 - displacement)
    after_attribution = after_displacement * attribution
    stages = {
        "gross": gross,
        "after_drop_off": after_drop_off,
        "after_deadweight": after_deadweight,
        "after_displacement": after_displacement,
        "after_attribution": after_attribution,
        "amount": after_attribution * (1.0 - ob),
    }
    return BenefitLine(intervention, outcome, stages, bearers)


@dataclass(frozen=True)
class Result:
    """Everything `roi.run` computes, as tidy tables. Pounds at the scenario's price year.

    ``benefits``: one row per intervention x outcome x bearer x year, with each stage from gross to
    net and its present value. ``costs``: one row per intervention x funder x year.
    """

    scenario: Scenario
    benefits: pd.DataFrame
    costs: pd.DataFrame
    discount_factors: np.ndarray
    warnings: tuple[str, ...] = field(default_factory=tuple)

    # -- headline figures --------------------------------------------------------------------------

    @cached_property
    def totals(self) -> dict[str, Any]:
        """PV costs and benefits by value type, NPV, BCR, fiscal ROI, payback and cashable share.

        Computed once per result; pages read it several times a rerun."""
        by_type = self.benefits.groupby("value_type")["pv"].sum().reindex(list(VALUE_TYPES), fill_value=0.0)
        pv_costs = float(self.costs["pv"].sum())
        pv_benefits = float(by_type.sum())
        pv_fiscal = float(by_type[list(FISCAL_VALUE_TYPES)].sum())
        payback = self.payback_year()
        return {
            "pv_costs": pv_costs,
            "pv_benefits": pv_benefits,
            "pv_fiscal": pv_fiscal,
            "pv_cashable": float(by_type["fiscal_cashable"]),
            "pv_non_cashable": float(by_type["fiscal_non_cashable"]),
            "pv_economic": float(by_type["economic"]),
            "pv_social": float(by_type["social"]),
            "npv": pv_benefits - pv_costs,
            "fiscal_npv": pv_fiscal - pv_costs,
            "bcr": ratio_or_none(pv_benefits, pv_costs),
            "fiscal_roi": ratio_or_none(pv_fiscal, pv_costs),
            "cashable_share": ratio_or_none(float(by_type["fiscal_cashable"]), pv_fiscal),
            "payback_year": payback,
            "payback_financial_year": (
                financial_year(self.scenario.settings.first_year + payback - 1) if payback else None
            ),
            "investment": float(self.costs["amount"].sum()),
            "gross_benefits": float(self.benefits["gross"].sum()),
        }

    def payback_year(self) -> int | None:
        """First appraisal year (1 = the first) by whose end discounted fiscal savings cover discounted
        costs; None if they never do within the horizon or there is no cost."""
        fiscal = self.benefits[self.benefits["value_type"].isin(FISCAL_VALUE_TYPES)]
        horizon = self.scenario.settings.horizon_years
        saved = np.bincount(fiscal["year"], weights=fiscal["pv"], minlength=horizon)
        spent = np.bincount(self.costs["year"], weights=self.costs["pv"], minlength=horizon)
        if spent.sum() <= 0:
            return None
        covered = np.cumsum(saved) - np.cumsum(spent) >= -0.005
        return int(np.argmax(covered)) + 1 if covered.any() else None

    # -- tables ------------------------------------------------------------------------------------

    def by_partner(self) -> pd.DataFrame:
        """One row per partner: PV costs it funds, PV benefits it receives by value type, net."""
        library = self.scenario.library
        received = self.benefits.pivot_table(index="partner", columns="value_type", values="pv", aggfunc="sum")
        received = received.reindex(columns=list(VALUE_TYPES), fill_value=0.0).fillna(0.0)
        funded = self.costs.groupby("partner")["pv"].sum()
        partners = [p for p in library.partners if p in received.index or p in funded.index]
        table = pd.DataFrame({"partner": partners})
        table["label"] = [library.partners[p].label for p in partners]
        table["fiscal_body"] = [library.partners[p].fiscal for p in partners]
        table["pv_costs"] = funded.reindex(partners, fill_value=0.0).to_numpy()
        for value_type in VALUE_TYPES:
            table[f"pv_{value_type}"] = received[value_type].reindex(partners, fill_value=0.0).to_numpy()
        table["pv_fiscal"] = table["pv_fiscal_cashable"] + table["pv_fiscal_non_cashable"]
        table["pv_benefits"] = table[[f"pv_{v}" for v in VALUE_TYPES]].sum(axis=1)
        table["npv"] = table["pv_benefits"] - table["pv_costs"]
        table["fiscal_npv"] = table["pv_fiscal"] - table["pv_costs"]
        return table

    def by_intervention(self) -> pd.DataFrame:
        """One row per intervention: PV costs, benefits, NPV, BCR and fiscal ROI; ratio-based marked."""
        rows = []
        for intervention in self.scenario.interventions:
            benefits = self.benefits[self.benefits["intervention"] == intervention.id]
            pv_costs = float(self.costs.loc[self.costs["intervention"] == intervention.id, "pv"].sum())
            pv_benefits = float(benefits["pv"].sum())
            pv_fiscal = float(benefits.loc[benefits["value_type"].isin(FISCAL_VALUE_TYPES), "pv"].sum())
            rows.append(
                {
                    "intervention": intervention.id,
                    "label": intervention.label,
                    "ratio_based": intervention.ratio_based,
                    "confidence": intervention.confidence,
                    "cases_per_year": intervention.cases_per_year,
                    "optimism_bias": optimism_bias(self.scenario, intervention),
                    "pv_costs": pv_costs,
                    "pv_benefits": pv_benefits,
                    "pv_fiscal": pv_fiscal,
                    "npv": pv_benefits - pv_costs,
                    "bcr": ratio_or_none(pv_benefits, pv_costs),
                    "fiscal_roi": ratio_or_none(pv_fiscal, pv_costs),
                }
            )
        return pd.DataFrame(rows)

    def by_year(self) -> pd.DataFrame:
        """One row per appraisal year: costs and benefits (undiscounted and PV), cumulative fiscal net."""
        settings = self.scenario.settings
        years = np.arange(settings.horizon_years)
        fiscal = self.benefits["value_type"].isin(FISCAL_VALUE_TYPES)

        def per_year(frame: pd.DataFrame, column: str) -> np.ndarray:
            return np.bincount(frame["year"], weights=frame[column], minlength=len(years))

        table = pd.DataFrame(
            {"year": years + 1, "financial_year": [financial_year(settings.first_year + t) for t in years]}
        )
        table["discount_factor"] = self.discount_factors
        table["costs"] = per_year(self.costs, "amount")
        table["benefits"] = per_year(self.benefits, "amount")
        table["fiscal_benefits"] = per_year(self.benefits[fiscal], "amount")
        table["pv_costs"] = per_year(self.costs, "pv")
        table["pv_benefits"] = per_year(self.benefits, "pv")
        table["pv_fiscal_benefits"] = per_year(self.benefits[fiscal], "pv")
        table["cumulative_pv_fiscal_net"] = np.cumsum(table["pv_fiscal_benefits"] - table["pv_costs"])
        return table

    def by_partner_year(self) -> pd.DataFrame:
        """Undiscounted cash flows by partner and year: benefits received less costs funded."""
        settings = self.scenario.settings
        received = self.benefits.groupby(["partner", "year"], as_index=False)["amount"].sum()
        funded = self.costs.groupby(["partner", "year"], as_index=False)["amount"].sum()
        funded["amount"] = -funded["amount"]
        flows = pd.concat([received.assign(flow="benefit"), funded.assign(flow="cost")], ignore_index=True)
        flows["financial_year"] = [financial_year(settings.first_year + t) for t in flows["year"]]
        flows["label"] = flows["partner"].map(lambda p: self.scenario.library.partners[p].label)
        return flows

    def by_value_type(self) -> pd.DataFrame:
        table = self.benefits.groupby("value_type")[["gross", "amount", "pv"]].sum()
        return table.reindex(list(VALUE_TYPES), fill_value=0.0).rename_axis("value_type").reset_index()

    def who_pays_who_saves(self, value_types: tuple[str, ...] = VALUE_TYPES) -> pd.DataFrame:
        """Funding partner (rows) x benefiting partner (columns): PV benefits of the chosen value types,
        each intervention's benefit split across its funders by their funding shares."""
        benefits = self.benefits[self.benefits["value_type"].isin(value_types)]
        received = benefits.groupby(["intervention", "partner"])["pv"].sum()
        rows = []
        for intervention in self.scenario.interventions:
            if intervention.id not in received.index.get_level_values(0):
                continue
            for funder, share in intervention.funded_by.items():
                for partner, pv in received.loc[intervention.id].items():
                    rows.append({"funder": funder, "beneficiary": partner, "pv": pv * share})
        frame = pd.DataFrame(rows, columns=["funder", "beneficiary", "pv"])
        matrix = frame.pivot_table(index="funder", columns="beneficiary", values="pv", aggfunc="sum", fill_value=0.0)
        order = list(self.scenario.library.partners)
        return matrix.reindex(
            index=[p for p in order if p in matrix.index], columns=[p for p in order if p in matrix.columns]
        )

    def waterfall(self, partner: str | None = None, value_types: tuple[str, ...] = VALUE_TYPES) -> pd.DataFrame:
        """Steps from gross benefit to net present value: each adjustment as a signed amount."""
        benefits = self.benefits[self.benefits["value_type"].isin(value_types)]
        costs = self.costs
        if partner is not None:
            benefits = benefits[benefits["partner"] == partner]
            costs = costs[costs["partner"] == partner]
        totals = benefits[list(STAGES) + ["pv"]].sum()
        steps = [("Gross benefit", float(totals["gross"]))]
        previous = "gross"
        for stage in STAGES[1:]:
            steps.append((STAGE_LABELS[stage], float(totals[stage] - totals[previous])))
            previous = stage
        steps.append(("Discounting", float(totals["pv"] - totals["amount"])))
        steps.append(("Costs", -float(costs["pv"].sum())))
        return pd.DataFrame(steps, columns=["step", "amount"])


def ratio_or_none(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None where there is nothing to divide by ("no cost")."""
    return numerator / denominator if denominator > 0 else None


def _warnings(scenario: Scenario) -> tuple[str, ...]:
    notes = []
    plausible = scenario.library.ratio_benchmarks.plausible_max_per_pound
    for intervention in scenario.interventions:
        if intervention.ratio is not None:
            notes.append(
                f"{intervention.label} is valued by a published ratio "
                f"(£{intervention.ratio.value_per_pound:,.2f} per £1), not by outcomes."
            )
            if intervention.ratio.value_per_pound > plausible:
                notes.append(
                    f"{intervention.label}: £{intervention.ratio.value_per_pound:,.2f} per £1 is far "
                    f"outside the published range (up to £{plausible:,.2f} per £1)."
                )
    return tuple(notes)


def run(scenario: Scenario) -> Result:
    """Run the deterministic model on a resolved scenario (see :func:`roi.load_scenario`)."""
    settings = scenario.settings
    horizon = settings.horizon_years
    factors = discount_factors(scenario)
    years = np.arange(horizon)
    benefit_parts: list[dict[str, np.ndarray]] = []
    cost_parts: list[dict[str, np.ndarray]] = []
    for intervention in scenario.interventions:
        costs = cost_stream(scenario, intervention)
        for funder, share in intervention.funded_by.items():
            cost_parts.append(
                {
                    "intervention": np.repeat(intervention.id, horizon),
                    "partner": np.repeat(funder, horizon),
                    "year": years,
                    "amount": costs * share,
                }
            )
        for line in benefit_lines(scenario, intervention, costs):
            for bearer in line.bearers:
                part = {
                    "intervention": np.repeat(line.intervention, horizon),
                    "outcome": np.repeat(line.outcome, horizon),
                    "partner": np.repeat(bearer.partner, horizon),
                    "value_type": np.repeat(bearer.value_type, horizon),
                    "year": years,
                }
                part.update({stage: values * bearer.share for stage, values in line.stages.items()})
                benefit_parts.append(part)
    benefits = _frame(benefit_parts, ["intervention", "outcome", "partner", "value_type", "year", *STAGES])
    if scenario.spec.deal is not None:  # an applied gain share: payments between partners (roi.deal)
        from .deal import gain_share_parts

        cost_parts += gain_share_parts(scenario, benefits)
    costs = _frame(cost_parts, ["intervention", "partner", "year", "amount"])
    benefits["discount_factor"] = factors[benefits["year"].to_numpy()]
    benefits["pv"] = benefits["amount"] * benefits["discount_factor"]
    costs["discount_factor"] = factors[costs["year"].to_numpy()]
    costs["pv"] = costs["amount"] * costs["discount_factor"]
    return Result(
        scenario=scenario, benefits=benefits, costs=costs, discount_factors=factors, warnings=_warnings(scenario)
    )


def _frame(parts: list[dict[str, np.ndarray]], columns: list[str]) -> pd.DataFrame:
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=float if c in STAGES or c == "amount" else object) for c in columns})
        frame["year"] = frame["year"].astype(int)
        return frame
    data = {c: np.concatenate([p[c] for p in parts]) for c in columns}
    return pd.DataFrame(data)


def pounds(value: float | None, pence: bool = False) -> str:
    """£1,234 (or £1,234.56): the one formatter of pounds; negative as -£1,234; None as '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"£{abs(value):,.2f}" if pence else f"£{abs(round(value)):,.0f}"
    return f"-{text}" if value < 0 and text not in ("£0", "£0.00") else text


def number(value: float | None) -> str:
    """A plain number for tables: 29,000 or 0.75 (never scientific notation); None as '-'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
