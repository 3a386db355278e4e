"""The Check a claim page with AppTest: the claim is session state, survives page changes, travels in
the link, and an upload with a typo says what is valid and keeps the claim on screen."""

from __future__ import annotations

import json

import yaml
from streamlit.testing.v1 import AppTest

from roi.analysis import claims
from roi.inputs.schema import ClaimSpec
from tests.html_tables import page_tables
from ui import claim_state
from ui.text import md  # the page shows messages escaped for Markdown

from .test_pages import APP, TIMEOUT, metric, start

PAGE = "pages/5_Check_a_claim.py"


def open_page(at: AppTest | None = None) -> AppTest:
    at = at or start()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_example(at: AppTest, name: str = "district_direct") -> AppTest:
    """Choose a shipped example under "Start a new claim or open an example" and open it."""
    at.selectbox(key="claim-example").select(name).run()
    at.button(key="claim-open-example").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def key(at: AppTest, name: str) -> str:
    return f"claim{at.session_state['claim_generation']}-{name}"


def type_the_housing_claim(at: AppTest) -> None:
    """900 bed-days over 26 weeks, £270,000; the trust's own £350 bed-day (2024 prices); deadweight 30%."""
    at.text_input(key=key(at, "title")).input("Hospital discharge housing scheme").run()
    at.number_input(key=key(at, "amount")).set_value(270_000.0).run()
    at.number_input(key=key(at, "weeks")).set_value(26.0).run()
    at.number_input(key=key(at, "l0-qty")).set_value(900.0).run()
    at.radio(key=key(at, "l0-basis")).set_value("own").run()
    at.number_input(key=key(at, "l0-own")).set_value(350.0).run()
    at.number_input(key=key(at, "l0-own-year")).set_value(2024).run()
    at.number_input(key=key(at, "l0-deadweight")).set_value(30.0).run()
    assert not at.exception, [e.value for e in at.exception]


def test_the_typed_claim_uses_the_own_bed_day_and_survives_leaving_the_page():
    at = open_page()
    type_the_housing_claim(at)
    typed = at.session_state["claim"]
    line = typed.savings[0]
    assert (typed.claimed_saving, typed.period_weeks, line.quantity) == (270_000, 26, 900)
    assert (line.cost_basis, line.own_value, line.own_price_year, line.deadweight) == ("own", 350, 2024, 0.3)
    check = claims.check_claim(typed)
    assert round(check.adjusted, 2) == 198_450.00
    assert metric(at, "Adjusted, a year (2024 prices)") == "£198,450"
    at.switch_page("app.py").run()
    at.switch_page("pages/3_Savings_by_partner.py").run()
    open_page(at)
    assert at.session_state["claim"] == typed
    assert metric(at, "Claimed (26 weeks)") == "£270,000"
    assert at.number_input(key=key(at, "l0-deadweight")).value == 30.0
    assert at.number_input(key=key(at, "l0-own")).value == 350.0
    assert at.query_params[claims.LINK_PARAM] == claims.to_link(typed)


def test_an_uploaded_claim_with_a_typo_lists_the_valid_ids_and_keeps_the_claim():
    at = open_page()
    at.number_input(key=key(at, "amount")).set_value(200_000.0).run()
    before = at.session_state["claim"]
    data = before.model_dump(mode="json", exclude_none=True)
    data["savings"][0]["partner"] = "nhs_acut"
    at.file_uploader(key="claim-upload").upload("trust-claim.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")
    at.run()
    assert not at.exception
    message = next(e.value for e in at.error if md("trust-claim.yaml") in e.value)  # shown escaped
    assert md("savings[0].partner") in message and md("Did you mean 'nhs_acute'?") in message
    assert md("county_asc") in message and md("nhs_primary_care") in message  # the valid ids
    assert "unchanged" in message
    assert at.session_state["claim"] == before


def test_a_good_upload_replaces_the_claim():
    at = open_page()
    text = claims.template().encode()
    at.file_uploader(key="claim-upload").upload("claim-template.yaml", text, "application/x-yaml")
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["claim"] == claims.parse(text)
    assert metric(at, "Claimed (26 weeks)") == "£270,000"


def test_a_claim_link_opens_the_claim_in_a_fresh_session():
    spec = ClaimSpec.model_validate(
        {
            "claim": "Linked claim",
            "claimed_saving": 270_000,
            "period_weeks": 26,
            "savings": [{"unit_cost": "bed_day", "quantity": 900, "cost_basis": "own", "own_value": 350}],
        }
    )
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params[claims.LINK_PARAM] = claims.to_link(spec)
    at.run()
    open_page(at)
    assert at.session_state["claim"] == spec
    assert metric(at, "Claimed (26 weeks)") == "£270,000"


def test_a_damaged_claim_link_says_so_and_shows_a_blank_claim():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params[claims.LINK_PARAM] = "not-a-claim"
    at.run()
    open_page(at)
    assert any("shared link" in e.value and "damaged" in e.value and "blank claim" in e.value for e in at.error)
    assert at.session_state["claim"] == claim_state.BLANK


def test_the_page_offers_the_report_workbook_yaml_and_template():
    at = open_example(open_page())
    labels = {b.label for b in at.get("download_button")}
    assert {"Claim check report (PDF)", "Claim check workbook (Excel)", "This claim (YAML)"} <= labels
    assert "Template claim (YAML)" in labels


def test_tables_show_labels_and_pounds_not_ids():
    at = open_example(open_page())
    for frame in [*(f.value for f in at.dataframe), *(t.value for t in at.table), *page_tables(at)]:
        text = json.dumps(frame.reset_index().astype(str).to_dict())
        for internal in ("bed_day", "nhs_acute", "fiscal_cashable", "fiscal_non_cashable"):
            assert internal not in text, internal
    money = next(t for t in page_tables(at) if "Cash" in t.columns)
    assert money["Partner"].iloc[0] == "NHS acute hospital" and money["Cash"].iloc[0].startswith("£")
    steps = next(t.value for t in at.table if "Running total" in t.value.columns)
    # Every step in the claim's own 29 weeks: no annualisation step raises it.
    assert steps.loc["Uprating from 2018 to 2024 prices (GDP deflator)", "Change"] == "£48,651"
    assert steps["Running total"].iloc[-2] == "£78,792" and metric(at, "Adjusted (29 weeks, 2024 prices)") == "£78,792"
    assert not any("Annualisation" in label for label in steps.index)


# -- Issue 25, items 2 and 3: a blank start with the examples offered; a refused field keeps the last check.


def test_the_page_opens_on_a_blank_claim_with_the_examples_offered():
    at = open_page()
    assert at.session_state["claim"] == claim_state.BLANK
    assert not at.metric and any("open an example" in i.value for i in at.info)
    offered = at.selectbox(key="claim-example").options
    assert offered == [
        "A blank claim",
        "Example: District Direct pilot",
        "Example: Healthy Homes on Prescription (Wycombe)",
    ]
    assert at.text_area(key=key(at, "note")).value == ""  # no example's source follows a claim of your own
    open_example(at)
    assert metric(at, "Claimed (29 weeks)") == "£181,250"
    note = at.text_area(key=key(at, "note")).value
    assert note.startswith("Grant Thornton and the District Councils' Network, Transformation in localities toolkit")
    assert "seed" not in note.lower() and "lines" not in note
    sources = next(t.value for t in at.table if "Used as" in t.value.columns)
    assert not sources["Source"].str.contains(r"seed|\bline \d", case=False).any()  # as in the report


def shown(at: AppTest) -> tuple[list[str], set[str]]:
    return [m.value for m in at.metric], {b.label for b in at.get("download_button")}


def test_a_refused_price_year_or_claim_date_says_so_beside_the_field_and_keeps_the_check():
    at = open_example(open_page())
    before = shown(at)
    assert "Claim check workbook (Excel)" in before[1]
    at.number_input(key=key(at, "year")).set_value(1985).run()
    assert not at.exception
    assert any("Not applied" in e.value and "1985 is outside the GDP deflator" in e.value for e in at.error)
    assert shown(at) == before and at.session_state["claim"] == claims.load("district_direct")
    at.text_input(key=key(at, "claimed-on")).input("1985-04-01").run()
    assert any("Not applied" in e.value and "the claim's date: 1985" in e.value for e in at.error)
    assert shown(at) == before and at.session_state["claim"].claimed_on == 2018


def test_a_check_refused_after_the_claim_changed_keeps_the_last_good_check_on_screen():
    at = open_example(open_page())
    before = shown(at)
    # A claim the checker refuses (its date is outside the deflator) reaching the page by any route.
    at.session_state["claim"] = at.session_state["claim"].model_copy(update={"claimed_on": 1985})
    at.run()
    assert not at.exception
    assert any(md("claimed_on") in e.value and "last good check stays" in e.value for e in at.error)
    assert shown(at) == before


def test_the_source_note_is_editable_and_goes_into_the_excel_report():
    import io

    import pandas as pd

    from roi.outputs import claim_report

    at = open_example(open_page())
    at.text_area(key=key(at, "note")).input("Scheme's annual report 2024/25, page 12").run()
    assert at.session_state["claim"].note == "Scheme's annual report 2024/25, page 12"
    exported = claim_report.workbook(at.session_state["claim_last_check"])  # what the Excel button sends
    stated = pd.read_excel(io.BytesIO(exported), sheet_name="Claim as stated", header=2).set_index("Field")
    assert stated.loc["Source", "As stated"] == "Scheme's annual report 2024/25, page 12"
    assert "Grant Thornton" not in stated.to_string()
