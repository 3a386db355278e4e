"""'Find a unit cost' on Build the offer, Check a claim and Assumptions and evidence (AppTest): a search,
a search with no match, and a row used (its id goes into the scenario or claim and the results move)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

import roi
import roi.inputs.edit
from roi.inputs import ucd
from ui.text import md

from .test_pages import PAGES, metric, start


def _open(page: str) -> AppTest:
    at = start()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _search(at: AppTest, key: str, words: str) -> None:
    at.text_input(key=f"{key}-words").input(words).run()
    assert not at.exception, [e.value for e in at.exception]


def _infos(at: AppTest) -> list[str]:
    return [i.value for i in at.info]


def test_build_the_offer_adds_a_row_as_an_outcome_and_the_npv_moves() -> None:
    at = _open("pages/1_Build_the_offer.py")
    _search(at, "build-ucd", "zebra quidditch")
    assert ucd.no_match("zebra quidditch") in _infos(at)
    _search(at, "build-ucd", "complex eviction")
    assert next(d.value for d in at.dataframe if "Code" in d.value.columns)["Code"].iloc[0] == "HO1.0"
    before = metric(at, "Net present value")
    at.selectbox(key="build-ucd-row").select("ucd:HO1.0").run()
    at.button(key="build-ucd-use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    spec = at.session_state["spec"]
    added = [o for c in spec.interventions for o in (c.outcomes or ()) if o.unit_cost == "ucd:HO1.0"]
    assert len(added) == 1 and added[0].quantity_per_case == 0
    scenario = roi.resolve(spec)
    assert scenario.unit_costs["ucd:HO1.0"].label.endswith("[GMCA UCD v1.4 (2015), amber]")
    # at quantity 0 the net present value is unchanged; the intervention's panel opens on the new outcome,
    # whose quantity moves it
    assert metric(at, "Net present value") == before
    qty = next(n for n in at.number_input if n.key and n.key.endswith(f"{added_to(spec)}-ucd:HO1.0-q"))
    qty.set_value(0.5).run()
    assert not at.exception, [e.value for e in at.exception]
    after = metric(at, "Net present value")
    assert after != before
    expected = roi.run(
        roi.inputs.edit.apply(
            spec, {"intervention": added_to(spec), "outcome": "ucd:HO1.0", "field": "quantity_per_case", "value": 0.5}
        )[1]
    ).totals["npv"]
    assert after == roi.pounds(expected)


def added_to(spec) -> str:
    return next(c.id for c in spec.interventions if any(o.unit_cost == "ucd:HO1.0" for o in c.outcomes or ()))


def test_check_a_claim_adds_a_line_on_a_row_and_the_check_moves() -> None:
    at = _open("pages/5_Check_a_claim.py")
    _search(at, "claim-ucd", "zebra quidditch")
    assert ucd.no_match("zebra quidditch") in _infos(at)
    _search(at, "claim-ucd", "eviction")
    lines = len(at.session_state["claim"].savings)
    at.selectbox(key="claim-ucd-row").select("ucd:HO1.0").run()
    at.button(key="claim-ucd-use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    claim = at.session_state["claim"]
    assert len(claim.savings) == lines + 1 and claim.savings[-1].unit_cost == "ucd:HO1.0"
    assert any("GMCA UCD v1.4 (2015), amber" in str(o) for s in at.selectbox for o in s.options)


def test_assumptions_page_states_the_licence_and_finds_rows() -> None:
    at = _open("pages/2_Assumptions_and_evidence.py")
    assert any(md("CC BY 4.0") in c.value and "New Economy" in c.value for c in at.caption)
    _search(at, "assumptions-ucd", "zebra quidditch")
    assert ucd.no_match("zebra quidditch") in _infos(at)
    _search(at, "assumptions-ucd", "looked after children")
    table = next(d.value for d in at.dataframe if "Code" in d.value.columns)
    assert "SS1.0" in list(table["Code"])
    assert {text.split(" · ", 1)[0] for text in table["Grade, borne by"]} <= {"red", "amber", "green"}


def test_every_page_runs_with_a_row_in_the_scenario_and_the_claim() -> None:
    at = _open("pages/1_Build_the_offer.py")
    _search(at, "build-ucd", "complex eviction")
    at.selectbox(key="build-ucd-row").select("ucd:HO1.0").run()
    at.button(key="build-ucd-use").click().run()
    at.switch_page("pages/5_Check_a_claim.py").run()
    _search(at, "claim-ucd", "eviction")
    at.selectbox(key="claim-ucd-row").select("ucd:HO1.0").run()
    at.button(key="claim-ucd-use").click().run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_a_damaged_database_is_one_line_on_the_page_and_the_page_stands(monkeypatch) -> None:
    problem = roi.InputError("gmca_ucd.yaml", "rows[0] (CR1.0)", "no value: give a fiscal, economic or social value")

    def damaged(library=None):  # noqa: ANN001, ANN202
        raise problem

    monkeypatch.setattr(ucd, "load", damaged)
    at = _open("pages/2_Assumptions_and_evidence.py")
    assert md(str(problem)) in [e.value for e in at.error]
    _search(at, "assumptions-ucd", "eviction")
    assert not at.exception and [e.value for e in at.error].count(md(str(problem))) == 2
    assert at.subheader  # the rest of the page is drawn
