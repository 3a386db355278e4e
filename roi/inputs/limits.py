"""Bounds that keep one user's input or request from stalling a shared server.

Every bound is a judgement (no publication sets them), chosen so that real scenarios sit far inside
them: the shipped library has about 20 interventions of at most a dozen outcomes and 40 ranged
parameters, its largest file 750 YAML elements. Each is enforced where the input arrives (the YAML
reader, the scenario checks, the shared-link reader, the Uncertainty page) with an InputError or a
plain sentence saying what is allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - types only
    from roi.inputs.library import Scenario

# Files and links
MAX_FILE_BYTES = 1_000_000  # an upload or file on disk; what the app writes must fit (see MAX_SCENARIO_*)
MAX_YAML_ELEMENTS = 50_000  # YAML nodes, counting every use of an alias or merge key
MAX_YAML_DEPTH = 64  # nesting levels
MAX_NUMBER_DIGITS = 24  # digits in one written number; longer is not a figure anyone types
MAX_PATH_CHARS = 4_096  # PATH_MAX on Linux
MAX_PATH_PART_BYTES = 255  # NAME_MAX on Linux

# Scenario size (beyond the schema's 1 to 100 interventions)
MAX_OUTCOMES_PER_INTERVENTION = 30
MAX_UNIT_COST_OVERRIDES = 200
MAX_RANGED_PARAMETERS = 500  # low-high ranges a scenario adds or changes
MAX_TEXT_CHARS = 2_000  # one label, note or quote

# Simulation on the shared server (the command line, on the user's own machine, is not bound by these)
DRAW_CHOICES = (1_000, 10_000, 100_000, 1_000_000)
HEAVY_DRAWS = 100_000  # from here on: a progress bar, a Stop button, and one such run at a time
HEAVY_JOBS_AT_ONCE = 1  # large simulations running at once on the whole server (2 cores)
# Draws x (ranged parameters + cash-flow rows x years): about 30 s of one core for the largest run.
MAX_SIMULATION_CELLS = 1_000_000_000
# The standard simulation every result carries (its likely range on the Overview, the Uncertainty page's
# first view, the board pack): 10,000 draws where that stays under about 1.5 s of one core, else fewer.
STANDARD_SIMULATION_CELLS = 50_000_000
SENSITIVITY_SECONDS = 5.0  # the tornado and switching values together, on the server (the command line: 30 s)


def cells_per_draw(scenario: Scenario) -> int:
    """Numbers the simulation computes per draw: each ranged input once, each outcome (or
    ratio-based intervention) once a year of the horizon."""
    from roi.engine.uncertainty import parameters  # late: the engine imports the library, which imports this

    rows = sum(max(len(i.outcomes), 1) + 1 for i in scenario.interventions)
    return len(parameters(scenario)) + rows * scenario.settings.horizon_years


def max_draws(scenario: Scenario) -> int:
    """The largest draw count the app offers for this scenario (at least the smallest choice)."""
    allowed = MAX_SIMULATION_CELLS // max(cells_per_draw(scenario), 1)
    fitting = [n for n in DRAW_CHOICES if n <= allowed]
    return max(fitting) if fitting else DRAW_CHOICES[0]


def draw_choices(scenario: Scenario) -> list[int]:
    """The draw counts the Uncertainty page offers for this scenario."""
    largest = max_draws(scenario)
    return [n for n in DRAW_CHOICES if n <= largest]


def standard_draws(scenario: Scenario) -> int:
    """Draws of the scenario's one standard simulation, shown wherever its range is (Overview, the
    Uncertainty page's default, board pack): 10,000 (``roi.engine.model.STANDARD_DRAWS``), or the largest of
    the app's choices under :data:`STANDARD_SIMULATION_CELLS` for a very large scenario (at least 1,000)."""
    from roi.engine.model import STANDARD_DRAWS

    allowed = STANDARD_SIMULATION_CELLS // max(cells_per_draw(scenario), 1)
    fitting = [n for n in draw_choices(scenario) if n <= min(allowed, STANDARD_DRAWS)]
    return max(fitting) if fitting else DRAW_CHOICES[0]
