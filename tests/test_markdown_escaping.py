"""User text never acts as Markdown: each place a name, label or message reaches a page shows it as text.

The hostile text would, unescaped, make every viewer's browser fetch an outside image, show a
clickable link inside the app's own title, colour text and link an address.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import roi
from roi.inputs import share
from roi.inputs.schema import ScenarioSpec
from tests.conftest import open_panels
from ui.text import WORD_JOINER, md

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EVIL = "![pixel](https://evil.example/p.png) [phish](https://evil.example) <b>bold</b> :red[red] www.evil.example"
RAW = ("](https://", "![", ":red[", "<b>")  # what must never reach Markdown unescaped


def test_md_escapes_every_construct_that_could_link_fetch_or_format():
    shown = md(EVIL + "\nsecond line")
    for raw in (*RAW, "www.evil", "\n"):
        assert raw not in shown
    # The same characters, shown as written, with an invisible word joiner breaking each autolink.
    assert shown.replace("\\", "").replace(WORD_JOINER, "") == EVIL + " second line"
    for autolink in ("://", "www.", "@e"):
        assert autolink not in shown.replace("\\", "")


def hostile_spec() -> ScenarioSpec:
    scenario = roi.load_scenario("district_offer")
    data = scenario.spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    data["name"] = EVIL
    data["interventions"] = [{"id": c["id"], "label": f"{EVIL} {c['id']}"} for c in data["interventions"]]
    used = {outcome.unit_cost for intervention in scenario.interventions for outcome in intervention.outcomes}
    data["unit_costs"] = {cost: {"label": EVIL} for cost in sorted(used)}
    return ScenarioSpec.model_validate(data)


def texts(at: AppTest) -> list[str]:
    """Everything on the page that Streamlit renders as Markdown."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success")
    found = [element.value for kind in kinds for element in getattr(at, kind)]
    return found + [expander.label for expander in at.expander]


def assert_nothing_raw(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    for text in texts(at):
        for raw in RAW:
            assert raw not in text, (raw, text)


@pytest.fixture(scope="module")
def linked() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["s"] = share.encode(hostile_spec())
    return at.run()


def test_overview_title_escapes_the_scenario_name(linked):
    linked.switch_page("app.py").run()  # the module's tests share one session: back to the Overview
    assert linked.title[0].value == md(EVIL)
    assert_nothing_raw(linked)


def test_overview_notes_escape_intervention_labels(linked):
    linked.switch_page("app.py").run()
    notes = [m.value for m in linked.markdown if m.value.startswith("- ")]
    assert any(md(f"{EVIL} handyperson") in note for note in notes), notes
    assert_nothing_raw(linked)


def test_build_the_offer_expander_labels_and_avoids_lines_escape_labels(linked):
    linked.switch_page("pages/1_Build_the_offer.py").run()
    open_panels(linked, *(i.id for i in roi.resolve(hostile_spec()).interventions))  # every panel's inputs
    assert any(md(f"{EVIL} dfg_adaptation") in e.label for e in linked.expander)
    assert any(m.value.startswith(f"**Avoids: {md(EVIL)}**") for m in linked.markdown)
    assert_nothing_raw(linked)


@pytest.mark.parametrize(
    "page",
    [
        "pages/2_Assumptions_and_evidence.py",
        "pages/3_Savings_by_partner.py",
        "pages/4_Uncertainty_and_sensitivity.py",
        "pages/6_Compare_scenarios.py",
    ],
)
def test_other_pages_show_hostile_labels_as_text(linked, page):
    linked.switch_page(page).run()
    assert_nothing_raw(linked)


def test_error_boxes_escape_the_rejected_value_and_file_name():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/2_Assumptions_and_evidence.py").run()
    at.file_uploader(key="upload-0").upload(
        "[x](https:evil.example).yaml", f"name: {EVIL!r}\ninterventions: 7\n".encode(), "application/x-yaml"
    ).run()
    assert at.error
    assert_nothing_raw(at)


def test_compare_page_escapes_a_session_scenario_name():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["saved"] = {EVIL: roi.load_scenario("dfg_single").spec}  # as an upload leaves it
    at.switch_page("pages/6_Compare_scenarios.py").run()
    at.multiselect(key="compare-pick").set_value(["On screen now", f"{EVIL} (this session)"]).run()
    assert any(md(EVIL) in m.value for m in at.markdown)
    assert_nothing_raw(at)
