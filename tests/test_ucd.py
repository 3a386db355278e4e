"""The GMCA Unit Cost Database v1.4 as a second library (issue 26, part 3): the generated YAML against the
workbook, rows as unit costs in scenarios and claims, the search, and bad rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import roi
from roi.analysis import claims
from roi.inputs import ucd
from roi.inputs.library import ASSUMPTIONS_DIR, load_library

# Copied by hand from the workbook (charlescoverdale/econstack-data, src/gmca-raw/unit-cost-database.xlsx,
# sha256 abe8c235...): sheet, row, code, {kind: (estimated value, year)} from columns H/I (fiscal),
# K/L (economic), N/O (social), the RAG letter in column R and the agency in columns F and G.
WORKBOOK = [
    ("Crime", 3, "CR1.0", {"fiscal": (500, "2002/03")}, "R", ["Police", "Local authority"]),  # H3, I3, R3
    ("Crime", 4, "CR1.1", {"fiscal": (35, "2002/03")}, "R", ["Police"]),  # H4, I4
    # H12/I12, K12/L12, N12/O12
    (
        "Crime",
        12,
        "CR2.0",
        {"fiscal": (2470, "2008/09"), "economic": (1473, "2008/09"), "social": (6795, "2008/09")},
        "A",
        ["Multiple"],
    ),
    ("Crime", 178, "CR8.18.5", {"fiscal": (0, "2010/11")}, "G", ["Multiple"]),  # H178
    (
        "Education & Skills",
        3,
        "E&S1.0",
        {"fiscal": (1509, "2005/06"), "economic": (842, "2005/06")},
        "A",
        ["Multiple"],
    ),  # H3, K3
    ("Education & Skills", 24, "E&S8.1", {"economic": (11795, "2010/11")}, "G", []),  # K24, L24
    (
        "Employment & Economy",
        3,
        "E&E1.0",
        {"fiscal": (9800, "2012/13"), "economic": (14044, "2012/13")},
        "G",
        ["Multiple", "DWP"],
    ),  # H3, K3
    (
        "Fire",
        3,
        "FI1.0",
        {"fiscal": (3079, "2008/09"), "economic": (2713, "2008/09")},
        "A",
        ["Multiple", "Multiple"],
    ),  # H3, K3
    (
        "Health",
        3,
        "HE1.0",
        {"fiscal": (1800, "2009/10"), "social": (1398, "2009/10")},
        "A",
        ["NHS", "Clinical Commissioning Group"],
    ),  # H3, N3
    ("Health", 4, "HE1.1", {"fiscal": (338, "2013/14")}, "G", ["NHS", "Clinical Commissioning Group"]),  # H4
    (
        "Health",
        18,
        "HE2.0",
        {"fiscal": (3614, "2013/14"), "economic": (8954, "2013/14"), "social": (3814, "2013/14")},
        "A",
        ["Criminal Justice System", "NHS"],
    ),  # H18, K18, N18
    ("Health", 52, "HE5.0", {"fiscal": (64, "2011/12")}, "G", ["NHS", "Clinical Commissioning Group"]),  # H52
    ("Housing", 3, "HO1.0", {"fiscal": (6680, "2010/11")}, "A", ["Local authority", "RSL"]),  # H3
    ("Housing", 10, "HO2.0", {"fiscal": (690, "2010/11")}, "A", ["Local authority", "RSL"]),  # H10
    ("Housing", 13, "HO3.0", {"fiscal": (2501, "2010/11")}, "A", ["Local authority", "RSL"]),  # H13
    ("Housing", 19, "HO4.0", {"fiscal": (107.45, "2010/11")}, "A", ["Local authority"]),  # H19
    ("Social Services", 3, "SS1.0", {"fiscal": (51080, "2013/14")}, "A", ["Local Authority", "Social Services"]),
    ("Social Services", 7, "SS1.1.3", {"fiscal": (945, "2010/11")}, "G", ["Local Authority", "Social Services"]),
    ("Social Services", 29, "SS2.0", {"fiscal": (700, "2013/14")}, "G", ["Local Authority", "Social Services"]),
    ("Social Services", 51, "SS5.0", {"fiscal": (1416, "2008/09")}, "G", ["Local Authority", "Social Services"]),
    (
        "Social Services",
        121,
        "SS16.0",
        {"fiscal": (3206, "2009/10"), "economic": (6958, "2008/09")},
        "G",
        ["Criminal Justice System", "NHS"],
    ),  # H121/I121, K121/L121: two price years in one row
]
GRADES = {"R": "red", "A": "amber", "G": "green"}


@pytest.fixture(scope="module")
def generated() -> dict:
    data = yaml.load((ASSUMPTIONS_DIR / "gmca_ucd.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {row["code"]: row for row in data["rows"]}


def test_header_states_version_licence_and_attribution() -> None:
    text = (ASSUMPTIONS_DIR / "gmca_ucd.yaml").read_text(encoding="utf-8")
    assert text.startswith("# GENERATED FILE")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    assert data["version"] == "1.4" and data["licence"] == "CC BY 4.0"
    assert "Creative Commons Attribution 4.0 International License" in data["licence_quote"]
    assert data["licence_location"] == "workbook, Introduction sheet, cell E17"
    assert "New Economy" in data["attribution"]
    assert len(data["rows"]) == 683


@pytest.mark.parametrize("sheet,row,code,values,rag,agency", WORKBOOK, ids=[w[2] for w in WORKBOOK])
def test_rows_match_the_workbook_to_the_penny(generated, sheet, row, code, values, rag, agency) -> None:
    got = generated[code]
    assert (got["sheet"], got["row"], got["grade"], got["agency"]) == (sheet, row, GRADES[rag], agency)
    for kind in ("fiscal", "economic", "social"):
        if kind not in values:
            assert kind not in got
            continue
        value, year = values[kind]
        assert round(got[kind]["value"] * 100) == round(value * 100)
        assert got[kind]["year_as_given"] == year
        assert got[kind]["price_year"] == int(year[:4])  # 2010/11 takes 2010, the year it starts


def test_a_row_as_a_unit_cost_totals_its_values_with_shares_by_value_type() -> None:
    cost = ucd.unit_cost(ucd.load().rows["ucd:HE2.0"])  # 3,614 + 8,954 + 3,814 at 2013/14 prices
    assert cost.value == 16382.00 and cost.price_year == 2013
    assert cost.label.endswith("[GMCA UCD v1.4 (2015), amber]") and cost.confidence == "medium"
    lines = {(b.partner, b.value_type): round(b.share * cost.value, 2) for b in cost.bearers()}
    assert lines == {
        ("police", "fiscal_non_cashable"): 3614.00,
        ("wider_economy", "economic"): 8954.00,
        ("individuals", "social"): 3814.00,
    }
    assert cost.source.publication == "Unit Cost Database v1.4 (GMCA UCD v1.4 (2015))"
    assert cost.source.year == 2015 and cost.source.grade == "amber"
    assert cost.source.location == "Health sheet, row 18, cost code HE2.0"
    assert cost.source.licence.startswith("CC BY 4.0") and cost.source.note.startswith("This is a composite measure")


def test_a_row_with_one_fiscal_value_is_a_plain_cost_of_its_mapped_partner() -> None:
    cost = ucd.unit_cost(ucd.load().rows["ucd:HO1.0"])
    got = (cost.value, cost.partner, cost.value_type, cost.price_year)
    assert got == (6680.0, "district", "fiscal_non_cashable", 2010)


def _scenario(outcomes: list[dict], overrides: dict | None = None) -> roi.Scenario:
    spec = {
        "name": "UCD",
        "settings": {"price_year": 2024},
        "unit_costs": overrides or {},
        "interventions": [{"id": "dfg_adaptation", "outcomes": outcomes}],
    }
    return roi.parse_scenario(yaml.safe_dump(spec))


@pytest.mark.parametrize("code,value,year", [("HO1.0", 6680.0, 2010), ("SS1.0", 51080.0, 2013), ("HE5.0", 64.0, 2011)])
def test_uprated_in_a_scenario_by_the_deflator_ratio(code, value, year) -> None:
    scenario = _scenario([{"unit_cost": f"ucd:{code}", "quantity_per_case": 0.1}])
    cost = scenario.unit_costs[f"ucd:{code}"]
    index = load_library().deflator.index
    assert (cost.value, cost.price_year) == (value, year)
    uprated = round(cost.value * scenario.uprating_factor(cost.price_year), 2)
    assert uprated == round(value * index[2024] / index[year], 2)


def test_uprated_to_the_penny_at_the_shipped_deflator() -> None:
    index = load_library().deflator.index
    if index.get(2024) != 100 or index.get(2010) is None:
        pytest.fail("the deflator's base moved: recompute the worked example below by hand")
    # £6,680 (2010/11) x 100 / D[2010]
    scenario = _scenario([{"unit_cost": "ucd:HO1.0", "quantity_per_case": 0.1}])
    assert round(6680 * scenario.uprating_factor(2010), 2) == round(6680 * 100 / index[2010], 2)


def test_rows_stay_out_of_a_scenario_unless_used() -> None:
    plain = roi.load_scenario("district_offer")
    assert not any(k.startswith("ucd:") for k in plain.unit_costs)
    used = _scenario([{"unit_cost": "ucd:HO1.0", "quantity_per_case": 0.1}])
    assert [k for k in used.unit_costs if k.startswith("ucd:")] == ["ucd:HO1.0"]
    assert roi.run(used).totals["npv"] != roi.run(_scenario([])).totals["npv"]


def test_a_scenario_overrides_a_row_by_its_id() -> None:
    scenario = _scenario([{"unit_cost": "ucd:HO1.0", "quantity_per_case": 0.1}], {"ucd:HO1.0": {"value": 7000}})
    assert scenario.unit_costs["ucd:HO1.0"].value == 7000
    assert scenario.unit_costs["ucd:HO1.0"].partner == "district"


def test_a_claim_line_uses_a_row() -> None:
    claim = claims.validate_claim(
        {
            "claim": "Evictions",
            "claimed_saving": 66800,
            "period_weeks": 52,
            "price_year": 2010,
            "savings": [{"unit_cost": "ucd:HO1.0", "quantity": 10}],
        }
    )
    check = claims.check_claim(claim)
    label = "Average fiscal cost of a complex eviction [GMCA UCD v1.4 (2015), amber]"
    assert check.lines["unit_cost_label"][0] == label


def test_an_unknown_row_names_the_field() -> None:
    with pytest.raises(roi.InputError) as error:
        _scenario([{"unit_cost": "ucd:ZZ9.9", "quantity_per_case": 0.1}])
    assert error.value.field == "interventions[0].outcomes[0].unit_cost"
    assert "ucd:ZZ9.9" in str(error.value) and "\n" not in str(error.value)


def test_a_row_whose_agency_maps_to_no_partner_is_refused_in_one_line() -> None:
    with pytest.raises(roi.InputError) as error:
        _scenario([{"unit_cost": "ucd:CR2.0", "quantity_per_case": 0.1}])
    assert "gmca_ucd_agencies.yaml" in error.value.problem and "Multiple" in error.value.problem


@pytest.mark.parametrize("bad", ["ucd:", "ucd:ho1.0", "UCD:HO1.0", "ucd:HO1.0;x", "ucd:HO"])
def test_the_id_type_refuses_malformed_ucd_ids(bad) -> None:
    with pytest.raises(roi.InputError):
        _scenario([{"unit_cost": bad, "quantity_per_case": 0.1}])


def _copy_library(tmp_path: Path, edit) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ASSUMPTIONS_DIR, root)
    data = yaml.load((root / "gmca_ucd.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    edit(data)
    (root / "gmca_ucd.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return root


def test_a_row_with_no_value_is_refused_naming_the_row(tmp_path) -> None:
    def edit(data):
        del data["rows"][0]["fiscal"]

    library = load_library(_copy_library(tmp_path, edit))
    with pytest.raises(roi.InputError) as error:
        ucd.load(library)
    assert str(error.value) == (
        "gmca_ucd.yaml: rows[0] (CR1.0): no value: give a fiscal, economic or social value (£0 or more)"
    )


def test_a_row_with_an_unknown_agency_is_refused_naming_the_row(tmp_path) -> None:
    def edit(data):
        data["rows"][0]["agency"] = ["Ministry of Magic"]

    library = load_library(_copy_library(tmp_path, edit))
    with pytest.raises(roi.InputError) as error:
        ucd.load(library)
    assert error.value.field == "rows[0] (CR1.0).agency"
    assert "unknown agency 'Ministry of Magic'" in error.value.problem


def test_search_is_case_insensitive_needs_every_word_and_ranks_label_hits_first() -> None:
    found = ucd.search("EVICTION")
    assert found and found[0].code == "HO1.0"
    assert [r.code for r in ucd.search("complex eviction")][0] == "HO1.0"
    for row in ucd.search("looked after children foster"):
        text = f"{row.code} {row.label} {row.commentary}".lower()
        assert all(w in text for w in ("looked", "after", "children", "foster"))
    assert ucd.search("HO1.0")[0].code == "HO1.0"


def test_a_search_with_no_match_is_a_message_naming_the_search() -> None:
    assert ucd.search("zebra crossing quidditch") == []
    message = ucd.no_match("zebra  crossing quidditch")
    assert "“zebra crossing quidditch”" in message and "\n" not in message
    assert ucd.search("   ") == []


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["care", "cost", "per", "hospital", "child", "police", "year", "a&e", "xyz"]),
        min_size=1,
        max_size=3,
    )
)
def test_every_result_contains_every_word(words) -> None:
    results = ucd.search(" ".join(words))
    assert len(results) <= ucd.MAX_RESULTS
    for row in results:
        text = f"{row.code} {row.label} {row.commentary}".lower()
        assert all(w in text for w in words)
