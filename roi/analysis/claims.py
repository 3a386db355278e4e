"""Check a savings claim: recompute it, annualise it, adjust it honestly, explain each step, and flag problems.

The figures (pounds):

- ``recomputed``: the claim's quantities at each line's chosen unit cost (the library's unless the
  person checking chose the current scenario's or their own) in the claim's own price year (as
  stated; else the year it was made, ``claimed_on``; else the GDP deflator's latest outturn year),
  over the claim's own period. ``recomputed_library`` always uses the library's.
- ``annualised``: that, scaled to 52 weeks.
- ``adjusted``: the *fiscal* part of that (savings to public bodies, cashable and non-cashable),
  uprated to the current price year, after deadweight, attribution and optimism bias. ``low`` and
  ``high`` bracket it from the ranges. ``cash`` and ``capacity`` split it; ``economic`` and
  ``social`` value are reported beside it, adjusted the same way, and never added into it.
- ``steps``: the walk from claimed to adjusted, like for like: every amount for the claim's own
  period (the claim's own arithmetic, the library's unit cost, uprating, value that is not a saving,
  deadweight, attribution, optimism bias); the steps sum to ``adjusted_period - claimed``. A last
  step, capacity versus cash, takes it to cash for the period. The figure a year is apart, never a step.

Conventions (where the person checking gives no figure of their own) are documented in
``assumptions/claim_defaults.yaml`` and returned beside every line by :func:`convention`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import Field, ValidationError

from roi.inputs import share, ucd
from roi.inputs.errors import InputError, from_validation_error
from roi.inputs.formats import pounds
from roi.inputs.library import (
    ASSUMPTIONS_DIR,
    CLAIMS_DIR,
    Library,
    Scenario,
    check_uplift,
    find_file,
    load_library,
    outside_message,
    parse_yaml,
    read_yaml,
    uprating_note,
    validate,
)
from roi.inputs.scenario import move_range
from roi.inputs.schema import (
    FISCAL_VALUE_TYPES,
    VALUE_TYPES,
    ClaimSaving,
    ClaimSpec,
    Frozen,
    Identifier,
    JudgementConvention,
    PriceUplift,
    Range,
    Source,
    UnitCost,
)

WEEKS_A_YEAR = 52
NHS_GROUP = "NHS (ICB)"
VALUE_TYPE_LABELS = {
    "fiscal_cashable": "Fiscal, cashable",
    "fiscal_non_cashable": "Fiscal, non-cashable (capacity freed)",
    "economic": "Economic (not a saving)",
    "social": "Social (not a saving)",
}
BASIS_LABELS = {
    "library": "Library",
    "scenario": "Current scenario",
    "own": "Your own value",
    "claim": "The claim's own",
}
STEP_LABELS = {
    "arithmetic": "The claim's own arithmetic (its quantities times its own prices)",
    "unit_cost": "At the library's unit cost (the claim's quantities at the library's prices)",
    "uprating": "Uprating to current prices (GDP deflator)",
    "not_a_saving": "Economic and social value: not a saving to any public body",
    "deadweight": "Deadweight (would have happened anyway)",
    "attribution": "Attribution (the share due to this scheme)",
    "optimism_bias": "Optimism bias",
    "capacity": "Capacity versus cash (non-cashable savings free capacity, not budgets)",
}
FIGURE_LABELS = {
    "claimed": "Claimed",
    "recomputed": "Recomputed at the chosen unit costs (the claim's prices)",
    "adjusted": "Adjusted fiscal saving (current prices)",
    "cash": "  of which cash",
    "capacity": "  of which capacity freed (non-cashable)",
    "economic": "Economic value beside it (not a saving)",
    "social": "Social value beside it (not a saving)",
}
UNIT_COST_STEP_LABELS = {
    "library": STEP_LABELS["unit_cost"],
    "chosen": "At the chosen unit costs (the claim's quantities at the library's, the current scenario's or your "
    "own prices)",
}
FISCAL_STEPS = ("arithmetic", "unit_cost", "uprating", "not_a_saving", "deadweight", "attribution", "optimism_bias")
NO_RANGE = "no range: every figure here is your own"


class ClaimDerivedCost(Frozen):
    """A library unit cost derived from a scheme's own claim, and an independent one to check it by."""

    unit_cost: Identifier
    claim: str
    derivation: str
    independent: Identifier
    independent_note: str


class ClaimDefaults(Frozen):
    """assumptions/claim_defaults.yaml: the conventions of the claim checker."""

    source: Source
    deadweight: float | None = Field(default=None, ge=0, le=1)
    deadweight_range: Range | None = None
    attribution: float | None = Field(default=None, ge=0, le=1)
    attribution_range: Range | None = None
    default_basis: str = Field(default="", description="filled in on loading: where the defaults come from")
    unit_cost_tolerance: float = Field(ge=0)
    max_price_year_age: int = Field(ge=0)
    overlapping_outcomes: tuple[tuple[str, str], ...]
    adjustments_from: dict[Identifier, Identifier] = Field(default_factory=dict)
    claim_derived: tuple[ClaimDerivedCost, ...] = ()


@dataclass(frozen=True)
class Flag:
    """A problem with a claim, in plain words with the figures behind it."""

    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class Convention:
    """The library's convention for one claim line: what applies where the checker gives nothing."""

    deadweight: float
    deadweight_range: Range
    attribution: float
    attribution_range: Range
    adjustments_from: str
    optimism_bias: float
    confidence: str
    cashable_share: float
    cashable_basis: str


@dataclass(frozen=True)
class Independent:
    """The claim recomputed at an independent unit cost where the library's is derived from a claim."""

    circular: bool
    unit_costs: tuple[tuple[str, str], ...]  # (claim-derived id, independent id)
    recomputed: float
    adjusted: float
    note: str


@dataclass(frozen=True)
class ClaimCheck:
    """The result of checking a claim. Pounds; see the module docstring for each figure."""

    claim: ClaimSpec
    claimed: float
    recomputed: float
    recomputed_library: float
    annualised: float
    adjusted: float
    low: float
    high: float
    cash: float
    capacity: float
    economic: float
    social: float
    price_year: int
    current_price_year: int
    period_weeks: float
    lines: pd.DataFrame
    steps: pd.DataFrame
    flags: tuple[Flag, ...] = field(default_factory=tuple)
    independent: Independent | None = None
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    price_year_reason: str = "stated by the claim"

    @property
    def adjusted_period(self) -> float:
        """The adjusted fiscal saving for the claim's own period (where the step table ends)."""
        return self.adjusted * self.period_factor

    def range_text(self, period: bool = False) -> str:
        """'range £1,000 to £2,000' (a year, or for the claim's period), or, where every figure is the
        checker's own so the range has no width, 'no range: every figure here is your own'."""
        scale = self.period_factor if period else 1.0
        low, high = self.low * scale, self.high * scale
        if pounds(low) == pounds(high):
            return NO_RANGE
        return f"range {pounds(low)} to {pounds(high)}"

    @property
    def claimed_annualised(self) -> float:
        """The claimed saving scaled to 52 weeks, to set beside the annual figures."""
        return self.claimed * WEEKS_A_YEAR / self.period_weeks

    @property
    def period_factor(self) -> float:
        """Multiply an annual figure by this for the claim's own period."""
        return self.period_weeks / WEEKS_A_YEAR

    def like_for_like(self) -> pd.DataFrame:
        """Each headline figure for the claim's own period and for a year, side by side."""
        rows = [
            ("claimed", self.claimed, self.claimed_annualised),
            ("recomputed", self.recomputed, self.annualised),
            ("adjusted", self.adjusted * self.period_factor, self.adjusted),
            ("cash", self.cash * self.period_factor, self.cash),
            ("capacity", self.capacity * self.period_factor, self.capacity),
            ("economic", self.economic * self.period_factor, self.economic),
            ("social", self.social * self.period_factor, self.social),
        ]
        return pd.DataFrame(rows, columns=["figure", "period", "annual"])

    def by_partner(self) -> pd.DataFrame:
        """Which partner each pound lands with, by value type: recomputed and adjusted."""
        table = self.lines.groupby(["partner", "value_type"], as_index=False)[["recomputed", "adjusted"]].sum()
        return table.sort_values("adjusted", ascending=False, kind="stable").reset_index(drop=True)

    def value_by_partner(self) -> pd.DataFrame:
        """Who gets the money, a year at current prices: cash and capacity (fiscal), and economic and
        social value beside them (never a saving), one row a partner."""
        columns = ["cash", "capacity", "economic", "social"]
        table = self.lines.groupby(["partner", "partner_label"], as_index=False, sort=False)[columns].sum()
        table["fiscal"] = table["cash"] + table["capacity"]
        table = table[["partner", "partner_label", "fiscal", "cash", "capacity", "economic", "social"]]
        return table.sort_values("fiscal", ascending=False, kind="stable").reset_index(drop=True)

    def payload(self) -> dict[str, Any]:
        """The `check-claim --json` document (DESIGN.md's keys, and more beside them)."""
        independent = None
        if self.independent is not None:
            independent = {
                "circular": self.independent.circular,
                "unit_costs": [{"claim_derived": a, "independent": b} for a, b in self.independent.unit_costs],
                "recomputed": self.independent.recomputed,
                "adjusted": self.independent.adjusted,
                "note": self.independent.note,
            }
        line_columns = [
            "line",
            "line_label",
            "unit_cost",
            "unit_cost_label",
            "cost_basis",
            "partner",
            "partner_label",
            "value_type",
            "quantity",
            "unit_value",
            "recomputed",
            "adjusted",
            "cash",
            "capacity",
            "economic",
            "social",
            "deadweight",
            "deadweight_convention",
            "attribution",
            "attribution_convention",
            "optimism_bias",
            "optimism_bias_convention",
            "cashable_share",
            "cashable_share_convention",
        ]
        return {
            "claim": self.claim.claim,
            "claimed": self.claimed,
            "recomputed": self.recomputed,
            "annualised": self.annualised,
            "adjusted": self.adjusted,
            "low": self.low,
            "high": self.high,
            "price_year": self.price_year,
            "price_year_reason": self.price_year_reason,
            "claimed_on": None if self.claim.claimed_on is None else str(self.claim.claimed_on),
            "current_price_year": self.current_price_year,
            "flags": [f.as_dict() for f in self.flags],
            "by_partner": self.by_partner().to_dict(orient="records"),
            "recomputed_library": self.recomputed_library,
            "period_weeks": self.period_weeks,
            "claimed_annualised": self.claimed_annualised,
            "adjusted_period": self.adjusted_period,
            "cash": self.cash,
            "capacity": self.capacity,
            "economic": self.economic,
            "social": self.social,
            "value_by_partner": self.value_by_partner().to_dict(orient="records"),
            "steps": self.steps.to_dict(orient="records"),
            "lines": self.lines[line_columns].to_dict(orient="records"),
            "independent": independent,
        }


# ------------------------------------------------------------------------------------------------
# Reading claims: every typo names the file and field, lists the valid choices, suggests the nearest.


def _sentence(text: str) -> str:
    """Text with its first letter capitalised and the rest as written."""
    return text[:1].upper() + text[1:]


def _lc(label: str) -> str:
    """A label inside a sentence: 'Acute hospital bed-day' -> 'acute hospital bed-day'; 'GP ...' kept."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def did_you_mean(word: str, choices: dict[str, str] | list[str]) -> str:
    """' Did you mean 'bed_day'?' for a near miss of an id (or of its label), else ''."""
    labels = choices if isinstance(choices, dict) else {c: c for c in choices}
    normal = word.strip().lower().replace("-", "_").replace(" ", "_")
    if normal in labels and normal != word:
        return f" Did you mean '{normal}'?"
    by_label = {label.lower(): key for key, label in labels.items()}
    match = difflib.get_close_matches(normal, list(labels), n=1, cutoff=0.6) or [
        by_label[m] for m in difflib.get_close_matches(word.strip().lower(), list(by_label), n=1, cutoff=0.6)
    ]
    return f" Did you mean '{match[0]}'?" if match else ""


def _unknown(file: str, field_path: str, what: str, word: str, choices: dict[str, str]) -> InputError:
    return InputError(
        file,
        field_path,
        f"unknown {what} '{word}'.{did_you_mean(word, choices)} Valid {what}s: {', '.join(choices)}",
    )


def with_ucd_rows(claim: ClaimSpec, library: Library, file: str = "claim") -> Library:
    """The library with the GMCA Unit Cost Database rows (``ucd:CODE``) the claim's lines name (roi.inputs.ucd)."""
    for i, saving in enumerate(claim.savings):
        if saving.unit_cost is not None:
            library = ucd.extend(library, [saving.unit_cost], file, f"savings[{i}].unit_cost")
        for j, stands in enumerate(saving.stands_for):
            library = ucd.extend(library, [stands], file, f"savings[{i}].stands_for[{j}]")
    return library


def check_references(claim: ClaimSpec, library: Library, file: str = "claim") -> None:
    """Every unit cost and partner the claim names must be in the library (or be a GMCA Unit Cost Database
    row, ucd:CODE); a typo is an InputError naming the file and field, with the valid ids and a "did you mean"."""
    library = with_ucd_rows(claim, library, file)
    costs = {k: v.label for k, v in sorted(library.unit_costs.items())}
    partners = {k: v.label for k, v in library.partners.items()}
    for i, saving in enumerate(claim.savings):
        if saving.unit_cost is not None and saving.unit_cost not in costs:
            raise _unknown(file, f"savings[{i}].unit_cost", "unit cost", saving.unit_cost, costs)
        if saving.partner is not None and saving.partner not in partners:
            raise _unknown(file, f"savings[{i}].partner", "partner", saving.partner, partners)
        for j, stands in enumerate(saving.stands_for):
            if stands not in costs:
                raise _unknown(file, f"savings[{i}].stands_for[{j}]", "unit cost", stands, costs)


def validate_claim(data: Any, file: str = "claim") -> ClaimSpec:
    """A claim from parsed YAML or a dict; a misspelt field or value type gets a "did you mean"."""
    if not isinstance(data, dict):
        return validate(ClaimSpec, data, file)
    try:
        return ClaimSpec.model_validate(data)
    except ValidationError as exc:
        error = from_validation_error(exc, file)
        first = exc.errors(include_url=False)[0]
        loc = tuple(first.get("loc", ()))
        hint = ""
        if first.get("type") == "extra_forbidden" and loc:
            model = ClaimSaving if "savings" in loc[:-1] else ClaimSpec
            fields = list(model.model_fields)
            hint = f".{did_you_mean(str(loc[-1]), fields)} Valid fields: {', '.join(fields)}"
        elif first.get("type") == "literal_error" and loc and loc[-1] == "value_type":
            hint = "." + did_you_mean(str(first.get("input")), {v: VALUE_TYPE_LABELS[v] for v in VALUE_TYPES})
        raise InputError(error.file, error.field, error.problem + hint) from None
    except (RecursionError, OverflowError, TypeError) as exc:
        raise InputError(file, "", f"cannot be read: {type(exc).__name__}") from None


def parse(text: str | bytes, file: str = "claim", library: Library | None = None) -> ClaimSpec:
    """A claim from YAML text (an upload), checked against the library."""
    claim = validate_claim(parse_yaml(text, file), file)
    check_references(claim, library or load_library(), file)
    return claim


LINK_PARAM = "c"


def to_link(claim: ClaimSpec) -> str:
    """The claim packed for the address bar (``?c=...``), the same way a scenario is shared."""
    return share.encode(claim)


def from_link(text: str, library: Library | None = None) -> ClaimSpec:
    """The claim in a shared link, validated and checked against the library like an upload."""
    claim = validate_claim(share.unpack(text, LINK_PARAM), share.SOURCE)
    check_references(claim, library or load_library(), share.SOURCE)
    return claim


def find(path_or_name: str | Path) -> Path:
    """A claim file, or a shipped example claim by name (the library's checked path finder: a path
    too long or with control characters gets a one-line InputError)."""
    return find_file(path_or_name, CLAIMS_DIR, "example claim")


def load(path_or_name: str | Path, library: Library | None = None) -> ClaimSpec:
    """Load a claim file (or a shipped example by name) and check it against the library."""
    path = find(path_or_name)
    claim = validate_claim(read_yaml(path), path.name)
    check_references(claim, library or load_library(), path.name)
    return claim


def examples() -> dict[str, ClaimSpec]:
    """The shipped example claims, by file stem."""
    return {p.stem: validate_claim(read_yaml(p), p.name) for p in sorted(CLAIMS_DIR.glob("*.yaml"))}


TEMPLATE = """\
# A savings claim to check. Copy this file, replace the figures with the claim's own, and open it on
# the Check a claim page (or run: python -m roi check-claim this-file.yaml).
# Lines starting with # are comments. Leave a field out if the claim does not state it.

claim: Hospital discharge housing scheme          # what the claim is called
claimed_saving: 270000                            # the saving the scheme claims, in pounds
period_weeks: 26                                  # the period the claim covers, in weeks
# price_year: 2024                                # the year of the claim's prices, if it says
# claimed_on: 2024-03-31                          # when the claim was made (a year or a date); with no
                                                  # price_year its pounds are taken at that year's prices
deadweight_applied: false                         # true if the claim already took off deadweight
attribution_applied: false                        # true if the claim already took off attribution
# ratio_per_pound: 4.5                            # a "£ per £1" the claim cites, if any
savings:
  # One line per outcome the claim counts. unit_cost is a library id, for example:
  #   bed_day (acute hospital bed-day), delayed_discharge_bed_day, non_elective_admission,
  #   ae_attendance, gp_consultation, residential_care_week, homelessness_application
  # (run `python -m roi list` for them all).
  - unit_cost: bed_day
    quantity: 900                                 # how many units the claim says were saved
    # value: 300                                  # the claim's own value of one unit, if it gives one
    partner: nhs_acute                            # who the claim says saves: a partner id
    value_type: fiscal_cashable                   # how the claim books it: fiscal_cashable (cash),
                                                  # fiscal_non_cashable (capacity), economic, social
    label: Bed-days saved at the acute trust      # a name for the line (optional)

    # Your own figures and judgements as the person checking (leave out to use the library's):
    # cost_basis: own                             # library, scenario (the app's current scenario), or own
    # own_value: 350                              # your own value of one unit, in pounds
    # own_price_year: 2024                        # the price year of your own value
    # own_value_note: Trust's own cost of an excess bed-day
    # deadweight: 0.3                             # share that would have happened anyway (0 to 1)
    # attribution: 0.8                            # share due to this scheme (0 to 1)
    # optimism_bias: 0.4                          # share taken off for optimism (0 to 1)
    # cashable_share: 0                           # share of the fiscal saving that is cash (0 to 1)

  # A value the claim gives with no unit cost: give value and partner, and what it stands for.
  # - label: Social care saving
  #   quantity: 1
  #   value: 50000
  #   partner: county_asc
  #   value_type: fiscal_cashable
  #   stands_for: [residential_care_week]
"""


def template() -> str:
    """A commented claim file to start from (it loads as the 900 bed-days over 26 weeks claim)."""
    return TEMPLATE


# ------------------------------------------------------------------------------------------------
# Conventions


def load_claim_defaults(library: Library | None = None) -> ClaimDefaults:
    """The claim checker's conventions from the library's own claim_defaults.yaml (a custom library
    without one uses the shipped file). Every intervention named must exist and use its unit cost."""
    library = library or load_library()
    own = Path(library.root) / "claim_defaults.yaml"
    path = own if own.exists() else ASSUMPTIONS_DIR / "claim_defaults.yaml"
    defaults = validate(ClaimDefaults, read_yaml(path), "claim_defaults.yaml")
    defaults = _with_default_adjustments(defaults, library)
    if path != own:
        mapping = {
            k: v
            for k, v in defaults.adjustments_from.items()
            if v in library.interventions and any(o.unit_cost == k for o in library.interventions[v].outcomes)
        }
        derived = tuple(
            d
            for d in defaults.claim_derived
            if d.unit_cost in library.unit_costs and d.independent in library.unit_costs
        )
        return defaults.model_copy(update={"adjustments_from": mapping, "claim_derived": derived})
    for cost_id, intervention in defaults.adjustments_from.items():
        where = f"adjustments_from.{cost_id}"
        if intervention not in library.interventions:
            raise _unknown(
                "claim_defaults.yaml",
                where,
                "intervention",
                intervention,
                {k: v.label for k, v in library.interventions.items()},
            )
        if not any(o.unit_cost == cost_id for o in library.interventions[intervention].outcomes):
            raise InputError("claim_defaults.yaml", where, f"intervention '{intervention}' has no outcome '{cost_id}'")
    for i, derived in enumerate(defaults.claim_derived):
        for name in ("unit_cost", "independent"):
            cost_id = getattr(derived, name)
            if cost_id not in library.unit_costs:
                raise _unknown(
                    "claim_defaults.yaml",
                    f"claim_derived[{i}].{name}",
                    "unit cost",
                    cost_id,
                    {k: v.label for k, v in library.unit_costs.items()},
                )
    return defaults


def _with_default_adjustments(defaults: ClaimDefaults, library: Library) -> ClaimDefaults:
    """Fill in the default deadweight and attribution: the claim defaults' own values if the file gives
    them, else the library's judgement convention for an effect measured without a control group (a
    scheme's own count of what it saved), appraisal/judgement_convention.yaml."""
    given = [defaults.deadweight, defaults.deadweight_range, defaults.attribution, defaults.attribution_range]
    if all(v is not None for v in given):
        return defaults.model_copy(update={"default_basis": "the claim checker's defaults (claim_defaults.yaml)"})
    if any(v is not None for v in given):
        raise InputError(
            "claim_defaults.yaml",
            "deadweight",
            "give all four of deadweight, deadweight_range, attribution and attribution_range, or none of them "
            "(then the library's judgement convention applies)",
        )
    path = Path(library.root) / "appraisal" / "judgement_convention.yaml"
    if not path.exists():
        raise InputError(
            "claim_defaults.yaml",
            "deadweight",
            "the library has no appraisal/judgement_convention.yaml; give deadweight, deadweight_range, "
            "attribution and attribution_range here",
        )
    convention = validate(JudgementConvention, read_yaml(path), "judgement_convention.yaml").uncontrolled

    def value(name: str) -> tuple[float, Range]:
        item = convention[name]
        low = item.low if item.low is not None else item.central
        high = item.high if item.high is not None else item.central
        return item.central, (low, high)

    dw, dw_range = value("deadweight")
    at, at_range = value("attribution")
    return defaults.model_copy(
        update={
            "deadweight": dw,
            "deadweight_range": dw_range,
            "attribution": at,
            "attribution_range": at_range,
            "default_basis": "the library's convention for savings counted without a control group",
        }
    )


def _library_cashable_share(bearers: list[tuple[str, str, float]]) -> float:
    fiscal = sum(share for _, kind, share in bearers if kind in FISCAL_VALUE_TYPES)
    cash = sum(share for _, kind, share in bearers if kind == "fiscal_cashable")
    return cash / fiscal if fiscal else 0.0


def convention(
    saving: ClaimSaving, library: Library, defaults: ClaimDefaults, claim: ClaimSpec | None = None
) -> Convention:
    """The library's convention for a claim line: deadweight and attribution (claim_defaults.yaml's
    adjustments_from, else its defaults; none where the claim says it applied them), optimism bias by
    the confidence of the unit cost (a claim's own or your own value is graded low), and the share
    of the fiscal saving that is cash (from who bears the unit cost; for an inline value, from what
    it stands for, else from every library unit cost its partner bears)."""
    dw, dw_range, at, at_range = (
        defaults.deadweight,
        defaults.deadweight_range,
        defaults.attribution,
        defaults.attribution_range,
    )
    source = defaults.default_basis
    intervention_id = defaults.adjustments_from.get(saving.unit_cost or "")
    if intervention_id:
        intervention = library.interventions[intervention_id]
        outcome = next(o for o in intervention.outcomes if o.unit_cost == saving.unit_cost)
        dw, at = outcome.deadweight, outcome.attribution
        dw_range = tuple(outcome.ranges.get("deadweight", (dw, dw)))
        at_range = tuple(outcome.ranges.get("attribution", (at, at)))
        source = f"the library's '{intervention.label}'"
    if claim is not None and claim.deadweight_applied:
        dw, dw_range = 0.0, (0.0, 0.0)
    if claim is not None and claim.attribution_applied:
        at, at_range = 1.0, (1.0, 1.0)
    own = saving.unit_cost is None or saving.cost_basis == "own"
    confidence = "low" if own else library.unit_costs[saving.unit_cost].confidence  # type: ignore[index]
    ob = library.optimism_bias.by_confidence[confidence]
    if saving.unit_cost is not None:
        cost = library.unit_costs[saving.unit_cost]
        share = _library_cashable_share([(b.partner, b.value_type, b.share) for b in cost.bearers()])
        basis = f"who bears the library's {cost.label.lower()}"
    elif saving.stands_for:
        bearers = [
            (b.partner, b.value_type, b.share) for s in saving.stands_for for b in library.unit_costs[s].bearers()
        ]
        share = _library_cashable_share(bearers)
        basis = "who bears what it stands for: " + ", ".join(
            library.unit_costs[s].label.lower() for s in saving.stands_for
        )
    else:
        borne = {
            b.value_type
            for c in library.unit_costs.values()
            for b in c.bearers()
            if b.partner == saving.partner and b.value_type in FISCAL_VALUE_TYPES
        }
        partner = library.partners[saving.partner].label if saving.partner in library.partners else saving.partner
        if len(borne) == 1:
            share = 1.0 if borne == {"fiscal_cashable"} else 0.0
            kind = "cash" if share else "capacity, not cash"
            basis = f"every library unit cost {partner} bears is {kind}"
        else:
            share = 1.0 if saving.value_type == "fiscal_cashable" else 0.0
            basis = "the claim's own booking"
    return Convention(
        deadweight=dw,
        deadweight_range=dw_range,  # type: ignore[arg-type]
        attribution=at,
        attribution_range=at_range,  # type: ignore[arg-type]
        adjustments_from=source,
        optimism_bias=ob,
        confidence=confidence,
        cashable_share=share,
        cashable_basis=basis,
    )


# ------------------------------------------------------------------------------------------------
# The check


@dataclass(frozen=True)
class _Valued:
    """One line's unit value in the claim's price year, its range, and who bears it."""

    value: float
    low: float
    high: float
    library_value: float
    basis: str
    bearers: list[tuple[str, str, float]]
    cost: UnitCost | None


def _value_line(
    saving: ClaimSaving,
    library: Library,
    scenario_costs: dict[str, UnitCost],
    price_year: int,
    uplift: PriceUplift | None = None,
) -> _Valued:
    own = None
    if saving.cost_basis == "own":
        own = saving.own_value * library.deflator_factor(saving.own_price_year or price_year, price_year, uplift)  # type: ignore[operator]
    if saving.unit_cost is None:
        value = own if own is not None else saving.value
        bearers = [(saving.partner, saving.value_type or "fiscal_cashable", 1.0)]
        return _Valued(value, value, value, saving.value, "own" if own is not None else "claim", bearers, None)  # type: ignore[arg-type]
    library_cost = library.unit_costs[saving.unit_cost]
    library_value = library_cost.value * library.deflator_factor(library_cost.price_year, price_year, uplift)
    cost = scenario_costs.get(saving.unit_cost, library_cost) if saving.cost_basis == "scenario" else library_cost
    bearers = [(b.partner, b.value_type, b.share) for b in cost.bearers()]
    factor = library.deflator_factor(cost.price_year, price_year, uplift)
    low = (cost.low if cost.low is not None else cost.value) * factor
    high = (cost.high if cost.high is not None else cost.value) * factor
    if own is not None:  # the unit cost's range keeps its shape around your own value (docs/method.md)
        low, high = move_range(low, high, cost.value * factor, own)
        return _Valued(own, low, high, library_value, "own", bearers, library_cost)
    return _Valued(cost.value * factor, low, high, library_value, saving.cost_basis or "library", bearers, cost)


def latest_outturn_year(library: Library) -> int:
    """The last year of the GDP deflator table that is outturn, not an OBR forecast."""
    last = library.deflator_years()[1]
    forecast = library.deflator.forecast_from
    return last if forecast is None else min(last, forecast - 1)


def claimed_year(claim: ClaimSpec) -> int | None:
    """The year the claim was made (its ``claimed_on`` year or date), if it says."""
    made = claim.claimed_on
    return made if made is None or isinstance(made, int) else made.year


def price_year_taken(claim: ClaimSpec, library: Library) -> tuple[int, str]:
    """The claim's price year and why: as stated; else the year the claim was made; else the latest
    outturn year of the GDP deflator. A sceptic takes a claim's pounds as those of when it was made,
    never as those of an old unit cost (which would uprate the claim for it)."""
    if claim.price_year is not None:
        return claim.price_year, "stated by the claim"
    made = claimed_year(claim)
    if made is not None:
        return made, f"the claim states no price year: taken as {made}, the year the claim was made"
    latest = latest_outturn_year(library)
    return latest, (
        f"the claim states no price year and no date: taken as {latest}, the latest outturn year of the GDP deflator"
    )


def check_claim(
    claim: ClaimSpec,
    library: Library | None = None,
    file: str = "claim",
    scenario: Scenario | None = None,
) -> ClaimCheck:
    """Recompute, annualise and adjust a claim, explain the gap step by step, and flag each problem.

    ``scenario`` supplies the unit costs of lines whose ``cost_basis`` is ``scenario`` (the user's
    edits on the Assumptions page); without one those lines use the library's.
    """
    library = library or (scenario.library if scenario is not None else load_library())
    defaults = load_claim_defaults(library)
    library = with_ucd_rows(claim, library, file)
    check_references(claim, library, file)  # its own with_ucd_rows finds every row already there
    uplift = claim.price_uplift
    check_price_years(claim, library, file)
    scenario_costs = scenario.unit_costs if scenario is not None else library.unit_costs
    price_year, price_year_reason = price_year_taken(claim, library)
    if price_year not in library.price_index(uplift):  # a scenario cost's own price year
        raise InputError(file, "price_year", outside_message(library, price_year, uplift))
    # Current prices: the GDP deflator table's last year, or the claim's own if later (a claim priced in
    # a forecast year is never deflated back to the table's end).
    current = max(library.deflator_years()[1], price_year)
    flags: list[Flag] = []
    used = {price_year} | {s.own_price_year for s in claim.savings if s.own_price_year is not None}
    used |= {
        scenario_costs.get(s.unit_cost, library.unit_costs[s.unit_cost]).price_year
        for s in claim.savings
        if s.unit_cost is not None
    }
    forecast = uprating_note(library, used, uplift)
    if forecast:
        flags.append(Flag("forecast_prices", forecast))
    if claim.price_year is None:
        flags.append(Flag("no_price_year", _sentence(price_year_reason) + "."))
    elif current - claim.price_year > defaults.max_price_year_age:
        flags.append(
            Flag(
                "old_price_year",
                f"The claim's prices are from {claim.price_year}, "
                f"{current - claim.price_year} years before {current}; uprated by "
                f"{library.deflator_factor(claim.price_year, current, uplift):.3f} with the GDP deflator.",
            )
        )
    weeks = claim.period_weeks or WEEKS_A_YEAR
    if claim.period_weeks is None:
        flags.append(Flag("no_period", "The claim states no period; it is taken to cover one year (52 weeks)."))
    uprate = library.deflator_factor(price_year, current, uplift)
    rows: list[dict[str, Any]] = []
    for i, saving in enumerate(claim.savings):
        valued = _value_line(saving, library, scenario_costs, price_year, uplift)
        rule = convention(saving, library, defaults, claim)
        if saving.quantity > 0:  # a line that counts nothing raises no flag
            _line_flags(saving, valued, library, defaults, price_year, uplift, flags)
        rows.extend(_rows(i, saving, valued, rule, library, weeks, uprate))
    lines = pd.DataFrame(rows)
    _overlap_flags(claim, library, defaults, flags)
    _adjustment_flags(claim, lines, current, flags)
    _ratio_flag(claim, library, flags)
    recomputed = float(lines["recomputed"].sum())
    own_total = claims_own_total(claim)
    if own_total is not None and not _reproduces(own_total, claim.claimed_saving):
        flags.append(
            Flag(
                "does_not_reproduce",
                f"The claimed {pounds(claim.claimed_saving)} does not reproduce: the claim's own quantities "
                f"times its own prices give {pounds(own_total)}.",
            )
        )
    fiscal = lines["fiscal"]
    independent = _independent(claim, library, defaults, lines, scenario, file, flags)
    check = ClaimCheck(
        claim=claim,
        claimed=float(claim.claimed_saving),
        recomputed=recomputed,
        recomputed_library=float(lines["recomputed_library"].sum()),
        annualised=float(lines["annualised"].sum()),
        adjusted=float(lines.loc[fiscal, "adjusted"].sum()),
        low=float(lines.loc[fiscal, "low"].sum()),
        high=float(lines.loc[fiscal, "high"].sum()),
        cash=float(lines["cash"].sum()),
        capacity=float(lines["capacity"].sum()),
        economic=float(lines["economic"].sum()),
        social=float(lines["social"].sum()),
        price_year=price_year,
        current_price_year=current,
        period_weeks=float(weeks),
        lines=lines,
        steps=_steps(
            float(claim.claimed_saving),
            own_total,
            lines,
            weeks / WEEKS_A_YEAR,
            _step_labels(lines, price_year, current, own_total is not None),
        ),
        flags=tuple(flags),
        independent=independent,
        sources=_sources(claim, library, scenario_costs, defaults, price_year),
        price_year_reason=price_year_reason,
    )
    return check


def _rows(
    i: int,
    saving: ClaimSaving,
    valued: _Valued,
    rule: Convention,
    library: Library,
    weeks: float,
    uprate: float,
) -> list[dict[str, Any]]:
    """The rows of one claim line, one per bearer, with every stage from recomputed to adjusted."""
    annualise = WEEKS_A_YEAR / weeks
    cost_label = library.unit_costs[saving.unit_cost].label if saving.unit_cost else "The claim's own value"
    name = saving.label or (cost_label if saving.unit_cost else "Saving")
    dw = rule.deadweight if saving.deadweight is None else saving.deadweight
    at = rule.attribution if saving.attribution is None else saving.attribution
    ob = rule.optimism_bias if saving.optimism_bias is None else saving.optimism_bias
    cs = rule.cashable_share if saving.cashable_share is None else saving.cashable_share
    keep_low, keep_high = (
        (1 - dw, 1 - dw)
        if saving.deadweight is not None
        else (
            1 - max(rule.deadweight_range),
            1 - min(rule.deadweight_range),
        )
    )
    credit_low, credit_high = (
        (at, at)
        if saving.attribution is not None
        else (
            min(rule.attribution_range),
            max(rule.attribution_range),
        )
    )
    rows = []
    for partner, value_type, fraction in valued.bearers:
        recomputed = saving.quantity * valued.value * fraction
        annual = recomputed * annualise
        uprated = annual * uprate
        after_dw = uprated * (1 - dw)
        after_at = after_dw * at
        adjusted = after_at * (1 - ob)
        fiscal = value_type in FISCAL_VALUE_TYPES
        scale = fraction * annualise * uprate * (1 - ob)
        rows.append(
            {
                "line": i,
                "line_label": name,
                "unit_cost": saving.unit_cost,
                "unit_cost_label": cost_label,
                "cost_basis": valued.basis,
                "cost_basis_label": BASIS_LABELS[valued.basis],
                "partner": partner,
                "partner_label": library.partners[partner].label if partner in library.partners else partner,
                "booked_to_label": library.partners[saving.partner].label if saving.partner else "not stated",
                "booked_as_label": VALUE_TYPE_LABELS[saving.value_type] if saving.value_type else "not stated",
                "value_type": value_type,
                "value_type_label": VALUE_TYPE_LABELS[value_type],
                "quantity": saving.quantity,
                "unit_value": valued.value,
                "library_unit_value": valued.library_value,
                "recomputed": recomputed,
                "recomputed_library": saving.quantity * valued.library_value * fraction,
                "annualised": annual,
                "uprated": uprated,
                "fiscal_uprated": uprated if fiscal else 0.0,
                "after_deadweight": after_dw if fiscal else 0.0,
                "after_attribution": after_at if fiscal else 0.0,
                "adjusted": adjusted,
                "cash": adjusted * cs if fiscal else 0.0,
                "capacity": adjusted * (1 - cs) if fiscal else 0.0,
                "economic": adjusted if value_type == "economic" else 0.0,
                "social": adjusted if value_type == "social" else 0.0,
                "low": saving.quantity * valued.low * scale * keep_low * credit_low,
                "high": saving.quantity * valued.high * scale * keep_high * credit_high,
                "deadweight": dw,
                "deadweight_convention": rule.deadweight,
                "attribution": at,
                "attribution_convention": rule.attribution,
                "optimism_bias": ob,
                "optimism_bias_convention": rule.optimism_bias,
                "cashable_share": cs,
                "cashable_share_convention": rule.cashable_share,
                "fiscal": fiscal,
            }
        )
    return rows


def _reproduces(total: float, claimed: float) -> bool:
    """Within a pound or 1% of the claimed figure (the claim's rounding)."""
    return abs(total - claimed) <= max(1.0, 0.01 * claimed)


def claims_own_total(claim: ClaimSpec) -> float | None:
    """The claim's own quantities times its own prices, where every line states a price; else None
    (its arithmetic cannot be checked, only its quantities at the library's unit costs)."""
    if any(s.value is None for s in claim.savings):
        return None
    return float(sum(s.quantity * s.value for s in claim.savings))  # type: ignore[operator]


def _step_labels(lines: pd.DataFrame, price_year: int, current: int, priced: bool) -> dict[str, str]:
    labels = dict(STEP_LABELS)
    if not priced:
        labels["arithmetic"] = "The claim's own arithmetic: not checkable (it does not price every line)"
    valued_by = lines.loc[lines["unit_cost"].notna(), "cost_basis"]
    labels["unit_cost"] = UNIT_COST_STEP_LABELS["library" if (valued_by == "library").all() else "chosen"]
    labels["uprating"] = (
        f"Uprating from {price_year} to {current} prices (GDP deflator)"
        if current != price_year
        else f"Uprating: none, the claim is at {current} prices"
    )
    return labels


def _steps(
    claimed: float, own_total: float | None, lines: pd.DataFrame, period_factor: float, labels: dict[str, str]
) -> pd.DataFrame:
    """The walk from claimed to adjusted, every amount in the claim's own period (like for like); each
    step is the change in the total from one stage to the next, so the steps sum to the adjusted figure
    for the period less the claimed one (and with the last, to cash). The claim's arithmetic is checked
    where every line states its price; the rest of any gap to the library's unit costs is a neutral step."""
    fiscal = lines["fiscal"]
    recomputed = float(lines["recomputed"].sum())
    stages = [
        ("claimed", claimed),
        ("arithmetic", claimed if own_total is None else own_total),
        ("unit_cost", recomputed),
        ("uprating", float(lines["uprated"].sum()) * period_factor),
        ("not_a_saving", float(lines["fiscal_uprated"].sum()) * period_factor),
        ("deadweight", float(lines["after_deadweight"].sum()) * period_factor),
        ("attribution", float(lines["after_attribution"].sum()) * period_factor),
        ("optimism_bias", float(lines.loc[fiscal, "adjusted"].sum()) * period_factor),
        ("capacity", float(lines["cash"].sum()) * period_factor),
    ]
    rows = []
    for (_, before), (step, after) in zip(stages, stages[1:], strict=False):
        rows.append({"step": step, "label": labels[step], "amount": after - before, "running_total": after})
    return pd.DataFrame(rows)


def _differs(
    name: str, claimed: float, checked: float, whose: str, price_year: int, defaults: ClaimDefaults, flags: list[Flag]
) -> None:
    """Flag a claim's unit price that differs from the one it is checked against by more than the tolerance."""
    if checked > 0 and abs(claimed - checked) / checked > defaults.unit_cost_tolerance:
        flags.append(
            Flag(
                "unit_cost_differs",
                f"'{name}': the claim values a unit at {pounds(claimed, True)}; {whose} is "
                f"{pounds(checked, True)} at {price_year} prices ({(claimed - checked) / checked:+.0%}, beyond "
                f"the {defaults.unit_cost_tolerance:.0%} tolerance).",
            )
        )


def _line_flags(
    saving: ClaimSaving,
    valued: _Valued,
    library: Library,
    defaults: ClaimDefaults,
    price_year: int,
    uplift: PriceUplift | None,
    flags: list[Flag],
) -> None:
    """Flags about one line: untraceable values, unit costs that differ (a library one, or one an inline
    value stands for), wrong partner, capacity as cash, value that is not a saving."""
    cost = library.unit_costs.get(saving.unit_cost) if saving.unit_cost else None
    name = saving.label or (cost.label if cost else "saving")
    partner_label = library.partners[saving.partner].label if saving.partner in library.partners else saving.partner
    if cost is None:
        flags.append(
            Flag(
                "own_unit_value",
                f"'{name}': {pounds(saving.value)} is the claim's own figure with no "
                "unit cost or quantity in the library to trace it to; it is used as given"
                + (
                    f" (it stands for {' and '.join(_lc(library.unit_costs[s].label) for s in saving.stands_for)})."
                    if saving.stands_for
                    else ", and who really saves it cannot be checked."
                ),
            )
        )
        if len(saving.stands_for) == 1:  # an inline price for one library unit cost: compare the two
            stands = library.unit_costs[saving.stands_for[0]]
            at_price_year = stands.value * library.deflator_factor(stands.price_year, price_year, uplift)
            whose = f"the library's {_lc(stands.label)}"
            _differs(name, float(saving.value or 0), at_price_year, whose, price_year, defaults, flags)
    elif saving.value is not None and valued.value > 0:
        whose = {"own": "your own value", "scenario": "the current scenario's value"}.get(
            valued.basis, f"the library's {_lc(cost.label)}"
        )
        _differs(name, saving.value, valued.value, whose, price_year, defaults, flags)
    # What the booking is checked against: the unit cost's bearers, or what an inline value stands for.
    traced = [cost] if cost is not None else [library.unit_costs[s] for s in saving.stands_for]
    if saving.partner is not None and traced:
        # Booked to a partner who bears none of it. (A partner who bears it only as economic or social
        # value, such as individuals and a QALY, is the non-fiscal flag's case, not this one.)
        elsewhere = [c for c in traced if saving.partner not in {b.partner for b in c.bearers()}]
        if elsewhere:
            borne = "; ".join(
                f"{_lc(c.label)} is borne by {' and '.join(library.partners[b.partner].label for b in c.bearers())}"
                for c in elsewhere
            )
            flags.append(Flag("wrong_partner", f"'{name}' is booked to {partner_label}, but {borne}."))
    if saving.value_type == "fiscal_cashable":
        capacity = [c for c in traced if any(b.value_type == "fiscal_non_cashable" for b in c.bearers())]
        nhs = saving.partner in library.partners and library.partners[saving.partner].group == NHS_GROUP
        if capacity:
            what = " and ".join(_lc(c.label) for c in capacity)
            flags.append(
                Flag(
                    "capacity_as_cash",
                    f"'{name}' is presented as cash, but {what} free{'s' if len(capacity) == 1 else ''} "
                    "capacity: it is cash only where "
                    f"beds close or planned spending stops ({pounds(saving.quantity * valued.value)} "
                    "non-cashable at the claim's prices).",
                )
            )
        elif cost is None and not saving.stands_for and nhs:
            flags.append(
                Flag(
                    "capacity_as_cash",
                    f"'{name}' is presented as cash to {partner_label}, but NHS activity avoided frees "
                    "capacity: every NHS unit cost in the library is non-cashable. It is cash only where "
                    "beds close or planned spending stops; the claim does not say what it stands for.",
                )
            )
    bearer_kinds = {kind for _, kind, _ in valued.bearers}
    kinds = sorted(bearer_kinds & {"economic", "social"})
    if kinds:
        flags.append(
            Flag(
                "non_fiscal_as_saving",
                f"'{name}' includes {' and '.join(kinds)} value (such as QALYs, "
                "wellbeing, GVA or self-funders' costs), which is not a saving to any public body; "
                "it is reported beside the adjusted saving, not in it.",
            )
        )


def _adjustment_flags(claim: ClaimSpec, lines: pd.DataFrame, current: int, flags: list[Flag]) -> None:
    if claim.deadweight_applied and claim.attribution_applied:
        return
    missing = [
        name
        for name, done in (("deadweight", claim.deadweight_applied), ("attribution", claim.attribution_applied))
        if not done
    ]
    fiscal = lines["fiscal"]
    if not lines.loc[fiscal, "annualised"].any():
        return  # nothing fiscal is counted: nothing to adjust
    flags.append(
        Flag(
            "no_adjustments",
            f"No {' or '.join(missing)} applied: the claim counts every outcome as "
            f"caused by the scheme. Applying them takes the annual fiscal "
            f"{pounds(lines.loc[fiscal, 'annualised'].sum())} to {pounds(lines.loc[fiscal, 'adjusted'].sum())} at "
            f"{current} prices.",
        )
    )


def _ratio_flag(claim: ClaimSpec, library: Library, flags: list[Flag]) -> None:
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


def _overlap_flags(claim: ClaimSpec, library: Library, defaults: ClaimDefaults, flags: list[Flag]) -> None:
    counted = [s for s in claim.savings if s.quantity > 0]  # a line counting nothing overlaps nothing
    ids = [s.unit_cost for s in counted if s.unit_cost]
    for unit_cost in sorted({u for u in ids if ids.count(u) > 1}):
        schemes = sorted({s.intervention or "the same scheme" for s in counted if s.unit_cost == unit_cost})
        flags.append(
            Flag(
                "double_count",
                f"{library.unit_costs[unit_cost].label} is counted {ids.count(unit_cost)} times (claimed by "
                f"{', '.join(schemes)}): the same outcomes may be counted twice.",
            )
        )
    for first, second in defaults.overlapping_outcomes:
        if first in ids and second in ids:
            labels = [library.unit_costs[u].label.lower() if u in library.unit_costs else u for u in (first, second)]
            flags.append(
                Flag(
                    "double_count",
                    f"{labels[0].capitalize()} and {labels[1]} overlap (an admission includes its "
                    "bed-days, a placement its weeks): counting both counts the same benefit twice.",
                )
            )


def _independent(
    claim: ClaimSpec,
    library: Library,
    defaults: ClaimDefaults,
    lines: pd.DataFrame,
    scenario: Scenario | None,
    file: str,
    flags: list[Flag],
) -> Independent | None:
    """Where a line is valued at a unit cost derived from a claim, say so, and recompute the claim with
    an independent published unit cost in its place (every judgement kept as it was)."""
    derived = {d.unit_cost: d for d in defaults.claim_derived}
    swaps: dict[int, ClaimSaving] = {}
    used: list[tuple[str, str]] = []
    for i, saving in enumerate(claim.savings):
        rows = lines[lines["line"] == i]
        if saving.unit_cost not in derived or rows.empty or rows["cost_basis"].iloc[0] == "own" or not saving.quantity:
            continue
        if (
            rows["cost_basis"].iloc[0] == "scenario"
            and rows["unit_value"].iloc[0] != rows["library_unit_value"].iloc[0]
        ):
            continue  # the scenario changed the value: it is no longer the claim-derived figure
        d = derived[saving.unit_cost]  # type: ignore[index]
        first = rows.iloc[0]
        swaps[i] = saving.model_copy(
            update={
                "unit_cost": d.independent,
                "cost_basis": "library",
                "deadweight": float(first["deadweight"]),
                "attribution": float(first["attribution"]),
                "optimism_bias": float(first["optimism_bias"]),
                "value": None,
            }
        )
        if (d.unit_cost, d.independent) not in used:
            used.append((d.unit_cost, d.independent))
    if not swaps:
        return None
    other = claim.model_copy(
        update={
            "savings": tuple(swaps.get(i, s) for i, s in enumerate(claim.savings)),
            "price_year": price_year_taken(claim, library)[0],
        }
    )
    again = check_claim(other, library, file, scenario)
    source_claims = {derived[a].claim.lower() for a, _ in used}
    reproduces = _reproduces(float(lines["recomputed_library"].sum()), claim.claimed_saving)
    circular = claim.claim.lower() in source_claims or (reproduces and len(claim.savings) == len(swaps))
    derived_text, independent_text = [], []
    for a, b in used:
        derived_cost, independent_cost = library.unit_costs[a], library.unit_costs[b]
        whose = "this very claim" if circular else f"the {derived[a].claim} claim"
        derived_text.append(
            f"the library's {pounds(derived_cost.value)} {_lc(derived_cost.label)} is derived from {whose} "
            f"({derived[a].derivation})"
        )
        independent_text.append(
            f"the {(independent_cost.source.publisher or 'publisher').removeprefix('The ')}'s "
            f"{_lc(independent_cost.label)} of "
            f"{pounds(independent_cost.value)} at {independent_cost.price_year} prices"
        )
    text = (
        _sentence("; ".join(derived_text))
        + (
            ", so that the claim reproduces proves nothing. "
            if circular
            else ": a scheme's own figure, not a published unit cost. "
        )
        + f"At an independent published cost, {' and '.join(independent_text)}, the claim's quantities "
        f"are worth {pounds(again.recomputed)} at {again.price_year} prices, and the adjusted figure is "
        f"{pounds(again.adjusted)} a year (against {pounds(float(lines.loc[lines['fiscal'], 'adjusted'].sum()))})."
    )
    flags.append(Flag("circular" if circular else "claim_derived_unit_cost", text))
    note = " ".join(derived[a].independent_note for a, _ in used)
    return Independent(circular, tuple(used), again.recomputed, again.adjusted, note)


def _sources(
    claim: ClaimSpec,
    library: Library,
    scenario_costs: dict[str, UnitCost],
    defaults: ClaimDefaults,
    price_year: int,
) -> pd.DataFrame:
    """The source of every unit value the check uses: library costs with their citation, the
    scenario's edits, your own values (credited to you), and the claim's own figures."""
    rows = []
    seen: set[tuple[str, str]] = set()
    derived = {d.unit_cost: d for d in defaults.claim_derived}
    wanted: list[tuple[str, str | None, ClaimSaving]] = []
    for saving in claim.savings:
        basis = saving.cost_basis or ("library" if saving.unit_cost else "claim")
        wanted.append((basis, saving.unit_cost, saving))
        if saving.unit_cost in derived and basis != "own":
            wanted.append(("independent", derived[saving.unit_cost].independent, saving))
    for basis, cost_id, saving in wanted:
        key = (basis, cost_id or saving.label or "")
        if key in seen:
            continue
        seen.add(key)
        if basis == "own":
            year = saving.own_price_year or price_year
            rows.append(
                {
                    "unit_cost": cost_id or "",
                    "label": library.unit_costs[cost_id].label if cost_id else (saving.label or "Saving"),
                    "used_as": "Your own value",
                    "value": saving.own_value,
                    "price_year": year,
                    "source": "Your own figure (the person checking), not a publication"
                    + (f": {saving.own_value_note}" if saving.own_value_note else ""),
                }
            )
        elif basis == "claim":
            rows.append(
                {
                    "unit_cost": "",
                    "label": saving.label or "Saving",
                    "used_as": "The claim's own value",
                    "value": saving.value,
                    "price_year": price_year,
                    "source": "The claim's own figure, as stated: " + (claim.note or "no source given"),
                }
            )
        else:
            cost = (
                scenario_costs.get(cost_id, library.unit_costs[cost_id])
                if basis == "scenario"
                else library.unit_costs[cost_id]
            )  # type: ignore[index]
            used_as = {"library": "Library", "scenario": "Current scenario", "independent": "Independent check"}[basis]
            rows.append(
                {
                    "unit_cost": cost.id,
                    "label": cost.label,
                    "used_as": used_as,
                    "value": cost.value,
                    "price_year": cost.price_year,
                    "source": cost.source.citation() + (f". Quoted: {cost.source.quote}" if cost.source.quote else ""),
                }
            )
    return pd.DataFrame(rows, columns=["unit_cost", "label", "used_as", "value", "price_year", "source"])


# ------------------------------------------------------------------------------------------------
# Editing a claim (the app's widgets call these; each change is validated, the last good claim kept)


def edit(
    claim: ClaimSpec, change: dict[str, Any], file: str = "typed claim", library: Library | None = None
) -> ClaimSpec:
    """Apply one change to a claim and validate it: ``{"field": name, "value": v}`` for the claim,
    ``{"line": i, "field": name, "value": v}`` for a line (``None`` clears the field),
    ``{"add_line": {...}}`` or ``{"remove_line": i}``. An invalid result raises InputError."""
    data = claim.model_dump(mode="json", exclude_none=True)
    if "add_line" in change:
        data["savings"].append(change["add_line"])
    elif "remove_line" in change:
        if len(data["savings"]) <= 1:
            raise InputError(file, "savings", "a claim needs at least one line")
        del data["savings"][change["remove_line"]]
    elif "line" in change:
        line = data["savings"][change["line"]]
        for name, value in change.get("fields", {change.get("field"): change.get("value")}).items():
            if value is None:
                line.pop(name, None)
            else:
                line[name] = value
    else:
        for name, value in change.get("fields", {change.get("field"): change.get("value")}).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
    new = validate_claim(data, file)
    library = library or load_library()
    check_references(new, library, file)
    check_price_years(new, library, file)
    return new


def check_price_years(claim: ClaimSpec, library: Library, file: str = "claim") -> None:
    """The claim's price_uplift, price year and each line's own price year must lie on the price index
    (the GDP deflator table, then the claim's price_uplift or the library's proxy)."""
    uplift = claim.price_uplift
    check_uplift(library, uplift, file, "price_uplift")
    index = library.price_index(uplift)
    if claim.price_year is not None and claim.price_year not in index:
        raise InputError(file, "price_year", outside_message(library, claim.price_year, uplift))
    made = claimed_year(claim)
    if made is not None and made not in index:
        raise InputError(file, "claimed_on", "the claim's date: " + outside_message(library, made, uplift))
    for i, saving in enumerate(claim.savings):
        if saving.own_price_year is not None and saving.own_price_year not in index:
            problem = outside_message(library, saving.own_price_year, uplift)
            raise InputError(file, f"savings[{i}].own_price_year", problem)


def own_value_start(
    saving: ClaimSaving, claim: ClaimSpec, library: Library, scenario_costs: dict[str, UnitCost]
) -> tuple[float, int]:
    """Where "your own value" starts when a line first takes it, and its price year: the scenario's
    unit cost (or the claim's own value) uprated to the last year of the GDP deflator table."""
    latest = library.deflator_years()[1]
    if saving.unit_cost:
        mine = scenario_costs.get(saving.unit_cost, library.unit_costs[saving.unit_cost])
        return round(mine.value * library.deflator_factor(mine.price_year, latest, claim.price_uplift), 2), latest
    return saving.value * library.deflator_factor(claim.price_year or latest, latest, claim.price_uplift), latest
