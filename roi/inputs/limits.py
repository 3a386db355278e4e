"""Bounds that keep one user's input or request from stalling a shared server.

Every bound is a judgement (no publication sets them), chosen so that real scenarios sit far inside
them: the shipped library has about 20 interventions of at most a dozen outcomes and 40 ranged
parameters, its largest file 750 YAML elements. Each is enforced where the input arrives (the YAML
reader, the scenario checks, the shared-link reader, the Uncertainty page) with an InputError or a
plain sentence saying what is allowed.
"""

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
STANDARD_DRAWS = 10_000  # the standard simulation's draws where it fits (roi.inputs.parameters.standard_draws)
STANDARD_SEED = 1  # and its seed, so every page, pack and check reads the same draws
SENSITIVITY_SECONDS = 5.0  # the tornado and switching values together, on the server (the command line: 30 s)
