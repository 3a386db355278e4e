"""How the project's results compare with the published ROI figures a board already knows.

For each published figure (the PHE falls tool's £3.17 per £1, the toolkit's handyperson £7.50, ...),
the project's result is computed on the same scope (the same costs counted, horizon, with or without
quality of life) and set beside it. Where they differ by more than a factor of 1.5, the difference is
walked step by step: each step changes one thing the published figure does differently (scope of
costs, effect size, duration, population at risk, price year, discounting, adjustments), reruns the
one engine, and records the pounds per £1 (or per case) the step moves the result. The steps end at
the published figure, or the rest of the gap is said plainly to be not reproducible, and why.

The figures and their steps live in ``assumptions/published_figures.yaml``; every step is computed
here, never typed, so the steps always sum exactly to the gap they explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from roi.engine.model import evaluate, run
from roi.inputs.errors import InputError
from roi.inputs.formats import pounds
from roi.inputs.library import SCENARIOS_DIR, Library, Scenario, ScenarioSpec, load_library, read_yaml, validate
from roi.inputs.scenario import resolve
from roi.inputs.schema import Frozen, Identifier, Source

FIGURES_FILE = Path(__file__).resolve().parents[2] / "assumptions" / "published_figures.yaml"
FACTOR = 1.5  # beyond this factor either way, the difference is itemised (issue 23)
TOLERANCE = 0.005  # half a penny: a step sequence closer than this ends at the published figure

StepKind = Literal[
    "scope of costs",
    "effect size",
    "duration",
    "population at risk",
    "price year",
    "discounting",
    "adjustments",
]
Measure = Literal["fiscal_per_pound", "all_per_pound", "fiscal_per_case_first_year"]

MEASURE_LABELS: dict[str, str] = {
    "fiscal_per_pound": "£ of health, care and other public savings per £1 (cash and freed capacity)",
    "all_per_pound": "£ of benefit of every kind per £1, quality of life included",
    "fiscal_per_case_first_year": "£ of public savings per case in the first year",
}


class Change(Frozen):
    """What a step, a variant or the project's own run changes: appraisal settings and the
    intervention's fields (as a scenario would override them)."""

    settings: dict[str, Any] = Field(default_factory=dict)
    intervention: dict[str, Any] = Field(default_factory=dict)


class Step(Change):
    """One step from the project's result towards the published figure."""

    kind: StepKind
    label: str = Field(min_length=1, description="what the published figure does differently, in users' words")


class Variant(Change):
    """Another reading of the project's result, shown beside it (e.g. the other effect measure)."""

    label: str = Field(min_length=1)


class PublishedFigure(Frozen):
    """A published ROI figure, the project's run on the same scope, and the steps between them."""

    id: Identifier
    intervention: Identifier | None = Field(default=None, description="the one intervention it values")
    scenario: Identifier | None = Field(
        default=None, description="or a shipped scenario, for a figure over a whole offer (the LGA model)"
    )
    label: str = Field(min_length=1, description="the published figure as a board would name it")
    value: float = Field(gt=0, description="the published figure; for a range, the one within it the steps aim at")
    low: float | None = Field(default=None, gt=0, description="for a published range: its low end")
    high: float | None = Field(default=None, gt=0, description="for a published range: its high end")
    measure: Measure
    scope: str = Field(min_length=1, description="what the published figure counts, in users' words")
    source: Source
    project: Change = Field(default_factory=Change, description="the project's run on the published scope")
    steps: tuple[Step, ...] = ()
    variants: tuple[Variant, ...] = ()
    not_reproducible: str | None = Field(
        default=None, description="why the rest of the gap, if any, cannot be reproduced"
    )

    @model_validator(mode="after")
    def _sourced_and_ordered(self) -> PublishedFigure:
        if (self.intervention is None) == (self.scenario is None):
            raise ValueError("intervention, scenario: give one of them (what the published figure values)")
        if self.source.local_example or self.source.user_figure or not self.source.publication:
            raise ValueError("source: a published figure needs its publication (and quote); allowed: a publication")
        if not self.source.quote:
            raise ValueError("source.quote: a published figure needs the words it is published in")
        if (self.low is None) != (self.high is None):
            raise ValueError("low, high: give both ends of a published range, or neither")
        if self.low is not None and self.high is not None and not self.low <= self.value <= self.high:
            raise ValueError(f"value: {self.value:g} must lie within low-high [{self.low:g}, {self.high:g}]")
        return self


class FigureFile(Frozen):
    figures: tuple[PublishedFigure, ...] = Field(min_length=1)


@dataclass(frozen=True)
class StepResult:
    """A step with its effect: ``pounds`` moves the result from ``before`` to ``after``."""

    kind: str
    label: str
    before: float
    after: float

    @property
    def pounds(self) -> float:
        """How far this step moves the result, in the figure's measure (pounds per £1, or per case)."""
        return self.after - self.before


@dataclass(frozen=True)
class Reconciliation:
    """The project's result beside a published figure, and the steps between them (pounds per £1, or
    per case, at the project's price year)."""

    figure: PublishedFigure
    intervention_label: str
    price_year: int
    project: float
    steps: tuple[StepResult, ...]
    variants: tuple[tuple[str, float], ...]

    @property
    def target(self) -> float:
        """The published figure the steps aim at (for a range, the value the file names within it)."""
        return self.figure.value

    @property
    def gap(self) -> float:
        """Published less the project's result."""
        return self.target - self.project

    @property
    def within_range(self) -> bool:
        f = self.figure
        return f.low is not None and f.high is not None and f.low <= self.project <= f.high

    @property
    def factor(self) -> float:
        """How many times apart the two are, the larger over the smaller (1 = equal)."""
        a, b = abs(self.project), abs(self.target)
        return float("inf") if min(a, b) == 0 else max(a, b) / min(a, b)

    @property
    def needs_steps(self) -> bool:
        return self.factor > FACTOR

    @property
    def reached(self) -> float:
        """Where the steps end."""
        return self.steps[-1].after if self.steps else self.project

    @property
    def unexplained(self) -> float:
        """The part of the gap no step explains (published less where the steps end)."""
        return self.target - self.reached

    @property
    def reproduced(self) -> bool:
        return abs(self.unexplained) <= TOLERANCE


def load_figures(path: Path | str | None = None) -> tuple[PublishedFigure, ...]:
    """The published figures to reconcile, validated (``roi.InputError`` names the file and field)."""
    path = Path(path) if path is not None else FIGURES_FILE
    data = read_yaml(path)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "_sources"}  # YAML anchors only
    return validate(FigureFile, data, path.name).figures


def _spec(figure: PublishedFigure, changes: list[Change], file: str) -> ScenarioSpec:
    if figure.scenario is not None:
        base = read_yaml(SCENARIOS_DIR / f"{figure.scenario}.yaml")
        settings: dict[str, Any] = dict(base.get("settings") or {})
        chosen = [dict(i) for i in base["interventions"]]
    else:
        settings, chosen = {}, [{"id": figure.intervention}]
    for change in changes:
        settings.update(change.settings)
        for intervention in chosen:
            intervention.update(change.intervention)
    data = {"name": f"Reconciliation: {figure.label}", "settings": settings, "interventions": chosen}
    return validate(ScenarioSpec, data, file, f"figures.{figure.id}")


def measure(scenario: Scenario, name: str) -> float:
    """The figure a published tool reports, read from one central run of the engine: pounds per £1
    spent (present values at the scenario's price year), or public savings per case in year 0."""
    if name == "fiscal_per_case_first_year":
        result = run(scenario)
        benefits = result.benefits
        fiscal = benefits[benefits["value_type"].str.startswith("fiscal") & (benefits["year"] == 0)]
        cases = sum(i.cases_per_year for i in scenario.interventions)
        return float(fiscal["amount"].sum()) / cases
    evaluation = evaluate(scenario, {}, 1)
    costs = float(evaluation.pv_costs[0])
    top = evaluation.pv_fiscal[0] if name == "fiscal_per_pound" else evaluation.pv_benefits[0]
    return float(top) / costs


def reconcile(figure: PublishedFigure, library: Library | None = None, file: str = FIGURES_FILE.name) -> Reconciliation:
    """Compute the project's result on the figure's scope, each step in turn and each variant.

    Raises ``roi.InputError`` naming the intervention and the step when a step cannot be run, or when
    the steps stop short of the published figure without saying why it cannot be reproduced."""
    library = library or load_library()
    if figure.intervention is not None and figure.intervention not in library.interventions:
        raise InputError(
            file,
            f"figures.{figure.id}.intervention",
            f"unknown intervention '{figure.intervention}'; known: {', '.join(library.interventions)}",
        )

    def value(changes: list[Change], where: str) -> tuple[float, int]:
        try:
            scenario = resolve(_spec(figure, changes, file), library, file)
        except InputError as exc:
            raise InputError(file, f"figures.{figure.id}.{where}", f"cannot be run: {exc}") from None
        return measure(scenario, figure.measure), scenario.settings.price_year

    applied: list[Change] = [figure.project]
    project, price_year = value(applied, "project")
    steps: list[StepResult] = []
    before = project
    for k, step in enumerate(figure.steps):
        applied.append(step)
        after, _ = value(applied, f"steps[{k}] ({step.label})")
        steps.append(StepResult(step.kind, step.label, before, after))
        before = after
    variants = tuple(
        (v.label, value([figure.project, v], f"variants[{k}] ({v.label})")[0]) for k, v in enumerate(figure.variants)
    )
    if figure.intervention is not None:
        label = library.interventions[figure.intervention].label
    else:
        label = str(read_yaml(SCENARIOS_DIR / f"{figure.scenario}.yaml").get("name", figure.scenario))
    result = Reconciliation(figure, label, price_year, project, tuple(steps), variants)
    _check_closed(result, file)
    return result


def _check_closed(result: Reconciliation, file: str) -> None:
    figure = result.figure
    if result.reproduced or figure.not_reproducible or not result.needs_steps:
        return
    last = f"steps[{len(figure.steps) - 1}] ({figure.steps[-1].label})" if figure.steps else "steps"
    raise InputError(
        file,
        f"figures.{figure.id}.{last}",
        f"{result.intervention_label}: the steps end at {result.reached:,.2f}, not the published "
        f"{result.target:,.2f}; add a step, or say in not_reproducible why the rest of the gap "
        f"({result.unexplained:,.2f}) cannot be reproduced",
    )


def reconcile_all(path: Path | str | None = None, library: Library | None = None) -> tuple[Reconciliation, ...]:
    """Every published figure in the file, reconciled (see :func:`reconcile`)."""
    path = Path(path) if path is not None else FIGURES_FILE
    library = library or load_library()
    return tuple(reconcile(f, library, path.name) for f in load_figures(path))


def money(value: float) -> str:
    """Pounds to the penny, as every figure in a reconciliation is shown (so shown steps add up)."""
    return pounds(value, pence=True)


def signed(value: float) -> str:
    """A step in pounds with its sign: +£0.55 or -£2,853.48."""
    return ("+" if round(value, 2) >= 0 else "") + money(value)


def pence(value: float) -> float:
    """A figure rounded to the penny, as shown (so the steps shown telescope exactly)."""
    return round(value + 0.0, 2)


def step_rows(result: Reconciliation) -> list[dict[str, str]]:
    """The walk from the project's result to the published figure, one row a step, in pounds to the
    penny. Each step is the difference of the running totals rounded to the penny, so the rows shown
    add up exactly: project + steps + what is not reproduced = published."""
    rows = [
        {
            "step": "This project, on the published figure's scope",
            "kind": "",
            "pounds": "",
            "running total": money(result.project),
        }
    ]
    for step in result.steps:
        rows.append(
            {
                "step": step.label,
                "kind": step.kind,
                "pounds": signed(pence(step.after) - pence(step.before)),
                "running total": money(step.after),
            }
        )
    rest = pence(result.target) - pence(result.reached)
    if rest != 0:
        rows.append(
            {
                "step": result.figure.not_reproducible or "Not explained",
                "kind": "not reproducible",
                "pounds": signed(rest),
                "running total": money(result.target),
            }
        )
    rows.append({"step": "Published figure", "kind": "", "pounds": "", "running total": money(result.target)})
    return rows


def published_text(figure: PublishedFigure) -> str:
    """The published figure as published: one value, or its range."""
    if figure.low is not None and figure.high is not None:
        return f"{money(figure.low)} to {money(figure.high)}"
    return money(figure.value)


def verdict(result: Reconciliation) -> str:
    """One sentence a board can read: how far apart the two figures are and whether the steps close it."""
    head = f"Published {published_text(result.figure)}; this project {money(result.project)} on the same scope"
    if result.within_range:
        return f"{head}: within the published range."
    apart = f"{result.factor:.2f} times apart"
    if not result.needs_steps:
        return f"{head}: {apart}, within a factor of {FACTOR:g}."
    if not result.steps and not result.reproduced:
        return f"{head}: {apart}; no step could be computed, so the gap ({money(result.gap)}) could not be reproduced."
    if result.reproduced:
        return f"{head}: {apart}; the steps below reproduce the published figure."
    moved = result.reached - result.project
    if moved * result.gap > 0 and abs(moved) > abs(result.gap):
        return (
            f"{head}: {apart}; the steps below take it to {money(result.reached)}, past the published figure "
            f"by {money(abs(result.unexplained))}, which could not be reproduced."
        )
    return (
        f"{head}: {apart}; the steps below close {money(result.reached - result.project)} of the "
        f"{money(result.gap)} gap, and the rest ({money(result.unexplained)}) could not be reproduced."
    )


def _status(result: Reconciliation) -> str:
    if result.within_range:
        return "within the published range"
    if result.reproduced:
        return "reproduced"
    if not result.needs_steps:
        return f"within {FACTOR:g} times"
    return "partly: see the steps" if result.steps else "not reproducible: see why"


def summary_rows(results: tuple[Reconciliation, ...]) -> list[dict[str, str]]:
    """One row per published figure: what it is, the published and project values, how far apart."""
    return [
        {
            "published figure": r.figure.label,
            "measure": MEASURE_LABELS[r.figure.measure],
            "published": published_text(r.figure),
            "this project": money(r.project),
            "by the published method": money(r.reached),
            "times apart": f"{r.factor:.2f}",
            "reconciled": _status(r),
        }
        for r in results
    ]
