"""Prices past the GDP deflator table (issue 26 part 1): outturn and forecast apart, a labelled proxy or
the user's own price_uplift past the table, and a 2025 and a 2026 scenario and claim end to end."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.analysis import claims
from roi.engine.model import run
from roi.inputs.library import ASSUMPTIONS_DIR, load_library
from roi.inputs.scenario import load_scenario
from roi.outputs import export

from .conftest import roi_cli

ROOT = Path(__file__).resolve().parent.parent

# As read in charlescoverdale/greenbook inst/extdata/gdp_deflator.csv (HM Treasury, December 2025 QNA,
# calendar years, 2024 = 100), to the 4 decimal places the copy gives.
GREENBOOK = {
    1990: 42.7537, 1991: 45.6203, 1992: 47.1096, 1993: 48.5208, 1994: 49.4168, 1995: 50.7097, 1996: 52.8097,
    1997: 52.8303, 1998: 53.5326, 1999: 54.2793, 2000: 54.8102, 2001: 55.7479, 2002: 56.911, 2003: 58.266,
    2004: 59.8584, 2005: 61.5718, 2006: 63.4682, 2007: 64.7322, 2008: 66.89, 2009: 68.217, 2010: 69.1217,
    2011: 70.834, 2012: 71.9294, 2013: 73.4795, 2014: 74.6524, 2015: 75.1536, 2016: 76.4554, 2017: 77.6367,
    2018: 79.1606, 2019: 81.1085, 2020: 85.2137, 2021: 85.6358, 2022: 90.5005, 2023: 96.2507, 2024: 100,
}  # fmt: skip
# As read in PolicyEngine/policyengine-uk yoy_growth.yaml, obr.consumer_price_index (OBR EFO November
# 2025, Table 1.7), as fractions: 0.0345, 0.0248, 0.0202, 0.0204, 0.0204, 0.0200.
OBR_CPI = {2025: 0.0345, 2026: 0.0248, 2027: 0.0202, 2028: 0.0204, 2029: 0.0204, 2030: 0.0200}


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_the_table_back_tests_against_the_copy_read_and_every_year_is_outturn(library):
    assert library.deflator.index == GREENBOOK
    assert library.deflator.forecast_from is None and library.deflator.last_outturn == 2024
    assert {library.year_status(y) for y in GREENBOOK} == {"outturn"}


def test_the_proxy_back_tests_against_the_obr_cpi_forecast_read_and_compounds_by_hand(library):
    proxy = library.deflator.proxy
    assert {y: r / 100 for y, r in proxy.rates.items()} == pytest.approx(OBR_CPI, abs=1e-12)
    assert proxy.source.read == "secondary" and "policyengine" in proxy.source.read_in.lower()
    assert "proxy" in proxy.source.note and "CPI" in proxy.label
    index = library.price_index()
    # By hand: 100 x 1.0345 = 103.45; x 1.0248 = 106.01556; x 1.0202 = 108.15707... (to 2030)
    assert index[2025] == pytest.approx(103.45, abs=1e-9)
    assert index[2026] == pytest.approx(106.01556, abs=1e-9)
    assert library.price_years() == (1990, 2030) and library.deflator_years() == (1990, 2024)
    assert library.year_status(2026) == "proxy" and library.year_status(2026, 3.0) == "judgement"


def test_a_price_uplift_of_your_own_replaces_the_proxy(library):
    # 3% a year: 100 x 1.03 x 1.03 = 106.09 for 2026; a per-year mapping compounds each year's own rate.
    assert library.deflator_factor(2024, 2026, 3.0) == pytest.approx(1.0609, abs=1e-12)
    assert library.deflator_factor(2024, 2026, {2025: 2.0, 2026: 4.0}) == pytest.approx(1.02 * 1.04, abs=1e-12)
    assert library.price_years({2025: 2.0}) == (1990, 2025)


@given(st.integers(1990, 2030), st.integers(1990, 2030), st.integers(1990, 2030))
@settings(max_examples=60, deadline=None)
def test_uprating_chains_and_inverts_across_the_table_and_the_proxy(a, b, c):
    library = load_library()
    f = library.deflator_factor
    assert f(a, b) * f(b, c) == pytest.approx(f(a, c), rel=1e-12)
    assert f(a, b) * f(b, a) == pytest.approx(1.0, rel=1e-12)


def _library_with(tmp_path, change):
    root = tmp_path / "assumptions"
    shutil.copytree(ASSUMPTIONS_DIR, root)
    path = root / "appraisal" / "gdp_deflator.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))
    return root


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["index"].pop(2010), "index", "a gap in years: 2010 missing"),
        (lambda d: d["index"].__setitem__(2024, 101.0), "base_year", "must be 100"),
        (lambda d: d["index"].pop(2024) and d.__setitem__("proxy", None), "base_year", "missing from the index"),
        (lambda d: d.__setitem__("forecast_from", 1990), "forecast_from", "before every outturn year"),
        (lambda d: d["proxy"]["rates"].pop(2027), "proxy", "gap in years"),
        (lambda d: d["proxy"]["rates"].pop(2025), "proxy.rates", "starts at 2026; allowed: 2025"),
    ],
)
def test_a_bad_deflator_file_is_one_line_naming_the_field(tmp_path, change, field, words):
    with pytest.raises(roi.InputError) as caught:
        load_library(_library_with(tmp_path, change))
    error = caught.value
    assert error.file == "gdp_deflator.yaml" and error.field.startswith(field), str(error)
    assert words in error.problem and "\n" not in str(error)


def test_a_forecast_year_in_the_table_is_said_to_be_a_forecast(tmp_path):
    def add_forecast(d):
        d["index"][2025] = 103.0
        d["forecast_from"] = 2025
        d["proxy"]["rates"].pop(2025)

    library = load_library(_library_with(tmp_path, add_forecast))
    assert library.year_status(2024) == "outturn" and library.year_status(2025) == "forecast"
    from roi.inputs.library import uprating_note

    assert "OBR's forecast in the GDP deflator table (outturn to 2024)" in uprating_note(library, [2024, 2025])


def _scenario_text(price_year: int, uplift: str = "") -> str:
    """The shipped offer at another price year, without the DFG: its cost is itself priced in 2025, a
    forecast year, so without it every figure is at outturn prices and one factor uprates them all."""
    text = (ASSUMPTIONS_DIR / "scenarios" / "district_offer.yaml").read_text()
    assert "  price_year: 2024\n" in text and "  - id: dfg_adaptation\n" in text
    text = text.replace("  - id: dfg_adaptation\n", "")
    return text.replace("  price_year: 2024\n", f"  price_year: {price_year}\n{uplift}")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return roi_cli(*args, timeout=300)


def test_shipped_scenarios_are_priced_in_the_latest_outturn_year_or_as_reported(library):
    for name in ("district_offer", "dfg_single"):
        assert load_scenario(name).settings.price_year == library.deflator.last_outturn
    # The District Direct pilot reproduces its 2017 claim in 2017 prices, as reported: it stays.
    assert load_scenario("district_direct_pilot").settings.price_year == 2017


@pytest.mark.parametrize(
    ("year", "uplift", "words"), [(2026, "", "used as a proxy"), (2025, "  price_uplift: 3\n", "your own judgement")]
)
def test_a_2025_and_a_2026_scenario_run_and_say_their_uprating_uses_a_forecast(tmp_path, year, uplift, words):
    path = tmp_path / f"offer_{year}.yaml"
    path.write_text(_scenario_text(year, uplift))
    outturn = tmp_path / "offer_2024.yaml"
    outturn.write_text(_scenario_text(2024))
    base, later = run(load_scenario(outturn)), run(load_scenario(path))
    factor = later.scenario.library.deflator_factor(2024, year, later.scenario.settings.price_uplift)
    # Every cash flow is uprated by one factor, so the NPV scales by it exactly.
    assert later.totals["npv"] == pytest.approx(base.totals["npv"] * factor, rel=1e-9)
    assert any(f"prices of {year} uses a forecast" in w and words in w for w in later.warnings)
    assert not any("uses a forecast" in w for w in base.warnings)
    out = _cli("run", str(path))
    assert out.returncode == 0, out.stderr
    assert f"£ at {year} prices" in out.stdout and words in out.stdout
    settings_rows = export.settings_table(later).set_index("setting")["value"]
    assert words in settings_rows["Uprating"]
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(later)))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any(f"prices of {year} uses a forecast" in c for c in cells)
    notes, _ = export._evidence(export.PackContext(later, None))  # the board pack's caveats
    assert any("uses a forecast" in n for n in notes)
    assert export.board_pack(later, draws=200)[:4] == b"%PDF"


def test_a_scenario_priced_past_the_proxy_is_one_line_naming_the_field(tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(_scenario_text(2031))
    with pytest.raises(roi.InputError) as caught:
        load_scenario(path)
    assert caught.value.field == "settings.price_year" and "allowed: 1990 to 2030" in caught.value.problem
    path.write_text(_scenario_text(2026, "  price_uplift: {2026: 2.0}\n"))
    with pytest.raises(roi.InputError) as caught:
        load_scenario(path)
    assert caught.value.field == "settings.price_uplift.2026" and "every year from 2025" in caught.value.problem


CLAIM = {
    "claim": "Bed-days saved",
    "claimed_saving": 50_000,
    "period_weeks": 52,
    "savings": [{"unit_cost": "bed_day", "quantity": 100}],
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_2025_and_a_2026_claim_check_and_flag_the_forecast(tmp_path, library, year):
    claim = claims.validate_claim({**CLAIM, "price_year": year})
    check = claims.check_claim(claim, library)
    cost = library.unit_costs["bed_day"]
    # By hand: 100 bed-days x the library's bed-day x D[year] / D[its own price year].
    expected = 100 * cost.value * library.price_index()[year] / library.price_index()[cost.price_year]
    assert check.recomputed == pytest.approx(expected, abs=0.005)
    assert check.current_price_year == year  # never deflated back to the table's end
    assert any(f.code == "forecast_prices" and "used as a proxy" in f.message for f in check.flags)
    path = tmp_path / f"claim_{year}.yaml"
    path.write_text(yaml.safe_dump({**CLAIM, "price_year": year}))
    out = _cli("check-claim", str(path))
    assert out.returncode == 0, out.stderr
    assert f"adjusted figures at {year} prices" in out.stdout and "uses a forecast" in out.stdout
    from roi.outputs import claim_report

    assert claim_report.pdf(check)[:4] == b"%PDF"
    book = openpyxl.load_workbook(io.BytesIO(claim_report.workbook(check)))
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any("uses a forecast" in c for c in cells)


def test_a_claim_outside_the_prices_is_refused_by_edit_in_one_line(library):
    claim = claims.validate_claim({**CLAIM, "price_year": 2024})
    with pytest.raises(roi.InputError) as caught:
        claims.edit(claim, {"field": "price_year", "value": 1985}, "typed claim", library)
    assert caught.value.field == "price_year" and "allowed: 1990 to 2030" in caught.value.problem
    own = claims.validate_claim({**CLAIM, "price_year": 2026, "price_uplift": 2.0})
    check = claims.check_claim(own, library)
    assert any(f.code == "forecast_prices" and "your own judgement" in f.message for f in check.flags)


# -- The Check a claim page (AppTest) --------------------------------------------------------------


def test_the_page_prices_a_claim_in_2025_and_2026_and_says_a_bad_year_beside_the_field():
    from .test_claim_page import key, open_example, open_page
    from .test_pages import metric

    at = open_example(open_page())  # the page opens on a blank claim
    year = at.number_input(key=key(at, "year"))
    assert year.max == 2030  # the last year the tool can uprate to (the table, then the proxy)
    for price_year in (2025, 2026):
        at.number_input(key=key(at, "year")).set_value(price_year).run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["claim"].price_year == price_year
        assert metric(at, f"Adjusted, a year ({price_year} prices)")
        shown_text = [str(m.value) for kind in (at.markdown, at.warning, at.info, at.caption) for m in kind]
        assert any("uses a forecast" in t for t in shown_text), "the forecast flag is on screen"
    good = at.session_state["claim"]
    shown = metric(at, "Adjusted, a year (2026 prices)")
    at.number_input(key=key(at, "year")).set_value(1985).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["claim"] == good  # the last good claim stays
    assert metric(at, "Adjusted, a year (2026 prices)") == shown  # and so does its check
    beside = [e.value for e in at.error if "1985 is outside the GDP deflator" in e.value]
    assert beside and "allowed: 1990 to 2030" in beside[0]
    assert at.number_input(key=key(at, "year")).value == 2026
