"""Pydantic v2 models of every assumption, of a scenario and of a claim.

Every model is frozen and forbids unknown fields, so a typo in a file is an error naming the field,
never a silently ignored setting. Bounds live on the fields (``ge``/``le``) so that one definition
serves the library, scenario overrides and the app's widgets.
"""

from __future__ import annotations

import math
import types
import typing
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from roi.inputs import limits

ValueType = Literal["fiscal_cashable", "fiscal_non_cashable", "economic", "social"]
VALUE_TYPES: tuple[str, ...] = ("fiscal_cashable", "fiscal_non_cashable", "economic", "social")
FISCAL_VALUE_TYPES: tuple[str, ...] = ("fiscal_cashable", "fiscal_non_cashable")
Confidence = Literal["high", "medium", "low"]
Grade = Literal["green", "amber", "red"]
# The GMCA Unit Cost Database grades its costs red / amber / green; effects are graded the same way
# (review or RCT = green, evaluation without a control = amber, single small pilot or an unsourced
# assertion = red). Optimism bias follows the grade of each figure (the 2014 HM Treasury / New Economy
# guidance grades every cost and benefit figure apart): an intervention's ``confidence`` is the grade
# of its effect (an outcome's own ``confidence`` overrides it for that outcome) and sets optimism bias
# on benefits; its ``cost_confidence`` is the grade of its cost figure and sets optimism bias on costs.
GRADE_CONFIDENCE: dict[str, str] = {"green": "high", "amber": "medium", "red": "low"}
Provenance = Literal["published", "your figure", "local judgement"]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="lower_snake_case id")]
# A reference to a unit cost: a library id, or a row of the GMCA Unit Cost Database as ``ucd:`` and its
# cost code (``ucd:HO1.0``, ``ucd:E&S1.0``; roi.inputs.ucd). Used wherever a unit cost is named.
UCD_PREFIX = "ucd:"
UnitCostId = Annotated[
    str,
    Field(
        pattern=r"^([a-z][a-z0-9_]{0,63}|ucd:[A-Z][A-Z&]{0,7}[0-9]{1,3}(\.[0-9]{1,3}){0,4})$",
        description="a unit cost: a lower_snake_case library id, or ucd: and a GMCA Unit Cost Database code",
    ),
]
Money = Annotated[float, Field(ge=0, le=1e12, description="pounds")]
Fraction = Annotated[float, Field(ge=0, le=1, description="a share between 0 and 1")]
Quantity = Annotated[float, Field(ge=0, le=1e6, description="units avoided per case")]
Cases = Annotated[float, Field(ge=0, le=1e7, description="cases a year")]
Year = Annotated[int, Field(ge=1900, le=2200, description="calendar year")]
Duration = Annotated[int, Field(ge=1, le=60, description="years an effect lasts")]
Lag = Annotated[int, Field(ge=0, le=60, description="years after funding before an effect starts")]
Effect = Literal["avoids", "incurs"]
Range = tuple[float, float]
EffectMeasure = Literal["main", "alternative"]
RangeBasis = Literal["yours", "moved"]

SHARE_TOLERANCE = 1e-6


def _bool_for_number(value: Any, annotation: Any) -> bool:
    """Whether ``value`` holds true/false where ``annotation`` wants a number (pydantic's lax mode
    would take ``true`` as 1), anywhere inside lists, tuples and mappings."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _bool_for_number(value, args[0])
    if origin in (typing.Union, types.UnionType):
        arms = [arm for arm in args if arm is not type(None)]
        return bool(arms) and all(_bool_for_number(value, arm) for arm in arms)
    if isinstance(value, bool):
        return annotation in (int, float)
    if isinstance(value, dict) and origin is dict and len(args) == 2:
        return any(_bool_for_number(k, args[0]) or _bool_for_number(v, args[1]) for k, v in value.items())
    if isinstance(value, (list, tuple)) and origin in (list, tuple) and args:
        if len(args) == 2 and args[1] is Ellipsis or origin is list:
            return any(_bool_for_number(item, args[0]) for item in value)
        return any(_bool_for_number(item, arm) for item, arm in zip(value, args, strict=False))
    return False


def _holds_numbers(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False  # a nested model checks its own fields
    return any(_holds_numbers(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis)


_NUMBER_FIELDS: dict[type, dict[str, Any]] = {}
BOOL_FOR_NUMBER = "true or false is not a number; give a number"


def _number_fields(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields that take a number somewhere (a number, or a list or mapping of them)."""
    found = _NUMBER_FIELDS.get(model)
    if found is None:
        found = _NUMBER_FIELDS[model] = {
            name: field.annotation for name, field in model.model_fields.items() if _holds_numbers(field.annotation)
        }
    return found


class Frozen(BaseModel):
    """Base: immutable, no unknown fields, no NaN or infinity anywhere, no true/false for a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_true_or_false_for_a_number(cls, data: Any) -> Any:
        if isinstance(data, dict):
            wrong = [
                InitErrorDetails(
                    type=PydanticCustomError("bool_for_number", BOOL_FOR_NUMBER), loc=(name,), input=data[name]
                )
                for name, annotation in _number_fields(cls).items()
                if name in data and _bool_for_number(data[name], annotation)
            ]
            if wrong:  # raised as a ValidationError so that each error keeps its field's path
                raise ValidationError.from_exception_data(cls.__name__, wrong)
        return data


class Source(Frozen):
    """Where a value comes from: a publication, the user's own figure, or a local judgement to agree."""

    publication: str | None = None
    publisher: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)
    location: str | None = Field(default=None, description="page, section, table or line")
    quote: str | None = Field(default=None, description="the figure as the source gives it")
    derivation: str | None = None
    # How the figure was read: in the source itself, in a copy quoting it, or not at all (an unverified
    # figure is shipped only with that mark, shown on screen and in exports).
    read: Literal["original", "secondary", "unverified"] | None = None
    read_in: str | None = Field(default=None, description="where a second-hand figure was read")
    local_example: bool = Field(default=False, description="a local judgement with no published source")
    note: str | None = None
    licence: str | None = None
    # Evidence grading (issue 10): the study design behind an effect and its red/amber/green grade,
    # plus what else the study found that a reader must see (e.g. no clear fall in admissions).
    design: str | None = Field(default=None, description="study design, e.g. 'Cochrane review of RCTs'")
    grade: Grade | None = Field(default=None, description="confidence grade of the evidence")
    caveat: str | None = Field(default=None, description="what else the source found, or its limits")
    # Provenance: a figure the user typed (with their note and the date), and judgements that still
    # sit at the shipped convention for deadweight, displacement, attribution and drop-off.
    user_figure: bool = Field(default=False, description="a figure the user entered, credited to them")
    entered_on: date | None = Field(default=None, description="when the user entered the figure")
    convention: bool = Field(default=False, description="a local judgement at the shipped neutral convention")

    @model_validator(mode="after")
    def _documented_or_local(self) -> Source:
        if self.local_example or self.user_figure:
            if not self.note:
                raise ValueError("a local judgement or your own figure needs a note saying what it stands for")
        elif not (self.publication and self.publisher and self.quote):
            raise ValueError("a source needs publication, publisher and quote, or local_example: true with a note")
        if self.read == "secondary" and not self.read_in:
            raise ValueError("a figure read second-hand needs read_in: where it was read")
        if self.read == "unverified" and not self.note:
            raise ValueError("an unverified figure needs a note saying what could not be read")
        return self

    @property
    def unverified(self) -> bool:
        """A published figure that could not be read in its source or a copy of it."""
        return self.read == "unverified" and not self.local_example and not self.user_figure

    @property
    def provenance(self) -> Provenance:
        """Who said this number: a publication, the user, or a local judgement to agree."""
        if self.user_figure:
            return "your figure"
        return "local judgement" if self.local_example else "published"

    def citation(self) -> str:
        """One line for tables: publication, publisher, year, location; or the judgement's or user's note."""
        if self.user_figure:
            when = f", entered {self.entered_on:%d %B %Y}" if self.entered_on else ""
            return f"Your figure{when}: {self.note}"
        if self.local_example:
            return f"Local judgement: {self.note}"
        parts = [self.publication, self.publisher, str(self.year) if self.year else None, self.location]
        text = ", ".join(p for p in parts if p)
        if self.read == "secondary":
            text += f" (read second-hand in {self.read_in})"
        elif self.read == "unverified":
            text += f" (NOT VERIFIED: {self.note})"
        return text


class Partner(Frozen):
    id: Identifier
    label: str = Field(min_length=1)
    group: str
    fiscal: bool = Field(description="a public body whose savings count as fiscal value")
    description: str = ""


class Bearer(Frozen):
    """One bearer of a unit cost (or of a ratio's benefit): a partner, a value type and a share."""

    partner: Identifier
    value_type: ValueType
    share: float = Field(gt=0, le=1)


def _check_shares(shares: list[float], what: str) -> None:
    total = math.fsum(shares)
    if abs(total - 1) > SHARE_TOLERANCE:
        raise ValueError(f"{what} must sum to 1 (they sum to {total:g})")


class DatedFigure(Frozen):
    """Another dated figure for a unit cost (an older or newer official estimate), with its source."""

    value: Money
    price_year: int = Field(ge=1900, le=2200)
    label: str = Field(min_length=1, description="e.g. 'NHS England estimate, September 2025'")
    source: Source


class UnitCost(Frozen):
    """The documented value of one unit of an outcome, in pounds at its own price year."""

    id: UnitCostId
    label: str = Field(min_length=1)
    value: Money
    unit: str = Field(min_length=1, description="what one unit is, e.g. 'per bed-day'")
    price_year: Year
    price_year_note: str | None = None
    partner: Identifier | None = None
    value_type: ValueType | None = None
    split: tuple[Bearer, ...] | None = None
    low: Money | None = None
    high: Money | None = None
    range_note: str | None = None
    range_local_example: bool = False
    range_unverified: bool = Field(
        default=False, description="an end of the range comes from a figure that could not be read: shown on screen"
    )
    confidence: Confidence
    source: Source
    note: str | None = None
    health_effect: bool = Field(
        default=False, description="a health effect (QALY-type value): discounted on the health schedule"
    )
    alternatives: tuple[DatedFigure, ...] = Field(
        default=(), description="other dated official figures for the same unit, newest first"
    )

    @field_validator("split")
    @classmethod
    def _split_sums_to_one(cls, split: tuple[Bearer, ...] | None) -> tuple[Bearer, ...] | None:
        if split:
            _check_shares([b.share for b in split], "split shares")
        return split

    @model_validator(mode="after")
    def _bearer_and_range(self) -> UnitCost:
        single = self.partner is not None or self.value_type is not None
        if single and self.split:
            raise ValueError("give either partner and value_type, or split, not both")
        if not self.split and (self.partner is None or self.value_type is None):
            raise ValueError("give partner and value_type, or a split")
        _check_range(self.value, self.low, self.high)
        return self

    def bearers(self) -> tuple[Bearer, ...]:
        """Who bears this cost, as bearers whose shares sum to 1."""
        if self.split:
            return self.split
        return (Bearer(partner=self.partner, value_type=self.value_type, share=1.0),)  # type: ignore[arg-type]


def _check_range(central: float, low: float | None, high: float | None) -> None:
    if low is not None and low > central:
        raise ValueError(f"low ({low:g}) must not exceed the central value ({central:g})")
    if high is not None and high < central:
        raise ValueError(f"high ({high:g}) must not be below the central value ({central:g})")


OUTCOME_RANGED = ("quantity_per_case", "deadweight", "displacement", "attribution", "drop_off")
INTERVENTION_RANGED = ("cases_per_year", "cost_per_case", "fixed_cost_per_year")
FRACTION_FIELDS = ("deadweight", "displacement", "attribution", "drop_off")


def _check_ranges(model: BaseModel, ranges: dict[str, Range], allowed: tuple[str, ...]) -> None:
    for name, (low, high) in ranges.items():
        if name not in allowed:
            raise ValueError(f"ranges.{name}: not a ranged field; allowed: {', '.join(allowed)}")
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError(f"ranges.{name}: low and high must be finite numbers")
        if low < 0 or (name in FRACTION_FIELDS and high > 1):
            raise ValueError(
                f"ranges.{name}: must lie within [0, 1]"
                if name in FRACTION_FIELDS
                else f"ranges.{name}: must not be negative"
            )
        if low > high:
            raise ValueError(f"ranges.{name}: low {low:g} is above high {high:g}; give [low, high] with low <= high")
        central = getattr(model, name)
        if not low <= central <= high:
            raise ValueError(f"ranges.{name}: [{low:g}, {high:g}] must contain the central value {central:g}")


class AlternativeRatio(Frozen):
    """A second published measure of the same effect (e.g. the risk ratio of fall-related hospitalisation
    beside the rate ratio of falls), applied to the same baseline and share when the user chooses it."""

    label: str = Field(min_length=1, description="what it measures, in users' words")
    rate_ratio: float = Field(gt=0, le=1, description="with the service / without (below 1 = fewer)")
    rate_ratio_range: Range | None = Field(
        default=None, description="the 95% confidence interval, if published (may reach above 1)"
    )
    source: Source


class RateEffect(Frozen):
    """A published relative effect on a baseline rate: units avoided per case a year =
    baseline per person-year x (1 - rate ratio) x share of those events that carry the unit cost.

    The baseline (e.g. falls a year in people at high risk, or admissions a year per referred
    person) is a labelled input a district can replace with its own figure."""

    baseline_per_year: float = Field(gt=0, le=1000, description="events a year per person without the service")
    baseline_label: str = Field(min_length=1, description="what the baseline counts, in users' words")
    baseline_source: Source
    baseline_range: Range | None = None
    rate_ratio: float = Field(gt=0, le=1, description="rate with the service / rate without (below 1 = fewer)")
    rate_ratio_range: Range | None = Field(default=None, description="the 95% confidence interval, if published")
    share_costed: Fraction = Field(default=1.0, description="share of the events avoided that carry the unit cost")
    share_label: str | None = None
    share_range: Range | None = None
    share_source: Source | None = None
    measure_label: str | None = Field(
        default=None, description="what the rate ratio measures, in users' words (e.g. 'Fewer falls')"
    )
    alternative: AlternativeRatio | None = Field(
        default=None, description="a second published effect measure the user may rely on instead"
    )
    use_alternative: bool = Field(
        default=False, description="set from the intervention's effect_measure: use the alternative ratio"
    )

    @property
    def ratio_in_use(self) -> float:
        """The rate ratio the quantity is computed from: the alternative's where chosen."""
        return self.alternative.rate_ratio if self.use_alternative and self.alternative else self.rate_ratio

    @property
    def ratio_range_in_use(self) -> Range | None:
        """The interval of the ratio in use."""
        if self.use_alternative and self.alternative:
            return self.alternative.rate_ratio_range
        return self.rate_ratio_range

    @property
    def avoided_per_year(self) -> float:
        """Events avoided per person a year: baseline x (1 - rate ratio in use)."""
        return self.baseline_per_year * (1 - self.ratio_in_use)

    @property
    def quantity(self) -> float:
        """Units of the unit cost avoided per case a year."""
        return self.avoided_per_year * self.share_costed

    def quantity_range(self) -> Range | None:
        """Low and high quantity from the rate ratio's interval and the share's range (both ends together)."""
        if self.rate_ratio_range is None and self.share_range is None and self.baseline_range is None:
            return None
        b_low, b_high = self.baseline_range or (self.baseline_per_year, self.baseline_per_year)
        rr_low, rr_high = self.ratio_range_in_use or (self.ratio_in_use, self.ratio_in_use)
        s_low, s_high = self.share_range or (self.share_costed, self.share_costed)
        # An interval reaching above 1 (possibly more events) is cut at no effect: a quantity avoided
        # is never negative in this model.
        return (max(0.0, b_low * (1 - rr_high) * s_low), b_high * (1 - rr_low) * s_high)


class Outcome(Frozen):
    """An outcome of an intervention: a unit cost it avoids (or, with ``effect: incurs``, a cost its
    bearer takes on because of it), a quantity per case, a lag, and honest adjustments."""

    unit_cost: UnitCostId
    quantity_per_case: Quantity
    id: Identifier | None = Field(
        default=None,
        description="an optional name for this outcome, unique within its intervention: needed only to tell "
        "apart two outcomes on the same unit cost (a scenario's override names it to change that one)",
    )
    effect: Effect = "avoids"
    lag_years: Lag = 0
    cashable_share: Fraction | None = Field(
        default=None, description="share of a fiscal saving that is cash; default: the unit cost's value type"
    )
    rate_effect: RateEffect | None = Field(
        default=None, description="where given, quantity_per_case and its range are computed from it"
    )
    quantity_follows: Identifier | None = Field(
        default=None,
        description="another outcome of the same intervention (its id, or its unit cost where only one outcome "
        "uses that unit cost) whose quantity this one moves with: in every draw, its quantity is that "
        "outcome's scaled by the ratio of their central values (so it has no quantity range of its own)",
    )
    deadweight: Fraction = 0.0
    displacement: Fraction = 0.0
    attribution: Fraction = 1.0
    duration_years: Duration = 1
    drop_off: Fraction = 0.0
    ranges: dict[str, Range] = Field(default_factory=dict)
    range_basis: dict[str, RangeBasis] = Field(
        default_factory=dict,
        description="set on resolving a scenario: which ranges are the user's own ('yours') "
        "or the library's moved with the user's value ('moved'); the rest are the library's",
    )
    source: Source
    adjustments_source: Source | None = None
    duration_source: Source | None = Field(
        default=None, description="the basis of duration_years and drop_off, where apart from the effect's source"
    )
    confidence: Confidence | None = Field(
        default=None, description="grade of this outcome's effect; default: the intervention's confidence"
    )

    @model_validator(mode="before")
    @classmethod
    def _quantity_from_rate_effect(cls, data: object) -> object:
        if isinstance(data, dict) and data.get("rate_effect") is not None:
            effect = RateEffect.model_validate(data["rate_effect"])
            data = dict(data)
            data["quantity_per_case"] = effect.quantity
            span = effect.quantity_range()
            ranges = dict(data.get("ranges") or {})
            if span is not None:
                ranges["quantity_per_case"] = span
            else:
                ranges.pop("quantity_per_case", None)
            data["ranges"] = ranges
        return data

    @model_validator(mode="after")
    def _ranges(self) -> Outcome:
        _check_ranges(self, self.ranges, OUTCOME_RANGED)
        if self.quantity_follows is not None:
            if self.quantity_follows in (self.unit_cost, self.id):
                raise ValueError(
                    f"quantity_follows: an outcome cannot follow itself ('{self.unit_cost}'); "
                    "allowed: the unit cost of another outcome of the same intervention"
                )
            if "quantity_per_case" in self.ranges:
                whence = " (here from its rate_effect's ranges)" if self.rate_effect is not None else ""
                raise ValueError(
                    f"ranges.quantity_per_case: this quantity follows '{self.quantity_follows}', so its range "
                    f"comes from the one it follows; remove this range{whence} (allowed: no quantity_per_case "
                    "range on an outcome with quantity_follows)"
                )
        return self


def outcome_name(outcome: Outcome) -> str:
    """How other fields refer to an outcome: its id if it has one, else its unit cost."""
    return outcome.id or outcome.unit_cost


def follow_target(outcomes: tuple[Outcome, ...], name: str) -> int | None:
    """The position of the outcome ``name`` refers to: the outcome with that id, else the only outcome on
    the unit cost of that name; None if there is no such outcome or more than one."""
    by_id = [k for k, o in enumerate(outcomes) if o.id == name]
    if by_id:
        return by_id[0]
    by_cost = [k for k, o in enumerate(outcomes) if o.unit_cost == name]
    return by_cost[0] if len(by_cost) == 1 else None


def outcome_key(outcomes: tuple[Outcome, ...], k: int) -> tuple[str, str, int]:
    """How an outcome is matched between two scenarios: by its id, else as the n-th outcome (without an
    id) on its unit cost, so two outcomes on one unit cost are compared one with one."""
    outcome = outcomes[k]
    if outcome.id:
        return (outcome.unit_cost, outcome.id, 0)
    n = sum(1 for o in outcomes[:k] if o.unit_cost == outcome.unit_cost and not o.id)
    return (outcome.unit_cost, "", n)


def _check_outcome_ids(outcomes: tuple[Outcome, ...]) -> None:
    """Outcome ids are unique within an intervention (any number of outcomes may share a unit cost)."""
    seen: set[str] = set()
    for k, outcome in enumerate(outcomes):
        if outcome.id is None:
            continue
        if outcome.id in seen:
            raise ValueError(f"outcomes[{k}].id: '{outcome.id}' is used twice; allowed: an id unique to one outcome")
        seen.add(outcome.id)


def _check_follows(outcomes: tuple[Outcome, ...]) -> None:
    """An outcome's quantity_follows names another outcome of the same intervention, one that follows
    none itself and whose central quantity is above 0 (the ratio of central values scales it)."""
    for k, outcome in enumerate(outcomes):
        lead_name = outcome.quantity_follows
        if lead_name is None:
            continue
        where = f"outcomes[{k}].quantity_follows ('{outcome_name(outcome)}')"
        others = [outcome_name(o) for j, o in enumerate(outcomes) if j != k and o.quantity_follows is None]
        allowed = ", ".join(others) if others else "none (this intervention has no other outcome to follow)"
        j = follow_target(outcomes, lead_name)
        if j is None and sum(o.unit_cost == lead_name for o in outcomes) > 1:
            raise ValueError(
                f"{where}: more than one outcome uses the unit cost '{lead_name}'; name the one to follow by its id"
            )
        if j is None or j == k:
            raise ValueError(f"{where}: '{lead_name}' is not an outcome of this intervention; allowed: {allowed}")
        lead = outcomes[j]
        if lead.quantity_follows is not None:
            raise ValueError(
                f"{where}: '{lead_name}' itself follows '{lead.quantity_follows}'; an outcome may follow only one "
                f"that follows none; allowed: {allowed}"
            )
        if lead.quantity_per_case <= 0:
            raise ValueError(
                f"{where}: '{lead_name}' has a quantity per case of 0, so nothing can move in proportion to it; "
                "allowed: an outcome whose quantity per case is above 0"
            )


class RatioEvidence(Frozen):
    """A published '£ per £1' ratio, with the shares of its benefit by partner and value type."""

    value_per_pound: float = Field(gt=0, le=1000)
    low: float | None = Field(default=None, gt=0, le=1000)
    high: float | None = Field(default=None, gt=0, le=1000)
    benefit_split: tuple[Bearer, ...] = Field(min_length=1)
    deadweight: Fraction = 0.0
    displacement: Fraction = 0.0
    attribution: Fraction = 1.0
    horizon_years: Duration = Field(
        default=1, description="years over which the ratio's benefit is spread evenly from the year of spend"
    )
    horizon_source: Source | None = None
    source: Source
    split_source: Source

    @field_validator("benefit_split")
    @classmethod
    def _split_sums_to_one(cls, split: tuple[Bearer, ...]) -> tuple[Bearer, ...]:
        _check_shares([b.share for b in split], "benefit_split shares")
        return split

    @model_validator(mode="after")
    def _shares(self) -> RatioEvidence:
        _check_range(self.value_per_pound, self.low, self.high)
        return self


class CostModel(Frozen):
    """A cost per case derived from two inputs a user can edit: a year's staff cost over the people one
    worker supports in a year (e.g. a link worker's salary with on-costs / caseload)."""

    label: str = Field(min_length=1, description="what the cost is, e.g. 'link worker cost per person'")
    salary_per_year: Money = Field(description="pounds a year for one full-time worker, with on-costs")
    caseload_per_year: float = Field(gt=0, le=1e5, description="people one full-time worker supports a year")
    source: Source

    @property
    def cost_per_case(self) -> float:
        return round(self.salary_per_year / self.caseload_per_year, 2)


class Intervention(Frozen):
    """What a partner funds: its costs, funders, volume and the outcomes (or ratio) it delivers."""

    id: Identifier
    label: str = Field(min_length=1)
    description: str = ""
    service: Identifier | None = Field(
        default=None,
        description="the service it values (e.g. home_adaptations): two interventions with the same tag "
        "value the same service, so a scenario with both is warned of double counting (roi.engine.overlaps)",
    )
    cases_per_year: Cases
    cases_per_100k: float | None = Field(
        default=None, ge=0, le=1e5, description="cases a year per 100,000 people; volume_source gives its basis"
    )
    cost_per_case: Money = 0.0
    fixed_cost_per_year: Money = 0.0
    price_year: Year
    funded_by: dict[Identifier, Fraction] = Field(min_length=1)
    optimism_bias: Fraction | None = Field(default=None, description="on benefits; overrides the table")
    cost_optimism_bias: float | None = Field(
        default=None, ge=0, le=2, description="uplift on costs; overrides the table"
    )
    confidence: Confidence = Field(description="grade of the effect evidence: sets optimism bias on benefits")
    cost_confidence: Confidence = Field(
        default="low",
        description="grade of the cost figure: sets optimism bias on costs; low unless the library or "
        "scenario grades it (a cost nobody has graded is treated as the least certain)",
    )
    cost_confidence_basis: str | None = Field(
        default=None, max_length=300, description="why the cost figure has its grade, in users' words"
    )
    ranges: dict[str, Range] = Field(default_factory=dict)
    range_basis: dict[str, RangeBasis] = Field(
        default_factory=dict, description="set on resolving a scenario: see Outcome.range_basis"
    )
    cost_source: Source
    cost_alternatives: tuple[DatedFigure, ...] = Field(
        default=(), description="other dated figures for the cost per case, newest first (shown; type one to use it)"
    )
    cost_model: CostModel | None = Field(
        default=None, description="where given, cost_per_case is salary_per_year / caseload_per_year"
    )
    volume_source: Source
    outcomes: tuple[Outcome, ...] = ()
    ratio: RatioEvidence | None = None
    effect_measure: EffectMeasure = Field(
        default="main",
        description="which published measure the outcomes' rate effects use: 'main' (e.g. fewer falls) or "
        "'alternative' (e.g. fewer fall-related hospitalisations), where an outcome gives one",
    )

    @model_validator(mode="before")
    @classmethod
    def _measure_to_outcomes(cls, data: object) -> object:
        # The choice is made once, on the intervention, and every rate effect follows it.
        if not isinstance(data, dict) or data.get("effect_measure") is None:
            return data
        chosen = data["effect_measure"] == "alternative"
        outcomes = []
        for outcome in data.get("outcomes") or ():
            effect = outcome.get("rate_effect") if isinstance(outcome, dict) else None
            if isinstance(effect, dict) and effect.get("alternative") is not None:
                outcome = {**outcome, "rate_effect": {**effect, "use_alternative": chosen}}
            outcomes.append(outcome)
        return {**data, "outcomes": outcomes}

    @field_validator("funded_by")
    @classmethod
    def _funding_sums_to_one(cls, funded_by: dict[str, float]) -> dict[str, float]:
        _check_shares(list(funded_by.values()), "funded_by shares")
        return funded_by

    @model_validator(mode="before")
    @classmethod
    def _volume_from_rate(cls, data: object) -> object:
        # A library intervention may give only its rate per 100,000 people; the volume for the
        # default population of 100,000 is then that rate (a scenario rescales it, see library.py).
        if isinstance(data, dict) and data.get("cases_per_year") is None and data.get("cases_per_100k") is not None:
            data = {**data, "cases_per_year": data["cases_per_100k"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Intervention:
        if self.cost_model is not None and abs(self.cost_model.cost_per_case - self.cost_per_case) > 0.005:
            m = self.cost_model
            raise ValueError(
                f"cost_per_case: {self.cost_per_case:g} is not cost_model salary_per_year / caseload_per_year "
                f"({m.salary_per_year:g} / {m.caseload_per_year:g} = {m.cost_per_case:.2f}); give one or the other"
            )
        if self.ratio is not None and self.outcomes:
            raise ValueError("an intervention is either ratio-based or has outcomes, not both")
        _check_outcome_ids(self.outcomes)
        _check_follows(self.outcomes)
        _check_ranges(self, self.ranges, INTERVENTION_RANGED)
        return self

    @property
    def ratio_based(self) -> bool:
        return self.ratio is not None


class DiscountBand(Frozen):
    from_year: int = Field(ge=0, le=1000)
    rate: float = Field(ge=0, le=0.5)


class DiscountSchedule(Frozen):
    label: str
    bands: tuple[DiscountBand, ...] = Field(min_length=1)
    source: Source

    @model_validator(mode="after")
    def _starts_at_zero(self) -> DiscountSchedule:
        years = [b.from_year for b in self.bands]
        if years[0] != 0 or years != sorted(set(years)):
            raise ValueError("bands must start at year 0 and rise strictly")
        return self


# Per cent a year, for years past the GDP deflator table: a scalar (every year) or by year.
UpliftRate = Annotated[float, Field(ge=-10, le=30, description="per cent a year")]
PriceUplift = UpliftRate | dict[Year, UpliftRate]


class PriceProxy(Frozen):
    """A published inflation forecast offered as a stand-in for the GDP deflator past the table:
    per cent a year, by year, with its source. Shown everywhere as a proxy, never as the deflator."""

    label: str = Field(description="what the rates are, in words, e.g. 'OBR CPI forecast (November 2025)'")
    rates: dict[Year, UpliftRate] = Field(min_length=1, description="per cent growth in each year over the one before")
    source: Source

    @model_validator(mode="after")
    def _consecutive(self) -> PriceProxy:
        years = sorted(self.rates)
        if years != list(range(years[0], years[-1] + 1)):
            raise ValueError(f"rates: a gap in years ({years[0]} to {years[-1]}); give every year")
        return self


class Deflator(Frozen):
    """The HM Treasury GDP deflator, calendar years, ``base_year`` = 100. ``forecast_from`` is the first
    year of the table that is an OBR forecast rather than ONS outturn (none: every year is outturn).
    ``proxy`` is the default uplift for years past the table (a scenario's ``price_uplift`` replaces it)."""

    source: Source
    base_year: Year
    index: dict[int, float] = Field(min_length=1)
    forecast_from: Year | None = Field(default=None, description="first forecast year in index; earlier = outturn")
    proxy: PriceProxy | None = None

    @model_validator(mode="after")
    def _positive(self) -> Deflator:
        if any(v <= 0 for v in self.index.values()):
            raise ValueError("deflator index values must be positive")
        return self

    @property
    def last_outturn(self) -> int:
        years = sorted(self.index)
        return years[-1] if self.forecast_from is None else self.forecast_from - 1


class OptimismBiasTable(Frozen):
    """Optimism bias by the confidence grade of each figure: a benefit is reduced by the rate for its
    effect's grade, a cost uplifted by the rate for the cost's own grade. Every grade must be given."""

    source: Source
    by_confidence: dict[Confidence, Fraction] = Field(description="on benefits, by the effect's grade")
    costs_by_confidence: dict[Confidence, Annotated[float, Field(ge=0, le=2)]] = Field(
        description="on costs, by the cost's grade: they are uplifted by it"
    )
    costs_source: Source | None = None

    @model_validator(mode="after")
    def _every_grade(self) -> OptimismBiasTable:
        for name in ("by_confidence", "costs_by_confidence"):
            missing = [g for g in ("high", "medium", "low") if g not in getattr(self, name)]
            if missing:
                raise ValueError(f"{name}: give a rate for every grade; missing: {', '.join(missing)}")
        return self


class RatioBenchmark(Frozen):
    id: Identifier
    kind: str
    value_per_pound: float = Field(gt=0)
    outlier: bool = False
    source: str
    licence: str | None = None


class RatioBenchmarks(Frozen):
    benchmarks: tuple[RatioBenchmark, ...]
    plausible_max_per_pound: float = Field(gt=0)


# ---------------------------------------------------------------------------------------------
# Scenario files: settings plus overrides of the library. Every override field is optional but
# carries the same bounds as the library field it overrides.


class Settings(Frozen):
    """Appraisal settings of a scenario."""

    horizon_years: int = Field(default=10, ge=1, le=60, description="H, appraisal years")
    programme_years: int = Field(default=1, ge=1, le=30, description="P, years cases are funded")
    price_year: Year = Field(default=2024, description="every figure is uprated to this year's prices")
    price_uplift: PriceUplift | None = Field(
        default=None,
        description="your own judgement of price growth, per cent a year, for years past the GDP deflator table "
        "(one number for every year, or one per year); default: the library's labelled proxy",
    )
    start_year: Year | None = Field(default=None, description="first financial year (2025 = 2025/26)")
    discount_schedule: Identifier = "green_book_standard"
    discount_rate: float | None = Field(default=None, ge=0, le=0.2, description="a constant rate")
    optimism_bias: Fraction | None = Field(default=None, description="on benefits, all interventions")
    optimism_bias_by_confidence: dict[Confidence, Fraction] | None = None
    cost_optimism_bias: float | None = Field(default=None, ge=0, le=2, description="uplift on costs, all interventions")
    health_discount_schedule: Identifier = Field(
        default="green_book_health", description="schedule for health effects (unit costs with health_effect)"
    )
    health_discount_rate: float | None = Field(
        default=None, ge=0, le=0.2, description="a constant rate for health effects; default: the health schedule"
    )
    headline: Literal["central", "median"] = Field(
        default="central", description="the NPV shown as the headline: the central estimate or the median draw"
    )
    population: int = Field(
        default=100_000, ge=1_000, le=20_000_000, description="people in the area; library volumes are per 100,000"
    )

    @model_validator(mode="after")
    def _programme_within_horizon(self) -> Settings:
        if self.programme_years > self.horizon_years:
            raise ValueError(
                f"programme_years ({self.programme_years}) must not exceed horizon_years ({self.horizon_years})"
            )
        return self

    @property
    def first_year(self) -> int:
        return self.start_year if self.start_year is not None else self.price_year


class UnitCostOverride(Frozen):
    """A scenario's change to a library unit cost, or a new one (then label, unit, bearer needed)."""

    label: str | None = None
    value: Money | None = None
    unit: str | None = None
    price_year: Year | None = None
    partner: Identifier | None = None
    value_type: ValueType | None = None
    split: tuple[Bearer, ...] | None = None
    low: Money | None = None
    high: Money | None = None
    confidence: Confidence | None = None
    source: Source | None = None
    note: str | None = None
    health_effect: bool | None = None


class OutcomeOverride(Frozen):
    """A scenario's change to one of an intervention's outcomes, or a new outcome. It changes the library
    outcome with the same ``id``; without an id, the n-th override on a unit cost changes the n-th library
    outcome on that unit cost, and any beyond those are new outcomes."""

    unit_cost: UnitCostId
    id: Identifier | None = None
    quantity_per_case: Quantity | None = None
    effect: Effect | None = None
    lag_years: Lag | None = None
    cashable_share: Fraction | None = None
    deadweight: Fraction | None = None
    displacement: Fraction | None = None
    attribution: Fraction | None = None
    duration_years: Duration | None = None
    drop_off: Fraction | None = None
    ranges: dict[str, Range] | None = None
    source: Source | None = None
    adjustments_source: Source | None = None
    rate_effect: RateEffect | None = None
    quantity_follows: Identifier | None = None
    confidence: Confidence | None = None


class InterventionChoice(Frozen):
    """An intervention in a scenario: a library id plus overrides, or a new one defined in full."""

    id: Identifier
    label: str | None = None
    description: str | None = None
    service: Identifier | None = None
    cases_per_year: Cases | None = None
    cost_per_case: Money | None = None
    fixed_cost_per_year: Money | None = None
    price_year: Year | None = None
    funded_by: dict[Identifier, Fraction] | None = None
    optimism_bias: Fraction | None = None
    cost_optimism_bias: float | None = Field(default=None, ge=0, le=2)
    confidence: Confidence | None = None
    cost_confidence: Confidence | None = None
    cost_confidence_basis: str | None = Field(default=None, max_length=300)
    ranges: dict[str, Range] | None = None
    cost_source: Source | None = None
    cost_model: CostModel | None = None
    volume_source: Source | None = None
    outcomes: tuple[OutcomeOverride, ...] | None = None
    ratio: RatioEvidence | None = None
    effect_measure: EffectMeasure | None = None

    @model_validator(mode="after")
    def _one_override_per_id(self) -> InterventionChoice:
        seen: set[str] = set()
        for k, outcome in enumerate(self.outcomes or ()):
            if outcome.id is None:
                continue
            if outcome.id in seen:
                raise ValueError(
                    f"outcomes[{k}].id: '{outcome.id}' is used twice; allowed: an id unique to one outcome"
                )
            seen.add(outcome.id)
        return self


DealRule = Literal["proportional", "proportional_cash", "cash_break_even", "equal_return", "custom", "gain_share"]


class GainShareTerms(Frozen):
    """A gain share: ``payer`` pays ``receiver`` ``price`` pounds per unit of ``outcome`` avoided, up to
    ``cap`` pounds in a financial year (no cap if None). Pounds at the scenario's price year."""

    payer: Identifier
    outcome: UnitCostId = Field(description="a unit cost the scenario's outcomes use")
    price: Money = Field(description="pounds per unit avoided")
    cap: Money | None = Field(default=None, description="pounds a financial year at most")
    receiver: Identifier = Field(description="the partner paid, which carries the rest of the cost")


class ReplacedFunding(Frozen):
    """An intervention's funding as written before a deal (None: the library's), so undo is exact."""

    intervention: Identifier
    funded_by: dict[Identifier, Fraction] | None = None


class AppliedDeal(Frozen):
    """A funding deal applied to a scenario (roi.analysis.deal): the rule, the pooled shares it set on every
    intervention (or the gain-share terms it added) and the funding it replaced."""

    rule: DealRule
    label: str = Field(min_length=1, max_length=200)
    shares: dict[Identifier, Fraction] = Field(default_factory=dict)
    gain_share: GainShareTerms | None = None
    replaced: tuple[ReplacedFunding, ...] = ()
    by_intervention: dict[Identifier, dict[Identifier, Fraction]] = Field(
        default_factory=dict, description="a deal by service: each intervention's own shares, each summing to 1"
    )
    confidence: float | None = Field(None, ge=0.5, le=0.99, description="the confidence it was solved at")
    cores: dict[Identifier, tuple[Identifier, Money]] = Field(
        default_factory=dict, description="intervention -> (partner, PV pounds) of a statutory core, by service"
    )

    @model_validator(mode="after")
    def _terms(self) -> AppliedDeal:
        for intervention, shares in self.by_intervention.items():
            _check_shares(list(shares.values()), f"deal shares of {intervention}")
        if self.gain_share is None and not self.by_intervention:
            _check_shares(list(self.shares.values()), "deal shares")
        return self


class Overlap(Frozen):
    """Two interventions of a scenario that value the same people (roi.engine.overlaps): ``share`` is the
    share of the second-named intervention's people who are also the first's (0: different people,
    nothing removed; 1: the same people). The engine scales the second-named intervention's benefit
    lines on what they share (``unit_cost`` alone if given) by (1 - share)."""

    interventions: tuple[Identifier, Identifier] = Field(
        description="two interventions of the scenario; the second-named one's benefits are reduced"
    )
    share: float = Field(ge=0, le=1, description="share of people in common, 0 to 1")
    unit_cost: UnitCostId | None = Field(default=None, description="only this unit cost's lines overlap")


InputName = Annotated[
    str, Field(min_length=1, max_length=300, description="an uncertain input, e.g. unit_cost.bed_day.value")
]


class Correlation(Frozen):
    """Two uncertain inputs that move together: the rank (Spearman) correlation their draws are given
    in the Monte Carlo (roi.engine.correlation). The names are the dotted keys of the scenario's ranged
    inputs (``unit_cost.bed_day.value``, ``outcome.dfg_adaptation.0.quantity_per_case``); they are
    checked against the scenario by roi.inputs.correlation.check_correlations. A correlation is a
    judgement: ``source`` says where it comes from (or marks it a local judgement)."""

    inputs: tuple[InputName, InputName]
    rank_correlation: float = Field(ge=-1, le=1, description="from -1 to 1")
    source: Source | None = None


MAX_CORRELATIONS = 100  # pairs in one scenario (a judgement: far more than anyone sets by hand)


class ScenarioSpec(Frozen):
    """A scenario file as written: name, settings, and overrides of the assumption library."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    settings: Settings = Field(default_factory=Settings)
    unit_costs: dict[UnitCostId, UnitCostOverride] = Field(default_factory=dict)
    interventions: tuple[InterventionChoice, ...] = Field(min_length=1, max_length=100)
    deal: AppliedDeal | None = Field(default=None, description="a funding deal applied by roi.analysis.deal")
    overlaps: tuple[Overlap, ...] = Field(
        default=(), max_length=100, description="people two interventions have in common (roi.engine.overlaps)"
    )
    correlations: tuple[Correlation, ...] = Field(
        default=(), max_length=MAX_CORRELATIONS, description="rank correlations between uncertain inputs"
    )

    @model_validator(mode="after")
    def _unique_interventions(self) -> ScenarioSpec:
        seen: set[str] = set()
        for choice in self.interventions:
            if choice.id in seen:
                raise ValueError(f"intervention '{choice.id}' appears twice")
            seen.add(choice.id)
        return self


CostBasis = Literal["library", "scenario", "own"]
COST_BASES: tuple[str, ...] = ("library", "scenario", "own")
ClaimId = Annotated[str, Field(min_length=1, max_length=100, description="a library id; checked against the library")]


class ClaimSaving(Frozen):
    """One line of a savings claim: a quantity of a library unit cost, or an inline value.

    ``partner`` and ``value_type`` say how the claim books the saving (to whom, and as cash or not);
    ``intervention`` names the scheme that claims it, to find two schemes claiming the same outcome.
    ``unit_cost`` and ``partner`` are plain text here and checked against the library by
    ``roi.analysis.claims``, so that a typo is answered with the valid ids and a "did you mean".

    The checker's own figures and judgements, each optional (the library's convention applies
    where one is not given): ``cost_basis`` chooses the unit cost the recomputation uses (the
    library's, the current scenario's, or ``own_value`` at ``own_price_year``); ``deadweight``,
    ``attribution``, ``optimism_bias`` and ``cashable_share`` replace the conventions.
    """

    unit_cost: ClaimId | None = None
    quantity: float = Field(ge=0, le=1e9)
    value: Money | None = Field(default=None, description="the claim's own unit value, if it used one")
    partner: ClaimId | None = None
    value_type: ValueType | None = None
    label: str | None = Field(default=None, max_length=200)
    intervention: str | None = Field(default=None, max_length=200)
    stands_for: tuple[ClaimId, ...] = Field(
        default=(), max_length=20, description="library unit costs an inline value covers, to check its booking"
    )
    cost_basis: CostBasis | None = Field(default=None, description="library (default), scenario or own")
    own_value: Money | None = Field(default=None, description="the checker's own unit value, pounds")
    own_price_year: Year | None = Field(default=None, description="price year of own_value; default the claim's")
    own_value_note: str | None = Field(default=None, max_length=300, description="where the own value comes from")
    deadweight: Fraction | None = None
    attribution: Fraction | None = None
    optimism_bias: Fraction | None = None
    cashable_share: Fraction | None = None

    @model_validator(mode="after")
    def _known_or_inline(self) -> ClaimSaving:
        if self.unit_cost is None and (self.value is None or self.partner is None):
            raise ValueError("give unit_cost (a library id), or value and partner inline")
        if self.cost_basis == "own" and self.own_value is None:
            raise ValueError("cost_basis 'own' needs own_value: your own value of one unit, in pounds")
        if self.unit_cost is None and self.cost_basis in ("library", "scenario"):
            raise ValueError(
                f"cost_basis '{self.cost_basis}' needs a library unit_cost; an inline value can use 'own' only"
            )
        return self


class ClaimSpec(Frozen):
    """A savings claim as a scheme states it."""

    claim: str = Field(min_length=1, max_length=200)
    claimed_saving: Money
    period_weeks: float | None = Field(default=None, ge=1, le=520, description="weeks the claim covers, 1 to 520")
    price_year: Year | None = None
    claimed_on: int | date | None = Field(
        default=None, description="when the claim was made (a year or a date): its price year if it states none"
    )
    price_uplift: PriceUplift | None = Field(
        default=None, description="your own judgement, per cent a year past the GDP deflator table"
    )
    deadweight_applied: bool = False
    attribution_applied: bool = False
    savings: tuple[ClaimSaving, ...] = Field(min_length=1, max_length=100)
    ratio_per_pound: float | None = Field(default=None, gt=0, le=10000, description="a '£ per £1' the claim cites")
    ratio_kind: str | None = Field(default=None, max_length=200)
    note: str | None = Field(
        default=None, max_length=limits.MAX_TEXT_CHARS, description="where the claim comes from, as the user cites it"
    )

    @field_validator("claimed_on", mode="before")
    @classmethod
    def _year_or_date(cls, value: object) -> int | date | None:
        """A year (2024, or "2024") or a date (2024-03-31); anything else in one plain sentence."""
        wanted = "give a year from 1900 to 2200 (such as 2024) or a date (such as 2024-03-31)"
        if value is None or (isinstance(value, date) and 1900 <= value.year <= 2200):
            return value
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 4:
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
            return value
        if isinstance(value, str) and len(value) <= 10:
            try:
                made = date.fromisoformat(value.strip())
            except ValueError:
                made = None
            if made is not None and 1900 <= made.year <= 2200:
                return made
        raise ValueError(wanted)


# ---------------------------------------------------------------------------------------------
# The shipped convention for judgements no study gives (issue 10): appraisal/judgement_convention.yaml


class ConventionValue(Frozen):
    central: Fraction
    low: Fraction | None = None
    high: Fraction | None = None

    def describe(self) -> str:
        """'25% (0%-50%)' or '0%'."""
        text = f"{self.central:.0%}"
        if self.low is not None and self.high is not None:
            text += f" ({self.low:.0%}-{self.high:.0%})"
        return text


class JudgementConvention(Frozen):
    """One documented convention for deadweight, displacement, attribution and drop-off."""

    source: Source
    controlled: dict[str, ConventionValue]
    uncontrolled: dict[str, ConventionValue]
