"""Prevention ROI: the return on investment of district prevention services, by partner.

A pure-Python library (no Streamlit): load a scenario, run the model, read tidy tables.

    >>> import roi
    >>> result = roi.run(roi.load_scenario("district_offer"))
    >>> result.totals["npv"]
    >>> roi.simulate(roi.load_scenario("district_offer"), draws=10_000, seed=1).percentiles()
"""

from roi.analysis import summary
from roi.analysis.claims import load as load_claim
from roi.analysis.claims import parse as parse_claim
from roi.engine.model import Result, position_in, run
from roi.engine.uncertainty import Simulation, simulate
from roi.inputs import schema
from roi.inputs.errors import InputError
from roi.inputs.formats import financial_year, pounds
from roi.inputs.library import Library, Scenario, dump_spec, load_library, save_scenario
from roi.inputs.scenario import load_scenario, parse_scenario, resolve, shipped_scenarios

__all__ = [
    "InputError",
    "Library",
    "Result",
    "Scenario",
    "Simulation",
    "dump_spec",
    "financial_year",
    "load_claim",
    "load_library",
    "load_scenario",
    "parse_claim",
    "parse_scenario",
    "position_in",
    "pounds",
    "resolve",
    "run",
    "save_scenario",
    "schema",
    "shipped_scenarios",
    "simulate",
    "summary",
]
